#include "rungs/run/report_line.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace rungs::run {

namespace {

using nlohmann::json;

std::string quoted(const std::string& line) {
  constexpr std::size_t kMax = 200;
  return "'" + (line.size() > kMax ? line.substr(0, kMax) + "..." : line) + "'";
}

std::int64_t whole_step(const json& v, const char* key, const std::string& line) {
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return v.get<std::int64_t>();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (d >= 0 && d == std::floor(d) && d < 9e15) return static_cast<std::int64_t>(d);
  }
  throw std::runtime_error(std::string("report line ") + quoted(line) + ": \"" + key +
                           "\" must be a whole number >= 0");
}

}  // namespace

ProgramReport parse_report_line(const std::string& line,
                                const std::vector<core::MetricSpec>& metrics) {
  json j;
  try {
    j = json::parse(line);
  } catch (const json::parse_error&) {
    if (line.find("NaN") != std::string::npos || line.find("Infinity") != std::string::npos) {
      throw std::runtime_error("report line " + quoted(line) +
                               " holds NaN or Infinity: a metric is not a finite number");
    }
    throw std::runtime_error("report line " + quoted(line) + " is not JSON");
  }
  if (!j.is_object()) throw std::runtime_error("report line " + quoted(line) + " is not a JSON object");
  ProgramReport r;
  if (j.contains("checkpoint")) {
    if (j.size() != 1) {
      throw std::runtime_error("report line " + quoted(line) +
                               ": a checkpoint report holds \"checkpoint\" alone");
    }
    r.kind = ProgramReport::Kind::kCheckpoint;
    r.step = whole_step(j["checkpoint"], "checkpoint", line);
    return r;
  }
  if (!j.contains("step")) {
    throw std::runtime_error("report line " + quoted(line) +
                             " has no \"step\" (nor \"checkpoint\")");
  }
  r.step = whole_step(j["step"], "step", line);
  if (r.step < 1) throw std::runtime_error("report line " + quoted(line) + ": steps count from 1");
  for (const auto& [key, value] : j.items()) {
    if (key == "step") continue;
    if (!core::metric_index(metrics, key)) {
      throw std::runtime_error("report line " + quoted(line) + " names the metric '" + key +
                               "', which model.metrics does not declare (" +
                               [&] {
                                 std::string names;
                                 for (const auto& m : metrics) names += (names.empty() ? "" : ", ") + m.name;
                                 return names;
                               }() +
                               ")");
    }
  }
  r.values.reserve(metrics.size());
  for (const auto& m : metrics) {
    const auto it = j.find(m.name);
    if (it == j.end()) {
      throw std::runtime_error("step " + std::to_string(r.step) + " does not report '" + m.name +
                               "', which model.metrics declares: every step reports every "
                               "declared metric");
    }
    if (!it->is_number() || !std::isfinite(it->get<double>())) {
      throw std::runtime_error("step " + std::to_string(r.step) + ": '" + m.name + "' is " +
                               (it->is_null() ? std::string("null (NaN or Infinity)")
                                              : it->dump()) +
                               ", not a finite number");
    }
    r.values.push_back(it->get<double>());
  }
  return r;
}

std::string verdict_line(const char* verdict) {
  return std::string("{\"verdict\": \"") + verdict + "\"}\n";
}

}  // namespace rungs::run
