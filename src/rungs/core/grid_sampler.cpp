#include "rungs/core/grid_sampler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace rungs::core {
namespace {

constexpr std::int64_t kMaxPoints = std::numeric_limits<std::int64_t>::max();

std::int64_t checked_mul(std::int64_t a, std::int64_t b) {
  if (a != 0 && b > kMaxPoints / a) {
    throw std::invalid_argument("the grid has more than 2^63 points; use fewer values");
  }
  return a * b;
}

std::int64_t checked_add(std::int64_t a, std::int64_t b) {
  if (b > kMaxPoints - a) {
    throw std::invalid_argument("the grid has more than 2^63 points; use fewer values");
  }
  return a + b;
}

// n points from low to high, both ends exact (log-spaced for log ranges).
std::vector<ParamValue> float_values(const ParamSpec& s) {
  if (s.grid_points < 2) {
    throw std::invalid_argument("give grid: n for float parameter " + s.name +
                                " (the grid sampler needs n >= 2 points from low to high)");
  }
  const int n = s.grid_points;
  std::vector<ParamValue> out;
  const double a = s.log ? std::log(s.low) : s.low, b = s.log ? std::log(s.high) : s.high;
  for (int i = 0; i < n; ++i) {
    const double x = a + (b - a) * i / (n - 1);
    out.emplace_back(i == 0 ? s.low : i == n - 1 ? s.high : s.log ? std::exp(x) : x);
  }
  return out;
}

std::vector<ParamValue> int_choice_values(const ParamSpec& s) {
  return {s.int_choices.begin(), s.int_choices.end()};
}

// A choice of weight 0 is never drawn at random; the grid leaves it out too.
std::vector<ParamValue> categorical_values(const ParamSpec& s) {
  std::vector<ParamValue> out;
  for (std::size_t i = 0; i < s.choices.size(); ++i) {
    if (s.weights.empty() || s.weights[i] > 0) out.emplace_back(s.choices[i]);
  }
  return out;
}

// An int range is kept as (low, step, count), not listed: it may be long.
GridSampler::Values grid_values(const ParamSpec& s) {
  GridSampler::Values v;
  if (s.fixed) {
    v.listed = {s.value_at(0.0)};
  } else if (s.type == ParamType::kFloat) {
    v.listed = float_values(s);
  } else if (s.type == ParamType::kCategorical) {
    v.listed = categorical_values(s);
  } else if (!s.int_choices.empty()) {
    v.listed = int_choice_values(s);
  } else {
    v.low = s.int_low();
    v.step = s.step;
    v.count = s.int_count();
    return v;
  }
  v.count = static_cast<std::int64_t>(v.listed.size());
  return v;
}

ParamSet with(const ParamSet& earlier, const std::string& name, const ParamValue& v) {
  ParamSet p = earlier;
  p.set(name, v);
  return p;
}

}  // namespace

GridSampler::GridSampler(SearchSpace space, Shard shard) : space_(std::move(space)), shard_(shard) {
  if (shard_.count < 1 || shard_.index < 0 || shard_.index >= shard_.count) {
    throw std::invalid_argument("--shard " + std::to_string(shard_.index) + "/" +
                                std::to_string(shard_.count) +
                                " is not a shard; write --shard i/n with 0 <= i < n");
  }
  const auto& params = space_.params();
  for (const ParamSpec& s : params) values_.push_back(grid_values(s));
  consulted_.resize(params.size() + 1);
  for (std::size_t k = params.size(); k-- > 0;) {
    consulted_[k] = consulted_[k + 1];
    for (const Condition& c : params[k].when) {
      auto& names = consulted_[k];
      if (std::find(names.begin(), names.end(), c.parent) == names.end()) names.push_back(c.parent);
    }
  }
  is_parent_.assign(params.size(), false);
  for (std::size_t k = 0; k < params.size(); ++k) {
    for (const std::string& name : consulted_[k + 1]) {
      if (name == params[k].name) is_parent_[k] = true;
    }
  }
  total_ = count_from(0, ParamSet{});
  shard_size_ = shard_.index < total_ ? (total_ - shard_.index - 1) / shard_.count + 1 : 0;
}

// Only the values of parents that later parameters consult decide the count.
std::string GridSampler::memo_key(std::size_t k, const ParamSet& earlier) const {
  std::string key = std::to_string(k);
  for (const std::string& parent : consulted_[k]) {
    const ParamValue* v = earlier.find(parent);
    key += '\x1f';
    key += v ? format_value(*v) : std::string("\x1e");
  }
  return key;
}

std::int64_t GridSampler::count_from(std::size_t k, const ParamSet& earlier) const {
  const auto& params = space_.params();
  if (k == params.size()) return 1;
  const std::string key = memo_key(k, earlier);
  if (auto it = memo_.find(key); it != memo_.end()) return it->second;
  std::int64_t n = 0;
  if (!SearchSpace::is_active(params[k], earlier)) {
    n = count_from(k + 1, earlier);
  } else if (!is_parent_[k]) {
    n = checked_mul(values_[k].count, count_from(k + 1, earlier));
  } else {
    for (std::int64_t i = 0; i < values_[k].count; ++i) {
      n = checked_add(n, count_from(k + 1, with(earlier, params[k].name, values_[k].at(i))));
    }
  }
  memo_.emplace(key, n);
  return n;
}

ParamSet GridSampler::point(std::int64_t index) const {
  if (index < 0 || index >= total_) {
    throw std::out_of_range("grid point " + std::to_string(index) + " is beyond the grid's " +
                            std::to_string(total_) + " points");
  }
  const auto& params = space_.params();
  ParamSet out;
  for (std::size_t k = 0; k < params.size(); ++k) {
    if (!SearchSpace::is_active(params[k], out)) continue;
    if (!is_parent_[k]) {
      // Every value has the same number of completions: one mixed-radix digit.
      const std::int64_t rest = count_from(k + 1, out);
      out.set(params[k].name, values_[k].at(index / rest));
      index %= rest;
      continue;
    }
    for (std::int64_t i = 0; i < values_[k].count; ++i) {
      const ParamValue v = values_[k].at(i);
      const std::int64_t n = count_from(k + 1, with(out, params[k].name, v));
      if (index < n) {
        out.set(params[k].name, v);
        break;
      }
      index -= n;
    }
  }
  return out;
}

ParamSet GridSampler::sample(TrialId trial) {
  if (trial.value < 0 || trial.value >= shard_size_) {
    throw std::out_of_range("trial " + std::to_string(trial.value) + " is beyond grid shard " +
                            std::to_string(shard_.index) + "/" + std::to_string(shard_.count) +
                            ", which has " + std::to_string(shard_size_) + " points");
  }
  return point(shard_.index + trial.value * shard_.count);
}

}  // namespace rungs::core
