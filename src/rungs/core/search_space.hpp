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

// One hyperparameter's domain. Floats: [low, high], uniform or log-uniform.
// Ints: [low, high] inclusive, or an explicit list of choices.
// Categoricals: a list of strings, optionally weighted.
struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kFloat;
  double low = 0.0;
  double high = 0.0;
  bool log = false;
  std::vector<std::int64_t> int_choices;   // ints given as choices
  std::vector<std::string> choices;        // categoricals
  std::vector<double> weights;             // categoricals; empty = uniform

  static ParamSpec float_range(std::string name, double low, double high, bool log = false);
  static ParamSpec int_range(std::string name, std::int64_t low, std::int64_t high,
                             bool log = false);
  static ParamSpec int_set(std::string name, std::vector<std::int64_t> choices);
  static ParamSpec categorical(std::string name, std::vector<std::string> choices,
                               std::vector<double> weights = {});

  // Empty when the spec is usable; otherwise what is wrong and how to fix it.
  std::string validate() const;
};

using ParamValue = std::variant<double, std::int64_t, std::string>;
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

 private:
  std::vector<std::pair<std::string, ParamValue>> items_;
};

class SearchSpace {
 public:
  void add(ParamSpec spec);  // throws std::invalid_argument on a bad or duplicate spec
  const std::vector<ParamSpec>& params() const { return params_; }
  const ParamSpec* find(const std::string& name) const;
  bool empty() const { return params_.empty(); }

 private:
  std::vector<ParamSpec> params_;
};

}  // namespace rungs::core
