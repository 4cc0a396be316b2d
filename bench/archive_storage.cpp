// How much the experiment archive costs to write, against the obvious
// alternatives: the same trials and learning curves written (a) as a rungs
// HDF5 archive (io::write_archive), (b) into SQLite in a schema like
// Optuna's RDB storage (studies, trials, trial_params,
// trial_intermediate_values), in one transaction with prepared statements,
// (c) as two CSV files (trials with their parameters; curves). Every writer
// ends with its data on disk (fsync), as the archive writer does.
//
//   archive_storage [--trials 100000] [--steps 27] [--dir .] [--keep 0|1]
//
// Prints seconds and MB for each, and the ratios against HDF5. The content
// is the same in all three: per trial its 15 record fields and 5 parameters
// (2 float, 2 int, 1 categorical); per step trial, step and 5 metrics.
// Decisions are left out (CSV has no third file). docs/benchmarks-archive.md
// has the measured table.
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "rungs/core/sweep_record.hpp"
#include "rungs/io/archive.hpp"

namespace {

namespace fs = std::filesystem;
using rungs::core::ParamSpec;
using rungs::core::SweepRecord;
using rungs::core::TrialId;
using rungs::core::TrialRecord;
using rungs::core::TrialStatus;

struct Options {
  std::int64_t trials = 100000;
  std::int64_t steps = 27;
  std::string dir = ".";
  bool keep = false;  // leave the files for inspection (h5dump, sqlite3)
};

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i];
    if (key == "--trials") {
      o.trials = std::atoll(argv[i + 1]);
    } else if (key == "--steps") {
      o.steps = std::atoll(argv[i + 1]);
    } else if (key == "--dir") {
      o.dir = argv[i + 1];
    } else if (key == "--keep") {
      o.keep = std::atoi(argv[i + 1]) != 0;
    } else {
      throw std::invalid_argument("unknown option " + key +
                                  " (options: --trials N --steps S --dir D --keep 0|1)");
    }
  }
  return o;
}

// --- the sweep --------------------------------------------------------------

const std::vector<std::string> kOptimizers = {"adam", "adamw", "sgd"};

std::vector<ParamSpec> space() {
  return {ParamSpec::float_range("lr", 1e-4, 3e-1, true),
          ParamSpec::float_range("dropout", 0.0, 0.5),
          ParamSpec::int_set("hidden", {16, 32, 64, 128, 256}),
          ParamSpec::int_range("layers", 1, 4),
          ParamSpec::categorical("optimizer", kOptimizers, {2, 1, 1})};
}

TrialRecord make_trial(std::int64_t id, std::int64_t steps, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  TrialRecord t;
  t.id = TrialId{id};
  t.status = u(rng) < 0.1 ? TrialStatus::kCompleted : TrialStatus::kStopped;
  t.rung = 3;
  t.resource = steps;
  t.seed = rng();
  t.rank = static_cast<int>(rng() % 64);
  t.host = "node" + std::to_string(100 + t.rank / 4);
  t.device = "cuda:" + std::to_string(t.rank % 4);
  t.start_time = static_cast<double>(id) * 0.5;
  t.train_seconds = static_cast<double>(steps) * (2.0 + u(rng));
  t.end_time = t.start_time + t.train_seconds;
  t.params.set("lr", std::exp(std::log(1e-4) + u(rng) * (std::log(3e-1) - std::log(1e-4))));
  t.params.set("dropout", 0.5 * u(rng));
  t.params.set("hidden", std::int64_t{16} << (rng() % 5));
  t.params.set("layers", static_cast<std::int64_t>(1 + rng() % 4));
  t.params.set("optimizer", kOptimizers[rng() % 3]);
  return t;
}

// A noisy saturating learning curve per trial.
void add_curve(SweepRecord& r, TrialRecord& t, std::int64_t steps, std::mt19937_64& rng) {
  std::normal_distribution<double> noise(0.0, 0.01);
  double ceiling = 0.7 + 0.29 * std::uniform_real_distribution<double>(0, 1)(rng);
  double best = 0.0, metric = 0.0;
  for (std::int64_t s = 1; s <= steps; ++s) {
    double acc = ceiling * (1.0 - std::exp(-0.3 * static_cast<double>(s))) + noise(rng);
    double loss = -std::log(std::max(acc, 1e-3)) + noise(rng);
    metric = acc;
    best = std::max(best, acc);
    // Values in the order of the record's metrics: train_loss, val_loss, val_accuracy.
    r.curves.push_back({t.id, s, acc, {loss * 1.1, loss, acc},
                        static_cast<double>(s) * t.train_seconds / static_cast<double>(steps)});
    t.last_values = r.curves.back().values;
  }
  t.metric = metric;
  t.best_metric = best;
}

SweepRecord make_record(const Options& o) {
  SweepRecord r;
  r.metadata.sweep_name = "storage-bench";
  r.metadata.config_yaml = "name: storage-bench\n";
  r.metadata.scheduler = "asha/promotion eta=3";
  r.metadata.metrics = {{"train_loss", rungs::core::ObjectiveMode::kMin},
                        {"val_loss", rungs::core::ObjectiveMode::kMin},
                        {"val_accuracy", rungs::core::ObjectiveMode::kMax}};
  r.metadata.objective_metric = "val_accuracy";
  r.metadata.rung_resources = {1, 3, 9, 27};
  r.metadata.state = "finished";
  r.space = space();
  std::mt19937_64 rng(7);
  r.trials.reserve(static_cast<std::size_t>(o.trials));
  r.curves.reserve(static_cast<std::size_t>(o.trials * o.steps));
  for (std::int64_t i = 0; i < o.trials; ++i) {
    r.trials.push_back(make_trial(i, o.steps, rng));
    add_curve(r, r.trials.back(), o.steps, rng);
  }
  return r;
}

// --- helpers ----------------------------------------------------------------

double seconds_of(const std::function<void()>& fn) {
  auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void fsync_path(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw std::runtime_error("cannot open " + path);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw std::runtime_error("cannot fsync " + path);
}

double megabytes(const std::vector<std::string>& paths) {
  std::uintmax_t total = 0;
  for (const auto& p : paths) total += fs::file_size(p);
  return static_cast<double>(total) / 1e6;
}

const char* status_name(TrialStatus s) { return rungs::core::to_string(s); }

// --- SQLite -----------------------------------------------------------------

// A prepared statement, finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) fail("prepare");
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void bind(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
  void bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  void run() {
    if (sqlite3_step(stmt_) != SQLITE_DONE) fail("step");
    sqlite3_reset(stmt_);
  }

 private:
  [[noreturn]] void fail(const char* what) {
    throw std::runtime_error(std::string("sqlite ") + what + ": " + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// An open database, closed on scope exit.
class Database {
 public:
  explicit Database(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
      throw std::runtime_error("sqlite open " + path);
    }
  }
  ~Database() { sqlite3_close(db_); }
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  sqlite3* get() const { return db_; }
  void exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error(std::string("sqlite: ") + msg + " in: " + sql);
    }
  }

 private:
  sqlite3* db_ = nullptr;
};

// Optuna's tables (optuna/storages/_rdb/models.py) with its unique
// constraints; the rungs fields Optuna would keep as user attributes are
// columns here (more compact than Optuna's JSON attribute rows), and the
// extra metrics of a step are columns beside intermediate_value.
const char* kSchema = R"(
CREATE TABLE studies (study_id INTEGER PRIMARY KEY, study_name VARCHAR(512) NOT NULL UNIQUE);
CREATE TABLE trials (trial_id INTEGER PRIMARY KEY, number INTEGER, study_id INTEGER,
  state VARCHAR(8) NOT NULL, datetime_start DATETIME, datetime_complete DATETIME,
  rung INTEGER, resource INTEGER, bracket INTEGER, metric FLOAT, best_metric FLOAT,
  seed INTEGER, rank INTEGER, host VARCHAR(256), device VARCHAR(64),
  start_time FLOAT, end_time FLOAT, train_seconds FLOAT, error TEXT);
CREATE INDEX ix_trials_study_id ON trials (study_id);
CREATE TABLE trial_params (param_id INTEGER PRIMARY KEY, trial_id INTEGER,
  param_name VARCHAR(512), param_value FLOAT, distribution_json TEXT,
  UNIQUE (trial_id, param_name));
CREATE TABLE trial_intermediate_values (trial_intermediate_value_id INTEGER PRIMARY KEY,
  trial_id INTEGER NOT NULL, step INTEGER NOT NULL, intermediate_value FLOAT,
  intermediate_value_type VARCHAR(7) NOT NULL, train_loss FLOAT, val_loss FLOAT,
  val_accuracy FLOAT, seconds FLOAT, UNIQUE (trial_id, step));
)";

// Optuna stores a distribution's JSON on every parameter row and a
// categorical's value as its index.
std::string distribution_json(const ParamSpec& s) {
  switch (s.type) {
    case rungs::core::ParamType::kFloat:
      return "{\"name\": \"FloatDistribution\", \"attributes\": {\"log\": " +
             std::string(s.log ? "true" : "false") + ", \"step\": null, \"low\": " +
             std::to_string(s.low) + ", \"high\": " + std::to_string(s.high) + "}}";
    case rungs::core::ParamType::kInt: {
      bool listed = !s.int_choices.empty();
      long long low = listed ? s.int_choices.front() : static_cast<long long>(s.low);
      long long high = listed ? s.int_choices.back() : static_cast<long long>(s.high);
      return "{\"name\": \"IntDistribution\", \"attributes\": {\"log\": false, \"step\": 1, "
             "\"low\": " + std::to_string(low) + ", \"high\": " + std::to_string(high) + "}}";
    }
    case rungs::core::ParamType::kCategorical:
      return "{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": "
             "[\"adam\", \"adamw\", \"sgd\"]}}";
  }
  return "";
}

double param_value(const TrialRecord& t, const ParamSpec& s) {
  if (s.type != rungs::core::ParamType::kCategorical) return t.params.get_double(s.name, NAN);
  std::string v = t.params.get_string(s.name, "");
  for (std::size_t i = 0; i < s.choices.size(); ++i) {
    if (s.choices[i] == v) return static_cast<double>(i);
  }
  return NAN;
}

void insert_trials(Database& db, const SweepRecord& r) {
  Statement st(db.get(),
               "INSERT INTO trials VALUES (?,?,1,?,NULL,NULL,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  for (const TrialRecord& t : r.trials) {
    st.bind(1, t.id.value + 1);
    st.bind(2, t.id.value);
    st.bind(3, std::string(status_name(t.status)));
    st.bind(4, std::int64_t{t.rung});
    st.bind(5, t.resource);
    st.bind(6, std::int64_t{t.bracket});
    st.bind(7, t.metric);
    st.bind(8, t.best_metric);
    st.bind(9, static_cast<std::int64_t>(t.seed));
    st.bind(10, std::int64_t{t.rank});
    st.bind(11, t.host);
    st.bind(12, t.device);
    st.bind(13, t.start_time);
    st.bind(14, t.end_time);
    st.bind(15, t.train_seconds);
    st.bind(16, t.error);
    st.run();
  }
}

void insert_params(Database& db, const SweepRecord& r) {
  Statement st(db.get(), "INSERT INTO trial_params VALUES (NULL,?,?,?,?)");
  std::vector<std::string> json;
  for (const ParamSpec& s : r.space) json.push_back(distribution_json(s));
  for (const TrialRecord& t : r.trials) {
    for (std::size_t i = 0; i < r.space.size(); ++i) {
      st.bind(1, t.id.value + 1);
      st.bind(2, r.space[i].name);
      st.bind(3, param_value(t, r.space[i]));
      st.bind(4, json[i]);
      st.run();
    }
  }
}

void insert_curves(Database& db, const SweepRecord& r) {
  Statement st(db.get(),
               "INSERT INTO trial_intermediate_values VALUES (NULL,?,?,?,'FINITE',?,?,?,?)");
  for (const auto& p : r.curves) {
    st.bind(1, p.trial.value + 1);
    st.bind(2, p.step);
    st.bind(3, p.metric);
    st.bind(4, p.values[0]);
    st.bind(5, p.values[1]);
    st.bind(6, p.values[2]);
    st.bind(7, p.seconds);
    st.run();
  }
}

void write_sqlite(const std::string& path, const SweepRecord& r) {
  fs::remove(path);
  fs::remove(path + "-journal");
  Database db(path);
  db.exec(kSchema);
  db.exec("BEGIN");
  db.exec("INSERT INTO studies VALUES (1, 'storage-bench')");
  insert_trials(db, r);
  insert_params(db, r);
  insert_curves(db, r);
  db.exec("COMMIT");  // synchronous=FULL (the default): on disk when this returns
}

// --- CSV --------------------------------------------------------------------

// A stdio file, closed on scope exit; fsync'ed by close().
class CsvFile {
 public:
  explicit CsvFile(const std::string& path) : path_(path), f_(std::fopen(path.c_str(), "w")) {
    if (!f_) throw std::runtime_error("cannot create " + path);
  }
  ~CsvFile() {
    if (f_) std::fclose(f_);
  }
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;
  FILE* get() const { return f_; }
  void close() {
    if (std::fflush(f_) != 0 || ::fsync(fileno(f_)) != 0) throw std::runtime_error("csv sync");
    std::fclose(f_);
    f_ = nullptr;
  }

 private:
  std::string path_;
  FILE* f_;
};

void write_trials_csv(const std::string& path, const SweepRecord& r) {
  CsvFile f(path);
  std::fprintf(f.get(),
               "trial_id,status,rung,resource,bracket,metric,best_metric,seed,rank,host,device,"
               "start_time,end_time,train_seconds,error,lr,dropout,hidden,layers,optimizer\n");
  for (const TrialRecord& t : r.trials) {
    std::fprintf(f.get(), "%lld,%s,%d,%lld,%d,%.17g,%.17g,%llu,%d,%s,%s,%.17g,%.17g,%.17g,%s,",
                 static_cast<long long>(t.id.value), status_name(t.status), t.rung,
                 static_cast<long long>(t.resource), t.bracket, t.metric, t.best_metric,
                 static_cast<unsigned long long>(t.seed), t.rank, t.host.c_str(),
                 t.device.c_str(), t.start_time, t.end_time, t.train_seconds, t.error.c_str());
    std::fprintf(f.get(), "%.17g,%.17g,%lld,%lld,%s\n", t.params.get_double("lr", NAN),
                 t.params.get_double("dropout", NAN),
                 static_cast<long long>(t.params.get_int("hidden", 0)),
                 static_cast<long long>(t.params.get_int("layers", 0)),
                 t.params.get_string("optimizer", "").c_str());
  }
  f.close();
}

void write_curves_csv(const std::string& path, const SweepRecord& r) {
  CsvFile f(path);
  std::fprintf(f.get(), "trial_id,step,metric,train_loss,val_loss,val_accuracy,seconds\n");
  for (const auto& p : r.curves) {
    std::fprintf(f.get(), "%lld,%lld,%.17g,%.17g,%.17g,%.17g,%.17g\n",
                 static_cast<long long>(p.trial.value), static_cast<long long>(p.step), p.metric,
                 p.values[0], p.values[1], p.values[2], p.seconds);
  }
  f.close();
}

// --- the table --------------------------------------------------------------

struct Result {
  const char* name;
  double seconds;
  double mb;
};

void print_table(const std::vector<Result>& results, const Options& o, std::size_t rows) {
  std::printf("archive_storage: %lld trials, %zu curve rows, 5 params, dir %s\n\n",
              static_cast<long long>(o.trials), rows, o.dir.c_str());
  std::printf("| format | seconds | MB | time vs HDF5 | size vs HDF5 |\n");
  std::printf("|---|---|---|---|---|\n");
  const Result& h = results.front();
  for (const Result& r : results) {
    std::printf("| %s | %.2f | %.1f | %.2fx | %.2fx |\n", r.name, r.seconds, r.mb,
                r.seconds / h.seconds, r.mb / h.mb);
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Options o = parse_options(argc, argv);
    SweepRecord record = make_record(o);
    const std::string h5 = o.dir + "/bench_archive.h5", db = o.dir + "/bench_optuna.db",
                      trials_csv = o.dir + "/bench_trials.csv",
                      curves_csv = o.dir + "/bench_curves.csv";
    std::vector<Result> results;
    double t = seconds_of([&] { rungs::io::write_archive(h5, record); });
    results.push_back({"HDF5 archive (io::write_archive)", t, megabytes({h5})});
    t = seconds_of([&] { write_sqlite(db, record); });
    fsync_path(db);
    results.push_back({"SQLite, Optuna-like schema", t, megabytes({db})});
    t = seconds_of([&] {
      write_trials_csv(trials_csv, record);
      write_curves_csv(curves_csv, record);
    });
    results.push_back({"CSV (trials + curves)", t, megabytes({trials_csv, curves_csv})});
    print_table(results, o, record.curves.size());
    if (!o.keep) {
      for (const auto& p : {h5, db, trials_csv, curves_csv}) fs::remove(p);
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "archive_storage: %s\n", e.what());
    return 1;
  }
}
