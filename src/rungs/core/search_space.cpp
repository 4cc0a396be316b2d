#include "rungs/core/search_space.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace rungs::core {

const char* to_string(ParamType t) {
  switch (t) {
    case ParamType::kFloat: return "float";
    case ParamType::kInt: return "int";
    case ParamType::kCategorical: return "categorical";
  }
  return "unknown";
}

ParamSpec ParamSpec::float_range(std::string name, double low, double high, bool log) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::kFloat;
  s.low = low;
  s.high = high;
  s.log = log;
  return s;
}

ParamSpec ParamSpec::int_range(std::string name, std::int64_t low, std::int64_t high, bool log) {
  ParamSpec s = float_range(std::move(name), static_cast<double>(low),
                            static_cast<double>(high), log);
  s.type = ParamType::kInt;
  return s;
}

ParamSpec ParamSpec::int_set(std::string name, std::vector<std::int64_t> choices) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::kInt;
  s.int_choices = std::move(choices);
  return s;
}

ParamSpec ParamSpec::categorical(std::string name, std::vector<std::string> choices,
                                 std::vector<double> weights) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = ParamType::kCategorical;
  s.choices = std::move(choices);
  s.weights = std::move(weights);
  return s;
}

std::string ParamSpec::validate() const {
  std::ostringstream err;
  if (name.empty()) return "a parameter has an empty name";
  switch (type) {
    case ParamType::kFloat:
    case ParamType::kInt:
      if (type == ParamType::kInt && !int_choices.empty()) return "";
      if (!std::isfinite(low) || !std::isfinite(high)) {
        return "low and high must be finite numbers";
      }
      if (low >= high) {
        err << "low (" << low << ") must be less than high (" << high
            << "); swap them or widen the range";
        return err.str();
      }
      if (log && low <= 0.0) {
        err << "a log range needs low > 0, got low = " << low
            << "; use a positive lower bound such as 1e-6, or drop log: true";
        return err.str();
      }
      return "";
    case ParamType::kCategorical:
      if (choices.empty()) return "choices is empty; list at least one value";
      if (!weights.empty()) {
        if (weights.size() != choices.size()) {
          err << "weights has " << weights.size() << " entries but choices has "
              << choices.size() << "; give one weight per choice";
          return err.str();
        }
        double total = 0.0;
        for (double w : weights) {
          if (!(w >= 0.0) || !std::isfinite(w)) return "weights must be finite and >= 0";
          total += w;
        }
        if (total <= 0.0) return "weights sum to 0; give at least one positive weight";
      }
      return "";
  }
  return "unknown parameter type";
}

std::string format_value(const ParamValue& v) {
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", *d);
    return buf;
  }
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  return std::get<std::string>(v);
}

void ParamSet::set(const std::string& name, ParamValue value) {
  for (auto& [n, v] : items_) {
    if (n == name) {
      v = std::move(value);
      return;
    }
  }
  items_.emplace_back(name, std::move(value));
}

const ParamValue* ParamSet::find(const std::string& name) const {
  for (const auto& [n, v] : items_) {
    if (n == name) return &v;
  }
  return nullptr;
}

bool ParamSet::has(const std::string& name) const { return find(name) != nullptr; }

double ParamSet::get_double(const std::string& name, double fallback) const {
  const ParamValue* v = find(name);
  if (!v) return fallback;
  if (const auto* d = std::get_if<double>(v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(v)) return static_cast<double>(*i);
  throw std::invalid_argument("parameter '" + name + "' is a string, expected a number");
}

std::int64_t ParamSet::get_int(const std::string& name, std::int64_t fallback) const {
  const ParamValue* v = find(name);
  if (!v) return fallback;
  if (const auto* i = std::get_if<std::int64_t>(v)) return *i;
  if (const auto* d = std::get_if<double>(v)) return static_cast<std::int64_t>(std::llround(*d));
  throw std::invalid_argument("parameter '" + name + "' is a string, expected an integer");
}

std::string ParamSet::get_string(const std::string& name, const std::string& fallback) const {
  const ParamValue* v = find(name);
  if (!v) return fallback;
  return format_value(*v);
}

std::string ParamSet::to_string() const {
  std::string s;
  for (const auto& [n, v] : items_) {
    if (!s.empty()) s += ' ';
    s += n + '=' + format_value(v);
  }
  return s;
}

void SearchSpace::add(ParamSpec spec) {
  std::string problem = spec.validate();
  if (!problem.empty()) throw std::invalid_argument(spec.name + ": " + problem);
  if (find(spec.name)) throw std::invalid_argument(spec.name + ": defined twice");
  params_.push_back(std::move(spec));
}

const ParamSpec* SearchSpace::find(const std::string& name) const {
  for (const auto& p : params_) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace rungs::core
