#include "rungs/core/asha.hpp"

#include <limits>
#include <sstream>
#include <stdexcept>

#include "rungs/core/seeding.hpp"

namespace rungs::core {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Verdict verdict_of(DecisionKind kind) {
  switch (kind) {
    case DecisionKind::kPause: return Verdict::kPause;
    case DecisionKind::kComplete: return Verdict::kComplete;
    default: return Verdict::kStop;
  }
}

}  // namespace

std::string AshaConfig::validate() const {
  std::ostringstream err;
  if (eta < 2) {
    err << "eta must be an integer >= 2, got " << eta << "; 3 or 4 are usual";
  } else if (eta > kMaxEta) {
    err << "eta must be <= " << kMaxEta << ", got " << eta << "; 3 or 4 are usual";
  } else if (min_resource < 1) {
    err << "min_resource must be >= 1, got " << min_resource;
  } else if (max_resource > kMaxResource) {
    err << "max_resource must be <= " << kMaxResource << " (2^40), got " << max_resource
        << "; use a smaller max_resource (resources count epochs)";
  } else if (max_resource < min_resource) {
    err << "max_resource (" << max_resource << ") must be >= min_resource (" << min_resource
        << ")";
  }
  return err.str();
}

std::vector<std::int64_t> AshaConfig::rung_resources() const {
  std::vector<std::int64_t> r;
  for (std::int64_t x = min_resource; x < max_resource; x *= eta) {
    r.push_back(x);
    if (x > max_resource / eta) break;  // x * eta > max_resource, and could overflow
  }
  r.push_back(max_resource);
  return r;
}

const char* to_string(AshaMode m) {
  return m == AshaMode::kPromotion ? "promotion" : "stopping";
}

std::optional<AshaMode> parse_asha_mode(const std::string& s) {
  for (AshaMode m : {AshaMode::kPromotion, AshaMode::kStopping}) {
    if (s == to_string(m)) return m;
  }
  return std::nullopt;
}

std::string AshaRules::validate(const AshaConfig& config) const {
  std::ostringstream err;
  if (grace_period < 0) {
    err << "grace_period must be >= 0, got " << grace_period;
  } else if (grace_period > config.max_resource) {
    err << "grace_period (" << grace_period << ") exceeds max_resource ("
        << config.max_resource << "), so no trial could ever be stopped"
        << "; use a grace_period <= max_resource";
  } else if (grace_period > 0 && mode == AshaMode::kPromotion) {
    err << "grace_period applies to stopping mode only: promotion mode pauses trials and "
           "never stops one"
        << "; set mode: stopping, or remove grace_period";
  }
  return err.str();
}

// ---------------------------------------------------------------------------

AshaScheduler::AshaScheduler(AshaConfig config, ObjectiveMode mode, SweepLimits limits,
                             Sampler& sampler, const Clock& clock, std::uint64_t sweep_seed,
                             DecisionSink sink)
    : AshaScheduler(config, AshaRules{}, mode, limits, sampler, clock, sweep_seed,
                    std::move(sink)) {}

AshaScheduler::AshaScheduler(AshaConfig config, AshaRules rules, ObjectiveMode mode,
                             SweepLimits limits, Sampler& sampler, const Clock& clock,
                             std::uint64_t sweep_seed, DecisionSink sink)
    : AshaScheduler(config, rules, {BracketPlan{config.min_resource, 1}}, mode, limits, sampler,
                    clock, sweep_seed, std::move(sink)) {}

AshaScheduler::AshaScheduler(AshaConfig config, AshaRules rules, std::vector<BracketPlan> plan,
                             ObjectiveMode mode, SweepLimits limits, Sampler& sampler,
                             const Clock& clock, std::uint64_t sweep_seed, DecisionSink sink)
    : rules_(rules),
      mode_(mode),
      sampler_(sampler),
      sweep_seed_(sweep_seed),
      sink_(std::move(sink)),
      gate_(limits, mode, sampler, clock) {
  std::string problem = config.validate();
  if (problem.empty()) problem = rules.validate(config);
  if (problem.empty() && plan.empty()) problem = "no brackets to run";
  if (!problem.empty()) throw std::invalid_argument("scheduler: " + problem);
  const bool promotion = rules.mode == AshaMode::kPromotion;
  for (const BracketPlan& p : plan) {
    if (p.min_resource < config.min_resource || p.min_resource > config.max_resource ||
        p.weight < 1) {
      throw std::invalid_argument("scheduler: bracket with minimum resource " +
                                  std::to_string(p.min_resource) + " and weight " +
                                  std::to_string(p.weight) + " does not fit the resources " +
                                  std::to_string(config.min_resource) + ".." +
                                  std::to_string(config.max_resource));
    }
    Bracket b;
    b.resources = AshaConfig{config.eta, p.min_resource, config.max_resource}.rung_resources();
    b.weight = p.weight;
    for (std::size_t k = 0; k < b.resources.size(); ++k) {
      // The top rung's entries are never promoted: no need to track them.
      const bool track = promotion && k + 1 < b.resources.size();
      b.rungs.emplace_back(config.eta, mode, track);
    }
    brackets_.push_back(std::move(b));
  }
}

int AshaScheduler::Bracket::promotable_rung() const {
  for (int k = top() - 1; k >= 0; --k) {
    if (rungs[static_cast<std::size_t>(k)].promotable()) return k;
  }
  return -1;
}

const std::vector<std::int64_t>& AshaScheduler::rung_resources(int bracket) const {
  return brackets_.at(static_cast<std::size_t>(bracket)).resources;
}

const Rung& AshaScheduler::rung(int k, int bracket) const {
  return brackets_.at(static_cast<std::size_t>(bracket)).rungs.at(static_cast<std::size_t>(k));
}

std::size_t AshaScheduler::rung_size(int k, int bracket) const { return rung(k, bracket).size(); }

std::int64_t AshaScheduler::trials_in_bracket(int bracket) const {
  return brackets_.at(static_cast<std::size_t>(bracket)).started;
}

std::size_t AshaScheduler::memory_bytes() const {
  std::size_t bytes = trials_.capacity() * sizeof(TrialState);
  for (const Bracket& b : brackets_) {
    for (const Rung& r : b.rungs) bytes += r.memory_bytes();
  }
  return bytes;
}

std::uint64_t AshaScheduler::seed_of(TrialId t) const {
  return derive_seed(sweep_seed_, t.value, SeedStream::kTraining);
}

void AshaScheduler::record(DecisionKind kind, TrialId t, int rung, double metric,
                           int worker) const {
  if (sink_) sink_(Decision{t, rung, kind, gate_.elapsed(), metric, worker, {}});
}

AshaScheduler::TrialState& AshaScheduler::state_of(TrialId t, const char* caller) {
  if (t.value < 0 || t.value >= next_trial_) {
    throw std::invalid_argument(std::string(caller) + ": unknown trial " +
                                std::to_string(t.value));
  }
  return trials_[static_cast<std::size_t>(t.value)];
}

// ---------------------------------------------------------------------------
// Handing out jobs.

std::optional<Job> AshaScheduler::next_job(WorkerId w) {
  if (!gate_.open()) return std::nullopt;
  if (rules_.mode == AshaMode::kPromotion) {
    if (auto job = promote(w)) return job;
  }
  if (!gate_.budget_left(next_trial_)) return std::nullopt;
  return start(w);
}

// Algorithm 2's get_job, over all brackets: the promotable trial at the
// highest rung resource goes first (it is nearest to a finished model); equal
// resources go to the smaller bracket.
std::optional<Job> AshaScheduler::promote(WorkerId w) {
  int best_b = -1, best_k = -1;
  for (int b = 0; b < bracket_count(); ++b) {
    const Bracket& br = brackets_[static_cast<std::size_t>(b)];
    const int k = br.promotable_rung();
    if (k < 0) continue;
    if (best_b < 0 || br.resources[static_cast<std::size_t>(k)] >
                          rung_resources(best_b)[static_cast<std::size_t>(best_k)]) {
      best_b = b;
      best_k = k;
    }
  }
  if (best_b < 0) return std::nullopt;
  Bracket& br = brackets_[static_cast<std::size_t>(best_b)];
  Rung& rung = br.rungs[static_cast<std::size_t>(best_k)];
  const RungEntry e = *rung.promotable();
  rung.mark_promoted();
  TrialState& st = trials_[static_cast<std::size_t>(e.trial.value)];
  st.rung = best_k + 1;
  st.phase = Phase::kRunning;
  ++running_jobs_;
  record(DecisionKind::kPromote, e.trial, best_k + 1, e.metric, w.value);
  return Job{e.trial,     best_k + 1,        br.resources[static_cast<std::size_t>(best_k)],
             br.resources[static_cast<std::size_t>(best_k) + 1], st.params, seed_of(e.trial),
             best_b, {}};
}

// Promotion mode: a job to the end of rung 0. Stopping mode: one job to
// max_resource, judged at every rung on the way.
Job AshaScheduler::start(WorkerId w) {
  const int b = choose_bracket();
  Bracket& br = brackets_[static_cast<std::size_t>(b)];
  const TrialId id{next_trial_++};
  TrialState st;
  st.params = sampler_.sample(id);
  st.bracket = static_cast<std::int16_t>(b);
  trials_.push_back(std::move(st));
  ++br.started;
  ++running_jobs_;
  record(DecisionKind::kStart, id, 0, kNaN, w.value);
  const int to = rules_.mode == AshaMode::kPromotion ? 0 : br.top();
  return Job{id, to, 0, br.resources[static_cast<std::size_t>(to)],
             trials_.back().params, seed_of(id), b, {}};
}

// The bracket whose share of new trials is most overdue: the smallest
// (started_b + 1) / weight_b, ties to the smaller b. Over every run of
// sum(weights) consecutive trials, bracket b gets exactly weight_b of them,
// interleaved as evenly as integers allow.
int AshaScheduler::choose_bracket() const {
  std::size_t best = 0;
  for (std::size_t b = 1; b < brackets_.size(); ++b) {
    const Bracket& x = brackets_[b];
    const Bracket& y = brackets_[best];
    if ((x.started + 1) * y.weight < (y.started + 1) * x.weight) best = b;
  }
  return static_cast<int>(best);
}

// ---------------------------------------------------------------------------
// Reports.

Verdict AshaScheduler::on_report(const Report& r) {
  TrialState& st = state_of(r.trial, "on_report");
  if (st.phase != Phase::kRunning) {
    throw std::invalid_argument("on_report: trial " + std::to_string(r.trial.value) +
                                " has no job running");
  }
  const Bracket& br = brackets_[static_cast<std::size_t>(st.bracket)];
  const int job_end = rules_.mode == AshaMode::kPromotion ? st.rung : br.top();
  const std::int64_t end = br.resources[static_cast<std::size_t>(job_end)];
  if (r.step > end) {
    throw std::invalid_argument("on_report: trial " + std::to_string(r.trial.value) +
                                " reported step " + std::to_string(r.step) +
                                " past the end of its rung (" + std::to_string(end) + ")");
  }
  sampler_.observe(r.trial, st.params, r.step, r.metric);
  gate_.note(r.metric);
  return rules_.mode == AshaMode::kPromotion ? on_promotion_report(st, r)
                                             : on_stopping_report(st, r);
}

Verdict AshaScheduler::on_promotion_report(TrialState& st, const Report& r) {
  Bracket& br = brackets_[static_cast<std::size_t>(st.bracket)];
  const int k = st.rung;
  if (r.step < br.resources[static_cast<std::size_t>(k)]) return Verdict::kContinue;
  br.rungs[static_cast<std::size_t>(k)].add(r.trial, r.metric);
  return end_job(st, r, k == br.top() ? DecisionKind::kComplete : DecisionKind::kPause, k);
}

// Judges every rung the step has reached (normally one: workers report every
// step). Passing rung k is logged as a promotion to k + 1 with no worker: the
// trial goes on in the job it already has.
Verdict AshaScheduler::on_stopping_report(TrialState& st, const Report& r) {
  Bracket& br = brackets_[static_cast<std::size_t>(st.bracket)];
  const int top = br.top();
  while (st.rung < top && br.resources[static_cast<std::size_t>(st.rung)] <= r.step) {
    const int k = st.rung;
    Rung& rung = br.rungs[static_cast<std::size_t>(k)];
    rung.add(r.trial, r.metric);
    const bool in_grace = br.resources[static_cast<std::size_t>(k)] < rules_.grace_period;
    if (!in_grace && !rung.keeps(r.metric)) return end_job(st, r, DecisionKind::kStop, k);
    st.rung = k + 1;
    record(DecisionKind::kPromote, r.trial, k + 1, r.metric, -1);
  }
  if (r.step < br.resources[static_cast<std::size_t>(top)]) return Verdict::kContinue;
  br.rungs[static_cast<std::size_t>(top)].add(r.trial, r.metric);
  return end_job(st, r, DecisionKind::kComplete, top);
}

Verdict AshaScheduler::end_job(TrialState& st, const Report& r, DecisionKind kind, int rung) {
  --running_jobs_;
  if (kind == DecisionKind::kPause) {
    st.phase = Phase::kPaused;
  } else {
    st.phase = Phase::kDone;
    st.params = ParamSet{};  // a finished trial needs its configuration no more
  }
  record(kind, r.trial, rung, r.metric, -1);
  return verdict_of(kind);
}

void AshaScheduler::on_failure(TrialId t, const std::string& /*why*/) {
  TrialState& st = state_of(t, "on_failure");
  if (st.phase != Phase::kRunning) return;
  --running_jobs_;
  st.phase = Phase::kDone;
  st.params = ParamSet{};
  record(DecisionKind::kFail, t, st.rung, kNaN, -1);
}

std::vector<std::int64_t> AshaScheduler::decision_steps(const Job& job) const {
  std::vector<std::int64_t> steps;
  if (rules_.mode == AshaMode::kPromotion) return steps;
  const Bracket& br = brackets_.at(static_cast<std::size_t>(job.bracket));
  for (int k = 0; k < br.top(); ++k) {
    const std::int64_t r = br.resources[static_cast<std::size_t>(k)];
    if (r > job.from_resource && r <= job.to_resource && r >= rules_.grace_period) {
      steps.push_back(r);
    }
  }
  return steps;
}

bool AshaScheduler::finished() const {
  if (running_jobs_ > 0) return false;
  if (!gate_.open()) return true;
  if (gate_.budget_left(next_trial_)) return false;
  if (rules_.mode == AshaMode::kStopping) return true;
  for (const Bracket& b : brackets_) {
    if (b.promotable_rung() >= 0) return false;
  }
  return true;
}

std::optional<std::string> AshaScheduler::limit_reached() const {
  return gate_.limit_reached(next_trial_);
}

}  // namespace rungs::core
