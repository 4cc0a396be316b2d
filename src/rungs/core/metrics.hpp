#pragma once
// Metrics as data. A trial reports, at every step, one value per metric its
// model (or program) declares, in the declared order; the sweep's objective
// names one of them. Nothing below the model knows what the metrics are
// called: the wire, the journal, the archive and the export carry whatever
// set the sweep declares.
//
//   std::vector<MetricSpec> declared = {{"loss", ObjectiveMode::kMin},
//                                       {"r2", ObjectiveMode::kMax}};
//   std::size_t objective = *metric_index(declared, "r2");  // 1
//   double value = point.values[objective];
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "rungs/core/trial.hpp"

namespace rungs::core {

// One metric a trial reports at every step, and which way is better (the
// objective's default mode when it names this metric).
struct MetricSpec {
  std::string name;
  ObjectiveMode better = ObjectiveMode::kMin;

  bool operator==(const MetricSpec& o) const { return name == o.name && better == o.better; }
  bool operator!=(const MetricSpec& o) const { return !(*this == o); }
};

// The position of `name` among `metrics`; nullopt when it is not declared.
std::optional<std::size_t> metric_index(const std::vector<MetricSpec>& metrics,
                                        const std::string& name);

// The names, in order.
std::vector<std::string> metric_names(const std::vector<MetricSpec>& metrics);

// Why this set of metrics cannot be a sweep's ("" when it can): none at all,
// an empty or duplicate name, a name that is not a plain identifier (letters,
// digits, '_', '.', '-'; the archive makes a column of each), or one that the
// curve table uses for its own columns (trial_id, step, metric, seconds).
std::string check_metric_names(const std::vector<MetricSpec>& metrics);

// "min" or "max".
const char* to_string(ObjectiveMode mode);
std::optional<ObjectiveMode> parse_objective_mode(const std::string& text);

}  // namespace rungs::core
