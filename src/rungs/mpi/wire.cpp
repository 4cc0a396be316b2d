#include "rungs/mpi/wire.hpp"

#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace rungs::mpi {
namespace {

// All ranks of a job run the same binary on the same architecture, so plain
// native-endian copies suffice.
class Writer {
 public:
  template <typename T>
  void put(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    const char* p = reinterpret_cast<const char*>(&v);
    out_.insert(out_.end(), p, p + sizeof(T));
  }
  void put_string(const std::string& s) {
    put<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
    out_.insert(out_.end(), s.begin(), s.end());
  }
  Bytes take() { return std::move(out_); }

 private:
  Bytes out_;
};

class Reader {
 public:
  explicit Reader(const Bytes& in) : in_(in) {}
  template <typename T>
  T get() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, in_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string get_string() {
    const auto n = get<std::uint32_t>();
    need(n);
    std::string s(in_.data() + pos_, n);
    pos_ += n;
    return s;
  }
  void expect_end() const {
    if (pos_ != in_.size()) throw std::runtime_error("wire: trailing bytes in message");
  }

 private:
  void need(std::size_t n) const {
    if (pos_ + n > in_.size()) throw std::runtime_error("wire: truncated message");
  }
  const Bytes& in_;
  std::size_t pos_ = 0;
};

enum class ValueKind : std::uint8_t { kDouble = 0, kInt = 1, kString = 2 };

}  // namespace

Bytes encode(const core::Job& job) {
  Writer w;
  w.put(job.trial.value);
  w.put(job.rung);
  w.put(job.from_resource);
  w.put(job.to_resource);
  w.put(job.seed);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(job.decision_steps.size()));
  for (std::int64_t step : job.decision_steps) w.put(step);
  w.put<std::uint32_t>(static_cast<std::uint32_t>(job.params.items().size()));
  for (const auto& [name, value] : job.params.items()) {
    w.put_string(name);
    if (const auto* d = std::get_if<double>(&value)) {
      w.put(ValueKind::kDouble);
      w.put(*d);
    } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
      w.put(ValueKind::kInt);
      w.put(*i);
    } else {
      w.put(ValueKind::kString);
      w.put_string(std::get<std::string>(value));
    }
  }
  return w.take();
}

core::Job decode_job(const Bytes& bytes) {
  Reader r(bytes);
  core::Job job;
  job.trial.value = r.get<std::int64_t>();
  job.rung = r.get<int>();
  job.from_resource = r.get<std::int64_t>();
  job.to_resource = r.get<std::int64_t>();
  job.seed = r.get<std::uint64_t>();
  const auto steps = r.get<std::uint32_t>();
  for (std::uint32_t i = 0; i < steps; ++i) job.decision_steps.push_back(r.get<std::int64_t>());
  const auto n = r.get<std::uint32_t>();
  for (std::uint32_t i = 0; i < n; ++i) {
    std::string name = r.get_string();
    switch (r.get<ValueKind>()) {
      case ValueKind::kDouble: job.params.set(name, r.get<double>()); break;
      case ValueKind::kInt: job.params.set(name, r.get<std::int64_t>()); break;
      case ValueKind::kString: job.params.set(name, r.get_string()); break;
      default: throw std::runtime_error("wire: bad parameter kind");
    }
  }
  r.expect_end();
  return job;
}

Bytes encode(const StepMessage& s) {
  Writer w;
  w.put(s.trial.value);
  w.put(s.metrics);
  w.put<std::uint8_t>(s.wants_verdict ? 1 : 0);
  return w.take();
}

StepMessage decode_step(const Bytes& bytes) {
  Reader r(bytes);
  StepMessage s;
  s.trial.value = r.get<std::int64_t>();
  s.metrics = r.get<train::StepMetrics>();
  s.wants_verdict = r.get<std::uint8_t>() != 0;
  r.expect_end();
  return s;
}

Bytes encode(const JobEndMessage& e) {
  Writer w;
  w.put(e.trial.value);
  w.put<std::uint8_t>(e.ok ? 1 : 0);
  w.put_string(e.error);
  w.put(e.interrupted_at);
  return w.take();
}

JobEndMessage decode_job_end(const Bytes& bytes) {
  Reader r(bytes);
  JobEndMessage e;
  e.trial.value = r.get<std::int64_t>();
  e.ok = r.get<std::uint8_t>() != 0;
  e.error = r.get_string();
  e.interrupted_at = r.get<std::int64_t>();
  r.expect_end();
  return e;
}

Bytes encode_stop(core::TrialId trial) {
  Writer w;
  w.put(trial.value);
  return w.take();
}

Bytes encode(const VerdictMessage& v) {
  Writer w;
  w.put(v.trial.value);
  w.put<std::uint8_t>(v.stop ? 1 : 0);
  return w.take();
}

VerdictMessage decode_verdict(const Bytes& bytes) {
  Reader r(bytes);
  VerdictMessage v;
  v.trial.value = r.get<std::int64_t>();
  v.stop = r.get<std::uint8_t>() != 0;
  r.expect_end();
  return v;
}

core::TrialId decode_stop(const Bytes& bytes) {
  Reader r(bytes);
  core::TrialId t{r.get<std::int64_t>()};
  r.expect_end();
  return t;
}

Bytes encode_text(const std::string& text) {
  Writer w;
  w.put_string(text);
  return w.take();
}

std::string decode_text(const Bytes& bytes) {
  Reader r(bytes);
  std::string text = r.get_string();
  r.expect_end();
  return text;
}

}  // namespace rungs::mpi
