#include "rungs/io/archive.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <new>
#include <stdexcept>
#include <type_traits>

#include "rungs/core/error.hpp"
#include "rungs/io/hdf5_file.hpp"
#include "rungs/train/task.hpp"

// Layout (docs/archive.md is the user-facing description; keep them in step):
//   root attributes      metadata; `format` = "rungs-archive" marks our files,
//                        `rung_resources` is a 1-D int64 attribute
//   /trials/<column>     one row per trial
//   /trials/params/<p>   one column per parameter; the spec is in the
//                        dataset's attributes, the space's order in the
//                        group's `order` attribute
//   /trials/last/<m>     one column per metric: its last reported value
//   /curves/<column>     one row per reported step; one column per metric
//                        (root attributes `metrics`, `metric_modes`)
//   /decisions/<column>  one row per scheduler decision
// Columns of kCompressRows rows or more are chunked and compressed (shuffle
// + deflate level 1), smaller ones contiguous; strings are fixed-length
// unless a value is longer than kMaxFixedStringBytes.
namespace rungs::io {
namespace {

using core::InputError;
using core::ParamSpec;
using core::ParamType;
using core::SweepRecord;

constexpr const char* kFormat = "rungs-archive";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t kMissingInt = std::numeric_limits<std::int64_t>::min();
const std::string kDamagedFix =
    "the archive is damaged or was not written by rungs; rerun the sweep or use another copy";

const std::string kNotArchiveFix = "give the path of an archive written by rungs-sweep";

// Thrown inside the reader for a structurally broken archive; becomes an
// InputError with the file name at the boundary.
class Corrupt : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <typename T, typename Row, typename Get>
std::vector<T> column(const std::vector<Row>& rows, Get get) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(get(r));
  return out;
}

// --- writing: column storage ----------------------------------------------

// The archive's one way to write a column (hdf5_file.hpp's packed column):
// large ones chunked and compressed, strings fixed-length unless long.
template <typename T>
void put_column(Hid g, const std::string& name, const std::vector<T>& values) {
  write_packed_column(g, name, values);
}

// --- writing: metadata ------------------------------------------------------

void write_metadata(Hid root, const core::SweepMetadata& m) {
  write_string_attribute(root, "format", kFormat);
  write_int_attribute(root, "schema_version", core::kArchiveSchemaVersion);
  write_string_attribute(root, "sweep_name", m.sweep_name);
  write_string_attribute(root, "tool_version", m.tool_version);
  write_string_attribute(root, "git_revision", m.git_revision);
  write_string_attribute(root, "created", m.created);
  write_string_attribute(root, "command_line", m.command_line);
  write_string_attribute(root, "config_yaml", m.config_yaml);
  write_int_attribute(root, "mpi_size", m.mpi_size);
  write_string_attribute(root, "hosts", m.hosts);
  write_string_attribute(root, "devices", m.devices);
  write_int_attribute(root, "threads_per_rank", m.threads_per_rank);
  std::vector<std::string> modes;
  for (const core::MetricSpec& metric : m.metrics) modes.push_back(core::to_string(metric.better));
  write_string_array_attribute(root, "metrics", core::metric_names(m.metrics));
  write_string_array_attribute(root, "metric_modes", modes);
  write_string_attribute(root, "objective_metric", m.objective_metric);
  write_string_attribute(root, "objective_mode", core::to_string(m.objective_mode));
  write_string_attribute(root, "scheduler", m.scheduler);
  write_int_array_attribute(root, "rung_resources", m.rung_resources);
  if (!m.nodes.empty()) {
    write_string_array_attribute(root, "nodes", m.nodes);
    write_int_array_attribute(root, "ranks_per_node", m.ranks_per_node);
    write_int_array_attribute(root, "gpus_per_node", m.gpus_per_node);
  }
  write_string_attribute(root, "state", m.state);
  if (!m.limit.empty()) write_string_attribute(root, "limit", m.limit);
  if (!m.shards.empty()) write_string_attribute(root, "shards", m.shards);
  if (!m.runner.empty()) write_string_attribute(root, "runner", m.runner);
  if (!m.trial_logs.empty()) write_string_attribute(root, "trial_logs", m.trial_logs);
  write_double_attribute(root, "wall_seconds", m.wall_seconds);
}

// --- writing: tables --------------------------------------------------------

void write_trial_columns(Hid g, const std::vector<core::TrialRecord>& t) {
  using R = core::TrialRecord;
  put_column(g, "trial_id", column<std::int64_t>(t, [](const R& r) { return r.id.value; }));
  put_column(g, "status",
               column<std::string>(t, [](const R& r) { return core::to_string(r.status); }));
  put_column(g, "rung", column<std::int64_t>(t, [](const R& r) { return r.rung; }));
  put_column(g, "resource", column<std::int64_t>(t, [](const R& r) { return r.resource; }));
  put_column(g, "bracket", column<std::int64_t>(t, [](const R& r) { return r.bracket; }));
  put_column(g, "metric", column<double>(t, [](const R& r) { return r.metric; }));
  put_column(g, "best_metric", column<double>(t, [](const R& r) { return r.best_metric; }));
  put_column(g, "seed", column<std::uint64_t>(t, [](const R& r) { return r.seed; }));
  put_column(g, "rank", column<std::int64_t>(t, [](const R& r) { return r.rank; }));
  put_column(g, "host", column<std::string>(t, [](const R& r) { return r.host; }));
  put_column(g, "device", column<std::string>(t, [](const R& r) { return r.device; }));
  put_column(g, "start_time", column<double>(t, [](const R& r) { return r.start_time; }));
  put_column(g, "end_time", column<double>(t, [](const R& r) { return r.end_time; }));
  put_column(g, "train_seconds", column<double>(t, [](const R& r) { return r.train_seconds; }));
  put_column(g, "error", column<std::string>(t, [](const R& r) { return r.error; }));
}

void write_spec_attributes(Hid dset, const ParamSpec& s) {
  write_string_attribute(dset, "type", core::to_string(s.type));
  write_double_attribute(dset, "low", s.low);
  write_double_attribute(dset, "high", s.high);
  write_int_attribute(dset, "log", s.log ? 1 : 0);
  // Lists only when present, so h5dump shows what the spec actually uses.
  if (!s.int_choices.empty()) write_int_array_attribute(dset, "int_choices", s.int_choices);
  if (!s.choices.empty()) write_string_array_attribute(dset, "choices", s.choices);
  if (!s.weights.empty()) write_double_array_attribute(dset, "weights", s.weights);
  if (s.type == ParamType::kInt) write_int_attribute(dset, "step", s.step);
  if (s.grid_points > 0) write_int_attribute(dset, "grid", s.grid_points);
  if (s.fixed) {
    if (const auto* d = std::get_if<double>(&*s.fixed)) write_double_attribute(dset, "value", *d);
    if (const auto* i = std::get_if<std::int64_t>(&*s.fixed)) write_int_attribute(dset, "value", *i);
    if (const auto* c = std::get_if<std::string>(&*s.fixed)) write_string_attribute(dset, "value", *c);
  }
  // `when` as pairs: one (parent, value) per allowed value of each condition,
  // the value as exact text (numbers round-trip bit for bit), so no delimiter
  // can clash with a categorical value.
  if (!s.when.empty()) {
    std::vector<std::string> parents, values;
    for (const core::Condition& c : s.when) {
      for (const core::ParamValue& v : c.values) {
        parents.push_back(c.parent);
        values.push_back(core::format_value(v));
      }
    }
    write_string_array_attribute(dset, "when_parent", parents);
    write_string_array_attribute(dset, "when_value", values);
  }
}

// Typed by the spec, so pandas sees numbers as numbers.
void write_param_values(Hid g, const ParamSpec& s, const std::vector<core::TrialRecord>& t) {
  using R = core::TrialRecord;
  const std::string& n = s.name;
  switch (s.type) {
    case ParamType::kFloat:
      put_column(g, n,
                   column<double>(t, [&](const R& r) { return r.params.get_double(n, kNaN); }));
      break;
    case ParamType::kInt:
      put_column(g, n, column<std::int64_t>(t, [&](const R& r) {
                     return r.params.get_int(n, kMissingInt);
                   }));
      break;
    case ParamType::kCategorical:
      put_column(g, n,
                   column<std::string>(t, [&](const R& r) { return r.params.get_string(n, ""); }));
      break;
  }
}

void write_missing_value(Hid dset, ParamType type) {
  switch (type) {
    case ParamType::kFloat: write_double_attribute(dset, "missing_value", kNaN); break;
    case ParamType::kInt: write_int_attribute(dset, "missing_value", kMissingInt); break;
    case ParamType::kCategorical: write_string_attribute(dset, "missing_value", ""); break;
  }
}

void write_param_column(Hid g, const ParamSpec& s, const std::vector<core::TrialRecord>& t) {
  const std::string& n = s.name;
  if (n.empty() || n.find('/') != std::string::npos || n == "." || n == "..") {
    throw InputError("parameter '" + n + "'", "cannot be an HDF5 dataset name",
                     "rename the parameter (no '/')");
  }
  write_param_values(g, s, t);
  DatasetId dset = open_dataset(g, n);
  write_spec_attributes(dset.get(), s);
  write_missing_value(dset.get(), s.type);
}

// /trials/last/<metric>: each trial's last reported value (NaN before its
// first step), one column per metric in the root's `metrics` order.
void write_last_values(Hid trials, const SweepRecord& record) {
  Group g = create_group(trials, "last");
  for (std::size_t k = 0; k < record.metadata.metrics.size(); ++k) {
    put_column(g.get(), record.metadata.metrics[k].name,
               column<double>(record.trials, [k](const core::TrialRecord& r) {
                 return k < r.last_values.size() ? r.last_values[k] : kNaN;
               }));
  }
}

void write_params(Hid trials, const SweepRecord& record) {
  Group g = create_group(trials, "params");
  std::vector<std::string> order;
  for (const ParamSpec& s : record.space) {
    write_param_column(g.get(), s, record.trials);
    order.push_back(s.name);
  }
  // HDF5 lists links by name; the space's order is kept here.
  write_string_array_attribute(g.get(), "order", order);
}

void write_curves(Hid g, const std::vector<core::CurvePoint>& c,
                  const std::vector<core::MetricSpec>& metrics) {
  using P = core::CurvePoint;
  put_column(g, "trial_id", column<std::int64_t>(c, [](const P& p) { return p.trial.value; }));
  put_column(g, "step", column<std::int64_t>(c, [](const P& p) { return p.step; }));
  put_column(g, "metric", column<double>(c, [](const P& p) { return p.metric; }));
  for (std::size_t k = 0; k < metrics.size(); ++k) {
    put_column(g, metrics[k].name, column<double>(c, [k](const P& p) {
                 return k < p.values.size() ? p.values[k] : kNaN;
               }));
  }
  put_column(g, "seconds", column<double>(c, [](const P& p) { return p.seconds; }));
}

void write_decisions(Hid g, const std::vector<core::Decision>& d) {
  using D = core::Decision;
  put_column(g, "trial_id", column<std::int64_t>(d, [](const D& x) { return x.trial.value; }));
  put_column(g, "rung", column<std::int64_t>(d, [](const D& x) { return x.rung; }));
  put_column(g, "kind",
               column<std::string>(d, [](const D& x) { return core::to_string(x.kind); }));
  put_column(g, "time", column<double>(d, [](const D& x) { return x.time; }));
  put_column(g, "metric", column<double>(d, [](const D& x) { return x.metric; }));
  put_column(g, "worker", column<std::int64_t>(d, [](const D& x) { return x.worker; }));
  put_column(g, "reason", column<std::string>(d, [](const D& x) { return x.reason; }));
}

void check_extras(const ArchiveExtras& x, std::size_t trials) {
  bool none = x.source.empty() && x.source_trial_id.empty();
  bool per_trial = x.source.size() == trials && x.source_trial_id.size() == trials;
  if (!none && !per_trial) {
    throw std::invalid_argument("write_archive: extras have " + std::to_string(x.source.size()) +
                                " sources and " + std::to_string(x.source_trial_id.size()) +
                                " source ids for " + std::to_string(trials) + " trials");
  }
}

// Provenance columns, only for a record that has them (a merged archive).
void write_extras(const File& file, Hid trials, const ArchiveExtras& x) {
  if (!x.source.empty() || !x.source_trial_id.empty()) {
    put_column(trials, "source", x.source);
    put_column(trials, "source_trial_id", x.source_trial_id);
  }
  if (!x.merged_from.empty()) write_string_attribute(file.get(), "merged_from", x.merged_from);
}

void fill_archive(const File& file, const SweepRecord& record, const ArchiveExtras* extras) {
  write_metadata(file.get(), record.metadata);
  {
    Group trials = create_group(file.get(), "trials");
    write_trial_columns(trials.get(), record.trials);
    write_params(trials.get(), record);
    write_last_values(trials.get(), record);
    if (extras) write_extras(file, trials.get(), *extras);
  }
  write_curves(create_group(file.get(), "curves").get(), record.curves, record.metadata.metrics);
  write_decisions(create_group(file.get(), "decisions").get(), record.decisions);
}

// --- reading: tables --------------------------------------------------------

// The columns of one table group: each must exist, be 1-D, and have as many
// rows as the first column read.
class TableReader {
 public:
  TableReader(const File& file, std::string group) : name_(std::move(group)) {
    if (!has_path(file.get(), name_)) throw Corrupt("group /" + name_ + " is missing");
    group_ = open_group(file.get(), name_);
  }

  std::vector<double> doubles(const std::string& c) { return read_doubles(open(c)); }
  std::vector<std::int64_t> ints(const std::string& c) { return read_int64s(open(c)); }
  std::vector<std::uint64_t> uints(const std::string& c) { return read_uint64s(open(c)); }
  std::vector<std::string> strings(const std::string& c) { return read_strings(open(c)); }

  Hid group() const { return group_.get(); }
  std::size_t rows() const { return rows_; }
  void expect_rows(std::size_t rows, const std::string& source) {
    rows_ = rows;
    first_ = source;
  }

 private:
  // Checks the shape before anything is read, so a damaged length is
  // reported rather than allocated.
  DatasetId open(const std::string& c) {
    std::string full = "/" + name_ + "/" + c;
    if (!has_path(group_.get(), c)) throw Corrupt("column " + full + " is missing");
    DatasetId d = open_dataset(group_.get(), c);
    std::vector<std::int64_t> dims = dataset_dims(d);
    if (dims.size() != 1) throw Corrupt("column " + full + " is not 1-D");
    std::size_t rows = static_cast<std::size_t>(dims[0]);
    if (first_.empty()) expect_rows(rows, full);
    if (rows != rows_) {
      throw Corrupt("column " + full + " has " + std::to_string(rows) + " rows but " + first_ +
                    " has " + std::to_string(rows_));
    }
    return d;
  }

  std::string name_;
  Group group_;
  std::size_t rows_ = 0;
  std::string first_;
};

int to_int(std::int64_t v, const std::string& what) {
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
    throw Corrupt(what + " value " + std::to_string(v) + " is out of range");
  }
  return static_cast<int>(v);
}

core::ObjectiveMode read_mode(const std::string& text, const std::string& what) {
  const auto mode = core::parse_objective_mode(text);
  if (!mode) throw Corrupt(what + " '" + text + "' is not max or min");
  return *mode;
}

// Schema 1 had no metric list: its steps reported a classifier's three
// fixed metrics, in this order.
std::vector<core::MetricSpec> schema1_metrics() {
  return train::task_metrics(core::Task::kClassification);
}

std::vector<core::MetricSpec> read_metric_specs(Hid root) {
  const std::vector<std::string> names = read_string_array_attribute(root, "metrics");
  const std::vector<std::string> modes = read_string_array_attribute(root, "metric_modes");
  if (names.size() != modes.size()) {
    throw Corrupt("attributes metrics and metric_modes differ in length");
  }
  std::vector<core::MetricSpec> metrics;
  for (std::size_t i = 0; i < names.size(); ++i) {
    metrics.push_back({names[i], read_mode(modes[i], "metric_modes")});
  }
  const std::string bad = core::check_metric_names(metrics);
  if (!bad.empty()) throw Corrupt("attribute metrics: " + bad);
  return metrics;
}

core::SweepMetadata read_metadata(Hid root) {
  core::SweepMetadata m;
  m.schema_version = to_int(read_int_attribute(root, "schema_version"), "schema_version");
  m.sweep_name = read_string_attribute(root, "sweep_name");
  m.tool_version = read_string_attribute(root, "tool_version");
  m.git_revision = read_string_attribute(root, "git_revision");
  m.created = read_string_attribute(root, "created");
  m.command_line = read_string_attribute(root, "command_line");
  m.config_yaml = read_string_attribute(root, "config_yaml");
  m.mpi_size = to_int(read_int_attribute(root, "mpi_size"), "mpi_size");
  m.hosts = read_string_attribute(root, "hosts");
  m.devices = read_string_attribute(root, "devices");
  m.threads_per_rank = to_int(read_int_attribute(root, "threads_per_rank"), "threads_per_rank");
  m.metrics = m.schema_version == 1 ? schema1_metrics() : read_metric_specs(root);
  m.objective_metric = read_string_attribute(root, "objective_metric");
  m.objective_mode = read_mode(read_string_attribute(root, "objective_mode"), "objective_mode");
  if (!core::metric_index(m.metrics, m.objective_metric)) {
    throw Corrupt("objective_metric '" + m.objective_metric + "' is not among the metrics");
  }
  m.scheduler = read_string_attribute(root, "scheduler");
  m.rung_resources = read_int_array_attribute(root, "rung_resources");
  if (has_attribute(root, "nodes")) {
    m.nodes = read_string_array_attribute(root, "nodes");
    m.ranks_per_node = read_int_array_attribute(root, "ranks_per_node");
    m.gpus_per_node = read_int_array_attribute(root, "gpus_per_node");
  }
  m.state = read_string_attribute(root, "state");
  if (has_attribute(root, "limit")) m.limit = read_string_attribute(root, "limit");
  if (has_attribute(root, "shards")) m.shards = read_string_attribute(root, "shards");
  if (has_attribute(root, "runner")) m.runner = read_string_attribute(root, "runner");
  if (has_attribute(root, "trial_logs")) m.trial_logs = read_string_attribute(root, "trial_logs");
  m.wall_seconds = read_double_attribute(root, "wall_seconds");
  return m;
}

std::vector<core::TrialRecord> read_trial_columns(TableReader& t) {
  std::vector<std::int64_t> id = t.ints("trial_id"), rung = t.ints("rung"),
                            resource = t.ints("resource"), rank = t.ints("rank"),
                            bracket = t.ints("bracket");
  std::vector<std::string> status = t.strings("status"), host = t.strings("host"),
                           device = t.strings("device"), error = t.strings("error");
  std::vector<double> metric = t.doubles("metric"), best = t.doubles("best_metric"),
                      start = t.doubles("start_time"), end = t.doubles("end_time"),
                      train = t.doubles("train_seconds");
  std::vector<std::uint64_t> seed = t.uints("seed");
  std::vector<core::TrialRecord> trials(t.rows());
  for (std::size_t i = 0; i < trials.size(); ++i) {
    core::TrialRecord& r = trials[i];
    // SweepRecord::find relies on trials[i].id == i.
    if (id[i] != static_cast<std::int64_t>(i)) {
      throw Corrupt("/trials/trial_id[" + std::to_string(i) + "] is " + std::to_string(id[i]));
    }
    r.id = core::TrialId{id[i]};
    auto s = core::parse_trial_status(status[i]);
    if (!s) {
      throw Corrupt("/trials/status[" + std::to_string(i) + "] '" + status[i] + "' is unknown");
    }
    r.status = *s;
    r.rung = to_int(rung[i], "/trials/rung");
    r.resource = resource[i];
    r.bracket = to_int(bracket[i], "/trials/bracket");
    r.metric = metric[i];
    r.best_metric = best[i];
    r.seed = seed[i];
    r.rank = to_int(rank[i], "/trials/rank");
    r.host = host[i];
    r.device = device[i];
    r.start_time = start[i];
    r.end_time = end[i];
    r.train_seconds = train[i];
    r.error = error[i];
  }
  return trials;
}

ParamType parse_param_type(const std::string& type, const std::string& name) {
  for (ParamType t : {ParamType::kFloat, ParamType::kInt, ParamType::kCategorical}) {
    if (type == core::to_string(t)) return t;
  }
  throw Corrupt("parameter '" + name + "' has unknown type '" + type + "'");
}

ParamSpec read_spec(Hid dset, const std::string& name) {
  ParamSpec s;
  s.name = name;
  std::string type = read_string_attribute(dset, "type");
  s.type = parse_param_type(type, name);
  s.low = read_double_attribute(dset, "low");
  s.high = read_double_attribute(dset, "high");
  s.log = read_int_attribute(dset, "log") != 0;
  if (has_attribute(dset, "int_choices")) {
    s.int_choices = read_int_array_attribute(dset, "int_choices");
  }
  if (has_attribute(dset, "choices")) s.choices = read_string_array_attribute(dset, "choices");
  if (has_attribute(dset, "weights")) s.weights = read_double_array_attribute(dset, "weights");
  // Absent in archives written before they were stored: the defaults.
  if (has_attribute(dset, "step")) s.step = read_int_attribute(dset, "step");
  if (has_attribute(dset, "grid")) s.grid_points = static_cast<int>(read_int_attribute(dset, "grid"));
  if (has_attribute(dset, "value")) {
    switch (s.type) {
      case ParamType::kFloat: s.fixed = read_double_attribute(dset, "value"); break;
      case ParamType::kInt: s.fixed = read_int_attribute(dset, "value"); break;
      case ParamType::kCategorical: s.fixed = read_string_attribute(dset, "value"); break;
    }
  }
  return s;
}

// A condition's values back in the parent's type (the parent comes earlier
// in the space's order).
core::ParamValue condition_value(const std::string& text, const ParamSpec* parent,
                                 const std::string& name) {
  if (!parent) throw Corrupt("parameter '" + name + "' depends on a parameter not before it");
  try {
    std::size_t used = 0;
    switch (parent->type) {
      case ParamType::kFloat: {
        const double v = std::stod(text, &used);
        if (used == text.size()) return v;
        break;
      }
      case ParamType::kInt: {
        const long long v = std::stoll(text, &used);
        if (used == text.size()) return static_cast<std::int64_t>(v);
        break;
      }
      case ParamType::kCategorical: return text;
    }
  } catch (const std::logic_error&) {
  }
  throw Corrupt("parameter '" + name + "' has condition value '" + text + "' that is not a " +
                core::to_string(parent->type));
}

void read_conditions(Hid dset, ParamSpec& s, const std::vector<ParamSpec>& before) {
  if (!has_attribute(dset, "when_parent")) return;
  const std::vector<std::string> parents = read_string_array_attribute(dset, "when_parent");
  const std::vector<std::string> values = read_string_array_attribute(dset, "when_value");
  if (parents.size() != values.size()) {
    throw Corrupt("parameter '" + s.name + "': when_parent and when_value differ in length");
  }
  for (std::size_t i = 0; i < parents.size(); ++i) {
    const auto parent = std::find_if(before.begin(), before.end(),
                                     [&](const ParamSpec& p) { return p.name == parents[i]; });
    const core::ParamValue v =
        condition_value(values[i], parent == before.end() ? nullptr : &*parent, s.name);
    if (s.when.empty() || s.when.back().parent != parents[i]) s.when.push_back({parents[i], {}});
    s.when.back().values.push_back(v);
  }
}

// Fills one parameter into the trials; missing values stay absent from the ParamSet.
void read_param_values(TableReader& t, const ParamSpec& s, std::vector<core::TrialRecord>& trials) {
  switch (s.type) {
    case ParamType::kFloat: {
      std::vector<double> v = t.doubles(s.name);
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!std::isnan(v[i])) trials[i].params.set(s.name, v[i]);
      }
      break;
    }
    case ParamType::kInt: {
      std::vector<std::int64_t> v = t.ints(s.name);
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] != kMissingInt) trials[i].params.set(s.name, v[i]);
      }
      break;
    }
    case ParamType::kCategorical: {
      std::vector<std::string> v = t.strings(s.name);
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].empty()) trials[i].params.set(s.name, v[i]);
      }
      break;
    }
  }
}

void read_params(const File& file, SweepRecord& record) {
  TableReader t(file, "trials/params");
  t.expect_rows(record.trials.size(), "/trials/trial_id");
  std::vector<std::string> order = has_attribute(t.group(), "order")
                                       ? read_string_array_attribute(t.group(), "order")
                                       : list_children(t.group());
  for (const std::string& name : order) {
    if (!has_path(t.group(), name)) throw Corrupt("column /trials/params/" + name + " is missing");
    const DatasetId column = open_dataset(t.group(), name);
    ParamSpec spec = read_spec(column.get(), name);
    read_conditions(column.get(), spec, record.space);
    read_param_values(t, spec, record.trials);
    record.space.push_back(std::move(spec));
  }
}

std::vector<core::CurvePoint> read_curves(const File& file,
                                          const std::vector<core::MetricSpec>& metrics) {
  TableReader t(file, "curves");
  std::vector<std::int64_t> id = t.ints("trial_id"), step = t.ints("step");
  std::vector<double> metric = t.doubles("metric"), seconds = t.doubles("seconds");
  std::vector<std::vector<double>> values;
  for (const core::MetricSpec& m : metrics) values.push_back(t.doubles(m.name));
  std::vector<core::CurvePoint> out(t.rows());
  for (std::size_t i = 0; i < out.size(); ++i) {
    core::CurvePoint& p = out[i];
    p.trial = core::TrialId{id[i]};
    p.step = step[i];
    p.metric = metric[i];
    p.values.reserve(values.size());
    for (const std::vector<double>& column : values) p.values.push_back(column[i]);
    p.seconds = seconds[i];
  }
  return out;
}

void read_last_values(const File& file, SweepRecord& record) {
  TableReader t(file, "trials/last");
  t.expect_rows(record.trials.size(), "/trials/trial_id");
  std::vector<std::vector<double>> columns;
  for (const core::MetricSpec& m : record.metadata.metrics) columns.push_back(t.doubles(m.name));
  for (std::size_t i = 0; i < record.trials.size(); ++i) {
    core::TrialRecord& r = record.trials[i];
    if (r.resource == 0) continue;  // no step yet
    for (const std::vector<double>& column : columns) r.last_values.push_back(column[i]);
  }
}

// Schema 1 kept no last values: each trial's are those of its curve point at
// the resource it reached (the step its `metric` came from).
void derive_last_values(SweepRecord& record) {
  for (const core::CurvePoint& p : record.curves) {
    if (p.trial.value < 0 || p.trial.value >= static_cast<std::int64_t>(record.trials.size())) {
      throw Corrupt("/curves/trial_id " + std::to_string(p.trial.value) + " is not a trial");
    }
    core::TrialRecord& r = record.trials[static_cast<std::size_t>(p.trial.value)];
    if (p.step == r.resource) r.last_values = p.values;
  }
}

std::vector<core::Decision> read_decisions(const File& file) {
  TableReader t(file, "decisions");
  std::vector<std::int64_t> id = t.ints("trial_id"), rung = t.ints("rung"),
                            worker = t.ints("worker");
  std::vector<std::string> kind = t.strings("kind");
  std::vector<double> time = t.doubles("time"), metric = t.doubles("metric");
  // Archives written before the column existed have no reasons.
  std::vector<std::string> reason = has_path(t.group(), "reason")
                                        ? t.strings("reason")
                                        : std::vector<std::string>(t.rows());
  std::vector<core::Decision> out(t.rows());
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto k = core::parse_decision_kind(kind[i]);
    if (!k) {
      throw Corrupt("/decisions/kind[" + std::to_string(i) + "] '" + kind[i] + "' is unknown");
    }
    core::Decision& d = out[i];
    d.trial = core::TrialId{id[i]};
    d.rung = to_int(rung[i], "/decisions/rung");
    d.kind = *k;
    d.time = time[i];
    d.metric = metric[i];
    d.worker = to_int(worker[i], "/decisions/worker");
    d.reason = reason[i];
  }
  return out;
}

// --- reading: the file ------------------------------------------------------

void check_exists(const std::string& path, const std::string& fix) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw InputError(path, "archive not found", fix);
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError(path, "is a directory, not a rungs archive", fix);
  }
  if (!is_hdf5_file(path)) {
    throw InputError(path, "not a rungs archive (not an HDF5 file)", fix);
  }
}

void check_format(const File& file, const std::string& path, const std::string& fix) {
  if (!has_attribute(file.get(), "format") ||
      read_string_attribute(file.get(), "format") != kFormat) {
    throw InputError(path, "not a rungs archive (HDF5 file without format = \"rungs-archive\")",
                     fix);
  }
}

void check_schema_version(const File& file, const std::string& path) {
  if (!has_attribute(file.get(), "schema_version")) {
    throw Corrupt("attribute schema_version is missing");
  }
  std::int64_t v = read_int_attribute(file.get(), "schema_version");
  if (v > core::kArchiveSchemaVersion) {
    throw InputError(path,
                     "archive schema version " + std::to_string(v) +
                         " is newer than this build supports (" +
                         std::to_string(core::kArchiveSchemaVersion) + ")",
                     "upgrade rungs");
  }
  if (v < 1) throw Corrupt("schema_version " + std::to_string(v) + " is not valid");
}

ArchiveExtras read_extras(const std::string& path) {
  File file = open_file_read(path);
  check_format(file, path, kNotArchiveFix);
  ArchiveExtras x;
  if (has_attribute(file.get(), "merged_from")) {
    x.merged_from = read_string_attribute(file.get(), "merged_from");
  }
  TableReader trials(file, "trials");
  trials.ints("trial_id");  // the row count the provenance columns must match
  bool has_source = has_path(trials.group(), "source");
  if (has_source != has_path(trials.group(), "source_trial_id")) {
    throw Corrupt("/trials/source and /trials/source_trial_id must come together");
  }
  if (has_source) {
    x.source = trials.strings("source");
    x.source_trial_id = trials.ints("source_trial_id");
  }
  return x;
}

SweepRecord read_record(const std::string& path) {
  File file = open_file_read(path);
  check_format(file, path, kNotArchiveFix);
  check_schema_version(file, path);
  SweepRecord record;
  record.metadata = read_metadata(file.get());
  {
    TableReader trials(file, "trials");
    record.trials = read_trial_columns(trials);
  }
  read_params(file, record);
  record.curves = read_curves(file, record.metadata.metrics);
  if (record.metadata.schema_version == 1) {
    derive_last_values(record);
  } else {
    read_last_values(file, record);
  }
  record.decisions = read_decisions(file);
  return record;
}

// Reads with `read`, turning every way a damaged file fails into one InputError.
template <typename Read>
auto read_guarded(const std::string& path, Read read) -> decltype(read(path)) {
  check_exists(path, kNotArchiveFix);
  try {
    return read(path);
  } catch (const Corrupt& e) {
    throw InputError(path, std::string("corrupt archive: ") + e.what(), kDamagedFix);
  } catch (const Hdf5Error& e) {
    throw InputError(path, std::string("cannot read archive: ") + e.what(), kDamagedFix);
  } catch (const std::bad_alloc&) {
    // A damaged header can claim absurd sizes.
    throw InputError(path, "corrupt archive: a dataset claims more rows than fit in memory",
                     kDamagedFix);
  } catch (const std::length_error&) {
    throw InputError(path, "corrupt archive: a dataset claims an impossible size", kDamagedFix);
  }
}

}  // namespace

void write_archive(const std::string& path, const SweepRecord& record,
                   const ArchiveExtras* extras) {
  if (extras) check_extras(*extras, record.trials.size());
  const std::string bad_metrics = core::check_metric_names(record.metadata.metrics);
  if (!bad_metrics.empty()) throw std::invalid_argument("write_archive: " + bad_metrics);
  write_file_atomically(path, [&](const File& file) { fill_archive(file, record, extras); });
}

SweepRecord read_archive(const std::string& path) { return read_guarded(path, read_record); }

ArchiveExtras read_archive_extras(const std::string& path) {
  return read_guarded(path, read_extras);
}

std::optional<std::string> archived_sweep_name(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::nullopt;
  const std::string fix =
      "choose another archive path; rungs will not overwrite a file it did not write";
  check_exists(path, fix);
  try {
    File file = open_file_read(path);
    check_format(file, path, fix);
    if (!has_attribute(file.get(), "sweep_name")) return std::string();
    return read_string_attribute(file.get(), "sweep_name");
  } catch (const Hdf5Error& e) {
    throw InputError(path, std::string("cannot read as a rungs archive: ") + e.what(), fix);
  }
}

}  // namespace rungs::io
