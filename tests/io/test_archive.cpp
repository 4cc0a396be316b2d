#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "rungs/core/error.hpp"
#include "rungs/core/sweep_record.hpp"
#include "rungs/io/archive.hpp"
#include "rungs/io/hdf5_file.hpp"
#include "support/test_support.hpp"

namespace {

namespace fs = std::filesystem;
using namespace rungs::core;
using rungs::io::archived_sweep_name;
using rungs::io::read_archive;
using rungs::io::write_archive;
namespace h5 = rungs::io;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using rungs::test_support::input_error_message;
using rungs::test_support::contains;

std::string test_dir() { return rungs::test_support::scratch_dir("rungs_io_archive"); }

TrialRecord trial(std::int64_t id, TrialStatus status, double metric) {
  TrialRecord t;
  t.id = TrialId{id};
  t.status = status;
  t.metric = metric;
  t.best_metric = metric;
  return t;
}

// Three trials: completed, stopped with a missing categorical, failed with
// no metric (NaN) and an error; every metadata field set to a distinct value.
SweepRecord sample_record() {
  SweepRecord r;
  SweepMetadata& m = r.metadata;
  m.sweep_name = "demo-sweep";
  m.tool_version = "0.1.0";
  m.git_revision = "abc123def456";
  m.created = "2024-05-01T12:00:00Z";
  m.command_line = "rungs-sweep configs/demo.yaml --set scheduler.eta=3";
  m.config_yaml = "name: demo-sweep\nseed: 7\nspace:\n  lr: {type: float}\n";
  m.mpi_size = 4;
  m.hosts = "n1,n1,n2,n2";
  m.devices = "cuda:0,cuda:1,cpu,cpu";
  m.threads_per_rank = 8;
  m.metrics = {{"train_mse", ObjectiveMode::kMin},
               {"val_loss", ObjectiveMode::kMin},
               {"val_r2", ObjectiveMode::kMax}};
  m.objective_metric = "val_loss";
  m.objective_mode = ObjectiveMode::kMin;
  m.scheduler = "asha/promotion eta=3";
  m.rung_resources = {1, 3, 9, 27};
  m.state = "at_limit";
  m.limit = "limits.time";
  m.shards = "0/3,2/3";
  m.nodes = {"n1", "n2"};
  m.ranks_per_node = {2, 2};
  m.gpus_per_node = {4, 0};
  m.runner = "command, resume: false (a promoted trial retrains from step 0)";
  m.trial_logs = "runs/a.h5.logs/trial_{id}.out|.err";
  m.wall_seconds = 123.5;

  r.space.push_back(ParamSpec::float_range("lr", 1e-4, 1e-1, true));
  r.space.push_back(ParamSpec::int_range("hidden", 16, 256, true));
  r.space.push_back(ParamSpec::int_set("layers", {1, 2, 3}));
  r.space.push_back(ParamSpec::categorical("optimizer", {"adam", "sgd", "adam,w"}, {2, 1, 1}));

  TrialRecord a = trial(0, TrialStatus::kCompleted, 0.25);
  a.rung = 3;
  a.resource = 27;
  a.best_metric = 0.2;
  a.seed = 0xFFFFFFFFFFFFFFF0ULL;  // above INT64_MAX: must survive as uint64
  a.rank = 1;
  a.host = "n1";
  a.device = "cuda:0";
  a.start_time = 0.5;
  a.end_time = 60.25;
  a.train_seconds = 55.0;
  a.params.set("lr", 0.003);
  a.params.set("hidden", std::int64_t{64});
  a.params.set("layers", std::int64_t{2});
  a.params.set("optimizer", std::string("adam,w"));

  TrialRecord b = trial(1, TrialStatus::kStopped, 0.9);
  b.rung = 0;
  b.resource = 1;
  b.seed = 42;
  b.rank = 2;
  b.host = "n2";
  b.device = "cpu";
  b.params.set("lr", 0.05);
  b.params.set("hidden", std::int64_t{16});
  b.params.set("layers", std::int64_t{1});  // optimizer missing

  TrialRecord c = trial(2, TrialStatus::kFailed, kNaN);
  c.seed = 7;
  c.rank = 3;
  c.host = "n2";
  c.device = "cpu";
  c.error = "CUDA out of memory (trial 2, rank 3) — naïve batch size";
  c.params.set("hidden", std::int64_t{128});  // lr and layers missing
  c.params.set("optimizer", std::string("sgd"));

  a.last_values = {0.8, 0.25, 0.8};
  b.last_values = {1.5, 0.9, -0.0};  // -0.0 and NaN come back as written
  b.last_values[2] = kNaN;
  r.trials = {a, b, c};  // c never reported a step: no last values
  r.curves = {{TrialId{0}, 1, 0.5, {1.2, 0.5, 0.6}, 2.0},
              {TrialId{0}, 2, 0.25, {0.8, 0.25, 0.8}, 4.0},
              {TrialId{1}, 1, 0.9, {1.5, 0.9, kNaN}, 2.5}};
  r.decisions = {{TrialId{0}, 0, DecisionKind::kStart, 0.5, kNaN, 1, {}},
                 {TrialId{1}, 0, DecisionKind::kStop, 10.0, 0.9, -1, "sweep ended: not promoted"},
                 {TrialId{2}, 0, DecisionKind::kFail, 11.0, kNaN, -1, {}},
                 {TrialId{0}, 3, DecisionKind::kComplete, 60.25, 0.25, -1, {}}};
  return r;
}

void expect_same_double(double a, double b, const std::string& what) {
  if (std::isnan(a)) {
    EXPECT_TRUE(std::isnan(b)) << what;
  } else {
    EXPECT_EQ(a, b) << what;
  }
}

void expect_same_metadata(const SweepMetadata& a, const SweepMetadata& b) {
  EXPECT_EQ(a.schema_version, b.schema_version);
  EXPECT_EQ(a.sweep_name, b.sweep_name);
  EXPECT_EQ(a.tool_version, b.tool_version);
  EXPECT_EQ(a.git_revision, b.git_revision);
  EXPECT_EQ(a.created, b.created);
  EXPECT_EQ(a.command_line, b.command_line);
  EXPECT_EQ(a.config_yaml, b.config_yaml);
  EXPECT_EQ(a.mpi_size, b.mpi_size);
  EXPECT_EQ(a.hosts, b.hosts);
  EXPECT_EQ(a.devices, b.devices);
  EXPECT_EQ(a.threads_per_rank, b.threads_per_rank);
  EXPECT_EQ(a.metrics, b.metrics);
  EXPECT_EQ(a.objective_metric, b.objective_metric);
  EXPECT_EQ(a.objective_mode, b.objective_mode);
  EXPECT_EQ(a.scheduler, b.scheduler);
  EXPECT_EQ(a.rung_resources, b.rung_resources);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.limit, b.limit);
  EXPECT_EQ(a.shards, b.shards);
  EXPECT_EQ(a.nodes, b.nodes);
  EXPECT_EQ(a.ranks_per_node, b.ranks_per_node);
  EXPECT_EQ(a.gpus_per_node, b.gpus_per_node);
  EXPECT_EQ(a.runner, b.runner);
  EXPECT_EQ(a.trial_logs, b.trial_logs);
  EXPECT_EQ(a.wall_seconds, b.wall_seconds);
}

void expect_same_spec(const ParamSpec& a, const ParamSpec& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.type, b.type) << a.name;
  EXPECT_EQ(a.low, b.low) << a.name;
  EXPECT_EQ(a.high, b.high) << a.name;
  EXPECT_EQ(a.log, b.log) << a.name;
  EXPECT_EQ(a.int_choices, b.int_choices) << a.name;
  EXPECT_EQ(a.choices, b.choices) << a.name;
  EXPECT_EQ(a.weights, b.weights) << a.name;
}

void expect_same_trial(const TrialRecord& a, const TrialRecord& b) {
  std::string t = "trial " + std::to_string(a.id.value);
  EXPECT_EQ(a.id, b.id) << t;
  EXPECT_EQ(a.status, b.status) << t;
  EXPECT_EQ(a.rung, b.rung) << t;
  EXPECT_EQ(a.resource, b.resource) << t;
  expect_same_double(a.metric, b.metric, t + " metric");
  expect_same_double(a.best_metric, b.best_metric, t + " best_metric");
  EXPECT_EQ(a.seed, b.seed) << t;
  EXPECT_EQ(a.rank, b.rank) << t;
  EXPECT_EQ(a.host, b.host) << t;
  EXPECT_EQ(a.device, b.device) << t;
  EXPECT_EQ(a.start_time, b.start_time) << t;
  EXPECT_EQ(a.end_time, b.end_time) << t;
  EXPECT_EQ(a.train_seconds, b.train_seconds) << t;
  EXPECT_EQ(a.error, b.error) << t;
  EXPECT_EQ(a.params, b.params) << t << ": " << a.params.to_string() << " vs "
                                << b.params.to_string();
  ASSERT_EQ(a.last_values.size(), b.last_values.size()) << t;
  for (std::size_t k = 0; k < a.last_values.size(); ++k) {
    expect_same_double(a.last_values[k], b.last_values[k], t + " last value " + std::to_string(k));
  }
}

void expect_same_record(const SweepRecord& a, const SweepRecord& b) {
  expect_same_metadata(a.metadata, b.metadata);
  ASSERT_EQ(a.space.size(), b.space.size());
  for (std::size_t i = 0; i < a.space.size(); ++i) expect_same_spec(a.space[i], b.space[i]);
  ASSERT_EQ(a.trials.size(), b.trials.size());
  for (std::size_t i = 0; i < a.trials.size(); ++i) expect_same_trial(a.trials[i], b.trials[i]);
  ASSERT_EQ(a.curves.size(), b.curves.size());
  for (std::size_t i = 0; i < a.curves.size(); ++i) {
    const CurvePoint &p = a.curves[i], &q = b.curves[i];
    EXPECT_EQ(p.trial, q.trial);
    EXPECT_EQ(p.step, q.step);
    EXPECT_EQ(p.metric, q.metric);
    ASSERT_EQ(p.values.size(), q.values.size());
    for (std::size_t k = 0; k < p.values.size(); ++k) {
      expect_same_double(p.values[k], q.values[k], "curve value " + std::to_string(k));
    }
    EXPECT_EQ(p.seconds, q.seconds);
  }
  ASSERT_EQ(a.decisions.size(), b.decisions.size());
  for (std::size_t i = 0; i < a.decisions.size(); ++i) {
    const Decision &d = a.decisions[i], &e = b.decisions[i];
    EXPECT_EQ(d.trial, e.trial);
    EXPECT_EQ(d.rung, e.rung);
    EXPECT_EQ(d.kind, e.kind);
    EXPECT_EQ(d.time, e.time);
    expect_same_double(d.metric, e.metric, "decision metric");
    EXPECT_EQ(d.worker, e.worker);
    EXPECT_EQ(d.reason, e.reason);
  }
}

// Python with h5py and pandas, or "" (python3 on PATH may be a virtualenv
// without them; Debian's lives in /usr/bin).
std::string python_with_h5py() {
  for (std::string py : {"python3", "/usr/bin/python3"}) {
    std::string probe = py + " -c 'import h5py, pandas' >/dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) return py;
  }
  return "";
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The first ```python block of docs/archive.md.
std::string docs_snippet() {
  std::string doc = read_text(std::string(RUNGS_SOURCE_DIR) + "/docs/archive.md");
  std::size_t start = doc.find("```python\n");
  if (start == std::string::npos) return "";
  start += 10;
  std::size_t end = doc.find("```", start);
  return end == std::string::npos ? "" : doc.substr(start, end - start);
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
    s.replace(p, from.size(), to);
  }
  return s;
}

TEST(Archive, RoundTripKeepsEveryField) {
  std::string path = test_dir() + "/sweep.h5";
  SweepRecord original = sample_record();
  write_archive(path, original);
  expect_same_record(original, read_archive(path));
}

// Every part of a space the config can say: log floats with grid points,
// int ranges with a step, int and categorical lists, weights, fixed values of
// each type, and conditions on categorical, int and float parents (a float
// value chosen so that only exact text round-trips it).
TEST(Archive, SpaceReadBackEqualsTheSpaceWritten) {
  SweepRecord r = sample_record();
  r.trials.clear();
  r.curves.clear();
  r.decisions.clear();
  r.space.clear();
  ParamSpec lr = ParamSpec::float_range("lr", 1e-4, 0.30000000000000004, true);
  lr.grid_points = 5;
  ParamSpec batch = ParamSpec::int_range("batch_size", 32, 256);
  batch.step = 32;
  ParamSpec opt = ParamSpec::categorical("optimizer", {"adam", "sgd", "a|b=c"}, {2, 1, 0.5});
  ParamSpec layers = ParamSpec::int_set("layers", {1, 2, 3});
  ParamSpec momentum = ParamSpec::float_range("momentum", 0.5, 0.99);
  momentum.when = {Condition{"optimizer", {std::string("sgd"), std::string("a|b=c")}},
                   Condition{"layers", {std::int64_t{2}, std::int64_t{3}}}};
  ParamSpec dropout = ParamSpec::constant("dropout", 0.1);
  dropout.when = {Condition{"momentum", {0.30000000000000004}}};
  ParamSpec width = ParamSpec::constant("width", std::int64_t{-7});
  ParamSpec act = ParamSpec::constant("act", std::string("relu"));
  r.space = {lr, batch, opt, layers, momentum, dropout, width, act};
  const std::string path = test_dir() + "/space.h5";
  write_archive(path, r);
  const SweepRecord back = read_archive(path);
  ASSERT_EQ(back.space.size(), r.space.size());
  for (std::size_t i = 0; i < r.space.size(); ++i) {
    EXPECT_TRUE(back.space[i] == r.space[i]) << "parameter " << r.space[i].name;
  }
}

TEST(Archive, ZeroTrialRoundTrip) {
  std::string path = test_dir() + "/empty.h5";
  SweepRecord original;
  original.metadata.sweep_name = "nothing-yet";
  original.metadata.metrics = {{"loss", ObjectiveMode::kMin}};
  original.metadata.objective_metric = "loss";
  original.space.push_back(ParamSpec::float_range("lr", 1e-4, 1e-1, true));
  original.space.push_back(ParamSpec::categorical("optimizer", {"adam", "sgd"}));
  write_archive(path, original);
  SweepRecord back = read_archive(path);
  expect_same_record(original, back);
  EXPECT_TRUE(back.trials.empty());
  EXPECT_TRUE(back.metadata.rung_resources.empty());
}

// Schema 1 (tests/data/archive_v1.h5, written by rungs before metrics were
// data) had the fixed train_loss, val_loss, val_accuracy columns: it reads
// as a record of those three metrics. Expected values: `rungs export` of
// that file by the rungs that wrote it.
TEST(Archive, ReadsSchema1AsTheClassifiersThreeMetrics) {
  const SweepRecord r = read_archive(std::string(RUNGS_SOURCE_DIR) + "/tests/data/archive_v1.h5");
  EXPECT_EQ(r.metadata.schema_version, 1);
  EXPECT_EQ(r.metadata.metrics,
            (std::vector<MetricSpec>{{"train_loss", ObjectiveMode::kMin},
                                     {"val_loss", ObjectiveMode::kMin},
                                     {"val_accuracy", ObjectiveMode::kMax}}));
  EXPECT_EQ(r.metadata.objective_metric, "val_accuracy");
  ASSERT_EQ(r.trials.size(), 8u);
  ASSERT_EQ(r.curves.size(), 11u);
  // curves row 0: 0,1,0.79,0.9311919331550598,0.6593834686279297,0.79,0.017457231
  EXPECT_EQ(r.curves[0].values,
            (std::vector<double>{0.9311919331550598, 0.6593834686279297, 0.79}));
  // Trial 1 reached 3 epochs; its last values are its step-3 row:
  // 1,3,0.87,0.36607095003128054,0.3056645965576172,0.87,...
  EXPECT_EQ(r.trials[1].last_values,
            (std::vector<double>{0.36607095003128054, 0.3056645965576172, 0.87}));
  EXPECT_EQ(r.trials[2].status, TrialStatus::kFailed);  // training.fail_trials: [2]
  EXPECT_TRUE(r.trials[2].last_values.empty());
}

TEST(Archive, RefusesMetricsItCannotStoreAsColumns) {
  const std::string path = test_dir() + "/sweep.h5";
  SweepRecord r = sample_record();
  r.metadata.metrics[1].name = "step";  // the curve table's own column
  try {
    write_archive(path, r);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_TRUE(contains(e.what(), "metric 'step' has the name of a curve column")) << e.what();
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST(Archive, ObjectiveOutsideTheMetricsIsCorrupt) {
  const std::string path = test_dir() + "/sweep.h5";
  write_archive(path, sample_record());
  {
    h5::File f = h5::open_file_write(path);
    h5::delete_attribute(f.get(), "objective_metric");
    h5::write_string_attribute(f.get(), "objective_metric", "val_accuracy");
  }
  const std::string msg = input_error_message([&] { read_archive(path); });
  EXPECT_TRUE(contains(msg, "objective_metric 'val_accuracy' is not among the metrics")) << msg;
}

TEST(Archive, RewriteReplacesAndLeavesNoTempFile) {
  std::string dir = test_dir();
  std::string path = dir + "/sweep.h5";
  SweepRecord r = sample_record();
  write_archive(path, r);
  r.metadata.state = "running-again";
  write_archive(path, r);
  EXPECT_EQ(read_archive(path).metadata.state, "running-again");
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"sweep.h5"});
}

TEST(Archive, MissingParentDirectoryIsInputError) {
  std::string path = test_dir() + "/no/such/dir/sweep.h5";
  std::string msg = input_error_message([&] { write_archive(path, sample_record()); });
  EXPECT_TRUE(contains(msg, "does not exist")) << msg;
  EXPECT_TRUE(contains(msg, "mkdir -p")) << msg;
}

TEST(Archive, H5dumpReadsIt) {
  std::string h5dump = H5DUMP_EXECUTABLE;
  if (h5dump.empty() || h5dump.find("NOTFOUND") != std::string::npos) {
    GTEST_SKIP() << "h5dump not found at configure time";
  }
  std::string path = test_dir() + "/sweep.h5";
  write_archive(path, sample_record());
  std::string cmd = "'" + h5dump + "' '" + path + "' >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

TEST(Archive, DocsPandasSnippetLoadsTrialsAndCurves) {
  std::string py = python_with_h5py();
  if (py.empty()) GTEST_SKIP() << "no python3 with h5py and pandas";
  std::string snippet = docs_snippet();
  ASSERT_FALSE(snippet.empty()) << "no ```python block in docs/archive.md";
  ASSERT_TRUE(contains(snippet, "\"sweep.h5\""));
  std::string dir = test_dir();
  std::string path = dir + "/sweep.h5";
  write_archive(path, sample_record());
  // The snippet as documented, pointed at our archive, then checks of what it built.
  std::string script = replace_all(snippet, "\"sweep.h5\"", "\"" + path + "\"") +
                       "\nassert len(trials) == 3, trials\n"
                       "assert list(trials['status']) == ['completed', 'stopped', 'failed']\n"
                       "assert trials['optimizer'].isna().tolist() == [False, True, False]\n"
                       "assert trials['layers'].isna().tolist() == [False, False, True]\n"
                       "assert trials['lr'].isna().tolist() == [False, False, True]\n"
                       "assert trials.loc[0, 'optimizer'] == 'adam,w'\n"
                       "assert int(trials.loc[0, 'seed']) == 0xFFFFFFFFFFFFFFF0\n"
                       "assert len(curves) == 3 and 'lr' in curves.columns, curves\n"
                       "assert metrics == ['train_mse', 'val_loss', 'val_r2'], metrics\n"
                       "assert list(curves['val_r2'][:2]) == [0.6, 0.8], curves\n"
                       "assert trials.loc[0, 'last_val_loss'] == 0.25, trials\n"
                       "assert trials['last_val_r2'].isna().tolist() == [False, True, True]\n"
                       "assert len(decisions) == 4\n"
                       "assert meta['sweep_name'] == 'demo-sweep'\n";
  std::ofstream(dir + "/check.py") << script;
  std::string cmd = py + " '" + dir + "/check.py' > '" + dir + "/check.log' 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << read_text(dir + "/check.log");
}

TEST(Archive, MissingFileIsInputError) {
  std::string msg = input_error_message([&] { read_archive(test_dir() + "/nope.h5"); });
  EXPECT_TRUE(contains(msg, "archive not found")) << msg;
}

TEST(Archive, TruncatedCopyIsInputError) {
  std::string dir = test_dir();
  std::string path = dir + "/sweep.h5";
  write_archive(path, sample_record());
  std::string bytes = read_text(path);
  // Cut at several points: inside the superblock, the metadata, the data.
  for (std::size_t keep :
       {std::size_t{0}, std::size_t{40}, bytes.size() / 4, bytes.size() / 2, bytes.size() - 1}) {
    std::string cut = dir + "/cut.h5";
    std::ofstream(cut, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(keep));
    std::string msg = input_error_message([&] { read_archive(cut); });
    EXPECT_TRUE(contains(msg, "cut.h5")) << keep << ": " << msg;
  }
}

TEST(Archive, NewerSchemaVersionIsRejected) {
  std::string path = test_dir() + "/future.h5";
  write_archive(path, sample_record());
  {
    h5::File f = h5::open_file_write(path);
    h5::delete_attribute(f.get(), "schema_version");
    h5::write_int_attribute(f.get(), "schema_version", kArchiveSchemaVersion + 1);
  }
  std::string msg = input_error_message([&] { read_archive(path); });
  std::string expected = "archive schema version " + std::to_string(kArchiveSchemaVersion + 1) +
                         " is newer than this build supports (" +
                         std::to_string(kArchiveSchemaVersion) + ")";
  EXPECT_TRUE(contains(msg, expected)) << msg;
  EXPECT_TRUE(contains(msg, "upgrade rungs")) << msg;
}

TEST(Archive, MissingColumnIsCorrupt) {
  std::string path = test_dir() + "/sweep.h5";
  write_archive(path, sample_record());
  {
    h5::File f = h5::open_file_write(path);
    h5::delete_link(f.get(), "/curves/seconds");
  }
  std::string msg = input_error_message([&] { read_archive(path); });
  EXPECT_TRUE(contains(msg, "/curves/seconds is missing")) << msg;
}

TEST(Archive, ColumnOfOtherLengthIsCorrupt) {
  std::string path = test_dir() + "/sweep.h5";
  write_archive(path, sample_record());
  {
    h5::File f = h5::open_file_write(path);
    h5::delete_link(f.get(), "/trials/host");
    h5::Group g = h5::open_group(f.get(), "/trials");
    h5::write_column(g.get(), "host", std::vector<std::string>{"n1", "n2"});
  }
  std::string msg = input_error_message([&] { read_archive(path); });
  EXPECT_TRUE(contains(msg, "/trials/host has 2 rows but /trials/trial_id has 3")) << msg;
}

TEST(Archive, ColumnOfWrongTypeIsCorrupt) {
  std::string path = test_dir() + "/sweep.h5";
  write_archive(path, sample_record());
  {
    h5::File f = h5::open_file_write(path);
    h5::delete_link(f.get(), "/decisions/rung");
    h5::Group g = h5::open_group(f.get(), "/decisions");
    h5::write_column(g.get(), "rung", std::vector<std::string>{"a", "b", "c", "d"});
  }
  std::string msg = input_error_message([&] { read_archive(path); });
  EXPECT_TRUE(contains(msg, "/decisions/rung")) << msg;
  EXPECT_TRUE(contains(msg, "expected integers")) << msg;
}

TEST(Archive, TextFileIsNotAnArchive) {
  std::string path = test_dir() + "/notes.txt";
  std::ofstream(path) << "not hdf5\n";
  std::string msg = input_error_message([&] { read_archive(path); });
  EXPECT_TRUE(contains(msg, "not a rungs archive")) << msg;
}

TEST(ArchivedSweepName, MissingPathIsNullopt) {
  EXPECT_EQ(archived_sweep_name(test_dir() + "/absent.h5"), std::nullopt);
}

TEST(ArchivedSweepName, ReturnsNameOfRungsArchive) {
  std::string path = test_dir() + "/sweep.h5";
  write_archive(path, sample_record());
  EXPECT_EQ(archived_sweep_name(path), std::optional<std::string>("demo-sweep"));
}

TEST(ArchivedSweepName, OtherHdf5FileIsInputError) {
  std::string path = test_dir() + "/other.h5";
  {
    h5::File f = h5::create_file(path);
    h5::write_column(f.get(), "data", std::vector<double>{1.0, 2.0});
  }
  std::string msg = input_error_message([&] { archived_sweep_name(path); });
  EXPECT_TRUE(contains(msg, "not a rungs archive")) << msg;
  EXPECT_TRUE(contains(msg, "will not overwrite")) << msg;
}

TEST(ArchivedSweepName, TextFileIsInputError) {
  std::string path = test_dir() + "/notes.txt";
  std::ofstream(path) << "my thesis\n";
  std::string msg = input_error_message([&] { archived_sweep_name(path); });
  EXPECT_TRUE(contains(msg, "not a rungs archive")) << msg;
}

}  // namespace
