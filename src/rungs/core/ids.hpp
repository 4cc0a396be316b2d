#pragma once
// Strong ids: a TrialId handed where a WorkerId is expected does not compile.
#include <cstdint>
#include <functional>

namespace rungs::core {

struct TrialId {
  std::int64_t value = -1;
  friend bool operator==(TrialId a, TrialId b) { return a.value == b.value; }
  friend bool operator!=(TrialId a, TrialId b) { return a.value != b.value; }
  friend bool operator<(TrialId a, TrialId b) { return a.value < b.value; }
};

struct WorkerId {
  int value = -1;  // the MPI rank that owns the worker
  friend bool operator==(WorkerId a, WorkerId b) { return a.value == b.value; }
  friend bool operator!=(WorkerId a, WorkerId b) { return a.value != b.value; }
};

}  // namespace rungs::core

template <>
struct std::hash<rungs::core::TrialId> {
  std::size_t operator()(rungs::core::TrialId t) const noexcept {
    return std::hash<std::int64_t>()(t.value);
  }
};
