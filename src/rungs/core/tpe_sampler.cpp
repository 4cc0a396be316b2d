#include "rungs/core/tpe_sampler.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "rungs/core/seeding.hpp"

namespace rungs::core {
namespace {

constexpr double kPriorWeight = 1.0;  // the prior kernel's weight beside observations' 1
constexpr double kSigma0 = 0.2;       // multivariate bandwidth scale (Optuna)
constexpr double kMaxClipDivisor = 100.0;
constexpr double kLogSqrt2Pi = 0.91893853320467274;
constexpr double kNegInf = -std::numeric_limits<double>::infinity();
// Keeps the model's draws apart from the random sampler's stream of a trial.
constexpr std::uint64_t kTpeSalt = 0x7E5D15C0FFEEULL;

// Boost promotes doubles to long double by default, which makes cdf ~6x
// slower; double precision is plenty for kernel densities.
using NormalPolicy =
    boost::math::policies::policy<boost::math::policies::promote_double<false>>;
const boost::math::normal_distribution<double, NormalPolicy> kStdNormal;

// One searched parameter as the model sees it: a number on an internal
// interval (log space for log ranges; ints widened by half a step each side
// so that every grid cell has the same width) or an index into choices.
struct Axis {
  const ParamSpec* spec = nullptr;
  bool categorical = false;
  bool is_int = false;            // an int range, rounded onto its step grid
  double low = 0.0, high = 0.0;   // internal interval
  std::vector<double> prior;      // categorical: the user's weights, normalised
};

// A value as the kernels see it: a point (floats), a grid cell (ints) or a
// choice index (categoricals and int choices).
struct Coord {
  double x = 0.0, cell_lo = 0.0, cell_hi = 0.0;
  int choice = -1;
  ParamValue value;
};

double to_internal(const ParamSpec& s, double v) { return s.log ? std::log(v) : v; }
double from_internal(const ParamSpec& s, double x) { return s.log ? std::exp(x) : x; }

std::size_t choice_count(const ParamSpec& s) {
  return s.type == ParamType::kCategorical ? s.choices.size() : s.int_choices.size();
}

Axis make_axis(const ParamSpec& s) {
  Axis a;
  a.spec = &s;
  a.categorical = s.type == ParamType::kCategorical || !s.int_choices.empty();
  if (a.categorical) {
    const std::size_t n = choice_count(s);
    a.prior.assign(n, 1.0 / static_cast<double>(n));
    if (!s.weights.empty()) {
      double total = 0.0;
      for (double w : s.weights) total += w;
      for (std::size_t i = 0; i < n; ++i) a.prior[i] = s.weights[i] / total;
    }
    return a;
  }
  a.is_int = s.type == ParamType::kInt;
  const double half = a.is_int ? 0.5 * static_cast<double>(s.step) : 0.0;
  a.low = to_internal(s, (a.is_int ? static_cast<double>(s.int_low()) : s.low) - half);
  a.high = to_internal(s, (a.is_int ? static_cast<double>(s.int_top()) : s.high) + half);
  return a;
}

Coord int_coord(const Axis& a, std::int64_t v) {
  const ParamSpec& s = *a.spec;
  const double half = 0.5 * static_cast<double>(s.step);
  Coord c;
  c.value = v;
  c.x = to_internal(s, static_cast<double>(v));
  c.cell_lo = to_internal(s, static_cast<double>(v) - half);
  c.cell_hi = to_internal(s, static_cast<double>(v) + half);
  return c;
}

Coord choice_coord(const Axis& a, int choice) {
  Coord c;
  c.choice = choice;
  const ParamSpec& s = *a.spec;
  if (s.type == ParamType::kCategorical) {
    c.value = s.choices[static_cast<std::size_t>(choice)];
  } else {
    c.value = s.int_choices[static_cast<std::size_t>(choice)];
  }
  return c;
}

// An observed value as a Coord; nothing when it is missing or not in the
// domain (a history from another space), so it takes no part in the fit.
std::optional<Coord> encode(const Axis& a, const ParamSet& params) {
  const ParamSpec& s = *a.spec;
  const ParamValue* v = params.find(s.name);
  if (!v || !s.can_take(*v)) return std::nullopt;
  if (a.categorical) {
    for (int i = 0; i < static_cast<int>(choice_count(s)); ++i) {
      Coord c = choice_coord(a, i);
      if (c.value == *v) return c;
    }
    return std::nullopt;
  }
  if (a.is_int) return int_coord(a, params.get_int(s.name, 0));
  Coord c;
  c.value = params.get_double(s.name, 0.0);
  c.x = to_internal(s, std::get<double>(c.value));
  return c;
}

// A continuous draw on the internal interval, as a value of the parameter.
Coord decode(const Axis& a, double x) {
  const ParamSpec& s = *a.spec;
  if (a.is_int) {
    const double steps = (from_internal(s, x) - static_cast<double>(s.int_low())) /
                         static_cast<double>(s.step);
    const auto k = std::clamp<std::int64_t>(std::llround(steps), 0, s.int_count() - 1);
    return int_coord(a, s.int_low() + k * s.step);
  }
  Coord c;
  c.value = std::clamp(from_internal(s, x), s.low, s.high);
  c.x = to_internal(s, std::get<double>(c.value));
  return c;
}

// log(Phi(zb) - Phi(za)) for za < zb, from the upper tail when both are
// positive so that far-out cells keep their precision.
double log_normal_mass(double za, double zb) {
  double m;
  if (za > 0.0) {
    m = cdf(complement(kStdNormal, za)) - cdf(complement(kStdNormal, zb));
  } else {
    m = cdf(kStdNormal, zb) - cdf(kStdNormal, za);
  }
  return m > 0.0 ? std::log(m) : kNegInf;
}

// log(sum of exp(term)) over terms added one at a time, rescaled as the
// largest grows so that nothing overflows or underflows to 0.
class LogSumExp {
 public:
  void add(double term) {
    if (term == kNegInf) return;
    if (term <= top_) {
      sum_ += std::exp(term - top_);
    } else {
      sum_ = sum_ * std::exp(top_ - term) + 1.0;
      top_ = term;
    }
  }
  double value() const { return top_ == kNegInf ? kNegInf : top_ + std::log(sum_); }

 private:
  double top_ = kNegInf;
  double sum_ = 0.0;
};

// One axis's kernels, one entry per mixture component; the last component is
// the prior.
struct AxisKernels {
  std::vector<double> mu, sigma, log_mass;  // numeric: truncated Gaussians
  std::vector<double> log_norm;             // log(sigma sqrt(2 pi)) + log_mass
  std::vector<int> choice;                  // categorical: observed choice, -1 = prior
};

// Optuna's neighbour rule: each observation's sigma is the larger gap to its
// neighbours in sorted order, the interval's ends and the prior mean counted
// as points; the outermost points use their inner gap only.
std::vector<double> neighbour_sigmas(const Axis& a, const std::vector<double>& xs) {
  std::vector<std::pair<double, std::size_t>> sorted;
  for (std::size_t i = 0; i < xs.size(); ++i) sorted.emplace_back(xs[i], i);
  sorted.emplace_back(0.5 * (a.low + a.high), xs.size());
  std::sort(sorted.begin(), sorted.end());
  const std::size_t m = sorted.size();
  std::vector<double> s(m + 2);  // with the ends
  s[0] = a.low;
  s[m + 1] = a.high;
  for (std::size_t i = 0; i < m; ++i) s[i + 1] = sorted[i].first;
  std::vector<double> sigma(xs.size() + 1);
  for (std::size_t i = 0; i < m; ++i) {
    double gap = std::max(s[i + 1] - s[i], s[i + 2] - s[i + 1]);
    if (i == 0) gap = s[2] - s[1];
    if (i == m - 1) gap = s[m] - s[m - 1];
    sigma[sorted[i].second] = gap;
  }
  sigma.pop_back();  // the prior's own sigma is the full width
  return sigma;
}

AxisKernels fit_numeric(const Axis& a, const std::vector<double>& xs, std::size_t joint_dims) {
  const double width = a.high - a.low;
  const auto n = static_cast<double>(xs.size());
  std::vector<double> sigma;
  if (joint_dims > 0) {
    const double d = static_cast<double>(joint_dims);
    sigma.assign(xs.size(), kSigma0 * width * std::pow(std::max(n, 1.0), -1.0 / (d + 4.0)));
  } else {
    sigma = neighbour_sigmas(a, xs);
  }
  const double min_sigma = width / std::min(kMaxClipDivisor, n + 2.0);
  AxisKernels k;
  k.mu = xs;
  for (double s : sigma) k.sigma.push_back(std::clamp(s, min_sigma, width));
  k.mu.push_back(0.5 * (a.low + a.high));
  k.sigma.push_back(width);
  for (std::size_t i = 0; i < k.mu.size(); ++i) {
    k.log_mass.push_back(log_normal_mass((a.low - k.mu[i]) / k.sigma[i],
                                         (a.high - k.mu[i]) / k.sigma[i]));
    k.log_norm.push_back(std::log(k.sigma[i]) + kLogSqrt2Pi + k.log_mass[i]);
  }
  return k;
}

double log_kernel(const Axis& a, const AxisKernels& k, std::size_t i, const Coord& c) {
  if (a.categorical) {
    const double prior = a.prior[static_cast<std::size_t>(c.choice)];
    if (k.choice[i] < 0) return prior > 0.0 ? std::log(prior) : kNegInf;
    const double hit = k.choice[i] == c.choice ? 1.0 : 0.0;
    const double p = (hit + kPriorWeight * prior) / (1.0 + kPriorWeight);
    return p > 0.0 ? std::log(p) : kNegInf;
  }
  const double mu = k.mu[i], sigma = k.sigma[i];
  if (a.is_int) {
    return log_normal_mass((c.cell_lo - mu) / sigma, (c.cell_hi - mu) / sigma) - k.log_mass[i];
  }
  const double z = (c.x - mu) / sigma;
  return -0.5 * z * z - k.log_norm[i];
}

// A Parzen estimator over one or more axes: components are observations
// (weight 1 each) and the prior (kPriorWeight), a component's density the
// product of its axes' kernels.
class Mixture {
 public:
  // `joint`: bandwidths by the multivariate rule, else by neighbour distances.
  Mixture(const std::vector<Axis>& axes, const std::vector<std::vector<Coord>>& obs, bool joint)
      : axes_(axes) {
    for (std::size_t d = 0; d < axes.size(); ++d) {
      if (axes[d].categorical) {
        AxisKernels k;
        for (const auto& o : obs) k.choice.push_back(o[d].choice);
        k.choice.push_back(-1);
        kernels_.push_back(std::move(k));
      } else {
        std::vector<double> xs;
        for (const auto& o : obs) xs.push_back(o[d].x);
        kernels_.push_back(fit_numeric(axes[d], xs, joint ? axes.size() : 0));
      }
    }
    const double total = static_cast<double>(obs.size()) + kPriorWeight;
    log_weight_.assign(obs.size(), std::log(1.0 / total));
    log_weight_.push_back(std::log(kPriorWeight / total));
  }

  double log_density(const std::vector<Coord>& point) const {
    LogSumExp sum;
    for (std::size_t i = 0; i < log_weight_.size(); ++i) {
      double term = log_weight_[i];
      for (std::size_t d = 0; d < axes_.size() && term > kNegInf; ++d) {
        term += log_kernel(axes_[d], kernels_[d], i, point[d]);
      }
      sum.add(term);
    }
    return sum.value();
  }

  std::vector<Coord> draw(SplitMix64& rng) const {
    const std::size_t i = draw_component(rng);
    std::vector<Coord> point;
    for (std::size_t d = 0; d < axes_.size(); ++d) point.push_back(draw_axis(d, i, rng));
    return point;
  }

 private:
  std::size_t draw_component(SplitMix64& rng) const {
    double u = rng.uniform01();
    for (std::size_t i = 0; i + 1 < log_weight_.size(); ++i) {
      u -= std::exp(log_weight_[i]);
      if (u < 0.0) return i;
    }
    return log_weight_.size() - 1;
  }

  static int draw_choice(const std::vector<double>& p, SplitMix64& rng) {
    double u = rng.uniform01();
    int last_positive = 0;
    for (std::size_t c = 0; c < p.size(); ++c) {
      if (p[c] > 0.0) last_positive = static_cast<int>(c);
      if (u < p[c]) return static_cast<int>(c);
      u -= p[c];
    }
    return last_positive;
  }

  // Inverse-cdf draw from kernel i truncated to the interval.
  Coord draw_axis(std::size_t d, std::size_t i, SplitMix64& rng) const {
    const Axis& a = axes_[d];
    const AxisKernels& k = kernels_[d];
    if (a.categorical) {
      const bool own = k.choice[i] >= 0 && rng.uniform01() < 1.0 / (1.0 + kPriorWeight);
      return choice_coord(a, own ? k.choice[i] : draw_choice(a.prior, rng));
    }
    const double lo = cdf(kStdNormal, (a.low - k.mu[i]) / k.sigma[i]);
    const double hi = cdf(kStdNormal, (a.high - k.mu[i]) / k.sigma[i]);
    const double p = std::clamp(lo + rng.uniform01() * (hi - lo), 1e-300, 1.0 - 0x1.0p-53);
    const double x = k.mu[i] + k.sigma[i] * quantile(kStdNormal, p);
    return decode(a, std::clamp(x, a.low, a.high));
  }

  const std::vector<Axis>& axes_;
  std::vector<AxisKernels> kernels_;  // per axis
  std::vector<double> log_weight_;    // per component
};

// The observations that have a value for every axis, as Coords.
std::vector<std::vector<Coord>> encode_all(const std::vector<Axis>& axes,
                                           const std::vector<const ParamSet*>& group) {
  std::vector<std::vector<Coord>> out;
  for (const ParamSet* params : group) {
    std::vector<Coord> point;
    for (const Axis& a : axes) {
      const auto c = encode(a, *params);
      if (!c) break;
      point.push_back(*c);
    }
    if (point.size() == axes.size()) out.push_back(std::move(point));
  }
  return out;
}

// Step 5: of `candidates` draws from l, the one with the largest l/g.
std::vector<Coord> best_candidate(const std::vector<Axis>& axes,
                                  const std::vector<const ParamSet*>& good,
                                  const std::vector<const ParamSet*>& bad, int candidates,
                                  bool joint, SplitMix64& rng) {
  const Mixture l(axes, encode_all(axes, good), joint);
  const Mixture g(axes, encode_all(axes, bad), joint);
  std::vector<Coord> best;
  double best_score = kNegInf;
  for (int c = 0; c < candidates; ++c) {
    std::vector<Coord> point = l.draw(rng);
    const double score = l.log_density(point) - g.log_density(point);
    if (best.empty() || score > best_score) {
      best_score = score;
      best = std::move(point);
    }
  }
  return best;
}

}  // namespace

TpeSampler::TpeSampler(SearchSpace space, std::uint64_t sweep_seed, TpeSpec spec,
                       ObjectiveMode mode)
    : space_(std::move(space)), sweep_seed_(sweep_seed), spec_(spec), mode_(mode),
      random_(space_, sweep_seed) {
  if (spec_.startup_trials < 1) {
    throw std::invalid_argument("sampler.tpe.startup_trials must be >= 1, got " +
                                std::to_string(spec_.startup_trials));
  }
  if (!(spec_.gamma > 0.0 && spec_.gamma < 1.0)) {
    throw std::invalid_argument("sampler.tpe.gamma must be in (0, 1), e.g. 0.25; got " +
                                std::to_string(spec_.gamma));
  }
  if (spec_.candidates < 1) {
    throw std::invalid_argument("sampler.tpe.candidates must be >= 1, got " +
                                std::to_string(spec_.candidates));
  }
  std::int64_t searched = 0;
  for (const ParamSpec& s : space_.params()) searched += s.fixed ? 0 : 1;
  min_results_ = std::max<std::int64_t>(spec_.startup_trials, searched + 1);
}

void TpeSampler::observe(TrialId trial, const ParamSet& params, std::int64_t resource,
                         double metric) {
  History& h = history_[trial.value];
  h.params = params;
  const auto [it, added] = h.metric_at.emplace(resource, metric);
  if (added) {
    ++level_count_[resource];
  } else {
    it->second = metric;  // a later report at the same resource replaces the earlier
  }
}

std::optional<std::int64_t> TpeSampler::model_resource() const {
  for (auto it = level_count_.rbegin(); it != level_count_.rend(); ++it) {
    if (it->second >= min_results_) return it->first;
  }
  return std::nullopt;
}

std::optional<TpeSampler::Split> TpeSampler::split() const {
  const std::optional<std::int64_t> level = model_resource();
  if (!level) return std::nullopt;
  std::vector<std::pair<double, std::int64_t>> ranked;  // (metric, trial)
  for (const auto& [id, h] : history_) {
    const auto it = h.metric_at.find(*level);
    if (it != h.metric_at.end()) ranked.emplace_back(it->second, id);
  }
  const ObjectiveMode mode = mode_;
  std::sort(ranked.begin(), ranked.end(), [mode](const auto& a, const auto& b) {
    if (better(mode, a.first, b.first)) return true;
    if (better(mode, b.first, a.first)) return false;
    return a.second < b.second;
  });
  const auto n = static_cast<std::int64_t>(ranked.size());
  // At least one good trial, and one bad where there are two or more.
  const auto by_gamma = static_cast<std::int64_t>(std::ceil(spec_.gamma * static_cast<double>(n)));
  const std::int64_t n_good = std::max<std::int64_t>(1, std::min(by_gamma, n - 1));
  Split s;
  s.resource = *level;
  for (std::int64_t i = 0; i < n; ++i) {
    (i < n_good ? s.good : s.bad).push_back(TrialId{ranked[static_cast<std::size_t>(i)].second});
  }
  return s;
}

ParamSet TpeSampler::sample(TrialId trial) {
  const std::optional<Split> s = split();
  if (!s) return random_.sample(trial);
  return propose(trial, *s);
}

ParamSet TpeSampler::propose(TrialId trial, const Split& split) const {
  // At most kMaxKernels trials per group, every k-th in rank order.
  const auto thin = [this](const std::vector<TrialId>& ranked) {
    const std::size_t n = ranked.size(), keep = std::min(n, kMaxKernels);
    std::vector<const ParamSet*> out;
    for (std::size_t i = 0; i < keep; ++i) {
      out.push_back(&history_.at(ranked[i * n / keep].value).params);
    }
    return out;
  };
  const std::vector<const ParamSet*> good = thin(split.good), bad = thin(split.bad);
  const std::uint64_t trial_seed = derive_seed(sweep_seed_, trial.value, SeedStream::kSampler);
  SplitMix64 rng(splitmix64(trial_seed ^ kTpeSalt));

  // Multivariate: the unconditional searched parameters are drawn together.
  std::vector<Axis> joint;
  if (spec_.multivariate) {
    for (const ParamSpec& p : space_.params()) {
      if (!p.fixed && p.when.empty()) joint.push_back(make_axis(p));
    }
  }
  std::vector<Coord> joint_point;
  if (!joint.empty()) joint_point = best_candidate(joint, good, bad, spec_.candidates, true, rng);

  ParamSet out;
  std::size_t next_joint = 0;
  for (const ParamSpec& p : space_.params()) {
    if (!SearchSpace::is_active(p, out)) continue;
    if (p.fixed) {
      out.set(p.name, p.value_at(0.0));
    } else if (next_joint < joint.size() && joint[next_joint].spec == &p) {
      out.set(p.name, joint_point[next_joint++].value);
    } else {
      const std::vector<Axis> axis{make_axis(p)};
      out.set(p.name, best_candidate(axis, good, bad, spec_.candidates, false, rng)[0].value);
    }
  }
  return out;
}

}  // namespace rungs::core
