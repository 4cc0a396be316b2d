#include "rungs/io/sweep_config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <utility>

#include "rungs/core/asha.hpp"
#include "rungs/core/command_template.hpp"
#include "rungs/core/duration.hpp"
#include "rungs/core/error.hpp"
#include "rungs/core/factory.hpp"
#include "rungs/train/model_catalog.hpp"
#include "rungs/train/task.hpp"

namespace rungs::io {
namespace {

using core::InputError;
using Keys = std::vector<std::string>;

const char kDocs[] = "docs/configuration.md";

// ---------------------------------------------------------------------------
// The schema: the keys each mapping may hold. "space.*" stands for any one
// parameter of the space; the space's own keys are the model's hyperparameters.
// Both the file reader and --set use this table, so they cannot disagree.

const std::map<std::string, Keys>& schema() {
  static const std::map<std::string, Keys> kSchema = {
      {"",
       {"name", "seed", "data", "model", "objective", "scheduler", "sampler", "space", "limits",
        "checkpoint", "output", "training", "retries"}},
      {"data", {"path", "train", "val", "test", "task"}},
      {"model", {"kind", "argv", "env", "resume", "metrics", "grace"}},
      {"objective", {"metric", "mode"}},
      {"scheduler",
       {"kind", "mode", "eta", "min_resource", "max_resource", "brackets", "grace_period",
        "min_samples"}},
      {"sampler", {"kind", "trials", "tpe", "shard"}},
      {"sampler.tpe", {"startup_trials", "gamma", "candidates", "multivariate"}},
      {"limits", {"time", "trials", "target", "trial_time", "stall_warn", "stall_lost", "stall_min"}},
      {"checkpoint", {"dir", "every", "keep_stopped"}},
      {"output", {"progress_interval", "archive_interval"}},
      {"training", {"threads", "device", "fail_trials"}},
      {"space.*",
       {"type", "low", "high", "log", "choices", "weights", "step", "grid", "value", "when"}},
  };
  return kSchema;
}

const Keys& keys_of(const std::string& schema_path) { return schema().at(schema_path); }

const Keys kFloatKeys = {"type", "low", "high", "log", "grid", "value", "when"};
const Keys kIntKeys = {"type", "low", "high", "log", "choices", "step", "value", "when"};
const Keys kCategoricalKeys = {"type", "choices", "weights", "value", "when"};
const Keys kFixedKeys = {"type", "value", "when"};
// A billion trials: far past any sweep, and it keeps trial ids, counts and
// per-trial records far inside memory and 64-bit arithmetic.
constexpr std::int64_t kMaxTrials = 1000000000;

// ---------------------------------------------------------------------------
// Small string helpers.

std::string join(const Keys& items, const std::string& sep = ", ") {
  std::string s;
  for (const auto& item : items) s += (s.empty() ? "" : sep) + item;
  return s;
}

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

bool contains(const Keys& keys, const std::string& key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  // Levenshtein with two rows: prev[j] is the distance of a[0..i) to b[0..j).
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitute = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, substitute});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// "did you mean 'eta'?" when a key is near; otherwise the whole list, so the
// user never has to open the docs to find the spelling.
std::string suggestion(const std::string& key, const Keys& valid, const std::string& noun) {
  const std::string near = nearest_key(key, valid);
  if (!near.empty()) return "did you mean '" + near + "'?";
  return "valid " + noun + " are: " + join(valid);
}

// validate() functions say "problem; how to fix"; InputError wants them apart.
std::pair<std::string, std::string> split_problem(const std::string& problem) {
  const auto cut = problem.find("; ");
  if (cut == std::string::npos) return {problem, ""};
  return {problem.substr(0, cut), problem.substr(cut + 2)};
}

// ---------------------------------------------------------------------------
// Where things came from.

// A value in the configuration with the dotted path users see
// ("scheduler.eta") and the nodes that tell where it came from.
struct Field {
  std::string path;
  YAML::Node key;  // its key in the parent map; a null node for the root
  YAML::Node value;
};

// Turns nodes into "file:LINE", or into "--set k=v" for nodes an override put
// into the tree: yaml-cpp marks those with the line inside the override's own
// text, which would point users at the wrong line of their file.
class Locator {
 public:
  explicit Locator(std::string source) : source_(std::move(source)) {}

  const std::string& source() const { return source_; }

  void add_override(const YAML::Node& node, const std::string& text) {
    overrides_.emplace_back(node, text);
    for (const YAML::Node& child : children_of(node)) add_override(child, text);
  }

  std::string where(const YAML::Mark& mark) const {
    if (mark.is_null()) return source_;
    return source_ + ":" + std::to_string(mark.line + 1);
  }

  std::string where(const Field& f) const {
    if (f.path.empty()) return source_;  // the whole file; no line to blame
    if (auto label = override_of(f.value)) return *label;
    if (!f.key.Mark().is_null()) return where(f.key.Mark());
    return where(f.value.Mark());
  }

  // Like where(), but blames an override that changed anything inside the
  // field: a range made empty by --set space.lr.high=... is the override's fault.
  std::string where_within(const Field& f) const { return blame(f, f); }

  // An override anywhere in `whole`, else `part`'s own place: a file key
  // that --set space.hidden.type=float made invalid is the override's fault.
  std::string blame(const Field& whole, const Field& part) const {
    if (auto label = override_within(whole.value)) return *label;
    return where(part);
  }

 private:
  static std::vector<YAML::Node> children_of(const YAML::Node& node) {
    std::vector<YAML::Node> out;
    if (node.IsMap()) {
      for (auto it = node.begin(); it != node.end(); ++it) out.push_back(it->second);
    } else if (node.IsSequence()) {
      for (auto it = node.begin(); it != node.end(); ++it) out.push_back(*it);
    }
    return out;
  }

  std::optional<std::string> override_of(const YAML::Node& node) const {
    // Latest first: a later --set may write inside a map an earlier one made.
    for (auto it = overrides_.rbegin(); it != overrides_.rend(); ++it) {
      if (it->first.is(node)) return it->second;
    }
    return std::nullopt;
  }

  std::optional<std::string> override_within(const YAML::Node& node) const {
    if (auto text = override_of(node)) return text;
    for (const YAML::Node& child : children_of(node)) {
      if (auto text = override_within(child)) return text;
    }
    return std::nullopt;
  }

  std::string source_;
  std::vector<std::pair<YAML::Node, std::string>> overrides_;
};

// ---------------------------------------------------------------------------
// Errors shared by the file reader and --set.

InputError unknown_key(const std::string& where, const std::string& parent, const std::string& key,
                       const Keys& valid) {
  return InputError(where, "unknown key '" + child_path(parent, key) + "'",
                    suggestion(key, valid, "keys"));
}

Keys hyperparameter_names(const std::string& kind) {
  Keys names;
  for (const auto& hp : train::model_hyperparameters(kind)) names.push_back(hp.name);
  return names;
}

InputError unknown_hyperparameter(const std::string& where, const std::string& name,
                                  const std::string& kind) {
  const Keys names = hyperparameter_names(kind);
  const std::string near = nearest_key(name, names);
  std::string fix = near.empty() ? "" : "did you mean '" + near + "'? ";
  fix += "the " + kind + " model takes: " + join(names);
  return InputError(where, "unknown hyperparameter 'space." + name + "' for model '" + kind + "'",
                    fix);
}

std::string describe(const YAML::Node& node) {
  if (node.IsScalar()) return "'" + node.Scalar() + "'";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  return "nothing";
}

InputError type_error(const Locator& loc, const Field& f, const std::string& expected,
                      const std::string& fix) {
  return InputError(loc.where(f), f.path + " must be " + expected + ", got " + describe(f.value),
                    fix);
}

// ---------------------------------------------------------------------------
// Scalars. Conversions never throw: yaml-cpp's exceptions carry no key path.

std::string as_string(const Locator& loc, const Field& f) {
  if (!f.value.IsScalar()) throw type_error(loc, f, "a string", "write a single value");
  return f.value.Scalar();
}

// Decimal only: yaml-cpp's own conversion reads "010" as octal 8.
std::optional<std::int64_t> parse_int(const std::string& text) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno == ERANGE || *end != '\0') return std::nullopt;
  return static_cast<std::int64_t>(v);
}

std::int64_t as_int(const Locator& loc, const Field& f, std::int64_t min,
                    std::int64_t max = INT64_MAX) {
  const auto v = f.value.IsScalar() ? parse_int(f.value.Scalar()) : std::nullopt;
  if (!v) throw type_error(loc, f, "a whole number", "write digits only, e.g. 3");
  if (*v < min || *v > max) {
    const std::string range = max == INT64_MAX
                                  ? ">= " + std::to_string(min)
                                  : "in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
    throw InputError(loc.where(f), f.path + " must be " + range + ", got " + std::to_string(*v),
                     "use a value " + range);
  }
  return *v;
}

std::uint64_t as_uint64(const Locator& loc, const Field& f) {
  const std::string text = f.value.IsScalar() ? f.value.Scalar() : "";
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  // strtoull quietly negates "-1"; a seed must not wrap around.
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0])) || errno == ERANGE ||
      *end != '\0') {
    throw type_error(loc, f, "a whole number >= 0", "write digits only, e.g. 7");
  }
  return static_cast<std::uint64_t>(v);
}

double as_number(const Locator& loc, const Field& f) {
  double v = 0.0;
  if (!f.value.IsScalar() || !YAML::convert<double>::decode(f.value, v)) {
    throw type_error(loc, f, "a number", "write e.g. 0.001 or 1.0e-3");
  }
  return v;
}

double as_positive(const Locator& loc, const Field& f) {
  const double v = as_number(loc, f);
  if (!(v > 0.0)) throw type_error(loc, f, "a number > 0", "write e.g. 10");
  return v;
}

bool as_bool(const Locator& loc, const Field& f) {
  bool v = false;
  if (!f.value.IsScalar() || !YAML::convert<bool>::decode(f.value, v)) {
    throw type_error(loc, f, "true or false", "write true or false");
  }
  return v;
}

// A duration > 0: "90s", "30m", "2h", "1h30m", "1d", or a number of seconds.
double as_duration(const Locator& loc, const Field& f) {
  const std::string fix = "write e.g. 90s, 30m, 2h, 1h30m, 1d, or a number of seconds";
  if (!f.value.IsScalar()) throw type_error(loc, f, "a duration", fix);
  const auto seconds = core::parse_duration(f.value.Scalar());
  if (!seconds) throw type_error(loc, f, "a duration", fix);
  if (*seconds <= 0.0) throw type_error(loc, f, "a duration > 0", fix);
  return *seconds;
}

std::string as_enum(const Locator& loc, const Field& f, const Keys& allowed) {
  const std::string v = as_string(loc, f);
  if (contains(allowed, v)) return v;
  const std::string near = nearest_key(v, allowed);
  throw InputError(
      loc.where(f), f.path + ": '" + v + "' is not a valid value",
      (near.empty() ? "" : "did you mean '" + near + "'? ") + "valid values are: " + join(allowed));
}

// A name among `all`'s names, parsed once into its enum; the error lists
// the names and suggests the nearest.
template <typename Kind>
Kind as_kind(const Locator& loc, const Field& f, const std::vector<Kind>& all) {
  Keys names;
  for (Kind k : all) names.emplace_back(core::to_string(k));
  const std::string v = as_enum(loc, f, names);
  for (Kind k : all) {
    if (v == core::to_string(k)) return k;
  }
  return all.front();  // as_enum accepted only these names
}

// ---------------------------------------------------------------------------
// Mappings.

using Entries = std::vector<std::pair<std::string, Field>>;

// The entries of a mapping in file order (the space's order is the order
// parameters are sampled in). A null section ("checkpoint:" with nothing
// under it) has no entries, so all its defaults apply.
Entries children(const Locator& loc, const Field& section) {
  Entries out;
  if (section.value.IsNull()) return out;
  if (!section.value.IsMap()) {
    throw type_error(loc, section, "a map of keys", "write 'key: value' lines indented under it");
  }
  for (auto it = section.value.begin(); it != section.value.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
    Field f{child_path(section.path, key), it->first, it->second};
    if (key.empty())
      throw InputError(loc.where(f), "a key under " + section.path + " is not a name");
    for (const auto& seen : out) {
      if (seen.first == key) {
        throw InputError(loc.where(f), "key '" + f.path + "' appears twice", "keep one of them");
      }
    }
    out.emplace_back(key, std::move(f));
  }
  return out;
}

Entries entries(const Locator& loc, const Field& section, const Keys& allowed) {
  Entries out = children(loc, section);
  for (const auto& [key, f] : out) {
    if (!contains(allowed, key)) throw unknown_key(loc.where(f), section.path, key, allowed);
  }
  return out;
}

const Field* find(const Entries& e, const std::string& key) {
  for (const auto& [k, f] : e) {
    if (k == key) return &f;
  }
  return nullptr;
}

// A section that may be absent; absent reads as empty, so defaults apply.
Field section(const Entries& e, const std::string& key) {
  const Field* f = find(e, key);
  return f ? *f : Field{key, YAML::Node(), YAML::Node()};
}

const Field& require(const Locator& loc, const Field& parent, const Entries& e,
                     const std::string& key, const std::string& fix) {
  const Field* f = find(e, key);
  if (!f) {
    throw InputError(loc.where(parent),
                     "missing required key '" + child_path(parent.path, key) + "'", fix);
  }
  return *f;
}

// ---------------------------------------------------------------------------
// Sections.

std::string read_name(const Locator& loc, const Field& f) {
  const std::string name = as_string(loc, f);
  // The name becomes part of file names, so only characters safe in paths.
  std::string safe = name;
  for (char& c : safe) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '-';
  }
  if (name.empty()) throw InputError(loc.where(f), "name is empty", "write e.g. name: digits-mlp");
  if (safe != name) {
    throw InputError(loc.where(f),
                     "name '" + name + "' has characters other than letters, digits, -_.",
                     "it is used in file names; write e.g. '" + safe + "'");
  }
  return name;
}

core::DataSpec read_data(const Locator& loc, const Field& f) {
  const Entries e = entries(loc, f, keys_of("data"));
  core::DataSpec d;
  d.path = as_string(loc, require(loc, f, e, "path", "add path: the HDF5 file with the data"));
  if (const Field* t = find(e, "train")) d.train = as_string(loc, *t);
  if (const Field* v = find(e, "val")) d.val = as_string(loc, *v);
  if (const Field* t = find(e, "test")) d.test = as_string(loc, *t);
  if (const Field* t = find(e, "task")) d.task = as_kind(loc, *t, core::all_tasks());
  return d;
}

core::ObjectiveMode read_mode(const Locator& loc, const Field& f) {
  return as_enum(loc, f, {"max", "min"}) == "max" ? core::ObjectiveMode::kMax
                                                  : core::ObjectiveMode::kMin;
}

std::vector<std::string> as_string_list(const Locator& loc, const Field& f, const std::string& fix) {
  if (!f.value.IsSequence()) throw type_error(loc, f, "a list", fix);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < f.value.size(); ++i) {
    const Field item{f.path + "[" + std::to_string(i) + "]", f.key, f.value[i]};
    if (!item.value.IsScalar()) throw type_error(loc, item, "a string", fix);
    out.push_back(item.value.Scalar());
  }
  return out;
}

// model.metrics of a command: names ("val_loss", minimised) or maps
// ({name: val_accuracy, mode: max}), in the order the program reports them.
std::vector<core::MetricSpec> read_command_metrics(const Locator& loc, const Field& f) {
  const std::string fix = "write e.g. metrics: [val_loss, {name: val_accuracy, mode: max}]";
  if (!f.value.IsSequence()) throw type_error(loc, f, "a list", fix);
  std::vector<core::MetricSpec> metrics;
  for (std::size_t i = 0; i < f.value.size(); ++i) {
    const Field item{f.path + "[" + std::to_string(i) + "]", f.key, f.value[i]};
    core::MetricSpec m;
    if (item.value.IsScalar()) {
      m.name = item.value.Scalar();
    } else if (item.value.IsMap()) {
      const Entries e = entries(loc, item, {"name", "mode"});
      m.name = as_string(loc, require(loc, item, e, "name", fix));
      if (const Field* mode = find(e, "mode")) m.better = read_mode(loc, *mode);
    } else {
      throw type_error(loc, item, "a name or {name, mode}", fix);
    }
    metrics.push_back(m);
  }
  const auto [what, how] = split_problem(core::check_metric_names(metrics));
  if (!what.empty()) throw InputError(loc.where_within(f), f.path + ": " + what, how);
  return metrics;
}

core::CommandSpec read_command(const Locator& loc, const Field& f, const Entries& e) {
  core::CommandSpec c;
  const Field& argv = require(loc, f, e, "argv",
                              "add the program and its arguments, e.g. argv: [python3, train.py, "
                              "--lr, \"{lr}\", --epochs, \"{to_resource}\"]");
  c.argv = as_string_list(loc, argv, "write argv: [program, arg, ...]");
  try {
    core::CommandTemplate check(c.argv);
  } catch (const std::invalid_argument& err) {
    const auto [what, how] = split_problem(err.what());
    throw InputError(loc.where_within(argv), "model.argv: " + what, how);
  }
  if (const Field* env = find(e, "env")) {
    for (const auto& [key, value] : children(loc, *env)) {
      c.env.emplace_back(key, as_string(loc, value));
    }
  }
  if (const Field* r = find(e, "resume")) c.resume = as_bool(loc, *r);
  if (const Field* g = find(e, "grace")) c.grace = as_duration(loc, *g);
  return c;
}

// The built-in models declare their metrics through their task; a command
// declares its own (model.metrics).
core::ModelSpec read_model(const Locator& loc, const Field& f,
                           std::vector<core::MetricSpec>* command_metrics) {
  const Entries e = entries(loc, f, keys_of("model"));
  core::ModelSpec m;
  Keys kinds = train::model_kinds();
  kinds.push_back(core::kCommandModel);
  if (const Field* k = find(e, "kind")) m.kind = as_enum(loc, *k, kinds);
  if (!m.is_command()) {
    for (const char* key : {"argv", "env", "resume", "metrics", "grace"}) {
      if (const Field* x = find(e, key)) {
        throw InputError(loc.where(*x), "model." + std::string(key) + " applies only to kind: command",
                         "remove it, or set model.kind: command");
      }
    }
    return m;
  }
  m.command = read_command(loc, f, e);
  *command_metrics = read_command_metrics(
      loc, require(loc, f, e, "metrics",
                   "list what the program reports, e.g. metrics: [val_loss, {name: "
                   "val_accuracy, mode: max}]"));
  return m;
}

// The objective names one of the model's declared metrics (by default its
// task's usual one); its mode defaults to the metric's own direction.
core::ObjectiveSpec read_objective(const Locator& loc, const Field& f,
                                   const std::vector<core::MetricSpec>& metrics,
                                   const std::string& default_metric) {
  const Entries e = entries(loc, f, keys_of("objective"));
  core::ObjectiveSpec o;
  o.metric = default_metric;
  if (const Field* m = find(e, "metric")) o.metric = as_enum(loc, *m, core::metric_names(metrics));
  o.mode = metrics[*core::metric_index(metrics, o.metric)].better;
  if (const Field* m = find(e, "mode")) o.mode = read_mode(loc, *m);
  return o;
}

// Hyperband has s_max + 1 brackets, s_max = floor(log_eta(max/min resource)).
void check_brackets(const Locator& loc, const Field& f, const core::SchedulerSpec& s) {
  if (s.brackets == 0) return;
  int available = 1;
  for (std::int64_t r = s.asha.min_resource; r * s.asha.eta <= s.asha.max_resource;
       r *= s.asha.eta) {
    ++available;
  }
  if (s.kind != core::SchedulerKind::kHyperband) {
    throw InputError(loc.where_within(f), "scheduler.brackets applies only to kind: hyperband",
                     "remove brackets, or set kind: hyperband");
  }
  if (s.brackets > available) {
    throw InputError(loc.where_within(f),
                     "scheduler.brackets is " + std::to_string(s.brackets) + " but eta " +
                         std::to_string(s.asha.eta) + " and resources " +
                         std::to_string(s.asha.min_resource) + ".." +
                         std::to_string(s.asha.max_resource) + " allow at most " +
                         std::to_string(available),
                     "use brackets <= " + std::to_string(available) + ", or 0 for all of them");
  }
}

core::SchedulerSpec read_scheduler(const Locator& loc, const Field& f) {
  const Entries e = entries(loc, f, keys_of("scheduler"));
  core::SchedulerSpec s;
  if (const Field* k = find(e, "kind")) s.kind = as_kind(loc, *k, core::all_scheduler_kinds());
  if (const Field* m = find(e, "mode")) {
    const std::vector<core::AshaMode> modes = {core::AshaMode::kPromotion, core::AshaMode::kStopping};
    s.mode = as_kind(loc, *m, modes);
  }
  // Only the int range is checked here; AshaConfig::validate owns the rules.
  if (const Field* x = find(e, "eta"))
    s.asha.eta = static_cast<int>(as_int(loc, *x, INT_MIN, INT_MAX));
  if (const Field* x = find(e, "min_resource")) s.asha.min_resource = as_int(loc, *x, INT64_MIN);
  if (const Field* x = find(e, "max_resource")) s.asha.max_resource = as_int(loc, *x, INT64_MIN);
  if (const Field* x = find(e, "grace_period")) s.grace_period = as_int(loc, *x, 0);
  if (const Field* x = find(e, "min_samples"))
    s.min_samples = static_cast<int>(as_int(loc, *x, 1, INT_MAX));
  if (const Field* x = find(e, "brackets"))
    s.brackets = static_cast<int>(as_int(loc, *x, 0, INT_MAX));
  const auto [what, fix] = split_problem(s.asha.validate());
  if (!what.empty()) {
    // The problem names its key first ("eta must be ..."): point at that key's line.
    const Field* key = find(e, what.substr(0, what.find(' ')));
    throw InputError(key ? loc.where(*key) : loc.where_within(f), "scheduler." + what, fix);
  }
  check_brackets(loc, f, s);
  return s;
}

core::TpeSpec read_tpe(const Locator& loc, const Field& f) {
  const Entries e = entries(loc, f, keys_of("sampler.tpe"));
  core::TpeSpec t;
  if (const Field* x = find(e, "startup_trials"))
    t.startup_trials = static_cast<int>(as_int(loc, *x, 1, INT_MAX));
  if (const Field* x = find(e, "candidates"))
    t.candidates = static_cast<int>(as_int(loc, *x, 1, INT_MAX));
  if (const Field* x = find(e, "multivariate")) t.multivariate = as_bool(loc, *x);
  if (const Field* x = find(e, "gamma")) {
    t.gamma = as_number(loc, *x);
    if (!(t.gamma > 0.0 && t.gamma < 1.0)) {
      throw InputError(loc.where(*x), "sampler.tpe.gamma must be in (0, 1)",
                       "use e.g. 0.25: the best quarter of results model the good region");
    }
  }
  return t;
}

core::SamplerSpec read_sampler(const Locator& loc, const Field& f) {
  const Entries e = entries(loc, f, keys_of("sampler"));
  core::SamplerSpec s;
  if (const Field* k = find(e, "kind")) s.kind = as_kind(loc, *k, core::all_sampler_kinds());
  if (const Field* t = find(e, "trials")) s.trials = as_int(loc, *t, 1, kMaxTrials);
  if (const Field* t = find(e, "tpe")) s.tpe = read_tpe(loc, *t);
  if (const Field* sh = find(e, "shard")) {
    try {
      s.shard = parse_shard(as_string(loc, *sh));
    } catch (const InputError& err) {
      throw InputError(loc.where(*sh), "sampler.shard: " + err.problem(), err.fix());
    }
  }
  return s;
}

core::SweepLimits read_limits(const Locator& loc, const Field& f) {
  const Entries e = entries(loc, f, keys_of("limits"));
  core::SweepLimits l;
  if (const Field* t = find(e, "time")) l.max_seconds = as_duration(loc, *t);
  if (const Field* t = find(e, "trials")) l.max_trials = as_int(loc, *t, 1, kMaxTrials);
  if (const Field* t = find(e, "target")) l.target = as_number(loc, *t);
  return l;
}

core::CheckpointSpec read_checkpoint(const Locator& loc, const Field& f) {
  const Entries e = entries(loc, f, keys_of("checkpoint"));
  core::CheckpointSpec c;
  if (const Field* d = find(e, "dir")) c.dir = as_string(loc, *d);
  if (const Field* k = find(e, "keep_stopped")) c.keep_stopped = as_bool(loc, *k);
  if (const Field* k = find(e, "every")) c.every = as_int(loc, *k, 0, core::kMaxResource);
  return c;
}

core::OutputSpec read_output(const Locator& loc, const Field& f) {
  const Entries e = entries(loc, f, keys_of("output"));
  core::OutputSpec o;
  if (const Field* p = find(e, "progress_interval")) o.progress_interval = as_duration(loc, *p);
  if (const Field* a = find(e, "archive_interval")) o.archive_interval = as_duration(loc, *a);
  return o;
}

// The items of a list field, each with a path like "training.fail_trials[1]".
std::vector<Field> list_items(const Locator& loc, const Field& f, const std::string& example) {
  if (!f.value.IsSequence()) throw type_error(loc, f, "a list", "write e.g. " + example);
  std::vector<Field> items;
  for (std::size_t i = 0; i < f.value.size(); ++i) {
    items.push_back(Field{f.path + "[" + std::to_string(i) + "]", YAML::Node(), f.value[i]});
  }
  return items;
}

core::TrainingSpec read_training(const Locator& loc, const Field& f) {
  const Entries e = entries(loc, f, keys_of("training"));
  core::TrainingSpec t;
  if (const Field* x = find(e, "threads"))
    t.threads = static_cast<int>(as_int(loc, *x, 0, INT_MAX));
  if (const Field* d = find(e, "device")) t.device = as_enum(loc, *d, {"auto", "cpu", "cuda"});
  if (const Field* ft = find(e, "fail_trials")) {
    for (const Field& item : list_items(loc, *ft, "[3] or [3, 7]")) {
      t.fail_trials.push_back(as_int(loc, item, 0));
    }
  }
  return t;
}

// ---------------------------------------------------------------------------
// The search space.

const train::ModelHyperparameter& model_hyperparameter(const Locator& loc, const Field& f,
                                                      const std::string& name,
                                                      const std::string& kind) {
  for (const auto& hp : train::model_hyperparameters(kind)) {
    if (hp.name == name) return hp;
  }
  throw unknown_hyperparameter(loc.where(f), name, kind);
}

core::ParamType read_param_type(const Locator& loc, const Field& f, const Entries& e) {
  const std::string type =
      as_enum(loc, require(loc, f, e, "type", "add type: float, int or categorical"),
              {"float", "int", "categorical"});
  if (type == "float") return core::ParamType::kFloat;
  return type == "int" ? core::ParamType::kInt : core::ParamType::kCategorical;
}

// Keys are first checked against every parameter key (so typos get a
// suggestion), then against those that mean something for this type.
void check_keys_fit_type(const Locator& loc, const Field& param, const Entries& e,
                         core::ParamType type) {
  const bool fixed = find(e, "value") != nullptr;
  const Keys& valid = fixed                              ? kFixedKeys
                      : type == core::ParamType::kFloat ? kFloatKeys
                      : type == core::ParamType::kInt   ? kIntKeys
                                                        : kCategoricalKeys;
  const std::string kind = fixed ? "fixed" : to_string(type);
  for (const auto& [key, f] : e) {
    if (!contains(valid, key)) {
      throw InputError(loc.blame(param, f),
                       "key '" + f.path + "' does not apply to a " + kind + " parameter",
                       kind + std::string(" parameters take: ") + join(valid));
    }
  }
}

// A value of `type`, as a fixed value or a `when:` value.
core::ParamValue read_value(const Locator& loc, const Field& f, core::ParamType type) {
  switch (type) {
    case core::ParamType::kFloat: return as_number(loc, f);
    case core::ParamType::kInt: return as_int(loc, f, INT64_MIN);
    case core::ParamType::kCategorical: return as_string(loc, f);
  }
  return as_string(loc, f);
}

// when: {optimizer: sgd} or when: {optimizer: [sgd, adamw]}. Parents must be
// defined earlier in the space, so that sampling in order always knows them.
std::vector<core::Condition> read_when(const Locator& loc, const Field& f,
                                       const core::SearchSpace& earlier) {
  std::vector<core::Condition> out;
  const Entries parents = children(loc, f);
  if (parents.empty()) {
    throw InputError(loc.where(f), f.path + " is empty",
                     "name a parameter and its values, e.g. when: {optimizer: sgd}");
  }
  for (const auto& [name, pf] : parents) {
    const core::ParamSpec* parent = earlier.find(name);
    if (!parent) {
      Keys known;
      for (const auto& p : earlier.params()) known.push_back(p.name);
      throw InputError(loc.where(pf),
                       pf.path + " names '" + name + "', which is not a parameter defined above it",
                       known.empty() ? "define the parameter it depends on first"
                                     : suggestion(name, known, "parameters above it"));
    }
    core::Condition c{name, {}};
    if (pf.value.IsSequence()) {
      for (const Field& item : list_items(loc, pf, "[sgd, adamw]"))
        c.values.push_back(read_value(loc, item, parent->type));
    } else {
      c.values.push_back(read_value(loc, pf, parent->type));
    }
    out.push_back(std::move(c));
  }
  return out;
}

core::ParamSpec read_float_param(const Locator& loc, const Field& f, const Entries& e) {
  const std::string fix =
      "a float parameter needs low and high, e.g. {type: float, low: 0.0, high: 0.5}";
  core::ParamSpec p;
  p.type = core::ParamType::kFloat;
  p.low = as_number(loc, require(loc, f, e, "low", fix));
  p.high = as_number(loc, require(loc, f, e, "high", fix));
  if (const Field* l = find(e, "log")) p.log = as_bool(loc, *l);
  if (const Field* g = find(e, "grid")) p.grid_points = static_cast<int>(as_int(loc, *g, 2, 1 << 20));
  return p;
}

core::ParamSpec read_int_choices(const Locator& loc, const Field& f, const Field& choices) {
  core::ParamSpec p;
  p.type = core::ParamType::kInt;
  for (const Field& item : list_items(loc, choices, "[32, 64, 128]")) {
    p.int_choices.push_back(as_int(loc, item, INT64_MIN));
  }
  // An empty list would silently fall back to the (unset) range in ParamSpec.
  if (p.int_choices.empty()) {
    throw InputError(loc.where(f), f.path + ": choices is empty", "list at least one value");
  }
  return p;
}

core::ParamSpec read_int_param(const Locator& loc, const Field& f, const Entries& e) {
  const std::string fix = "an int parameter needs low and high, or choices";
  const Field* choices = find(e, "choices");
  if (choices) {
    if (find(e, "low") || find(e, "high") || find(e, "log") || find(e, "step")) {
      throw InputError(loc.where(f), f.path + " has both choices and a low/high range",
                       "give either choices or low and high (with optional log), not both");
    }
    return read_int_choices(loc, f, *choices);
  }
  core::ParamSpec p;
  p.type = core::ParamType::kInt;
  p.low = static_cast<double>(as_int(loc, require(loc, f, e, "low", fix), INT64_MIN));
  p.high = static_cast<double>(as_int(loc, require(loc, f, e, "high", fix), INT64_MIN));
  if (const Field* l = find(e, "log")) p.log = as_bool(loc, *l);
  if (const Field* st = find(e, "step")) p.step = as_int(loc, *st, 1);
  return p;
}

core::ParamSpec read_categorical_param(const Locator& loc, const Field& f, const Entries& e) {
  core::ParamSpec p;
  p.type = core::ParamType::kCategorical;
  const Field& choices =
      require(loc, f, e, "choices", "a categorical parameter needs choices, e.g. [adam, sgd]");
  for (const Field& item : list_items(loc, choices, "[adam, sgd]")) {
    p.choices.push_back(as_string(loc, item));
  }
  if (const Field* w = find(e, "weights")) {
    for (const Field& item : list_items(loc, *w, "[2, 1]"))
      p.weights.push_back(as_number(loc, item));
  }
  return p;
}

// The model must understand the values: an int stays an int, a float may be
// searched over ints, a categorical must use values the model knows.
void check_fits_model(const Locator& loc, const Field& f, const core::ParamSpec& p,
                      const train::ModelHyperparameter& hp, const std::string& kind) {
  const bool fits =
      p.type == hp.type || (hp.type == core::ParamType::kFloat && p.type == core::ParamType::kInt);
  if (!fits) {
    throw InputError(loc.where_within(f),
                     f.path + " is declared type: " + to_string(p.type) + " but the " + kind +
                         " model's '" + hp.name + "' is " + to_string(hp.type),
                     std::string("use type: ") + to_string(hp.type));
  }
  std::vector<std::string> values = p.choices;
  if (p.fixed && std::holds_alternative<std::string>(*p.fixed)) {
    values.push_back(std::get<std::string>(*p.fixed));
  }
  for (const std::string& choice : values) {
    if (!hp.allowed.empty() && !contains(hp.allowed, choice)) {
      throw InputError(loc.where_within(f),
                       f.path + ": '" + choice + "' is not a value the " + kind + " model knows",
                       suggestion(choice, hp.allowed, "values"));
    }
  }
}

core::ParamSpec read_fixed_param(const Locator& loc, const Entries& e, core::ParamType type) {
  core::ParamSpec p;
  p.type = type;
  p.fixed = read_value(loc, *find(e, "value"), type);
  return p;
}

// A command parameter becomes a placeholder and a key of RUNGS_PARAMS: a
// plain name that no built-in placeholder already takes.
void check_command_param_name(const Locator& loc, const Field& f, const std::string& name) {
  const auto& builtin = core::command_builtin_placeholders();
  if (contains(builtin, name)) {
    throw InputError(loc.where(f), "space." + name + " has the name of a placeholder every trial fills in",
                     "rename the parameter; the built-in placeholders are: " + join(builtin));
  }
  try {
    if (core::placeholder_of("{" + name + "}") != name) throw std::invalid_argument("");
  } catch (const std::invalid_argument&) {
    throw InputError(loc.where(f), "space." + name + " is not a plain name",
                     "use letters, digits, '_', '.' or '-'");
  }
}

core::ParamSpec read_param(const Locator& loc, const Field& f, const std::string& name,
                           const std::string& kind, const core::SearchSpace& earlier) {
  // A command's parameters are whatever its program reads; a built-in
  // model's are its catalog's.
  const bool command = kind == core::kCommandModel;
  const train::ModelHyperparameter* hp =
      command ? nullptr : &model_hyperparameter(loc, f, name, kind);
  if (command) check_command_param_name(loc, f, name);
  const Entries e = entries(loc, f, keys_of("space.*"));
  const core::ParamType type = read_param_type(loc, f, e);
  check_keys_fit_type(loc, f, e, type);
  core::ParamSpec p = find(e, "value")                 ? read_fixed_param(loc, e, type)
                      : type == core::ParamType::kFloat ? read_float_param(loc, f, e)
                      : type == core::ParamType::kInt   ? read_int_param(loc, f, e)
                                                        : read_categorical_param(loc, f, e);
  if (const Field* w = find(e, "when")) p.when = read_when(loc, *w, earlier);
  p.name = name;
  const auto [what, fix] = split_problem(p.validate());
  if (!what.empty()) throw InputError(loc.where_within(f), f.path + ": " + what, fix);
  if (hp) check_fits_model(loc, f, p, *hp, kind);
  return p;
}

// The grid sampler needs a finite set of values for every searched float.
void check_grid_ready(const Locator& loc, const Field& f, const core::ParamSpec& p) {
  if (p.type == core::ParamType::kFloat && !p.fixed && p.grid_points == 0) {
    throw InputError(loc.where(f),
                     f.path + " is a float range, which the grid sampler cannot enumerate",
                     "add grid: N (N points from low to high, log-spaced when log: true)");
  }
}

core::SearchSpace read_space(const Locator& loc, const Field& f, const std::string& kind,
                             core::SamplerKind sampler_kind) {
  const Entries params = children(loc, f);
  if (params.empty()) {
    throw InputError(
        loc.where(f), "space has no parameters",
        "add at least one, e.g. lr: {type: float, low: 1.0e-4, high: 1.0e-1, log: true}");
  }
  core::SearchSpace space;
  for (const auto& [name, field] : params) {
    core::ParamSpec p = read_param(loc, field, name, kind, space);
    if (sampler_kind == core::SamplerKind::kGrid) check_grid_ready(loc, field, p);
    try {
      space.add(std::move(p));
    } catch (const std::invalid_argument& e) {
      throw InputError(loc.where_within(field), std::string("space.") + e.what(),
                       "see 'Search space' in docs/configuration.md");
    }
  }
  return space;
}

// ---------------------------------------------------------------------------
// The whole file.

void check_root(const Locator& loc, const YAML::Node& root) {
  const std::string fix = "start from configs/reference.yaml";
  if (!root.IsDefined() || root.IsNull()) {
    throw InputError(loc.source(), "the configuration is empty", fix);
  }
  if (!root.IsMap()) {
    throw InputError(loc.source(), "the configuration must be a map of keys, got " + describe(root),
                     fix);
  }
}

// Every placeholder of a command's argv is filled by each trial: a built-in
// name or a parameter that every configuration has (not a conditional one).
void check_placeholders(const Locator& loc, const Field& model, const core::SweepSpec& spec) {
  const core::CommandTemplate argv(spec.model.command.argv);
  const Entries model_entries = children(loc, model);
  const Field& argv_field = *find(model_entries, "argv");
  Keys known = core::command_builtin_placeholders();
  if (spec.data.path.empty()) known.erase(std::find(known.begin(), known.end(), "data_path"));
  for (const auto& p : spec.space.params()) known.push_back(p.name);
  for (const std::string& name : argv.placeholders()) {
    const core::ParamSpec* param = nullptr;
    for (const auto& p : spec.space.params()) {
      if (p.name == name) param = &p;
    }
    if (param && !param->when.empty()) {
      throw InputError(loc.where(argv_field),
                       "model.argv: {" + name + "} names a conditional parameter, which some "
                       "trials do not have",
                       "read it from RUNGS_PARAMS (JSON) in the program instead");
    }
    if (contains(known, name)) continue;
    const std::string near = nearest_key(name, known);
    throw InputError(loc.where(argv_field), "model.argv: unknown placeholder {" + name + "}",
                     (near.empty() ? "" : "did you mean {" + near + "}? ") +
                         "placeholders are the space's parameters and: " +
                         join(core::command_builtin_placeholders()) +
                         (name == "data_path" ? " (data_path needs data: {path: FILE})" : ""));
  }
}

// A sweep that could run forever is almost always a forgotten line.
void check_has_end(const Locator& loc, const core::SweepSpec& spec) {
  if (spec.sampler.trials > 0 || spec.limits.max_trials > 0 || spec.limits.max_seconds > 0 ||
      spec.sampler.kind == core::SamplerKind::kGrid) {
    return;
  }
  throw InputError(loc.source(),
                   "the sweep has no end: none of sampler.trials, limits.trials, "
                   "limits.time is set",
                   "set at least one, e.g. 'limits: {time: 2h}' or --set sampler.trials=500 "
                   "(a grid sampler ends by itself)");
}

core::SweepSpec read_spec(const Locator& loc, const YAML::Node& root) {
  check_root(loc, root);
  const Field top{"", YAML::Node(), root};
  const Entries e = entries(loc, top, keys_of(""));
  core::SweepSpec spec;
  spec.name = read_name(loc, require(loc, top, e, "name", "add e.g. name: digits-mlp"));
  if (const Field* s = find(e, "seed")) spec.seed = as_uint64(loc, *s);
  std::vector<core::MetricSpec> command_metrics;
  spec.model = read_model(loc, section(e, "model"), &command_metrics);
  // A command reads its own data (data.path, when given, is passed on to it).
  if (!spec.model.is_command() || find(e, "data")) {
    spec.data = read_data(loc, require(loc, top, e, "data", "add data: {path: FILE.h5}"));
  }
  const core::Task task = spec.data.task;
  const std::string misfit =
      spec.model.is_command() ? "" : train::model_task_mismatch(spec.model.kind, task);
  if (!misfit.empty()) {
    const Field* model = find(e, "model");
    const auto cut = misfit.find("; ");
    throw InputError(model ? loc.where(*model) : loc.source(), misfit.substr(0, cut),
                     misfit.substr(cut + 2));
  }
  spec.metrics = spec.model.is_command() ? command_metrics : train::task_metrics(task);
  const std::string default_metric =
      spec.model.is_command() ? command_metrics.front().name : train::default_objective(task);
  spec.objective = read_objective(loc, section(e, "objective"), spec.metrics, default_metric);
  spec.scheduler = read_scheduler(loc, section(e, "scheduler"));
  spec.sampler = read_sampler(loc, section(e, "sampler"));
  spec.space =
      read_space(loc, require(loc, top, e, "space", "add space: with at least one hyperparameter"),
                 spec.model.kind, spec.sampler.kind);
  if (spec.model.is_command()) check_placeholders(loc, *find(e, "model"), spec);
  spec.limits = read_limits(loc, section(e, "limits"));
  spec.checkpoint = read_checkpoint(loc, section(e, "checkpoint"));
  spec.output = read_output(loc, section(e, "output"));
  spec.training = read_training(loc, section(e, "training"));
  if (const Field* r = find(e, "retries")) spec.retries = static_cast<int>(as_int(loc, *r, 0, 100));
  if (const Field* l = find(e, "limits")) {
    for (const auto& [key, f] : children(loc, *l)) {
      if (key == "trial_time") spec.trial_time = as_duration(loc, f);
      if (key == "stall_warn") spec.stall.warn_after = as_positive(loc, f);
      if (key == "stall_lost") spec.stall.lost_after = as_number(loc, f);
      if (key == "stall_min") spec.stall.min_seconds = as_duration(loc, f);
    }
  }
  check_has_end(loc, spec);
  return spec;
}

// ---------------------------------------------------------------------------
// Overrides: "--set a.b.c=value".

struct Override {
  std::string label;  // what errors name: "--set KEY=VALUE", or the flag that set the key
  Keys keys;          // "space.lr.high" -> {space, lr, high}
  std::string value;
};

// Command-line flags that set one key, given as overrides in their own
// spelling ("--shard 1/4") so that the reader alone parses the value and its
// errors name the flag the user typed.
struct KeyFlag {
  const char* flag;
  Keys keys;
};
const KeyFlag kKeyFlags[] = {{"--shard ", {"sampler", "shard"}}};

const char kOverrideFix[] =
    "write --set dotted.key=value, e.g. --set scheduler.eta=4 or --set limits.time=2h";

Override parse_override(const std::string& text) {
  for (const KeyFlag& f : kKeyFlags) {
    const std::string flag = f.flag;
    if (text.compare(0, flag.size(), flag) == 0) {
      return Override{text, f.keys, text.substr(flag.size())};
    }
  }
  const auto eq = text.find('=');
  if (eq == std::string::npos) {
    throw InputError("--set " + text, "an override must have the form KEY=VALUE", kOverrideFix);
  }
  Override o{"--set " + text, {}, text.substr(eq + 1)};
  std::string key = text.substr(0, eq);
  key.erase(key.find_last_not_of(' ') + 1);
  key.erase(0, key.find_first_not_of(' '));
  std::stringstream in(key);
  for (std::string part; std::getline(in, part, '.');) o.keys.push_back(part);
  const bool bad =
      o.keys.empty() || key.back() == '.' ||
      std::any_of(o.keys.begin(), o.keys.end(), [](const auto& k) { return k.empty(); });
  if (bad)
    throw InputError("--set " + text, "'" + key + "' is not a dotted key path", kOverrideFix);
  return o;
}

std::string model_kind_of(const YAML::Node& root) {
  // Zombie nodes (absent keys) throw on IsMap(), so ask IsDefined() first.
  if (!root.IsDefined() || !root.IsMap()) return "mlp";
  const YAML::Node model = root["model"];
  if (!model.IsDefined() || !model.IsMap()) return "mlp";
  const YAML::Node kind = model["kind"];
  return kind.IsDefined() && kind.IsScalar() ? kind.Scalar() : "mlp";
}

// The schema entry for a dotted parent path: "space.lr" -> "space.*".
std::string schema_path(const std::string& parent) {
  const auto dot = parent.find('.');
  if (parent.compare(0, dot, "space") != 0 || dot == std::string::npos) return parent;
  const auto next = parent.find('.', dot + 1);
  return "space.*" + (next == std::string::npos ? "" : parent.substr(next));
}

// Checks the whole key path before touching the tree, so a bad path leaves
// no half-made sections behind.
void check_override_path(const YAML::Node& root, const Override& o) {
  const std::string& where = o.label;
  std::string parent;
  for (const std::string& key : o.keys) {
    const auto entry = schema().find(schema_path(parent));
    if (parent == "space") {
      const std::string kind = model_kind_of(root);
      // An unknown kind is reported by the reader, with its line.
      const Keys names = hyperparameter_names(kind);
      if (!names.empty() && !contains(names, key)) throw unknown_hyperparameter(where, key, kind);
    } else if (entry == schema().end()) {
      throw InputError(
          where, "unknown key '" + child_path(parent, key) + "'",
          "'" + parent + "' takes a value, not keys; write --set " + parent + "=VALUE");
    } else if (!contains(entry->second, key)) {
      throw unknown_key(where, parent, key, entry->second);
    }
    parent = child_path(parent, key);
  }
}

YAML::Node load_override_value(const Override& o) {
  try {
    return YAML::Load(o.value);
  } catch (const YAML::ParserException& e) {
    throw InputError(o.label, "cannot parse the value '" + o.value + "': " + e.msg,
                     "lists are written [1, 2]; quote strings with special characters");
  }
}

// The map at cur[key], made when absent, so --set limits.time=2h works on a
// file without a limits section.
YAML::Node descend(YAML::Node& cur, const std::string& key, const std::string& path,
                   const Override& o, Locator& loc) {
  const YAML::Node& view = cur;  // const lookup: does not insert the key
  const YAML::Node existing = view[key];
  if (existing.IsDefined() && existing.IsMap()) return existing;
  if (existing.IsDefined() && !existing.IsNull()) {
    throw InputError(o.label, "'" + path + "' holds a value, not keys",
                     "set it whole, e.g. --set " + path + "={...}");
  }
  cur[key] = YAML::Node(YAML::NodeType::Map);
  YAML::Node made = cur[key];
  loc.add_override(made, o.label);
  return made;
}

void apply_override(YAML::Node& root, const Override& o, Locator& loc) {
  check_override_path(root, o);
  const YAML::Node value = load_override_value(o);
  if (!root.IsDefined() || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) check_root(loc, root);  // throws: nowhere to put the key
  // Node's operator= assigns through to the referenced node; reset() rebinds.
  YAML::Node cur;
  cur.reset(root);
  std::string path;
  for (std::size_t i = 0; i + 1 < o.keys.size(); ++i) {
    path = child_path(path, o.keys[i]);
    cur.reset(descend(cur, o.keys[i], path, o, loc));
  }
  cur[o.keys.back()] = value;
  loc.add_override(value, o.label);
}

YAML::Node load_yaml(const std::string& text, const Locator& loc) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw InputError(loc.where(e.mark), "YAML syntax error: " + e.msg,
                     "check indentation, the ':' after each key, and matching brackets and quotes");
  }
}

std::string emit(const YAML::Node& root) {
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace

std::string nearest_key(const std::string& key, const std::vector<std::string>& candidates) {
  // Case does not count: "ETA" is the same typo as "eta".
  const std::string k = lower(key);
  const std::size_t limit = std::max<std::size_t>(2, k.size() / 3);
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(k, lower(c));
    if (d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  if (!best.empty() || k.size() < 3) return best;
  // A part of exactly one name ("mse" in "val_mse") names it too.
  std::string holder;
  for (const auto& c : candidates) {
    if (lower(c).find(k) == std::string::npos) continue;
    if (!holder.empty()) return "";
    holder = c;
  }
  return holder;
}

core::SweepSpec parse_sweep_config(const std::string& yaml_text, const std::string& source_name,
                                   const std::vector<std::string>& overrides) {
  Locator loc(source_name);
  YAML::Node root = load_yaml(yaml_text, loc);
  try {
    for (const std::string& text : overrides) apply_override(root, parse_override(text), loc);
    core::SweepSpec spec = read_spec(loc, root);
    spec.yaml_text = emit(root);
    return spec;
  } catch (const YAML::Exception& e) {
    // Values are checked before they are converted, so this is a safety net:
    // no yaml-cpp exception may reach the user without a file and line.
    throw InputError(loc.where(e.mark), e.msg, std::string("see ") + kDocs);
  }
}

core::SweepSpec load_sweep_config(const std::string& path,
                                  const std::vector<std::string>& overrides) {
  std::ifstream in(path);
  if (!in) {
    throw InputError(path, "cannot open the sweep configuration file",
                     "check the path; configs/reference.yaml is a complete example");
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_sweep_config(text.str(), path, overrides);
}

core::Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  const std::string fix = "write --shard i/n with 0 <= i < n, e.g. --shard 0/4";
  int index = -1, count = 0;
  if (slash != std::string::npos) {
    char* end = nullptr;
    index = static_cast<int>(std::strtol(text.c_str(), &end, 10));
    const bool index_ok = end == text.c_str() + slash && slash > 0;
    count = static_cast<int>(std::strtol(text.c_str() + slash + 1, &end, 10));
    if (!index_ok || *end != '\0' || slash + 1 == text.size()) index = -1;
  }
  if (index < 0 || count < 1 || index >= count) {
    throw core::InputError("--shard " + text, "not a shard of the form i/n", fix);
  }
  return core::Shard{index, count};
}

std::vector<std::string> config_key_paths() {
  std::vector<std::string> paths;
  for (const auto& [section, keys] : schema()) {
    for (const std::string& key : keys) paths.push_back(child_path(section, key));
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

}  // namespace rungs::io
