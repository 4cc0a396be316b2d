#include "rungs/analysis/simulate_command.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "rungs/core/duration.hpp"
#include "rungs/core/error.hpp"
#include "rungs/io/archive.hpp"
#include "rungs/io/archive_lock.hpp"
#include "rungs/io/journal.hpp"
#include "rungs/io/posix_file.hpp"
#include "rungs/io/sweep_config.hpp"
#include "rungs/version.hpp"

namespace rungs::analysis {
namespace {

namespace fs = std::filesystem;

// The same rule as rungs-sweep: a path that holds another sweep's archive or
// another file is never replaced; the same sweep's only with --overwrite.
void claim_archive_path(const std::string& path, const std::string& sweep, bool overwrite) {
  const auto existing = io::archived_sweep_name(path);
  if (!existing) return;
  if (*existing != sweep) {
    throw core::InputError(path,
                           "the archive holds a different sweep ('" + *existing + "'), not '" +
                               sweep + "'",
                           "choose another --archive path");
  }
  if (!overwrite) {
    throw core::InputError(path, "the archive already holds a run of sweep '" + sweep + "'",
                           "pass --overwrite to replace it, or choose another --archive path");
  }
}

void check_options(const core::SimulationOptions& o) {
  const char* where = "rungs simulate";
  if (o.workers < 1) throw core::InputError(where, "--workers must be >= 1", "e.g. --workers 64");
  if (!(o.epoch_seconds > 0)) {
    throw core::InputError(where, "--epoch-seconds must be > 0", "e.g. --epoch-seconds 60");
  }
  if (!(o.sigma >= 0)) throw core::InputError(where, "--sigma must be >= 0", "e.g. --sigma 1");
  if (!(o.noise >= 0)) throw core::InputError(where, "--noise must be >= 0", "e.g. --noise 0.02");
}

}  // namespace

SimulateOutcome run_simulation(const SimulateRequest& q) {
  check_options(q.options);
  const core::SweepSpec spec = io::load_sweep_config(q.config_path, q.overrides);
  const fs::path parent = fs::path(q.archive_path).parent_path();
  if (!parent.empty()) fs::create_directories(parent);
  // Like every writer: not while a sweep writes this archive.
  const io::ArchiveLock lock = io::ArchiveLock::acquire(q.archive_path);
  claim_archive_path(q.archive_path, spec.name, q.overwrite);
  SimulateOutcome out;
  out.report = core::simulate(spec, q.options, &out.record);
  core::SweepMetadata& m = out.record.metadata;
  m.tool_version = kVersion;
  m.git_revision = kGitRevision;
  m.created = io::utc_now();
  m.command_line = q.command_line;
  io::write_archive(q.archive_path, out.record);
  // A journal left by an earlier run at this path belongs to the archive just
  // replaced; readers would replay it onto this one.
  std::error_code ignored;
  fs::remove(io::journal_path(q.archive_path), ignored);
  return out;
}

std::string format_simulation_report(const core::SimulationReport& r, int workers) {
  char buf[512];
  std::string out;
  std::snprintf(buf, sizeof buf, "simulated %d worker%s: %lld trials, %lld steps, %lld decisions\n",
                workers, workers == 1 ? "" : "s", static_cast<long long>(r.trials),
                static_cast<long long>(r.reports), static_cast<long long>(r.decisions));
  out += buf;
  std::snprintf(buf, sizeof buf, "virtual makespan %s, workers busy %.1f%%",
                core::format_duration(r.makespan).c_str(), 100.0 * r.busy_fraction);
  out += buf;
  if (!std::isnan(r.busy_fraction_until_last_start)) {
    std::snprintf(buf, sizeof buf, " (%.1f%% until the last new trial started, at %s)",
                  100.0 * r.busy_fraction_until_last_start,
                  core::format_duration(r.last_start).c_str());
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "\nreal time %.3g s\n", r.real_seconds);
  return out + buf;
}

}  // namespace rungs::analysis
