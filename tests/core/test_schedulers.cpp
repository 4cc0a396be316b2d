// Every scheduler against hand-built event sequences. Expected verdicts and
// jobs are hand computations, written next to each check.
//
// Rules under test:
//   ASHA stopping   continue at a rung iff fewer than max(1, floor(n/eta))
//                   results there are strictly better (n counts the trial's
//                   own; Optuna's SuccessiveHalvingPruner); never stop below
//                   grace_period.
//   Hyperband       bracket s starts at min_resource * eta^s; new trials go to
//                   the bracket with the smallest (started + 1) / n_{s_max-s}.
//   Median          stop at step t iff best-so-far is strictly worse than the
//                   median of the running averages at t of the trials that
//                   reported t before (>= min_samples of them), t >= grace.
//   Target          once reached: no new jobs; running jobs go on.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <vector>

#include "rungs/core/asha.hpp"
#include "rungs/core/factory.hpp"
#include "rungs/core/fifo.hpp"
#include "rungs/core/hyperband.hpp"
#include "rungs/core/median_stopping.hpp"
#include "rungs/core/rung.hpp"
#include "rungs/core/sync_halving.hpp"

namespace rungs::core {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr auto kMax = ObjectiveMode::kMax;
constexpr auto kMin = ObjectiveMode::kMin;

struct Observation {
  std::int64_t trial;
  std::int64_t id_param;
  std::int64_t resource;
  double metric;
};

// Configuration "id" = trial id; remembers every observe() call; optionally
// finite like a grid.
class RecordingSampler : public Sampler {
 public:
  explicit RecordingSampler(std::optional<std::int64_t> size = std::nullopt) : size_(size) {}
  ParamSet sample(TrialId t) override {
    ParamSet p;
    p.set("id", t.value);
    return p;
  }
  void observe(TrialId t, const ParamSet& p, std::int64_t resource, double metric) override {
    observed.push_back({t.value, p.get_int("id", -1), resource, metric});
  }
  std::optional<std::int64_t> size() const override { return size_; }
  std::vector<Observation> observed;

 private:
  std::optional<std::int64_t> size_;
};

// Owns what a scheduler refers to (sampler, clock, decision log).
struct World {
  explicit World(std::optional<std::int64_t> sampler_size = std::nullopt)
      : sampler(sampler_size) {}
  DecisionSink sink() {
    return [this](const Decision& d) { decisions.push_back(d); };
  }
  int count(DecisionKind k) const {
    return static_cast<int>(std::count_if(decisions.begin(), decisions.end(),
                                          [k](const Decision& d) { return d.kind == k; }));
  }
  RecordingSampler sampler;
  ManualClock clock;
  std::vector<Decision> decisions;
};

Job next(Scheduler& s, int worker = 0) {
  auto j = s.next_job(WorkerId{worker});
  EXPECT_TRUE(j.has_value());
  return j.value_or(Job{});
}

// The part of a trial's running job from `from` to `to` (to go on reporting).
Job span(TrialId t, std::int64_t from, std::int64_t to) {
  Job j;
  j.trial = t;
  j.from_resource = from;
  j.to_resource = to;
  return j;
}

Verdict report(Scheduler& s, const Job& j, std::int64_t step, double metric) {
  return s.on_report(Report{j.trial, step, metric});
}

// Reports steps from+1 .. to with `metric`; returns the last verdict.
Verdict run_job(Scheduler& s, const Job& j, double metric) {
  Verdict v = Verdict::kContinue;
  for (std::int64_t step = j.from_resource + 1; step <= j.to_resource; ++step) {
    v = report(s, j, step, metric);
    if (v != Verdict::kContinue) break;
  }
  return v;
}

SweepLimits limits_of(std::int64_t trials, double seconds) {
  SweepLimits l;
  l.max_trials = trials;
  l.max_seconds = seconds;
  return l;
}

const AshaConfig k319{3, 1, 9};  // rungs at 1, 3, 9
const AshaRules kStopping{AshaMode::kStopping, 0};

std::unique_ptr<AshaScheduler> asha(World& w, AshaConfig c, AshaRules rules,
                                    ObjectiveMode mode = kMax, SweepLimits limits = {}) {
  return std::make_unique<AshaScheduler>(c, rules, mode, limits, w.sampler, w.clock, 1,
                                         w.sink());
}

// ---------------------------------------------------------------------------
// Rung

TEST(Rung, TopHoldsBestFloorNOverEtaAndServesUnpromotedBestFirst) {
  Rung r(3, kMax, true);
  const double metric[7] = {0.1, 0.5, 0.3, 0.9, 0.5, 0.2, 0.7};
  for (int i = 0; i < 7; ++i) r.add(TrialId{i}, metric[i]);
  // n = 7, floor(7/3) = 2: the top is trials 3 (0.9) and 6 (0.7).
  EXPECT_EQ(r.top_size(), 2u);
  const auto sorted = r.sorted();
  std::vector<std::int64_t> order;
  for (const auto& e : sorted) order.push_back(e.trial.value);
  // 0.5 twice: trial 1 before trial 4.
  EXPECT_EQ(order, (std::vector<std::int64_t>{3, 6, 1, 4, 2, 5, 0}));
  EXPECT_EQ(r.promotable()->trial.value, 3);
  r.mark_promoted();
  EXPECT_EQ(r.promotable()->trial.value, 6);
  r.mark_promoted();
  EXPECT_FALSE(r.promotable().has_value());  // both top members promoted
  r.add(TrialId{7}, 0.05);                   // n = 8: top still 2
  EXPECT_FALSE(r.promotable().has_value());
  r.add(TrialId{8}, 0.06);  // n = 9: top 3 takes in trial 1 (0.5, smaller id than 4)
  EXPECT_EQ(r.promotable()->trial.value, 1);
  EXPECT_DOUBLE_EQ(r.promotable()->metric, 0.5);
}

TEST(Rung, KeepsResultsWithFewerThanMaxOneFloorNOverEtaBetter) {
  Rung r(3, kMax, false);
  auto add = [&r](int t, double m) {
    r.add(TrialId{t}, m);
    return r.keeps(m);
  };
  EXPECT_TRUE(add(0, 0.50));   // n=1, k=1, better: none
  EXPECT_FALSE(add(1, 0.40));  // n=2, k=1, better: 0.50
  EXPECT_TRUE(add(2, 0.60));   // n=3, k=1, better: none
  EXPECT_FALSE(add(3, 0.55));  // n=4, k=1, better: 0.60
  EXPECT_TRUE(add(4, 0.70));   // n=5, k=1, better: none
  EXPECT_FALSE(add(5, 0.58));  // n=6, k=2, better: 0.70, 0.60
  EXPECT_TRUE(add(6, 0.65));   // n=7, k=2, better: 0.70
}

TEST(Rung, TiesAreKeptAndNaNIsNot) {
  Rung r(3, kMin, false);
  r.add(TrialId{0}, 0.5);
  r.add(TrialId{1}, 0.5);
  EXPECT_TRUE(r.keeps(0.5));  // n=2, k=1: nothing strictly better than 0.5
  r.add(TrialId{2}, kNaN);
  EXPECT_FALSE(r.keeps(kNaN));
  EXPECT_EQ(r.sorted().back().trial.value, 2);  // NaN ranks last
}

// The heaps against a sorted vector, on random inserts with many ties and
// random promotions.
TEST(Rung, MatchesSortedReferenceOnRandomInserts) {
  std::mt19937_64 rng(7);
  for (ObjectiveMode mode : {kMax, kMin}) {
    for (int eta : {2, 3, 4}) {
      Rung r(eta, mode, true);
      std::vector<RungEntry> ref;  // sorted best first
      std::vector<bool> promoted;  // by trial id
      auto ahead = [mode](const RungEntry& a, const RungEntry& b) {
        if (better(mode, a.metric, b.metric)) return true;
        if (better(mode, b.metric, a.metric)) return false;
        return a.trial < b.trial;
      };
      for (int t = 0; t < 3000; ++t) {
        const double m = (rng() % 50 == 0) ? kNaN : static_cast<double>(rng() % 40) / 8.0;
        r.add(TrialId{t}, m);
        ref.insert(std::upper_bound(ref.begin(), ref.end(), RungEntry{TrialId{t}, m}, ahead),
                   RungEntry{TrialId{t}, m});
        promoted.push_back(false);
        const std::size_t k = std::max<std::size_t>(1, ref.size() / eta);
        std::size_t strictly_better = 0;
        for (const auto& e : ref) strictly_better += better(mode, e.metric, m);
        ASSERT_EQ(r.keeps(m), !std::isnan(m) && strictly_better < k) << "t=" << t;
        std::optional<std::int64_t> want;
        for (std::size_t i = 0; i < ref.size() / eta && !want; ++i) {
          if (!promoted[ref[i].trial.value]) want = ref[i].trial.value;
        }
        const auto got = r.promotable();
        ASSERT_EQ(got.has_value(), want.has_value()) << "t=" << t;
        if (got) {
          ASSERT_EQ(got->trial.value, *want) << "t=" << t;
        }
        if (got && rng() % 3 == 0) {
          promoted[got->trial.value] = true;
          r.mark_promoted();
        }
      }
      EXPECT_EQ(r.top_size(), 3000u / eta);
    }
  }
}

// ---------------------------------------------------------------------------
// ASHA, stopping mode

TEST(AshaStopping, JobRunsFromScratchToMaxResource) {
  World w;
  auto s = asha(w, k319, kStopping);
  const Job j = next(*s);
  EXPECT_EQ(j.from_resource, 0);
  EXPECT_EQ(j.to_resource, 9);
  EXPECT_EQ(j.rung, 2);  // the rung that ends at to_resource
  EXPECT_EQ(j.bracket, 0);
}

TEST(AshaStopping, ContinuesIffFewerThanMaxOneFloorNOverEtaAreBetter) {
  World w;
  auto s = asha(w, k319, kStopping);
  std::vector<Job> j;
  for (int i = 0; i < 7; ++i) j.push_back(next(*s));
  // Rung 0 (resource 1) as in Rung.KeepsResultsWithFewerThanMaxOneFloorNOverEtaBetter.
  EXPECT_EQ(report(*s, j[0], 1, 0.50), Verdict::kContinue);
  EXPECT_EQ(report(*s, j[1], 1, 0.40), Verdict::kStop);
  EXPECT_EQ(report(*s, j[2], 1, 0.60), Verdict::kContinue);
  EXPECT_EQ(report(*s, j[3], 1, 0.55), Verdict::kStop);
  EXPECT_EQ(report(*s, j[4], 1, 0.70), Verdict::kContinue);
  EXPECT_EQ(report(*s, j[5], 1, 0.58), Verdict::kStop);  // n=6: 0.70 and 0.60 are better
  EXPECT_EQ(report(*s, j[6], 1, 0.65), Verdict::kContinue);
  EXPECT_EQ(s->running_jobs(), 4u);  // 7 started, 3 stopped at once
  EXPECT_EQ(s->rung_size(0), 7u);
  EXPECT_EQ(w.count(DecisionKind::kStop), 3);
}

TEST(AshaStopping, StepsBetweenRungsContinueAndMaxResourceCompletes) {
  World w;
  auto s = asha(w, k319, kStopping);
  const Job j = next(*s);
  for (int step = 1; step < 9; ++step) EXPECT_EQ(report(*s, j, step, 0.5), Verdict::kContinue);
  EXPECT_EQ(report(*s, j, 9, 0.5), Verdict::kComplete);
  EXPECT_EQ(s->rung_size(0), 1u);
  EXPECT_EQ(s->rung_size(1), 1u);
  EXPECT_EQ(s->rung_size(2), 1u);
  EXPECT_EQ(w.decisions.back().kind, DecisionKind::kComplete);
}

TEST(AshaStopping, PassingARungIsLoggedAsPromotionWithoutWorker) {
  World w;
  auto s = asha(w, k319, kStopping);
  const Job j = next(*s, 4);
  report(*s, j, 1, 0.5);
  ASSERT_EQ(w.decisions.size(), 2u);
  EXPECT_EQ(w.decisions[0].kind, DecisionKind::kStart);
  EXPECT_EQ(w.decisions[0].worker, 4);
  EXPECT_EQ(w.decisions[1].kind, DecisionKind::kPromote);
  EXPECT_EQ(w.decisions[1].rung, 1);
  EXPECT_EQ(w.decisions[1].worker, -1);  // no new job: the trial goes on where it runs
}

TEST(AshaStopping, GracePeriodProtectsRungsBelowIt) {
  World w;
  auto s = asha(w, k319, AshaRules{AshaMode::kStopping, 3});
  const Job a = next(*s), b = next(*s);
  EXPECT_EQ(report(*s, a, 1, 0.5), Verdict::kContinue);
  // Rung 0 (resource 1 < grace 3): trial b is worse but goes on; its result counts.
  EXPECT_EQ(report(*s, b, 1, 0.4), Verdict::kContinue);
  EXPECT_EQ(s->rung_size(0), 2u);
  report(*s, a, 2, 0.55);
  report(*s, b, 2, 0.45);
  EXPECT_EQ(report(*s, a, 3, 0.6), Verdict::kContinue);
  // Rung 1 (resource 3 >= grace): n=2, k=1, 0.6 is better: stop.
  EXPECT_EQ(report(*s, b, 3, 0.5), Verdict::kStop);
  EXPECT_EQ(w.decisions.back().rung, 1);
}

TEST(AshaStopping, TiesContinue) {
  World w;
  auto s = asha(w, k319, kStopping);
  const Job a = next(*s), b = next(*s);
  EXPECT_EQ(report(*s, b, 1, 0.5), Verdict::kContinue);
  EXPECT_EQ(report(*s, a, 1, 0.5), Verdict::kContinue);  // n=2: nothing strictly better
}

TEST(AshaStopping, MinModeStopsTheLargerLoss) {
  World w;
  auto s = asha(w, k319, kStopping, kMin);
  const Job a = next(*s), b = next(*s);
  EXPECT_EQ(report(*s, a, 1, 0.3), Verdict::kContinue);
  EXPECT_EQ(report(*s, b, 1, 0.4), Verdict::kStop);
}

TEST(AshaStopping, StopEndsTheJobAtOnceAndLaterReportsAreRejected) {
  World w;
  auto s = asha(w, k319, kStopping, kMax, limits_of(2, 0));
  const Job a = next(*s), b = next(*s);
  report(*s, a, 1, 0.9);
  EXPECT_EQ(report(*s, b, 1, 0.1), Verdict::kStop);
  EXPECT_EQ(s->running_jobs(), 1u);
  EXPECT_THROW(report(*s, b, 2, 0.1), std::invalid_argument);
  EXPECT_FALSE(s->finished());  // trial a still runs
  EXPECT_EQ(run_job(*s, span(a.trial, 1, 9), 0.9), Verdict::kComplete);
  EXPECT_TRUE(s->finished());  // budget spent, nothing runs
}

TEST(AshaStopping, ReportPastMaxResourceIsRejected) {
  World w;
  auto s = asha(w, k319, kStopping);
  const Job a = next(*s);
  EXPECT_THROW(report(*s, a, 10, 0.5), std::invalid_argument);
  EXPECT_TRUE(w.sampler.observed.empty());  // a rejected report is not observed
}

// Where the worker must wait for a verdict: rungs below the top at or above
// grace_period (stopping mode); nowhere in promotion mode.
TEST(AshaStopping, DecisionStepsAreTheRungsAtOrAboveGrace) {
  World w;
  using Steps = std::vector<std::int64_t>;
  EXPECT_EQ(asha(w, k319, kStopping)->decision_steps(span(TrialId{0}, 0, 9)), (Steps{1, 3}));
  auto graced = asha(w, k319, AshaRules{AshaMode::kStopping, 3});
  EXPECT_EQ(graced->decision_steps(span(TrialId{0}, 0, 9)), (Steps{3}));
  EXPECT_EQ(asha(w, k319, AshaRules{})->decision_steps(span(TrialId{0}, 0, 1)), Steps{});
  HyperbandScheduler h(k319, kStopping, 0, kMax, {}, w.sampler, w.clock, 1);
  Job in_bracket_1 = span(TrialId{1}, 0, 9);
  in_bracket_1.bracket = 1;  // rungs 3, 9
  EXPECT_EQ(h.decision_steps(in_bracket_1), (Steps{3}));
  MedianStoppingScheduler m(MedianStoppingConfig{5, 2, 1}, kMax, {}, w.sampler, w.clock, 1);
  EXPECT_EQ(m.decision_steps(span(TrialId{0}, 0, 5)), (Steps{2, 3, 4}));
}

// The two modes on the same results: trials 0, 1, 2 reach resource 1 with
// 0.2, 0.9, 0.5 in that order, then trials 3, 4, 5 with 0.1 each.
TEST(AshaModes, SameResultsDifferentDecisions) {
  const double first[3] = {0.2, 0.9, 0.5};
  World wp, ws;
  auto promo = asha(wp, k319, AshaRules{});
  auto stop = asha(ws, k319, kStopping);
  std::vector<Job> p, s;
  for (int i = 0; i < 3; ++i) p.push_back(next(*promo)), s.push_back(next(*stop));
  // Promotion: every job ends at rung 0 and the trial waits.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(report(*promo, p[i], 1, first[i]), Verdict::kPause);
  // Stopping: trial 0 is first at the rung (goes on on thin evidence), trial 1
  // is the best, trial 2 has one better of n=3, k=1: stopped for good.
  EXPECT_EQ(report(*stop, s[0], 1, 0.2), Verdict::kContinue);
  EXPECT_EQ(report(*stop, s[1], 1, 0.9), Verdict::kContinue);
  EXPECT_EQ(report(*stop, s[2], 1, 0.5), Verdict::kStop);
  // Promotion: floor(3/3) = 1, trial 1 resumes from its checkpoint, 1 -> 3.
  const Job up = next(*promo);
  EXPECT_EQ(up.trial.value, 1);
  EXPECT_EQ(up.from_resource, 1);
  EXPECT_EQ(up.to_resource, 3);
  // Stopping: trials 0 and 1 still run their first jobs; the free worker
  // gets a new trial.
  EXPECT_EQ(next(*stop).trial.value, 3);
  EXPECT_EQ(stop->running_jobs(), 3u);
  // Three more weak results: n=6, top 2 = trials 1 and 2. In promotion mode
  // the paused trial 2 now gets its promotion; in stopping mode it is gone.
  for (int i = 0; i < 3; ++i) report(*promo, next(*promo), 1, 0.1);
  const Job late = next(*promo);
  EXPECT_EQ(late.trial.value, 2);
  EXPECT_EQ(late.rung, 1);
  EXPECT_THROW(report(*stop, s[2], 2, 0.5), std::invalid_argument);
}

// ---------------------------------------------------------------------------
// Hyperband

TEST(HyperbandTable, MatchesJmlr2018Table1ForEta3AndR81) {
  const auto table = hyperband_table(AshaConfig{3, 1, 81});
  ASSERT_EQ(table.size(), 5u);
  using R = std::vector<HyperbandRung>;
  EXPECT_EQ(table[0].s, 4);
  EXPECT_EQ(table[0].rungs, (R{{81, 1}, {27, 3}, {9, 9}, {3, 27}, {1, 81}}));
  EXPECT_EQ(table[1].s, 3);
  EXPECT_EQ(table[1].rungs, (R{{34, 3}, {11, 9}, {3, 27}, {1, 81}}));
  EXPECT_EQ(table[2].s, 2);
  EXPECT_EQ(table[2].rungs, (R{{15, 9}, {5, 27}, {1, 81}}));
  EXPECT_EQ(table[3].s, 1);
  EXPECT_EQ(table[3].rungs, (R{{8, 27}, {2, 81}}));
  EXPECT_EQ(table[4].s, 0);
  EXPECT_EQ(table[4].rungs, (R{{5, 81}}));
}

TEST(HyperbandTable, SMaxIsFloorOfLogEtaOfMaxOverMin) {
  EXPECT_EQ(hyperband_s_max(AshaConfig{3, 1, 81}), 4);
  EXPECT_EQ(hyperband_s_max(AshaConfig{3, 1, 80}), 3);  // 3^4 = 81 > 80
  EXPECT_EQ(hyperband_s_max(AshaConfig{3, 1, 20}), 2);
  EXPECT_EQ(hyperband_s_max(AshaConfig{2, 2, 16}), 3);  // 16/2 = 8 = 2^3
  EXPECT_EQ(hyperband_s_max(AshaConfig{4, 5, 5}), 0);
}

std::unique_ptr<HyperbandScheduler> hyperband(World& w, AshaRules rules, int brackets,
                                              SweepLimits limits = {}) {
  return std::make_unique<HyperbandScheduler>(k319, rules, brackets, kMax, limits, w.sampler,
                                              w.clock, 1, w.sink());
}

// eta 3, resources 1..9: s_max = 2; JMLR n for s' = 2, 1, 0 is 9, 5, 3, so
// ASHA brackets 0, 1, 2 get weights 9, 5, 3. Due times (started+1)/weight:
// b0 at 1/9, 2/9, ..., b1 at 1/5, 2/5, ..., b2 at 1/3, 2/3, 1; merged
// (ties to the smaller bracket): 0 1 0 0 2 1 0 0 1 0 2 0 1 0 0 1 2.
TEST(Hyperband, NewTrialsSpreadInProportionToSynchronousN) {
  World w;
  auto s = hyperband(w, AshaRules{}, 0);
  ASSERT_EQ(s->bracket_count(), 3);
  const std::vector<int> want = {0, 1, 0, 0, 2, 1, 0, 0, 1, 0, 2, 0, 1, 0, 0, 1, 2,
                                 0, 1, 0, 0, 2};  // the pattern repeats
  std::vector<int> got;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const Job j = next(*s);
    got.push_back(j.bracket);
    // Bracket b's first rung ends at 3^b (bracket 2 has one rung: max_resource).
    EXPECT_EQ(j.to_resource, j.bracket == 0 ? 1 : j.bracket == 1 ? 3 : 9);
    EXPECT_EQ(j.from_resource, 0);
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(s->trials_in_bracket(0), 9 + 3);
  EXPECT_EQ(s->trials_in_bracket(1), 5 + 1);
  EXPECT_EQ(s->trials_in_bracket(2), 3 + 1);
}

// brackets: 2 keeps s = 0, 1 with weights 9 and 5. Due times: b0 k/9, b1 k/5:
// .11(0) .2(1) .22(0) .33(0) .4(1) .44(0) .56(0) .6(1) .67(0) .78(0) .8(1)
// .89(0) 1(0) 1(1).
TEST(Hyperband, BracketsLimitKeepsTheMostAggressiveOnes) {
  World w;
  auto s = hyperband(w, AshaRules{}, 2);
  ASSERT_EQ(s->bracket_count(), 2);
  std::vector<int> got;
  for (int i = 0; i < 14; ++i) got.push_back(next(*s).bracket);
  EXPECT_EQ(got, (std::vector<int>{0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1}));
  EXPECT_EQ(s->rung_resources(1), (std::vector<std::int64_t>{3, 9}));
}

TEST(Hyperband, RejectsMoreBracketsThanSMaxPlusOne) {
  World w;
  EXPECT_NO_THROW(hyperband(w, AshaRules{}, 3));
  EXPECT_THROW(hyperband(w, AshaRules{}, 4), std::invalid_argument);
}

// Trials 0..8 go to brackets 0 1 0 0 2 1 0 0 1: bracket 0 holds 0 2 3 6 7,
// bracket 1 holds 1 5 8, bracket 2 holds 4.
TEST(Hyperband, PromotesWithinBracketsHighestResourceFirst) {
  World w;
  auto s = hyperband(w, AshaRules{}, 0);
  std::vector<Job> j;
  for (int i = 0; i < 9; ++i) j.push_back(next(*s));
  EXPECT_EQ(report(*s, j[4], 9, 0.4), Verdict::kComplete);  // bracket 2: one rung
  for (int t : {0, 2, 3}) EXPECT_EQ(report(*s, j[t], 1, 0.1 * t), Verdict::kPause);
  const double b1[3] = {0.3, 0.8, 0.5};  // trials 1, 5, 8 at resource 3
  int i = 0;
  for (int t : {1, 5, 8}) EXPECT_EQ(report(*s, j[t], 3, b1[i++]), Verdict::kPause);
  // Both bracket 0 (rung at 1) and bracket 1 (rung at 3) can promote: the
  // higher resource goes first, its best trial (5) from 3 to 9.
  const Job first = next(*s);
  EXPECT_EQ(first.trial.value, 5);
  EXPECT_EQ(first.bracket, 1);
  EXPECT_EQ(first.from_resource, 3);
  EXPECT_EQ(first.to_resource, 9);
  const Job second = next(*s);  // bracket 0: best of 0.0, 0.2, 0.3 is trial 3
  EXPECT_EQ(second.trial.value, 3);
  EXPECT_EQ(second.bracket, 0);
  EXPECT_EQ(second.to_resource, 3);
  EXPECT_EQ(next(*s).trial.value, 9);  // nothing else promotable: a new trial
}

TEST(Hyperband, StoppingModeJudgesEachBracketAtItsOwnRungs) {
  World w;
  auto s = hyperband(w, kStopping, 0);
  const Job a = next(*s), b = next(*s);  // brackets 0 and 1
  ASSERT_EQ(b.bracket, 1);
  EXPECT_EQ(b.to_resource, 9);
  EXPECT_EQ(report(*s, a, 1, 0.9), Verdict::kContinue);  // bracket 0, rung at 1
  EXPECT_EQ(report(*s, b, 1, 0.1), Verdict::kContinue);  // bracket 1 has no rung at 1
  EXPECT_EQ(s->rung_size(0, 1), 0u);
  report(*s, b, 2, 0.1);
  EXPECT_EQ(report(*s, b, 3, 0.1), Verdict::kContinue);  // first at bracket 1's rung 3
  EXPECT_EQ(s->rung_size(0, 1), 1u);
  EXPECT_EQ(w.decisions.back().kind, DecisionKind::kPromote);
}

// ---------------------------------------------------------------------------
// Median stopping

std::unique_ptr<MedianStoppingScheduler> median(World& w, MedianStoppingConfig c,
                                                ObjectiveMode mode = kMax,
                                                SweepLimits limits = {}) {
  return std::make_unique<MedianStoppingScheduler>(c, mode, limits, w.sampler, w.clock, 1,
                                                   w.sink());
}

TEST(RunningMedianTest, OddAndEvenCounts) {
  RunningMedian m;
  EXPECT_TRUE(std::isnan(m.median()));
  for (double x : {5.0, 1.0, 4.0}) m.add(x);
  EXPECT_DOUBLE_EQ(m.median(), 4.0);  // 1 4 5
  m.add(2.0);
  EXPECT_DOUBLE_EQ(m.median(), 3.0);  // 1 2 4 5
}

// A, B, C report steps 1..3 first (each judged against fewer than 3 others,
// so none can stop). Running averages: A (0.2, 0.4, 0.9) -> 0.2, 0.3, 0.5;
// B 0.6 throughout; C 0.3 throughout.
TEST(MedianStopping, ComparesBestSoFarWithMedianOfRunningAverages) {
  World w;
  auto s = median(w, MedianStoppingConfig{10, 0, 3});
  const Job a = next(*s), b = next(*s), c = next(*s), d = next(*s), e = next(*s);
  EXPECT_EQ(a.to_resource, 10);
  const double va[3] = {0.2, 0.4, 0.9};
  for (int t = 1; t <= 3; ++t) EXPECT_EQ(report(*s, a, t, va[t - 1]), Verdict::kContinue);
  for (int t = 1; t <= 3; ++t) EXPECT_EQ(report(*s, b, t, 0.6), Verdict::kContinue);
  for (int t = 1; t <= 3; ++t) EXPECT_EQ(report(*s, c, t, 0.3), Verdict::kContinue);
  // D: step 1 median{0.2, 0.6, 0.3} = 0.3 < 0.55; step 2 median{0.3, 0.6,
  // 0.3} = 0.3; step 3 median{0.5, 0.6, 0.3} = 0.5 <= best 0.55: continue
  // (the median of last values, 0.6, would have stopped it).
  EXPECT_EQ(report(*s, d, 1, 0.55), Verdict::kContinue);
  EXPECT_EQ(report(*s, d, 2, 0.50), Verdict::kContinue);
  EXPECT_EQ(report(*s, d, 3, 0.40), Verdict::kContinue);
  // E at step 1: four others {0.2, 0.3, 0.55, 0.6}, median 0.425 > 0.25: stop.
  EXPECT_EQ(report(*s, e, 1, 0.25), Verdict::kStop);
  EXPECT_DOUBLE_EQ(w.decisions.back().metric, 0.25);
  EXPECT_EQ(s->reached(1), 5u);  // a stopped trial's average still counts
  EXPECT_EQ(s->running_jobs(), 4u);
}

TEST(MedianStopping, EqualToTheMedianContinues) {
  World w;
  auto s = median(w, MedianStoppingConfig{5, 0, 1});
  const Job a = next(*s), b = next(*s), c = next(*s);
  report(*s, a, 1, 0.5);
  EXPECT_EQ(report(*s, b, 1, 0.5), Verdict::kContinue);  // median{0.5}: not strictly worse
  EXPECT_EQ(report(*s, c, 1, 0.4), Verdict::kStop);      // median{0.5, 0.5} = 0.5
}

TEST(MedianStopping, NeedsMinSamplesOtherTrialsAtTheStep) {
  World w;
  auto s = median(w, MedianStoppingConfig{5, 0, 3});
  const Job a = next(*s), b = next(*s), c = next(*s), d = next(*s);
  report(*s, a, 1, 0.9);
  report(*s, b, 1, 0.8);
  EXPECT_EQ(report(*s, c, 1, 0.1), Verdict::kContinue);  // 2 others < 3
  EXPECT_EQ(report(*s, d, 1, 0.1), Verdict::kStop);      // median{0.9, 0.8, 0.1} = 0.8
}

TEST(MedianStopping, GracePeriodProtectsEarlySteps) {
  World w;
  auto s = median(w, MedianStoppingConfig{5, 2, 1});
  const Job a = next(*s), b = next(*s);
  report(*s, a, 1, 0.9);
  EXPECT_EQ(report(*s, b, 1, 0.1), Verdict::kContinue);  // step 1 < grace 2
  report(*s, a, 2, 0.9);
  EXPECT_EQ(report(*s, b, 2, 0.1), Verdict::kStop);  // best 0.1 < median{0.9}
}

TEST(MedianStopping, MaxResourceCompletesEvenBelowTheMedian) {
  World w;
  auto s = median(w, MedianStoppingConfig{2, 2, 1});
  const Job a = next(*s), b = next(*s);
  EXPECT_EQ(run_job(*s, a, 0.9), Verdict::kComplete);
  EXPECT_EQ(report(*s, b, 1, 0.1), Verdict::kContinue);
  EXPECT_EQ(report(*s, b, 2, 0.1), Verdict::kComplete);
}

TEST(MedianStopping, MinModeStopsTheHigherLoss) {
  World w;
  auto sm = median(w, MedianStoppingConfig{5, 0, 1}, kMin);
  const Job a = next(*sm), b = next(*sm);
  report(*sm, a, 1, 0.2);
  EXPECT_EQ(report(*sm, b, 1, 0.3), Verdict::kStop);
}

TEST(MedianStopping, StepsMustIncrease) {
  World w;
  auto s = median(w, MedianStoppingConfig{5, 0, 1});
  const Job a = next(*s);
  report(*s, a, 2, 0.5);
  EXPECT_THROW(report(*s, a, 2, 0.5), std::invalid_argument);
  EXPECT_THROW(report(*s, a, 6, 0.5), std::invalid_argument);
}

// ---------------------------------------------------------------------------
// FIFO

TEST(Fifo, EveryTrialRunsToMaxResourceAndCompletes) {
  World w;
  FifoScheduler s(3, kMax, limits_of(2, 0), w.sampler, w.clock, 1, w.sink());
  const Job a = next(s), b = next(s);
  EXPECT_EQ(a.from_resource, 0);
  EXPECT_EQ(a.to_resource, 3);
  EXPECT_FALSE(s.next_job(WorkerId{0}).has_value());  // budget of 2 spent
  EXPECT_EQ(report(s, a, 1, 0.9), Verdict::kContinue);
  EXPECT_EQ(report(s, b, 1, 0.0), Verdict::kContinue);  // no early stopping, ever
  EXPECT_EQ(report(s, b, 2, 0.0), Verdict::kContinue);
  EXPECT_EQ(report(s, b, 3, 0.0), Verdict::kComplete);
  EXPECT_FALSE(s.finished());
  EXPECT_EQ(run_job(s, span(a.trial, 1, 3), 0.9), Verdict::kComplete);
  EXPECT_TRUE(s.finished());
  EXPECT_EQ(w.count(DecisionKind::kComplete), 2);
  EXPECT_EQ(w.count(DecisionKind::kStop), 0);
}

// ---------------------------------------------------------------------------
// Target, wall time and trial budget, across schedulers

TEST(Target, MaxModeStopsNewJobsAndRunningJobsFinish) {
  World w;
  SweepLimits limits;
  limits.target = 0.8;
  auto s = asha(w, k319, AshaRules{}, kMax, limits);
  const Job a = next(*s), b = next(*s), c = next(*s);
  report(*s, a, 1, 0.85);  // >= 0.8: target reached
  EXPECT_FALSE(s->next_job(WorkerId{0}).has_value());
  EXPECT_FALSE(s->finished());
  EXPECT_EQ(report(*s, b, 1, 0.1), Verdict::kPause);  // running jobs end normally
  EXPECT_EQ(report(*s, c, 1, 0.2), Verdict::kPause);
  // Rung 0 holds 3: trial a would be promotable, but nothing new starts.
  EXPECT_FALSE(s->next_job(WorkerId{0}).has_value());
  EXPECT_TRUE(s->finished());
}

TEST(Target, MinModeReachesAtLessOrEqualAndTheTrialGoesOn) {
  World w;
  SweepLimits limits;
  limits.target = 0.1;
  FifoScheduler s(3, kMin, limits, w.sampler, w.clock, 1, w.sink());
  const Job a = next(s);
  EXPECT_EQ(report(s, a, 1, 0.2), Verdict::kContinue);
  EXPECT_TRUE(s.next_job(WorkerId{1}).has_value());  // 0.2 > 0.1: not yet
  const Job b = span(TrialId{1}, 0, 3);
  EXPECT_EQ(report(s, a, 2, 0.1), Verdict::kContinue);  // reached, a trains on
  EXPECT_FALSE(s.next_job(WorkerId{2}).has_value());
  EXPECT_EQ(report(s, a, 3, 0.1), Verdict::kComplete);
  EXPECT_FALSE(s.finished());  // b still runs
  run_job(s, b, 0.5);
  EXPECT_TRUE(s.finished());
}

TEST(Target, StoppingModeKeepsJudgingRunningTrials) {
  World w;
  SweepLimits limits;
  limits.target = 0.9;
  auto s = asha(w, k319, kStopping, kMax, limits);
  const Job a = next(*s), b = next(*s), c = next(*s);
  EXPECT_EQ(report(*s, a, 1, 0.95), Verdict::kContinue);
  EXPECT_FALSE(s->next_job(WorkerId{0}).has_value());
  EXPECT_EQ(report(*s, b, 1, 0.5), Verdict::kStop);      // the stopping rule still applies
  EXPECT_EQ(report(*s, c, 1, 0.96), Verdict::kContinue);  // and good trials go on
  EXPECT_EQ(s->running_jobs(), 2u);
}

TEST(Target, NaNNeverReachesIt) {
  World w;
  SweepLimits limits;
  limits.target = 0.5;
  FifoScheduler s(3, kMax, limits, w.sampler, w.clock, 1);
  report(s, next(s), 1, kNaN);
  EXPECT_TRUE(s.next_job(WorkerId{0}).has_value());
}

// make_scheduler over every kind, for the checks all schedulers share.
struct Kind {
  const char* kind;
  const char* mode;
};
const Kind kKinds[] = {{"asha", "promotion"}, {"asha", "stopping"}, {"hyperband", "promotion"},
                       {"hyperband", "stopping"}, {"median", "promotion"},
                       {"fifo", "promotion"}, {"sync_halving", "promotion"}};

SweepSpec spec_of(const Kind& k, SweepLimits limits = {}) {
  SweepSpec spec;
  spec.seed = 5;
  spec.scheduler.kind = *parse_scheduler_kind(k.kind);
  spec.scheduler.mode = *parse_asha_mode(k.mode);
  spec.scheduler.asha = k319;
  spec.limits = limits;
  return spec;
}

TEST(WallTime, NoJobStartsAfterTheLimitAndRunningJobsFinish) {
  for (const Kind& k : kKinds) {
    SCOPED_TRACE(std::string(k.kind) + "/" + k.mode);
    World w;
    auto s = make_scheduler(spec_of(k, limits_of(0, 60.0)), w.sampler, w.clock, w.sink());
    const Job a = next(*s);
    w.clock.advance(59.0);
    EXPECT_TRUE(s->next_job(WorkerId{1}).has_value());
    w.clock.advance(2.0);
    EXPECT_FALSE(s->next_job(WorkerId{2}).has_value());
    EXPECT_FALSE(s->finished());
    EXPECT_NE(run_job(*s, a, 0.5), Verdict::kContinue);
    EXPECT_FALSE(s->finished());  // the second job still runs
    s->on_failure(TrialId{1}, "worker lost");
    EXPECT_TRUE(s->finished());
  }
}

TEST(TrialBudget, CappedBySamplerSize) {
  for (const Kind& k : kKinds) {
    SCOPED_TRACE(std::string(k.kind) + "/" + k.mode);
    World w(3);  // a grid of 3 configurations; no limit in the spec
    auto s = make_scheduler(spec_of(k), w.sampler, w.clock, w.sink());
    for (int i = 0; i < 3; ++i) EXPECT_EQ(next(*s).trial.value, i);
    EXPECT_FALSE(s->next_job(WorkerId{0}).has_value());
  }
}

TEST(TrialBudget, SmallestOfSamplerTrialsLimitsAndSamplerSize) {
  World w(3);
  SweepSpec spec = spec_of(Kind{"fifo", "promotion"}, limits_of(5, 0));
  spec.sampler.trials = 4;
  auto s = make_scheduler(spec, w.sampler, w.clock);
  for (int i = 0; i < 3; ++i) next(*s);  // min(4, 5, 3) = 3
  EXPECT_FALSE(s->next_job(WorkerId{0}).has_value());
  World w2(3);
  spec.limits.max_trials = 2;
  auto s2 = make_scheduler(spec, w2.sampler, w2.clock);
  next(*s2), next(*s2);  // min(4, 2, 3) = 2
  EXPECT_FALSE(s2->next_job(WorkerId{0}).has_value());
}

TEST(TrialBudget, EmptySamplerFinishesAtOnce) {
  for (const Kind& k : kKinds) {
    SCOPED_TRACE(std::string(k.kind) + "/" + k.mode);
    World w(0);
    auto s = make_scheduler(spec_of(k), w.sampler, w.clock);
    EXPECT_FALSE(s->next_job(WorkerId{0}).has_value());
    EXPECT_TRUE(s->finished());
  }
}

TEST(SamplerObserve, EveryAcceptedReportReachesTheSampler) {
  for (const Kind& k : kKinds) {
    SCOPED_TRACE(std::string(k.kind) + "/" + k.mode);
    World w;
    auto s = make_scheduler(spec_of(k), w.sampler, w.clock);
    const Job a = next(*s);
    run_job(*s, a, 0.25);
    ASSERT_EQ(w.sampler.observed.size(), static_cast<std::size_t>(a.to_resource));
    for (std::size_t i = 0; i < w.sampler.observed.size(); ++i) {
      const Observation& o = w.sampler.observed[i];
      EXPECT_EQ(o.trial, a.trial.value);
      EXPECT_EQ(o.id_param, a.trial.value);  // the trial's own configuration
      EXPECT_EQ(o.resource, static_cast<std::int64_t>(i) + 1);
      EXPECT_DOUBLE_EQ(o.metric, 0.25);
    }
  }
}

TEST(Failures, FailedJobFreesItsSlotAndLateFailureIsIgnored) {
  for (const Kind& k : kKinds) {
    SCOPED_TRACE(std::string(k.kind) + "/" + k.mode);
    World w;
    auto s = make_scheduler(spec_of(k, limits_of(1, 0)), w.sampler, w.clock, w.sink());
    const Job a = next(*s);
    s->on_failure(a.trial, "boom");
    EXPECT_EQ(s->running_jobs(), 0u);
    EXPECT_TRUE(s->finished());
    s->on_failure(a.trial, "again");  // no job runs: nothing changes
    EXPECT_EQ(w.count(DecisionKind::kFail), 1);
    EXPECT_THROW(s->on_failure(TrialId{7}, "who?"), std::invalid_argument);
  }
}

// ---------------------------------------------------------------------------
// Synchronous successive halving

TEST(SyncHalving, WaitsAtEachBarrierThenPromotesTheTopThird) {
  World w;
  SyncHalvingScheduler s(k319, 0, kMax, SweepLimits{}, w.sampler, w.clock, 1, w.sink());
  EXPECT_EQ(s.bracket_size(), 9);  // 3^(3 rungs - 1)
  const double metric[9] = {0.10, 0.30, 0.85, 0.20, 0.15, 0.80, 0.25, 0.90, 0.05};
  std::vector<Job> j;
  for (int i = 0; i < 9; ++i) j.push_back(next(s, i));
  EXPECT_FALSE(s.next_job(WorkerId{9}).has_value());  // all 9 handed out: wait
  for (int i = 0; i < 8; ++i) EXPECT_EQ(report(s, j[i], 1, metric[i]), Verdict::kPause);
  EXPECT_FALSE(s.next_job(WorkerId{0}).has_value());  // 8 of 9 in: still the barrier
  EXPECT_EQ(w.count(DecisionKind::kStop), 0);
  report(s, j[8], 1, metric[8]);
  // Barrier passed: floor(9/3) = 3 go on (trials 7, 2, 5, best first); 6 stop.
  EXPECT_EQ(w.count(DecisionKind::kStop), 6);
  const Job p7 = next(s), p2 = next(s), p5 = next(s);
  EXPECT_EQ(p7.trial.value, 7);
  EXPECT_EQ(p2.trial.value, 2);
  EXPECT_EQ(p5.trial.value, 5);
  EXPECT_EQ(p7.from_resource, 1);
  EXPECT_EQ(p7.to_resource, 3);
  EXPECT_FALSE(s.next_job(WorkerId{0}).has_value());
  report(s, p7, 3, 0.5);
  report(s, p2, 3, 0.9);
  report(s, p5, 3, 0.7);
  const Job top = next(s);  // floor(3/3) = 1: trial 2, 3 -> 9
  EXPECT_EQ(top.trial.value, 2);
  EXPECT_EQ(top.to_resource, 9);
  EXPECT_FALSE(s.next_job(WorkerId{0}).has_value());
  EXPECT_EQ(report(s, top, 9, 0.95), Verdict::kComplete);
  const Job fresh = next(s);  // the next bracket begins
  EXPECT_EQ(fresh.trial.value, 9);
  EXPECT_EQ(fresh.bracket, 1);
  EXPECT_EQ(s.bracket(), 1);
}

TEST(SyncHalving, LastBracketShrinksToTheBudgetAndKeepsOneTrial) {
  World w;
  SyncHalvingScheduler s(k319, 3, kMax, limits_of(4, 0), w.sampler, w.clock, 1, w.sink());
  // Bracket 0: trials 0..2; best (1) goes on, max(1, floor(1/3)) = 1 reaches 9.
  Job j[3] = {next(s), next(s), next(s)};
  report(s, j[0], 1, 0.1);
  report(s, j[1], 1, 0.9);
  report(s, j[2], 1, 0.5);
  const Job up = next(s);
  EXPECT_EQ(up.trial.value, 1);
  EXPECT_EQ(report(s, up, 3, 0.9), Verdict::kPause);
  EXPECT_EQ(run_job(s, next(s), 0.9), Verdict::kComplete);
  // Bracket 1: the budget leaves one trial; it runs through every rung.
  const Job last = next(s);
  EXPECT_EQ(last.trial.value, 3);
  EXPECT_EQ(last.bracket, 1);
  EXPECT_EQ(report(s, last, 1, 0.2), Verdict::kPause);
  EXPECT_EQ(run_job(s, next(s), 0.2), Verdict::kPause);
  EXPECT_EQ(run_job(s, next(s), 0.2), Verdict::kComplete);
  EXPECT_TRUE(s.finished());
}

TEST(SyncHalving, FailedTrialDoesNotHoldTheBarrier) {
  World w;
  SyncHalvingScheduler s(k319, 3, kMax, limits_of(3, 0), w.sampler, w.clock, 1, w.sink());
  Job j[3] = {next(s), next(s), next(s)};
  report(s, j[0], 1, 0.1);
  report(s, j[2], 1, 0.5);
  s.on_failure(j[1].trial, "nan loss");
  EXPECT_EQ(next(s).trial.value, 2);  // the barrier passed without trial 1
}

// ---------------------------------------------------------------------------
// make_scheduler

TEST(MakeScheduler, BuildsTheKindNamed) {
  World w;
  auto a = make_scheduler(spec_of(Kind{"asha", "stopping"}), w.sampler, w.clock);
  ASSERT_NE(dynamic_cast<AshaScheduler*>(a.get()), nullptr);
  EXPECT_EQ(dynamic_cast<AshaScheduler*>(a.get())->mode(), AshaMode::kStopping);
  auto h = make_scheduler(spec_of(Kind{"hyperband", "promotion"}), w.sampler, w.clock);
  ASSERT_NE(dynamic_cast<HyperbandScheduler*>(h.get()), nullptr);
  EXPECT_EQ(dynamic_cast<HyperbandScheduler*>(h.get())->bracket_count(), 3);
  auto m = make_scheduler(spec_of(Kind{"median", "promotion"}), w.sampler, w.clock);
  EXPECT_NE(dynamic_cast<MedianStoppingScheduler*>(m.get()), nullptr);
  auto f = make_scheduler(spec_of(Kind{"fifo", "promotion"}), w.sampler, w.clock);
  EXPECT_NE(dynamic_cast<FifoScheduler*>(f.get()), nullptr);
  auto y = make_scheduler(spec_of(Kind{"sync_halving", "promotion"}), w.sampler, w.clock);
  EXPECT_NE(dynamic_cast<SyncHalvingScheduler*>(y.get()), nullptr);
}

// The message of make_scheduler's error for `spec`, or "" when it builds.
std::string error_of(const SweepSpec& spec) {
  World w;
  try {
    make_scheduler(spec, w.sampler, w.clock);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(MakeScheduler, RejectsInconsistentSettings) {
  auto with = [](const char* kind, const char* mode, auto&& change) {
    SweepSpec s = spec_of(Kind{kind, mode});
    change(s.scheduler);
    return error_of(s);
  };
  using S = SchedulerSpec;
  EXPECT_NE(with("asha", "promotion", [](S& s) { s.asha.eta = 1; }).find("eta"),
            std::string::npos);
  EXPECT_NE(with("asha", "promotion", [](S& s) { s.asha.min_resource = 10; }).find("max_resource"),
            std::string::npos);
  // Median stopping uses no rung ladder, so min_resource is not its to check
  // (the config reader refuses 0 for every kind); its own max_resource is.
  EXPECT_NE(with("median", "promotion", [](S& s) { s.asha.max_resource = 0; }).find("max_resource"),
            std::string::npos);
  EXPECT_NE(with("sync_halving", "promotion", [](S& s) { s.asha.eta = 1; }).find("eta"),
            std::string::npos);
  EXPECT_NE(with("hyperband", "promotion", [](S& s) { s.asha.eta = 1; }).find("eta"),
            std::string::npos);
  EXPECT_NE(with("hyperband", "promotion", [](S& s) { s.brackets = 4; }).find("at most 3"),
            std::string::npos);
  EXPECT_EQ(with("hyperband", "promotion", [](S& s) { s.brackets = 3; }), "");
  EXPECT_NE(with("asha", "promotion", [](S& s) { s.brackets = 2; }).find("hyperband"),
            std::string::npos);
  // An unknown kind or mode cannot reach make_scheduler: names are parsed once.
  EXPECT_FALSE(parse_scheduler_kind("bohb"));
  EXPECT_FALSE(parse_asha_mode("halting"));
  EXPECT_NE(with("asha", "stopping", [](S& s) { s.grace_period = 10; }).find("grace_period"),
            std::string::npos);
  EXPECT_EQ(with("asha", "stopping", [](S& s) { s.grace_period = 9; }), "");
  EXPECT_NE(with("asha", "promotion", [](S& s) { s.grace_period = 3; }).find("stopping"),
            std::string::npos);
  EXPECT_NE(with("fifo", "promotion", [](S& s) { s.grace_period = 3; }).find("grace_period"),
            std::string::npos);
  EXPECT_EQ(with("median", "promotion", [](S& s) { s.grace_period = 3; }), "");
  EXPECT_NE(with("median", "promotion", [](S& s) { s.min_samples = 0; }).find("min_samples"),
            std::string::npos);
  EXPECT_NE(with("median", "promotion", [](S& s) { s.grace_period = -1; }).find("grace_period"),
            std::string::npos);
}

}  // namespace
}  // namespace rungs::core
