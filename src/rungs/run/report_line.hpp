#pragma once
// The lines a command trial's program writes on RUNGS_REPORT_FD, one JSON
// object each (docs/command-trials.md):
//
//   {"step": 3, "val_loss": 0.41, "val_accuracy": 0.9}   a step's metrics
//   {"checkpoint": 3}                                     state at step 3 is saved
//
// and the verdict rungs writes back after each step, which the Python
// helper waits for: {"verdict": "continue" | "stop" | "suspend"}.
#include <cstdint>
#include <string>
#include <vector>

#include "rungs/core/metrics.hpp"

namespace rungs::run {

struct ProgramReport {
  enum class Kind { kStep, kCheckpoint };
  Kind kind = Kind::kStep;
  std::int64_t step = 0;
  std::vector<double> values;  // kStep: one per declared metric, in declared order
};

// Parses one line against the declared metrics. Throws std::runtime_error
// saying what is wrong: not a JSON object, no whole "step" >= 1, a metric
// that is not declared, a declared one missing, a value that is not a
// finite number (NaN and Infinity included, which Python's json writes).
ProgramReport parse_report_line(const std::string& line, const std::vector<core::MetricSpec>& metrics);

// The reply to a step: "{\"verdict\": \"continue\"}\n" and so on.
std::string verdict_line(const char* verdict);

}  // namespace rungs::run
