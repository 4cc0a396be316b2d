#include "rungs/core/sweep_record.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "rungs/core/duration.hpp"

namespace rungs::core {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

TrialRecord& SweepRecord::at(TrialId t) {
  if (t.value < 0 || t.value >= static_cast<std::int64_t>(trials.size())) {
    throw std::invalid_argument("sweep record: unknown trial " + std::to_string(t.value));
  }
  return trials[static_cast<std::size_t>(t.value)];
}

const TrialRecord* SweepRecord::find(TrialId t) const {
  if (t.value < 0 || t.value >= static_cast<std::int64_t>(trials.size())) return nullptr;
  return &trials[static_cast<std::size_t>(t.value)];
}

void SweepRecord::on_job_started(const Job& job, int rank, const std::string& host,
                                 const std::string& device, double now) {
  if (job.trial.value == static_cast<std::int64_t>(trials.size())) {
    TrialRecord r;
    r.id = job.trial;
    r.metric = kNaN;
    r.best_metric = kNaN;
    r.seed = job.seed;
    r.params = job.params;
    r.bracket = job.bracket;
    r.start_time = now;
    trials.push_back(std::move(r));
  }
  TrialRecord& r = at(job.trial);
  r.status = TrialStatus::kRunning;
  r.rank = rank;
  r.host = host;
  r.device = device;
}

void SweepRecord::on_step(const CurvePoint& point) {
  TrialRecord& r = at(point.trial);
  r.resource = point.step;
  r.metric = point.metric;
  if (better(metadata.objective_mode, point.metric, r.best_metric)) r.best_metric = point.metric;
  r.train_seconds = point.seconds;
  r.last_values = point.values;
  if (keep_curves) curves.push_back(point);
}

void SweepRecord::on_job_ended(TrialId t, Verdict verdict, double now) {
  TrialRecord& r = at(t);
  r.end_time = now;
  for (std::size_t k = 0; k < metadata.rung_resources.size(); ++k) {
    if (metadata.rung_resources[k] == r.resource) r.rung = static_cast<int>(k);
  }
  switch (verdict) {
    case Verdict::kPause: r.status = TrialStatus::kPaused; break;
    case Verdict::kComplete: r.status = TrialStatus::kCompleted; break;
    case Verdict::kStop: r.status = TrialStatus::kStopped; break;
    case Verdict::kContinue: break;
  }
}

void SweepRecord::on_trial_failed(TrialId t, const std::string& why, double now) {
  TrialRecord& r = at(t);
  r.status = TrialStatus::kFailed;
  r.error = why;
  r.end_time = now;
}

void SweepRecord::on_job_suspended(TrialId t, double now) {
  TrialRecord& r = at(t);
  r.status = TrialStatus::kSuspended;
  r.end_time = now;
}

void SweepRecord::finish(double wall_seconds) {
  for (TrialRecord& r : trials) {
    if (r.status != TrialStatus::kPaused) continue;
    r.status = TrialStatus::kStopped;
    decisions.push_back(Decision{r.id, std::max(r.rung, 0), DecisionKind::kStop, wall_seconds,
                                 r.metric, -1, "sweep ended: not promoted"});
  }
  metadata.state = "finished";
  metadata.limit.clear();
  metadata.wall_seconds = wall_seconds;
}

void SweepRecord::stop_at_limit(const std::string& limit, double wall_seconds) {
  metadata.state = "at_limit";
  metadata.limit = limit;
  metadata.wall_seconds = wall_seconds;
}

SweepStats SweepRecord::stats() const {
  SweepStats s;
  s.rung_population.assign(metadata.rung_resources.size(), 0);
  for (const TrialRecord& r : trials) {
    ++s.by_status[r.status];
    for (int k = 0; k <= r.rung && k < static_cast<int>(s.rung_population.size()); ++k) {
      ++s.rung_population[static_cast<std::size_t>(k)];
      ++s.results;
    }
    if (!std::isnan(r.best_metric) &&
        (!s.best || better(metadata.objective_mode, r.best_metric,
                           trials[static_cast<std::size_t>(s.best->value)].best_metric))) {
      s.best = r.id;
    }
  }
  return s;
}

std::string progress_line(const SweepRecord& record, double elapsed_seconds) {
  const SweepStats s = record.stats();
  auto count = [&](TrialStatus st) {
    auto it = s.by_status.find(st);
    return it == s.by_status.end() ? 0L : static_cast<long>(it->second);
  };
  char buf[256];
  std::string line = "[" + format_duration(elapsed_seconds) + "] ";
  std::snprintf(buf, sizeof buf, "running %ld paused %ld | completed %ld stopped %ld failed %ld",
                count(TrialStatus::kRunning), count(TrialStatus::kPaused),
                count(TrialStatus::kCompleted), count(TrialStatus::kStopped),
                count(TrialStatus::kFailed));
  line += buf;
  if (s.best) {
    std::snprintf(buf, sizeof buf, " | best %s %.4f (trial %lld)",
                  record.metadata.objective_metric.c_str(),
                  record.trials[static_cast<std::size_t>(s.best->value)].best_metric,
                  static_cast<long long>(s.best->value));
    line += buf;
  } else {
    line += " | best -";
  }
  line += " | rungs";
  for (std::size_t k = 0; k < s.rung_population.size(); ++k) {
    line += " " + std::to_string(record.metadata.rung_resources[k]) + ":" +
            std::to_string(s.rung_population[k]);
  }
  std::snprintf(buf, sizeof buf, " | %.2f results/s",
                elapsed_seconds > 0 ? static_cast<double>(s.results) / elapsed_seconds : 0.0);
  line += buf;
  return line;
}

std::string describe_nodes(const SweepMetadata& m) {
  if (m.nodes.empty()) return "";
  std::string out = std::to_string(m.nodes.size()) + (m.nodes.size() == 1 ? " node [" : " nodes [");
  for (std::size_t i = 0; i < m.nodes.size(); ++i) {
    const std::int64_t ranks = i < m.ranks_per_node.size() ? m.ranks_per_node[i] : 0;
    const std::int64_t gpus = i < m.gpus_per_node.size() ? m.gpus_per_node[i] : 0;
    out += (i ? "; " : "") + m.nodes[i] + ": " + std::to_string(ranks) +
           (ranks == 1 ? " rank, " : " ranks, ") + std::to_string(gpus) + (gpus == 1 ? " GPU" : " GPUs");
  }
  return out + "]";
}

}  // namespace rungs::core
