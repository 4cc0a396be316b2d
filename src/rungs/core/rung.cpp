#include "rungs/core/rung.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace rungs::core {
namespace {

// Scores: larger is better. True when `a` ranks strictly before `b`: a better
// score, or an equal one and a smaller trial id. NaN ranks after numbers.
struct RankedBefore {
  template <typename K>
  bool operator()(const K& a, const K& b) const {
    if (a.score > b.score) return true;  // false whenever a NaN is involved
    if (a.score < b.score) return false;
    const bool a_nan = std::isnan(a.score), b_nan = std::isnan(b.score);
    if (a_nan != b_nan) return b_nan;
    return a.trial < b.trial;
  }
};

}  // namespace

bool Rung::WorstAtRoot::operator()(const Key& a, const Key& b) const {
  return RankedBefore{}(a, b);
}

bool Rung::BestAtRoot::operator()(const Key& a, const Key& b) const {
  return RankedBefore{}(b, a);
}

Rung::Rung(int eta, ObjectiveMode mode, bool track_promotions)
    : eta_(eta), maximize_(mode == ObjectiveMode::kMax), track_promotions_(track_promotions) {
  if (eta < 2) throw std::invalid_argument("Rung: eta must be >= 2, got " + std::to_string(eta));
}

void Rung::add(TrialId trial, double metric) {
  const Key k{score(metric), trial.value};
  if (!top_.empty() && RankedBefore{}(k, top_.front())) {
    top_.push_back(k);
    std::push_heap(top_.begin(), top_.end(), WorstAtRoot{});
  } else {
    rest_.push_back(k);
    std::push_heap(rest_.begin(), rest_.end(), BestAtRoot{});
  }
  rebalance();
  if (track_promotions_) {
    unpromoted_.push_back(k);
    std::push_heap(unpromoted_.begin(), unpromoted_.end(), BestAtRoot{});
  }
}

// The top must hold exactly floor(n / eta). One insert changes n by one and
// the top's size by at most one, so at most one entry crosses.
void Rung::rebalance() {
  const std::size_t want = size() / static_cast<std::size_t>(eta_);
  if (top_.size() > want) {
    std::pop_heap(top_.begin(), top_.end(), WorstAtRoot{});
    rest_.push_back(top_.back());
    top_.pop_back();
    std::push_heap(rest_.begin(), rest_.end(), BestAtRoot{});
  } else if (top_.size() < want) {
    std::pop_heap(rest_.begin(), rest_.end(), BestAtRoot{});
    top_.push_back(rest_.back());
    rest_.pop_back();
    std::push_heap(top_.begin(), top_.end(), WorstAtRoot{});
  }
}

bool Rung::keeps(double metric) const {
  if (std::isnan(metric) || size() == 0) return false;
  // The k-th best, k = max(1, floor(n / eta)): the top's worst, or the best
  // of all while the top is empty.
  const Key& kth = top_.empty() ? rest_.front() : top_.front();
  return !(kth.score > score(metric));  // a NaN k-th best loses to any number
}

std::optional<RungEntry> Rung::promotable() const {
  if (unpromoted_.empty() || top_.empty()) return std::nullopt;
  const Key& best = unpromoted_.front();
  if (RankedBefore{}(top_.front(), best)) return std::nullopt;  // below the top
  return entry(best);
}

void Rung::mark_promoted() {
  if (!promotable()) throw std::logic_error("Rung::mark_promoted: nothing promotable");
  std::pop_heap(unpromoted_.begin(), unpromoted_.end(), BestAtRoot{});
  unpromoted_.pop_back();
}

std::vector<RungEntry> Rung::sorted() const {
  std::vector<Key> all(top_);
  all.insert(all.end(), rest_.begin(), rest_.end());
  std::sort(all.begin(), all.end(), RankedBefore{});
  std::vector<RungEntry> out;
  out.reserve(all.size());
  for (const Key& k : all) out.push_back(entry(k));
  return out;
}

std::size_t Rung::memory_bytes() const {
  return (top_.capacity() + rest_.capacity() + unpromoted_.capacity()) * sizeof(Key);
}

// ---------------------------------------------------------------------------

namespace {

// The sweep's own size: sampler.trials, capped by a finite sampler.
std::optional<std::int64_t> size_of(const SweepLimits& limits, const Sampler& sampler) {
  std::optional<std::int64_t> size;
  if (limits.sweep_trials > 0) size = limits.sweep_trials;
  if (const auto finite = sampler.size()) {
    const std::int64_t n = std::max<std::int64_t>(0, *finite);
    size = size ? std::min(*size, n) : n;
  }
  return size;
}

std::optional<std::int64_t> budget_of(const SweepLimits& limits,
                                      const std::optional<std::int64_t>& size) {
  if (limits.max_trials <= 0) return size;
  return size ? std::min(*size, limits.max_trials) : limits.max_trials;
}

}  // namespace

SweepGate::SweepGate(const SweepLimits& limits, ObjectiveMode mode, const Sampler& sampler,
                     const Clock& clock)
    : limits_(limits),
      mode_(mode),
      clock_(clock),
      start_(clock.now_seconds()),
      budget_(budget_of(limits, size_of(limits, sampler))),
      size_(size_of(limits, sampler)) {}

bool SweepGate::time_is_up() const {
  return limits_.max_seconds > 0 && elapsed() >= limits_.max_seconds;
}

std::optional<std::string> SweepGate::limit_reached(std::int64_t started) const {
  if (replaying_) return std::nullopt;
  if (time_is_up()) return std::string("limits.time");
  if (target_reached_) return std::string("limits.target");
  const bool limit_binds = limits_.max_trials > 0 && (!size_ || limits_.max_trials < *size_);
  if (limit_binds && started >= limits_.max_trials) return std::string("limits.trials");
  return std::nullopt;
}

void SweepGate::note(double metric) {
  if (target_reached_ || !limits_.target) return;
  const double target = *limits_.target;
  // NaN compares false both ways, so it never reaches a target.
  target_reached_ = mode_ == ObjectiveMode::kMax ? metric >= target : metric <= target;
}

}  // namespace rungs::core
