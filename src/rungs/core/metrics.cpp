#include "rungs/core/metrics.hpp"

#include <algorithm>
#include <cctype>

namespace rungs::core {

std::optional<std::size_t> metric_index(const std::vector<MetricSpec>& metrics,
                                        const std::string& name) {
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    if (metrics[i].name == name) return i;
  }
  return std::nullopt;
}

std::vector<std::string> metric_names(const std::vector<MetricSpec>& metrics) {
  std::vector<std::string> names;
  names.reserve(metrics.size());
  for (const MetricSpec& m : metrics) names.push_back(m.name);
  return names;
}

std::string check_metric_names(const std::vector<MetricSpec>& metrics) {
  static const std::vector<std::string> kCurveColumns = {"trial_id", "step", "metric", "seconds"};
  if (metrics.empty()) return "no metrics are declared";
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    const std::string& n = metrics[i].name;
    if (n.empty()) return "metric " + std::to_string(i + 1) + " has an empty name";
    const bool plain = std::all_of(n.begin(), n.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
    });
    if (!plain) return "metric '" + n + "' has characters other than letters, digits, _.-";
    if (std::find(kCurveColumns.begin(), kCurveColumns.end(), n) != kCurveColumns.end()) {
      return "metric '" + n + "' has the name of a curve column (trial_id, step, metric, seconds)";
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (metrics[j].name == n) return "metric '" + n + "' is declared twice";
    }
  }
  return "";
}

const char* to_string(ObjectiveMode mode) { return mode == ObjectiveMode::kMax ? "max" : "min"; }

std::optional<ObjectiveMode> parse_objective_mode(const std::string& text) {
  if (text == "max") return ObjectiveMode::kMax;
  if (text == "min") return ObjectiveMode::kMin;
  return std::nullopt;
}

}  // namespace rungs::core
