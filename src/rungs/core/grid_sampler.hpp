#pragma once
// Exhaustive search: every combination of the parameters' values, once.
//
//   SearchSpace space;
//   space.add(ParamSpec::int_set("hidden", {64, 128}));
//   auto lr = ParamSpec::float_range("lr", 1e-4, 1e-2, /*log=*/true);
//   lr.grid_points = 3;                      // 1e-4, 1e-3, 1e-2
//   space.add(lr);
//   GridSampler grid(space, Shard{0, 2});    // --shard 0/2: points 0, 2, 4
//   ParamSet p = grid.sample(TrialId{1});    // point 2: hidden=64 lr=0.01
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rungs/core/sampler.hpp"
#include "rungs/core/sweep_spec.hpp"

namespace rungs::core {

// The Cartesian product of the parameters' values, as in Bergstra and Bengio
// (JMLR 2012) "grid search": ints take every value of their step
// grid or their choices, categoricals every choice of positive weight, floats
// `grid_points` values from low to high inclusive (log-spaced for log
// ranges), fixed parameters their value. Points are numbered in lexicographic
// order, the first parameter varying slowest. A conditional parameter takes
// part only where it is active, so it multiplies only the combinations that
// activate it: {opt: [adam, sgd], momentum: [0.5, 0.9] when opt = sgd} has 3
// points, not 4.
//
// A point is decoded from its number without listing the grid: each
// parameter's digit is the number divided by the count of completions of
// the parameters after it (mixed radix). With conditions, that count depends
// on the values of the parents still to be consulted, so counts are memoised
// per (position, parents' values) and decoding steps through a parent's
// values one by one; unconditional parameters stay a single division.
//
// Shard {i, n} (--shard i/n) takes points i, i+n, i+2n, ...; trial t of the
// shard gets its t-th point, so n jobs cover the grid exactly once.
class GridSampler : public Sampler {
 public:
  // Throws std::invalid_argument for a float range without grid_points, a
  // bad shard, or a grid of more than 2^63 points.
  explicit GridSampler(SearchSpace space, Shard shard = {});

  // Throws std::out_of_range for a trial at or beyond size().
  ParamSet sample(TrialId trial) override;
  // Points in this shard.
  std::optional<std::int64_t> size() const override { return shard_size_; }
  // Points in the whole grid, and the one numbered `index` (0-based).
  std::int64_t total_size() const { return total_; }
  ParamSet point(std::int64_t index) const;

  // One parameter's values in grid order: listed, or an int range's
  // low + i*step (not listed: it may be long).
  struct Values {
    std::vector<ParamValue> listed;
    std::int64_t low = 0, step = 1, count = 0;
    ParamValue at(std::int64_t i) const {
      if (!listed.empty()) return listed[static_cast<std::size_t>(i)];
      return low + i * step;
    }
  };

 private:
  std::int64_t count_from(std::size_t k, const ParamSet& earlier) const;
  std::string memo_key(std::size_t k, const ParamSet& earlier) const;

  SearchSpace space_;
  Shard shard_;
  std::vector<Values> values_;                    // per parameter
  std::vector<bool> is_parent_;                   // some later parameter's condition names it
  std::vector<std::vector<std::string>> consulted_;  // per position: parents named at or after it
  // Completions of the parameters from position k on, per parents' values.
  // A cache filled on demand by const decoding.
  mutable std::map<std::string, std::int64_t> memo_;
  std::int64_t total_ = 0;
  std::int64_t shard_size_ = 0;
};

}  // namespace rungs::core
