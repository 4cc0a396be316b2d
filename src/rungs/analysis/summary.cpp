#include "rungs/analysis/summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "rungs/core/duration.hpp"
#include "rungs/io/sweep_config.hpp"

namespace rungs::analysis {
namespace {

using core::TrialStatus;

std::string status_line(const core::SweepStats& s, std::size_t total) {
  std::string line = "trials: " + std::to_string(total);
  for (TrialStatus st : {TrialStatus::kCompleted, TrialStatus::kStopped, TrialStatus::kFailed,
                         TrialStatus::kPaused, TrialStatus::kSuspended, TrialStatus::kRunning}) {
    auto it = s.by_status.find(st);
    const long n = it == s.by_status.end() ? 0 : static_cast<long>(it->second);
    line += "  " + std::string(core::to_string(st)) + " " + std::to_string(n);
  }
  return line + "\n";
}

std::string rung_line(const core::SweepRecord& r, const core::SweepStats& s) {
  std::string line = "rungs (resource: results):";
  for (std::size_t k = 0; k < s.rung_population.size(); ++k) {
    line += "  " + std::to_string(r.metadata.rung_resources[k]) + ": " +
            std::to_string(s.rung_population[k]);
  }
  return line + "\n";
}

std::vector<const core::TrialRecord*> ranked(const core::SweepRecord& r) {
  std::vector<const core::TrialRecord*> out;
  for (const auto& t : r.trials) {
    if (!std::isnan(t.best_metric)) out.push_back(&t);
  }
  const auto mode = r.metadata.objective_mode;
  // Deeper rungs first: a metric at 27 epochs outranks one at 1 epoch.
  std::stable_sort(out.begin(), out.end(), [mode](const auto* a, const auto* b) {
    if (a->resource != b->resource) return a->resource > b->resource;
    return core::better(mode, a->best_metric, b->best_metric);
  });
  return out;
}

// "grid shards: 0/3,2/3 (missing 1/3)": which parts of a grid the archive
// holds, so that a partial merge does not pass for the whole grid.
std::string shards_line(const std::string& shards) {
  std::vector<bool> held;
  std::stringstream list(shards);
  for (std::string item; std::getline(list, item, ',');) {
    const core::Shard s = io::parse_shard(item);
    held.resize(static_cast<std::size_t>(s.count), false);
    held[static_cast<std::size_t>(s.index)] = true;
  }
  std::string missing;
  for (std::size_t i = 0; i < held.size(); ++i) {
    if (!held[i]) missing += (missing.empty() ? "" : ",") + std::to_string(i) + "/" +
                             std::to_string(held.size());
  }
  return "grid shards: " + shards + (missing.empty() ? " (all)" : " (missing " + missing + ")") +
         "\n";
}

}  // namespace

std::string format_summary(const core::SweepRecord& r, std::size_t top) {
  const core::SweepMetadata& m = r.metadata;
  const core::SweepStats s = r.stats();
  char buf[512];
  std::string out;
  std::snprintf(buf, sizeof buf, "sweep %s: %s, %s, %d rank%s, %s\n", m.sweep_name.c_str(),
                m.scheduler.c_str(), m.state.c_str(), m.mpi_size, m.mpi_size == 1 ? "" : "s",
                core::format_duration(m.wall_seconds).c_str());
  out += buf;
  if (m.state == "at_limit") {
    out += "stopped at " + m.limit + ": raise it to continue (rungs-sweep --resume ARCHIVE --set " +
           m.limit + "=...)\n";
  }
  if (!m.shards.empty()) out += shards_line(m.shards);
  if (!m.nodes.empty()) out += "nodes: " + core::describe_nodes(m) + "\n";
  if (!m.trial_logs.empty()) out += "trials: " + m.runner + "; program output in " + m.trial_logs + "\n";
  out += "objective: " + m.objective_metric +
         (m.objective_mode == core::ObjectiveMode::kMax ? " (max)\n" : " (min)\n");
  out += status_line(s, r.trials.size());
  out += rung_line(r, s);

  const auto order = ranked(r);
  if (order.empty()) {
    out += "best: none (no trial reported a result)\n";
    return out;
  }
  const core::TrialRecord& best = *order.front();
  std::snprintf(buf, sizeof buf, "best: trial %lld, %s %.4f after %lld epochs (%s)\n",
                static_cast<long long>(best.id.value), m.objective_metric.c_str(),
                best.best_metric, static_cast<long long>(best.resource),
                core::to_string(best.status));
  out += buf;
  if (!best.last_values.empty()) {
    // Every metric the trial reported at its last step, not only the objective.
    std::string line = "  last step:";
    for (std::size_t k = 0; k < best.last_values.size() && k < m.metrics.size(); ++k) {
      std::snprintf(buf, sizeof buf, " %s %.4f", m.metrics[k].name.c_str(), best.last_values[k]);
      line += buf;
    }
    out += line + "\n";
  }
  for (const auto& [name, value] : best.params.items()) {
    out += "  " + name + ": " + core::format_value(value) + "\n";
  }
  std::snprintf(buf, sizeof buf, "top %zu:\n  %6s  %-9s  %6s  %12s  %s\n",
                std::min(top, order.size()), "trial", "status", "epochs",
                m.objective_metric.c_str(), "params");
  out += buf;
  for (std::size_t i = 0; i < order.size() && i < top; ++i) {
    const auto* t = order[i];
    std::snprintf(buf, sizeof buf, "  %6lld  %-9s  %6lld  %12.4f  ",
                  static_cast<long long>(t->id.value), core::to_string(t->status),
                  static_cast<long long>(t->resource), t->best_metric);
    out += buf + t->params.to_string() + "\n";
  }
  return out;
}

}  // namespace rungs::analysis
