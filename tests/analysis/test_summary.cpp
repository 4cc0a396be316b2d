#include <gtest/gtest.h>

#include <cmath>

#include "rungs/analysis/summary.hpp"

namespace rungs::analysis {
namespace {

core::TrialRecord trial(std::int64_t id, core::TrialStatus st, std::int64_t resource, double best,
                        double lr) {
  core::TrialRecord t;
  t.id = core::TrialId{id};
  t.status = st;
  t.resource = resource;
  t.rung = resource == 9 ? 2 : resource == 3 ? 1 : 0;
  t.metric = best;
  t.best_metric = best;
  t.params.set("lr", lr);
  return t;
}

TEST(Summary, ShowsStatusCountsRungsAndBestAtDeepestRung) {
  core::SweepRecord r;
  r.metadata.sweep_name = "demo";
  r.metadata.scheduler = "asha/promotion eta=3";
  r.metadata.state = "finished";
  r.metadata.mpi_size = 3;
  r.metadata.rung_resources = {1, 3, 9};
  r.metadata.metrics = {{"val_loss", core::ObjectiveMode::kMin},
                        {"val_accuracy", core::ObjectiveMode::kMax}};
  r.metadata.objective_metric = "val_accuracy";
  r.trials.push_back(trial(0, core::TrialStatus::kStopped, 1, 0.95, 0.1));  // high, but 1 epoch
  r.trials.push_back(trial(1, core::TrialStatus::kCompleted, 9, 0.90, 0.003));
  r.trials.back().last_values = {0.31, 0.9};
  r.trials.push_back(trial(2, core::TrialStatus::kStopped, 3, 0.80, 0.01));
  core::TrialRecord failed = trial(3, core::TrialStatus::kFailed, 0, NAN, 0.5);
  failed.rung = -1;
  r.trials.push_back(failed);
  const std::string s = format_summary(r);
  EXPECT_NE(s.find("sweep demo"), std::string::npos) << s;
  EXPECT_NE(s.find("trials: 4  completed 1  stopped 2  failed 1"), std::string::npos) << s;
  EXPECT_NE(s.find("1: 3  3: 2  9: 1"), std::string::npos) << s;
  // The deepest-trained trial ranks first, not the 1-epoch outlier.
  EXPECT_NE(s.find("best: trial 1, val_accuracy 0.9000 after 9 epochs"), std::string::npos) << s;
  // Every metric of the best trial's last step, not only the objective.
  EXPECT_NE(s.find("  last step: val_loss 0.3100 val_accuracy 0.9000\n"), std::string::npos) << s;
  EXPECT_NE(s.find("lr: 0.003"), std::string::npos) << s;
}

TEST(Summary, SaysSoWhenNoTrialReported) {
  core::SweepRecord r;
  r.metadata.rung_resources = {1};
  EXPECT_NE(format_summary(r).find("best: none"), std::string::npos);
}

}  // namespace
}  // namespace rungs::analysis
