#include "rungs/analysis/merge.hpp"

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <utility>

#include "rungs/analysis/sweep_loader.hpp"
#include "rungs/core/error.hpp"
#include "rungs/io/archive_lock.hpp"
#include "rungs/io/config_fingerprint.hpp"
#include "rungs/io/journal.hpp"
#include "rungs/io/sweep_config.hpp"

namespace rungs::analysis {
namespace {

using core::InputError;
using core::ParamSpec;
using core::SweepMetadata;
using core::SweepRecord;

const std::string kForceFix = "merge only archives of one sweep, or pass --force to merge anyway";

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

// --- same sweep? ------------------------------------------------------------

// What makes `b` a different sweep from `a`; empty when it is the same.
std::vector<std::string> sweep_differences(const MergeInput& a, const MergeInput& b) {
  std::vector<std::string> out;
  const SweepMetadata &ma = a.record.metadata, &mb = b.record.metadata;
  if (ma.sweep_name != mb.sweep_name) {
    out.push_back("sweep_name '" + mb.sweep_name + "' (not '" + ma.sweep_name + "')");
  }
  std::vector<std::string> sections = io::config_differences(ma.config_yaml, mb.config_yaml);
  if (!sections.empty()) out.push_back("configuration (" + join(sections, ", ") + ")");
  return out;
}

std::string metric_list(const std::vector<core::MetricSpec>& metrics) {
  return join(core::metric_names(metrics), ", ");
}

std::vector<std::string> check_same_sweep(const std::vector<MergeInput>& inputs, bool force) {
  std::vector<std::string> all;
  for (std::size_t i = 1; i < inputs.size(); ++i) {
    // Not even --force: each metric is one curve column.
    const auto& first = inputs[0].record.metadata;
    const auto& other = inputs[i].record.metadata;
    if (other.metrics != first.metrics || other.objective_metric != first.objective_metric) {
      throw InputError(inputs[i].name,
                       "its steps report " + metric_list(other.metrics) + " (objective " +
                           other.objective_metric + "), not " + metric_list(first.metrics) +
                           " (objective " + first.objective_metric + ") as " + inputs[0].name,
                       "merge only archives whose trials report the same metrics");
    }
    std::vector<std::string> diff = sweep_differences(inputs[0], inputs[i]);
    if (diff.empty()) continue;
    std::string what = "is not the same sweep as " + inputs[0].name + ": it differs in " +
                       join(diff, " and ");
    if (!force) throw InputError(inputs[i].name, what, kForceFix);
    all.push_back(inputs[i].name + " " + what);
  }
  return all;
}

// --- grid shards ------------------------------------------------------------

std::string shard_text(const core::Shard& x) {
  return std::to_string(x.index) + "/" + std::to_string(x.count);
}

// The shards an archive holds: its `shards` attribute (a shard's run, or a
// merge of shards), else its configuration's sampler.shard; none for a sweep
// run whole.
std::vector<core::Shard> shards_of(const MergeInput& in) {
  const SweepMetadata& m = in.record.metadata;
  std::vector<core::Shard> out;
  if (m.shards.empty()) {
    const core::Shard s = io::config_shard(m.config_yaml);
    if (s.count > 1) out.push_back(s);
    return out;
  }
  std::stringstream list(m.shards);
  for (std::string item; std::getline(list, item, ',');) {
    try {
      out.push_back(io::parse_shard(item));
    } catch (const InputError&) {
      throw InputError(in.name, "attribute `shards` holds '" + m.shards + "'",
                       "the archive is damaged; it should list shards as i/n,j/n");
    }
  }
  return out;
}

// The shards of one sweep's grid the inputs hold together ("0/3,1/3,2/3"),
// or "" when none is a shard. Each shard may come once, all of one split.
std::string check_shards(const std::vector<MergeInput>& inputs) {
  std::vector<core::Shard> held;
  std::vector<std::string> holder;
  const MergeInput* whole = nullptr;
  for (const MergeInput& in : inputs) {
    const std::vector<core::Shard> mine = shards_of(in);
    if (mine.empty()) whole = &in;
    for (const core::Shard& s : mine) {
      for (std::size_t k = 0; k < held.size(); ++k) {
        if (held[k].count != s.count) {
          throw InputError(in.name,
                           "holds shard " + shard_text(s) + ", which is not a part of the " +
                               std::to_string(held[k].count) + "-way split that " + holder[k] +
                               " belongs to",
                           "merge the shards of one split (the same --shard i/n with one n)");
        }
        if (held[k].index == s.index) {
          throw InputError(in.name,
                           "holds shard " + shard_text(s) + ", which " + holder[k] +
                               " holds too: its trials would count twice",
                           "give each shard once");
        }
      }
      held.push_back(s);
      holder.push_back(in.name);
    }
  }
  if (held.empty()) return "";
  if (whole) {
    throw InputError(whole->name,
                     "holds the whole grid, and " + holder.front() + " a shard of it: its "
                     "trials would count twice",
                     "merge either the whole sweep or its shards");
  }
  std::sort(held.begin(), held.end(),
            [](const core::Shard& a, const core::Shard& b) { return a.index < b.index; });
  std::string out;
  for (const core::Shard& s : held) out += (out.empty() ? "" : ",") + shard_text(s);
  return out;
}

// "asha/promotion eta=3 ... sampler=grid shard 0/3" -> without the shard,
// which named only the first input's part.
std::string without_shard(const std::string& scheduler) {
  const std::size_t at = scheduler.find(" shard ");
  return at == std::string::npos ? scheduler : scheduler.substr(0, at);
}

// --- the space --------------------------------------------------------------

// Adds `s` to the merged space: new names are appended; a known name keeps
// its first spec, except that a categorical learns values it lacked (then
// its weights no longer fit and are dropped).
void merge_spec(std::vector<ParamSpec>& space, const ParamSpec& s, const std::string& source) {
  auto it = std::find_if(space.begin(), space.end(),
                         [&](const ParamSpec& p) { return p.name == s.name; });
  if (it == space.end()) {
    space.push_back(s);
    return;
  }
  if (it->type != s.type) {
    throw InputError(source,
                     "parameter '" + s.name + "' is " + core::to_string(s.type) + " here but " +
                         core::to_string(it->type) + " in an earlier input",
                     "archives whose parameters differ in type cannot share a column");
  }
  for (const std::string& c : s.choices) {
    if (std::find(it->choices.begin(), it->choices.end(), c) == it->choices.end()) {
      it->choices.push_back(c);
      it->weights.clear();
    }
  }
}

// --- metadata ---------------------------------------------------------------

std::string earliest_created(const std::vector<MergeInput>& inputs) {
  std::string best;
  for (const auto& in : inputs) {
    const std::string& c = in.record.metadata.created;
    if (!c.empty() && (best.empty() || c < best)) best = c;  // ISO 8601 sorts as text
  }
  return best;
}

SweepMetadata merged_metadata(const std::vector<MergeInput>& inputs, const MergeRequest& q) {
  SweepMetadata m = inputs.front().record.metadata;
  m.schema_version = core::kArchiveSchemaVersion;
  m.command_line = q.command_line;
  if (!q.tool_version.empty()) m.tool_version = q.tool_version;
  if (!q.git_revision.empty()) m.git_revision = q.git_revision;
  m.created = earliest_created(inputs);
  std::vector<std::string> hosts, devices;
  bool all_finished = true;
  m.wall_seconds = 0.0;
  for (const auto& in : inputs) {
    const SweepMetadata& x = in.record.metadata;
    m.mpi_size = std::max(m.mpi_size, x.mpi_size);
    m.threads_per_rank = std::max(m.threads_per_rank, x.threads_per_rank);
    hosts.push_back(x.hosts);
    devices.push_back(x.devices);
    all_finished = all_finished && x.state == "finished";
    m.wall_seconds += x.wall_seconds;
  }
  m.hosts = join(hosts, ",");
  m.devices = join(devices, ",");
  m.state = all_finished ? "finished" : "running";
  return m;
}

// --- rows -------------------------------------------------------------------

core::TrialId shifted(core::TrialId t, std::int64_t offset, std::size_t trials,
                      const std::string& source, const char* table) {
  if (t.value < 0 || static_cast<std::size_t>(t.value) >= trials) {
    throw InputError(source,
                     std::string("corrupt archive: /") + table + " names trial " +
                         std::to_string(t.value) + ", which it does not have",
                     "the archive is damaged; rerun the sweep or use another copy");
  }
  return core::TrialId{t.value + offset};
}

// Appends one input's rows with its trial ids moved up by `offset`.
void append_input(const MergeInput& in, std::int64_t offset, MergeOutcome& out) {
  const SweepRecord& r = in.record;
  const bool has_source = r.trials.size() == in.extras.source.size();
  for (std::size_t i = 0; i < r.trials.size(); ++i) {
    core::TrialRecord t = r.trials[i];
    t.id = core::TrialId{offset + static_cast<std::int64_t>(i)};
    out.record.trials.push_back(std::move(t));
    out.extras.source.push_back(has_source ? in.extras.source[i] : in.name);
    out.extras.source_trial_id.push_back(has_source ? in.extras.source_trial_id[i]
                                                    : static_cast<std::int64_t>(i));
  }
  for (core::CurvePoint p : r.curves) {
    p.trial = shifted(p.trial, offset, r.trials.size(), in.name, "curves");
    out.record.curves.push_back(p);
  }
  for (core::Decision d : r.decisions) {
    d.trial = shifted(d.trial, offset, r.trials.size(), in.name, "decisions");
    out.record.decisions.push_back(d);
  }
}

// --- files ------------------------------------------------------------------

void check_inputs(const MergeRequest& q) {
  if (q.inputs.size() < 2) {
    throw InputError("rungs merge", "needs at least two archives to merge",
                     "rungs merge A.h5 B.h5 [...] -o OUT.h5");
  }
  for (std::size_t i = 0; i < q.inputs.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      std::error_code ec;
      if (std::filesystem::equivalent(q.inputs[i], q.inputs[j], ec)) {
        throw InputError(q.inputs[i], "is given twice (also as " + q.inputs[j] + ")",
                         "give each archive once; its trials would be counted twice");
      }
    }
  }
}

// Never replaces a file rungs did not write; replaces an archive only when forced.
void check_output(const MergeRequest& q) {
  if (q.output.empty()) {
    throw InputError("rungs merge", "no output archive given", "add -o OUT.h5");
  }
  if (!io::archived_sweep_name(q.output)) return;  // throws for a foreign file
  if (!q.force) {
    throw InputError(q.output, "already exists",
                     "choose another output path, or pass --force to replace it");
  }
}

std::vector<MergeInput> read_inputs(const std::vector<std::string>& paths) {
  std::vector<MergeInput> inputs;
  for (const std::string& p : paths) {
    // As every reader does: the archive brought up to date by its journal.
    inputs.push_back({p, load_sweep(p).record, io::read_archive_extras(p)});
  }
  return inputs;
}

}  // namespace

MergeOutcome merge_records(const std::vector<MergeInput>& inputs, const MergeRequest& q) {
  if (inputs.empty()) throw InputError("rungs merge", "no archives to merge");
  MergeOutcome out;
  out.differences = check_same_sweep(inputs, q.force);
  out.output = q.output;
  out.record.metadata = merged_metadata(inputs, q);
  // Shards of one sweep are one sweep: the archive says which it holds.
  // Different sweeps merged with --force are no one grid's shards.
  out.record.metadata.shards = out.differences.empty() ? check_shards(inputs) : "";
  if (!out.record.metadata.shards.empty()) {
    out.record.metadata.scheduler = without_shard(out.record.metadata.scheduler);
  }
  std::int64_t offset = 0;
  for (const MergeInput& in : inputs) {
    for (const ParamSpec& s : in.record.space) merge_spec(out.record.space, s, in.name);
    append_input(in, offset, out);
    offset += static_cast<std::int64_t>(in.record.trials.size());
    out.inputs.push_back(in.name);
    out.trials_per_input.push_back(static_cast<std::int64_t>(in.record.trials.size()));
  }
  out.extras.merged_from = join(out.inputs, ",");
  return out;
}

MergeOutcome merge_archives(const MergeRequest& q) {
  check_inputs(q);
  check_output(q);
  // Like every writer: not while a sweep writes the output (or an input that
  // is also the output).
  const io::ArchiveLock lock = io::ArchiveLock::acquire(q.output);
  MergeOutcome out = merge_records(read_inputs(q.inputs), q);
  io::write_archive(q.output, out.record, &out.extras);
  // The output's own journal, if it had one, is folded in (when it was an
  // input) or belongs to the archive just replaced: either way readers must
  // not replay it onto the merged archive.
  std::error_code ignored;
  std::filesystem::remove(io::journal_path(q.output), ignored);
  return out;
}

std::string format_merge_report(const MergeOutcome& out) {
  std::ostringstream s;
  s << "merged " << out.inputs.size() << " archives into " << out.output << ": "
    << out.record.trials.size() << " trials, " << out.record.curves.size() << " curve points, "
    << out.record.decisions.size() << " decisions (state " << out.record.metadata.state << ")\n";
  std::int64_t first = 0;
  for (std::size_t i = 0; i < out.inputs.size(); ++i) {
    std::int64_t n = out.trials_per_input[i];
    s << "  " << out.inputs[i] << ": " << n << " trials";
    if (n > 0) s << " -> trial ids " << first << ".." << first + n - 1;
    s << "\n";
    first += n;
  }
  for (const std::string& d : out.differences) s << "  note (--force): " << d << "\n";
  return s.str();
}

}  // namespace rungs::analysis
