#pragma once
// The hyperparameters of a sweep and the values a trial takes for them.
//
//   SearchSpace space;
//   space.add(ParamSpec::float_range("lr", 1e-4, 1e-1, /*log=*/true));
//   space.add(ParamSpec::categorical("optimizer", {"adam", "sgd"}));
//   ParamSet p = RandomSampler(space, /*seed=*/7).sample(TrialId{0});
//   double lr = p.get_double("lr");
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace rungs::core {

enum class ParamType { kFloat, kInt, kCategorical };
const char* to_string(ParamType t);

using ParamValue = std::variant<double, std::int64_t, std::string>;

// `when: {optimizer: [sgd]}`: the parameter is active only while the parent
// parameter is active and takes one of `values`.
struct Condition {
  std::string parent;
  std::vector<ParamValue> values;
};

// One hyperparameter's domain. Floats: [low, high], uniform or log-uniform.
// Ints: [low, high] inclusive (optionally on a grid of `step`), or an
// explicit list of choices. Categoricals: a list of strings, optionally
// weighted. A fixed parameter always takes `fixed`. A conditional parameter
// (non-empty `when`) is absent from a trial whose conditions do not hold:
// never sampled, never stored as if it had a value.
struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kFloat;
  double low = 0.0;
  double high = 0.0;
  bool log = false;
  std::int64_t step = 1;                   // ints on a range: low, low+step, ... <= high
  std::vector<std::int64_t> int_choices;   // ints given as choices
  std::vector<std::string> choices;        // categoricals
  std::vector<double> weights;             // categoricals; empty = uniform
  std::optional<ParamValue> fixed;         // a constant, never searched
  std::vector<Condition> when;             // all must hold for the parameter to be active
  int grid_points = 0;                     // floats under the grid sampler (`grid: n`)

  static ParamSpec float_range(std::string name, double low, double high, bool log = false);
  static ParamSpec int_range(std::string name, std::int64_t low, std::int64_t high,
                             bool log = false);
  static ParamSpec int_set(std::string name, std::vector<std::int64_t> choices);
  static ParamSpec categorical(std::string name, std::vector<std::string> choices,
                               std::vector<double> weights = {});
  static ParamSpec constant(std::string name, ParamValue value);

  // Empty when the spec is usable; otherwise what is wrong and how to fix it.
  std::string validate() const;

  // Whether this parameter can take `v` (its type, range, step grid or
  // choices; a fixed parameter only its value). Conditions use it.
  bool can_take(const ParamValue& v) const;
  // The values of an int range: low, low+step, ..., the largest <= high.
  std::int64_t int_count() const;
  std::int64_t int_low() const;   // ceil(low)
  std::int64_t int_top() const;   // the largest low + k*step <= high
  // The value at position u in [0, 1) of the domain, so that a uniform u
  // gives the random sampler's distribution: floats uniform (log-uniform),
  // ints uniform over the range grid or the choices (log ranges log-uniform,
  // rounded), categoricals by cumulative weight. Random and Sobol share it.
  ParamValue value_at(double u) const;
};

// Field by field: the archive's read-back of a space is tested against it.
bool operator==(const Condition& a, const Condition& b);
bool operator==(const ParamSpec& a, const ParamSpec& b);
inline bool operator!=(const ParamSpec& a, const ParamSpec& b) { return !(a == b); }

// Exact, shortest text: a double reads back bit for bit ("0.001", "1e-07",
// "0.30000000000000004"), so values printed or exported can be copied back.
std::string format_double(double v);
std::string format_value(const ParamValue& v);

// The values one trial takes, in the space's order.
class ParamSet {
 public:
  void set(const std::string& name, ParamValue value);
  bool has(const std::string& name) const;
  const ParamValue* find(const std::string& name) const;

  // Typed reads; a missing name returns the fallback. An int is accepted
  // where a double is asked for.
  double get_double(const std::string& name, double fallback) const;
  std::int64_t get_int(const std::string& name, std::int64_t fallback) const;
  std::string get_string(const std::string& name, const std::string& fallback) const;

  const std::vector<std::pair<std::string, ParamValue>>& items() const { return items_; }
  std::string to_string() const;  // "lr=0.001 optimizer=adam"

  friend bool operator==(const ParamSet& a, const ParamSet& b) { return a.items_ == b.items_; }
  friend bool operator!=(const ParamSet& a, const ParamSet& b) { return !(a == b); }

 private:
  std::vector<std::pair<std::string, ParamValue>> items_;
};

class SearchSpace {
 public:
  // Throws std::invalid_argument on a bad or duplicate spec, or a `when`
  // naming a parameter not added before it or a value that parameter cannot take.
  void add(ParamSpec spec);
  // Whether `spec` is active given the values of the parameters before it:
  // every condition's parent is present in `earlier` with one of its values.
  static bool is_active(const ParamSpec& spec, const ParamSet& earlier);
  const std::vector<ParamSpec>& params() const { return params_; }
  const ParamSpec* find(const std::string& name) const;
  bool empty() const { return params_.empty(); }

 private:
  std::vector<ParamSpec> params_;
};

}  // namespace rungs::core
