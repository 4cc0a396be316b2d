#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "rungs/analysis/merge.hpp"
#include "rungs/core/error.hpp"
#include "rungs/io/archive.hpp"
#include "support/test_support.hpp"

namespace rungs::analysis {
namespace {

namespace fs = std::filesystem;
using core::DecisionKind;
using core::InputError;
using core::SweepRecord;
using core::TrialId;
using core::TrialStatus;

using rungs::test_support::input_error_message;
using rungs::test_support::contains;

std::string test_dir() { return rungs::test_support::scratch_dir("rungs_analysis_merge"); }

const char* kConfig =
    "name: demo\nseed: 7\nscheduler: {kind: asha, eta: 3}\n"
    "space: {lr: {type: float}, opt: {type: categorical, choices: [adam, sgd]}}\n"
    "limits: {time: 1h}\n";

// `n` trials of sweep "demo"; trial i has lr = base + i, a curve of i + 1
// steps whose metric is 100 * (base + i) + step, and a start decision. So a
// curve point or decision can be traced to its trial by value alone.
SweepRecord part(int n, double base, const std::string& state = "finished") {
  SweepRecord r;
  core::SweepMetadata& m = r.metadata;
  m.sweep_name = "demo";
  m.config_yaml = kConfig;
  m.created = base < 100 ? "2024-05-01T10:00:00Z" : "2024-04-30T09:00:00Z";
  m.mpi_size = static_cast<int>(base) % 7 + 1;
  m.hosts = "h" + std::to_string(static_cast<int>(base));
  m.devices = "cpu";
  m.state = state;
  m.wall_seconds = 10.0;
  m.rung_resources = {1, 3, 9};
  m.metrics = {{"score", core::ObjectiveMode::kMax}};
  m.objective_metric = "score";
  r.space.push_back(core::ParamSpec::float_range("lr", 0, 1000));
  r.space.push_back(core::ParamSpec::categorical("opt", {"adam", "sgd"}, {2, 1}));
  for (int i = 0; i < n; ++i) {
    core::TrialRecord t;
    t.id = TrialId{i};
    t.status = TrialStatus::kCompleted;
    t.params.set("lr", base + i);
    t.params.set("opt", std::string(i % 2 ? "sgd" : "adam"));
    t.best_metric = t.metric = base + i;
    t.last_values = {100 * (base + i) + i + 1};
    r.trials.push_back(t);
    for (int s = 1; s <= i + 1; ++s) {
      r.curves.push_back({TrialId{i}, s, 100 * (base + i) + s, {100 * (base + i) + s}, 0});
    }
    r.decisions.push_back({TrialId{i}, 0, DecisionKind::kStart, 1.0, base + i, 1, {}});
  }
  return r;
}

std::vector<MergeInput> inputs_of(const SweepRecord& a, const SweepRecord& b) {
  return {{"a.h5", a, {}}, {"b.h5", b, {}}};
}

// --- in memory -----------------------------------------------------------------

TEST(Merge, RenumbersTrialsInInputOrderAndRecordsTheirSource) {
  MergeOutcome out = merge_records(inputs_of(part(3, 0), part(2, 100)), MergeRequest{});
  ASSERT_EQ(out.record.trials.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(out.record.trials[i].id.value, std::int64_t(i));
  // Trial 3 is b.h5's trial 0 (lr 100).
  EXPECT_EQ(out.record.trials[3].params.get_double("lr", -1), 100.0);
  EXPECT_EQ(out.extras.source,
            (std::vector<std::string>{"a.h5", "a.h5", "a.h5", "b.h5", "b.h5"}));
  EXPECT_EQ(out.extras.source_trial_id, (std::vector<std::int64_t>{0, 1, 2, 0, 1}));
  EXPECT_EQ(out.extras.merged_from, "a.h5,b.h5");
  EXPECT_EQ(out.trials_per_input, (std::vector<std::int64_t>{3, 2}));
}

TEST(Merge, CurvesAndDecisionsFollowTheirTrials) {
  MergeOutcome out = merge_records(inputs_of(part(3, 0), part(2, 100)), MergeRequest{});
  // Curves: 1+2+3 from a, 1+2 from b.
  ASSERT_EQ(out.record.curves.size(), 9u);
  ASSERT_EQ(out.record.decisions.size(), 5u);
  for (const auto& p : out.record.curves) {
    double lr = out.record.trials.at(static_cast<std::size_t>(p.trial.value))
                    .params.get_double("lr", -1);
    EXPECT_EQ(p.metric, 100 * lr + static_cast<double>(p.step)) << "trial " << p.trial.value;
  }
  for (const auto& d : out.record.decisions) {
    double lr = out.record.trials.at(static_cast<std::size_t>(d.trial.value))
                    .params.get_double("lr", -1);
    EXPECT_EQ(d.metric, lr);
  }
}

TEST(Merge, MetadataCombinesTheInputs) {
  MergeRequest q;
  q.command_line = "rungs merge a.h5 b.h5 -o m.h5";
  q.tool_version = "9.9.9";
  MergeOutcome out = merge_records(inputs_of(part(1, 3), part(1, 105, "running")), q);
  const core::SweepMetadata& m = out.record.metadata;
  EXPECT_EQ(m.state, "running");  // finished only if every input is
  EXPECT_EQ(m.mpi_size, 4);       // max of 3 % 7 + 1 = 4 and 105 % 7 + 1 = 1
  EXPECT_EQ(m.hosts, "h3,h105");
  EXPECT_EQ(m.devices, "cpu,cpu");
  EXPECT_EQ(m.command_line, q.command_line);
  EXPECT_EQ(m.tool_version, "9.9.9");
  EXPECT_EQ(m.created, "2024-04-30T09:00:00Z");  // the earlier start
  EXPECT_EQ(m.wall_seconds, 20.0);
  EXPECT_EQ(m.sweep_name, "demo");
}

TEST(Merge, FinishedWhenEveryInputIs) {
  MergeOutcome out = merge_records(inputs_of(part(1, 0), part(1, 1)), MergeRequest{});
  EXPECT_EQ(out.record.metadata.state, "finished");
}

TEST(Merge, RunSectionsMayDiffer) {
  SweepRecord b = part(1, 100);
  b.metadata.config_yaml = std::string(kConfig) + "output: {archive_interval: 1m}\n";
  b.metadata.config_yaml.replace(b.metadata.config_yaml.find("time: 1h"), 8, "time: 9h");
  EXPECT_NO_THROW(merge_records(inputs_of(part(1, 0), b), MergeRequest{}));
}

TEST(Merge, RefusesAnotherSweepNamingTheDifference) {
  SweepRecord b = part(1, 100);
  b.metadata.config_yaml.replace(b.metadata.config_yaml.find("eta: 3"), 6, "eta: 4");
  std::string msg =
      input_error_message([&] { merge_records(inputs_of(part(1, 0), b), MergeRequest{}); });
  EXPECT_TRUE(contains(msg, "b.h5: is not the same sweep as a.h5")) << msg;
  EXPECT_TRUE(contains(msg, "configuration (scheduler)")) << msg;
  EXPECT_TRUE(contains(msg, "--force")) << msg;
  b = part(1, 100);
  b.metadata.sweep_name = "other";
  msg = input_error_message([&] { merge_records(inputs_of(part(1, 0), b), MergeRequest{}); });
  EXPECT_TRUE(contains(msg, "sweep_name 'other'")) << msg;
}

TEST(Merge, ForceMergesAnotherSweepAndSaysSo) {
  SweepRecord b = part(1, 100);
  b.metadata.sweep_name = "other";
  b.space[1].choices = {"adam", "rmsprop"};
  MergeRequest q;
  q.force = true;
  MergeOutcome out = merge_records(inputs_of(part(1, 0), b), q);
  EXPECT_EQ(out.record.trials.size(), 2u);
  ASSERT_EQ(out.differences.size(), 1u);
  EXPECT_TRUE(contains(out.differences[0], "sweep_name")) << out.differences[0];
  EXPECT_TRUE(contains(format_merge_report(out), "note (--force)"));
  // The categorical learned the value it lacked; its weights no longer fit.
  EXPECT_EQ(out.record.space[1].choices, (std::vector<std::string>{"adam", "sgd", "rmsprop"}));
  EXPECT_TRUE(out.record.space[1].weights.empty());
}

TEST(Merge, ParameterOfAnotherTypeIsRefusedEvenWithForce) {
  SweepRecord b = part(1, 100);
  b.space[0] = core::ParamSpec::int_range("lr", 0, 10);
  MergeRequest q;
  q.force = true;
  std::string msg = input_error_message([&] { merge_records(inputs_of(part(1, 0), b), q); });
  EXPECT_TRUE(contains(msg, "parameter 'lr' is int here but float")) << msg;
}

// Each metric is one curve column: archives whose steps report different
// metrics cannot be merged, not even with --force.
TEST(Merge, DifferentMetricsAreRefusedEvenWithForce) {
  SweepRecord b = part(1, 100);
  b.metadata.metrics = {{"loss", core::ObjectiveMode::kMin}};
  b.metadata.objective_metric = "loss";
  MergeRequest q;
  q.force = true;
  std::string msg = input_error_message([&] { merge_records(inputs_of(part(1, 0), b), q); });
  EXPECT_TRUE(contains(msg, "b.h5: its steps report loss (objective loss), not score (objective "
                            "score) as a.h5")) << msg;
}

TEST(Merge, CurveOfAMissingTrialIsCorrupt) {
  SweepRecord b = part(1, 100);
  b.curves.push_back({TrialId{5}, 1, 0, {0}, 0});
  std::string msg =
      input_error_message([&] { merge_records(inputs_of(part(1, 0), b), MergeRequest{}); });
  EXPECT_TRUE(contains(msg, "b.h5: corrupt archive: /curves names trial 5")) << msg;
}

TEST(Merge, MergedInputPassesItsProvenanceOn) {
  MergeInput merged{"m.h5", part(2, 0), {}};
  merged.extras.source = {"x.h5", "y.h5"};
  merged.extras.source_trial_id = {7, 3};
  MergeOutcome out =
      merge_records({merged, {"c.h5", part(1, 100), {}}}, MergeRequest{});
  EXPECT_EQ(out.extras.source, (std::vector<std::string>{"x.h5", "y.h5", "c.h5"}));
  EXPECT_EQ(out.extras.source_trial_id, (std::vector<std::int64_t>{7, 3, 0}));
  EXPECT_EQ(out.extras.merged_from, "m.h5,c.h5");
}

// --- files ----------------------------------------------------------------------

struct Files {
  std::string dir, a, b, out;
};

Files write_parts() {
  Files f;
  f.dir = test_dir();
  f.a = f.dir + "/a.h5";
  f.b = f.dir + "/b.h5";
  f.out = f.dir + "/merged.h5";
  io::write_archive(f.a, part(3, 0));
  io::write_archive(f.b, part(4, 100));
  return f;
}

MergeRequest request(const Files& f) {
  MergeRequest q;
  q.inputs = {f.a, f.b};
  q.output = f.out;
  q.command_line = "rungs merge a b -o merged";
  return q;
}

TEST(MergeArchives, RoundTripKeepsCountsUniqueIdsAndCurvesWithTheirTrials) {
  Files f = write_parts();
  merge_archives(request(f));
  SweepRecord r = io::read_archive(f.out);
  io::ArchiveExtras x = io::read_archive_extras(f.out);
  // a: 3 trials, 1+2+3 curve points; b: 4 trials, 1+2+3+4.
  ASSERT_EQ(r.trials.size(), 7u);
  EXPECT_EQ(r.curves.size(), 16u);
  EXPECT_EQ(r.decisions.size(), 7u);
  std::set<std::int64_t> ids;
  for (const auto& t : r.trials) ids.insert(t.id.value);
  EXPECT_EQ(ids.size(), 7u);
  for (const auto& p : r.curves) {
    double lr = r.trials.at(static_cast<std::size_t>(p.trial.value)).params.get_double("lr", -1);
    EXPECT_EQ(p.metric, 100 * lr + static_cast<double>(p.step));
  }
  EXPECT_EQ(x.source, (std::vector<std::string>{f.a, f.a, f.a, f.b, f.b, f.b, f.b}));
  EXPECT_EQ(x.source_trial_id, (std::vector<std::int64_t>{0, 1, 2, 0, 1, 2, 3}));
  EXPECT_EQ(x.merged_from, f.a + "," + f.b);
  EXPECT_EQ(r.metadata.command_line, "rungs merge a b -o merged");
}

TEST(MergeArchives, UnmergedArchiveHasNoExtras) {
  Files f = write_parts();
  io::ArchiveExtras x = io::read_archive_extras(f.a);
  EXPECT_TRUE(x.source.empty());
  EXPECT_TRUE(x.source_trial_id.empty());
  EXPECT_TRUE(x.merged_from.empty());
}

TEST(MergeArchives, RefusesAnExistingOutputUnlessForced) {
  Files f = write_parts();
  merge_archives(request(f));
  std::string msg = input_error_message([&] { merge_archives(request(f)); });
  EXPECT_TRUE(contains(msg, f.out + ": already exists")) << msg;
  MergeRequest q = request(f);
  q.force = true;
  EXPECT_NO_THROW(merge_archives(q));
}

TEST(MergeArchives, NeverReplacesAFileRungsDidNotWrite) {
  Files f = write_parts();
  std::ofstream(f.out) << "my notes\n";
  MergeRequest q = request(f);
  q.force = true;
  std::string msg = input_error_message([&] { merge_archives(q); });
  EXPECT_TRUE(contains(msg, "not a rungs archive")) << msg;
  std::ifstream in(f.out);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "my notes");
}

TEST(MergeArchives, RefusesTheSameFileTwice) {
  Files f = write_parts();
  MergeRequest q = request(f);
  q.inputs = {f.a, f.dir + "/./a.h5"};
  std::string msg = input_error_message([&] { merge_archives(q); });
  EXPECT_TRUE(contains(msg, "is given twice")) << msg;
  EXPECT_FALSE(fs::exists(f.out));
}

TEST(MergeArchives, NeedsTwoInputs) {
  Files f = write_parts();
  MergeRequest q = request(f);
  q.inputs = {f.a};
  EXPECT_THROW(merge_archives(q), InputError);
}

TEST(MergeArchives, DifferentSweepWritesNothingWithoutForce) {
  Files f = write_parts();
  SweepRecord other = part(2, 100);
  other.metadata.sweep_name = "other";
  io::write_archive(f.b, other);
  EXPECT_THROW(merge_archives(request(f)), InputError);
  EXPECT_FALSE(fs::exists(f.out));
  MergeRequest q = request(f);
  q.force = true;
  MergeOutcome out = merge_archives(q);
  EXPECT_EQ(io::read_archive(f.out).trials.size(), 5u);
  EXPECT_EQ(out.differences.size(), 1u);
}

TEST(MergeArchives, MergedArchiveMergesAgain) {
  Files f = write_parts();
  merge_archives(request(f));
  std::string c = f.dir + "/c.h5", again = f.dir + "/again.h5";
  io::write_archive(c, part(1, 200));
  MergeRequest q;
  q.inputs = {f.out, c};
  q.output = again;
  merge_archives(q);
  io::ArchiveExtras x = io::read_archive_extras(again);
  ASSERT_EQ(x.source.size(), 8u);
  EXPECT_EQ(x.source[3], f.b);  // from the first merge's provenance
  EXPECT_EQ(x.source_trial_id[3], 0);
  EXPECT_EQ(x.source[7], c);
}

}  // namespace
}  // namespace rungs::analysis
