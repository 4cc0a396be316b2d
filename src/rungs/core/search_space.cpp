#include "rungs/core/search_space.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
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

ParamSpec ParamSpec::constant(std::string name, ParamValue value) {
  ParamSpec s;
  s.name = std::move(name);
  if (std::holds_alternative<double>(value)) s.type = ParamType::kFloat;
  if (std::holds_alternative<std::int64_t>(value)) s.type = ParamType::kInt;
  if (std::holds_alternative<std::string>(value)) s.type = ParamType::kCategorical;
  s.fixed = std::move(value);
  return s;
}

namespace {

bool is_whole(double d) { return std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e18; }

// The fixed value in the type the samplers emit for this parameter (an int
// for ints, a double for floats), or nothing when it cannot be converted.
std::optional<ParamValue> normalise(ParamType type, const ParamValue& v) {
  const auto* d = std::get_if<double>(&v);
  const auto* i = std::get_if<std::int64_t>(&v);
  switch (type) {
    case ParamType::kFloat:
      if (d && std::isfinite(*d)) return v;
      if (i) return static_cast<double>(*i);
      return std::nullopt;
    case ParamType::kInt:
      if (i) return v;
      if (d && is_whole(*d)) return static_cast<std::int64_t>(*d);
      return std::nullopt;
    case ParamType::kCategorical:
      if (std::holds_alternative<std::string>(v)) return v;
      return std::nullopt;
  }
  return std::nullopt;
}

std::string check_fixed(const ParamSpec& s) {
  if (normalise(s.type, *s.fixed)) return "";
  std::ostringstream err;
  err << "value " << format_value(*s.fixed) << " is not a valid " << to_string(s.type)
      << (s.type == ParamType::kFloat ? " (it must be a finite number)"
          : s.type == ParamType::kInt ? " (it must be a whole number)"
                                      : " (it must be a string)")
      << "; change the value or the type";
  return err.str();
}

std::string check_numeric_range(const ParamSpec& s) {
  std::ostringstream err;
  if (!std::isfinite(s.low) || !std::isfinite(s.high)) {
    return "low and high must be finite numbers";
  }
  if (s.low >= s.high) {
    err << "low (" << s.low << ") must be less than high (" << s.high
        << "); swap them or widen the range";
    return err.str();
  }
  if (s.type == ParamType::kInt && !(is_whole(s.low) && is_whole(s.high))) {
    err << "an int range needs whole-number bounds, got low = " << s.low << ", high = " << s.high
        << "; round them or use type: float";
    return err.str();
  }
  if (s.log && s.low <= 0.0) {
    err << "a log range needs low > 0, got low = " << s.low
        << "; use a positive lower bound such as 1e-6, or drop log: true";
    return err.str();
  }
  return "";
}

// step only means something on an int range; it must leave at least two values.
std::string check_step(const ParamSpec& s) {
  std::ostringstream err;
  if (s.step < 1) {
    err << "step must be >= 1, got " << s.step;
    return err.str();
  }
  if (s.step == 1) return "";
  if (s.type != ParamType::kInt) return "step applies to int ranges only; remove it";
  if (!s.int_choices.empty()) return "step applies to int ranges, not to choices; remove it";
  if (s.log) {
    return "log: true and step cannot be combined for an int range (a log scale has no "
           "fixed step); drop one of them";
  }
  const double width = std::floor(s.high) - std::ceil(s.low);
  if (static_cast<double>(s.step) > width) {
    err << "step (" << s.step << ") is larger than high - low (" << width
        << "), so only low could be drawn; use a smaller step or a wider range";
    return err.str();
  }
  return "";
}

std::string check_grid_points(const ParamSpec& s) {
  if (s.grid_points == 0) return "";
  if (s.type != ParamType::kFloat) {
    return "grid: n applies to float ranges only (int ranges and choices are enumerated "
           "whole); remove it";
  }
  if (s.grid_points < 2) {
    return "grid needs at least 2 points (low and high), got " +
           std::to_string(s.grid_points);
  }
  return "";
}

std::string check_categorical(const ParamSpec& s) {
  std::ostringstream err;
  if (s.choices.empty()) return "choices is empty; list at least one value";
  if (s.weights.empty()) return "";
  if (s.weights.size() != s.choices.size()) {
    err << "weights has " << s.weights.size() << " entries but choices has " << s.choices.size()
        << "; give one weight per choice";
    return err.str();
  }
  double total = 0.0;
  for (double w : s.weights) {
    if (!(w >= 0.0) || !std::isfinite(w)) return "weights must be finite and >= 0";
    total += w;
  }
  if (total <= 0.0) return "weights sum to 0; give at least one positive weight";
  return "";
}

std::string check_conditions(const ParamSpec& s) {
  for (const Condition& c : s.when) {
    if (c.parent.empty()) return "a 'when' condition names no parameter";
    if (c.values.empty()) {
      return "'when' on " + c.parent + " lists no values; list the values that activate " +
             s.name;
    }
  }
  return "";
}

std::string check_domain(const ParamSpec& s) {
  if (s.fixed) return check_fixed(s);
  std::string problem;
  if (s.type == ParamType::kCategorical) {
    problem = check_categorical(s);
  } else if (s.type == ParamType::kFloat || s.int_choices.empty()) {
    problem = check_numeric_range(s);
  }
  if (problem.empty()) problem = check_step(s);
  if (problem.empty()) problem = check_grid_points(s);
  return problem;
}

}  // namespace

std::string ParamSpec::validate() const {
  if (name.empty()) return "a parameter has an empty name";
  std::string problem = check_domain(*this);
  return problem.empty() ? check_conditions(*this) : problem;
}

std::int64_t ParamSpec::int_low() const { return static_cast<std::int64_t>(std::ceil(low)); }

std::int64_t ParamSpec::int_count() const {
  const auto hi = static_cast<std::int64_t>(std::floor(high));
  return (hi - int_low()) / step + 1;
}

std::int64_t ParamSpec::int_top() const { return int_low() + (int_count() - 1) * step; }

bool ParamSpec::can_take(const ParamValue& v) const {
  const std::optional<ParamValue> n = normalise(type, v);
  if (!n) return false;
  if (fixed) return *n == normalise(type, *fixed).value_or(*fixed);
  switch (type) {
    case ParamType::kFloat: {
      const double d = std::get<double>(*n);
      return d >= low && d <= high;
    }
    case ParamType::kInt: {
      const std::int64_t i = std::get<std::int64_t>(*n);
      if (!int_choices.empty()) {
        return std::find(int_choices.begin(), int_choices.end(), i) != int_choices.end();
      }
      return i >= int_low() && i <= int_top() && (i - int_low()) % step == 0;
    }
    case ParamType::kCategorical:
      return std::find(choices.begin(), choices.end(), std::get<std::string>(*n)) !=
             choices.end();
  }
  return false;
}

namespace {

// floor(u * n) clamped into [0, n): u is in [0, 1) but rounding may reach 1.
std::size_t index_at(double u, std::size_t n) {
  const auto i = static_cast<std::size_t>(u * static_cast<double>(n));
  return i < n ? i : n - 1;
}

double float_at(const ParamSpec& s, double u) {
  if (s.log) {
    const double v = std::exp(std::log(s.low) + u * (std::log(s.high) - std::log(s.low)));
    return std::min(std::max(v, s.low), s.high);
  }
  return s.low + u * (s.high - s.low);
}

std::int64_t int_at(const ParamSpec& s, double u) {
  if (!s.int_choices.empty()) return s.int_choices[index_at(u, s.int_choices.size())];
  const std::int64_t lo = s.int_low(), hi = s.int_top();
  if (s.log) {
    // Log-uniform over [lo - 0.5, hi + 0.5), rounded: every integer reachable.
    const double a = std::log(lo - 0.5 > 0 ? lo - 0.5 : lo), b = std::log(hi + 0.5);
    const auto v = static_cast<std::int64_t>(std::llround(std::exp(a + u * (b - a))));
    return std::min(std::max(v, lo), hi);
  }
  return lo + s.step * static_cast<std::int64_t>(index_at(u, s.int_count()));
}

const std::string& categorical_at(const ParamSpec& s, double u) {
  if (s.weights.empty()) return s.choices[index_at(u, s.choices.size())];
  double total = 0.0;
  for (double w : s.weights) total += w;
  double rest = u * total;
  for (std::size_t i = 0; i < s.choices.size(); ++i) {
    if (rest < s.weights[i]) return s.choices[i];
    rest -= s.weights[i];
  }
  // Rounding can leave a hair above the last weight: take the last positive.
  for (std::size_t i = s.choices.size(); i-- > 0;) {
    if (s.weights[i] > 0) return s.choices[i];
  }
  return s.choices.back();
}

}  // namespace

ParamValue ParamSpec::value_at(double u) const {
  if (fixed) return normalise(type, *fixed).value_or(*fixed);
  switch (type) {
    case ParamType::kFloat: return float_at(*this, u);
    case ParamType::kInt: return int_at(*this, u);
    case ParamType::kCategorical: return categorical_at(*this, u);
  }
  return 0.0;
}

std::string format_double(double v) {
  // The shortest text that reads back as exactly `v` (std::to_chars).
  char buf[32];
  const auto end = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end.ptr);
}

bool operator==(const Condition& a, const Condition& b) {
  return a.parent == b.parent && a.values == b.values;
}

bool operator==(const ParamSpec& a, const ParamSpec& b) {
  return a.name == b.name && a.type == b.type && a.low == b.low && a.high == b.high &&
         a.log == b.log && a.step == b.step && a.int_choices == b.int_choices &&
         a.choices == b.choices && a.weights == b.weights && a.fixed == b.fixed &&
         a.when == b.when && a.grid_points == b.grid_points;
}

std::string format_value(const ParamValue& v) {
  if (const auto* d = std::get_if<double>(&v)) return format_double(*d);
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

namespace {

// Checks one condition of `child` against its parent (already in the space)
// and converts its values to the parent's type, so that is_active compares
// like with like (`when: {layers: [2]}` may arrive as a string or a number).
void resolve_condition(const std::string& child, const ParamSpec* parent, Condition& c) {
  const std::string where = child + ": when " + c.parent + ": ";
  if (!parent) {
    throw std::invalid_argument(where + "no parameter named '" + c.parent +
                                "' is defined before " + child +
                                "; define the parent first (the space is read in order)");
  }
  if (parent->type == ParamType::kFloat) {
    throw std::invalid_argument(where + "conditions on float parameters are not supported; "
                                "make " + c.parent + " an int or a categorical");
  }
  for (ParamValue& v : c.values) {
    if (parent->type == ParamType::kCategorical && !std::holds_alternative<std::string>(v)) {
      v = format_value(v);
    }
    if (parent->type == ParamType::kInt && std::holds_alternative<std::string>(v)) {
      const std::string& text = std::get<std::string>(v);
      char* end = nullptr;
      const long long i = std::strtoll(text.c_str(), &end, 10);
      if (!text.empty() && *end == '\0') v = static_cast<std::int64_t>(i);
    }
    if (const auto n = normalise(parent->type, v)) v = *n;
    if (!parent->can_take(v)) {
      throw std::invalid_argument(where + c.parent + " never takes the value " +
                                  format_value(v) + "; use one of its values");
    }
  }
}

}  // namespace

void SearchSpace::add(ParamSpec spec) {
  std::string problem = spec.validate();
  if (!problem.empty()) throw std::invalid_argument(spec.name + ": " + problem);
  if (find(spec.name)) throw std::invalid_argument(spec.name + ": defined twice");
  if (spec.fixed) spec.fixed = normalise(spec.type, *spec.fixed);
  for (Condition& c : spec.when) resolve_condition(spec.name, find(c.parent), c);
  params_.push_back(std::move(spec));
}

bool SearchSpace::is_active(const ParamSpec& spec, const ParamSet& earlier) {
  for (const Condition& c : spec.when) {
    const ParamValue* v = earlier.find(c.parent);
    if (!v || std::find(c.values.begin(), c.values.end(), *v) == c.values.end()) return false;
  }
  return true;
}

const ParamSpec* SearchSpace::find(const std::string& name) const {
  for (const auto& p : params_) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace rungs::core
