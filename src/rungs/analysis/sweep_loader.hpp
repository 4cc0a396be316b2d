#pragma once
// Reads a sweep as it stands now: the archive, brought up to date with the
// journal beside it when the sweep has not finished (it is running, or was
// killed). Read-only: neither file is changed.
#include <string>

#include "rungs/core/sweep_record.hpp"

namespace rungs::analysis {

struct LoadedSweep {
  core::SweepRecord record;
  bool from_journal = false;   // the journal added what the archive did not have yet
  std::size_t journal_events = 0;
};

LoadedSweep load_sweep(const std::string& archive_path);

}  // namespace rungs::analysis
