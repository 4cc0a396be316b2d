#pragma once
// What happens in a sweep, as the coordinator sees it: the entries of the
// sweep's journal. Replaying them in order through a fresh SweepDriver
// rebuilds the sweep record and, because the core is deterministic, the
// scheduler's and sampler's state exactly (resume after a crash).
#include <cstdint>
#include <string>
#include <vector>

#include "rungs/core/scheduler.hpp"
#include "rungs/core/sweep_driver.hpp"
#include "rungs/core/trial.hpp"

namespace rungs::core {

enum class SweepEventKind : std::uint8_t {
  kSession = 1,     // a run of the sweep began (the first, or a resume)
  kJobStarted = 2,  // the scheduler gave `job` to `worker`
  kStep = 3,        // `worker` reported `point`; the scheduler said `verdict`
  kJobEnded = 4,    // `worker`'s job of `trial` ended: ok, failed (`error`) or interrupted
};

struct SweepEvent {
  SweepEventKind kind = SweepEventKind::kSession;
  double time = 0.0;  // seconds since the sweep first started, summed over sessions
  int worker = -1;

  // kSession: the workers of this session (index = worker id).
  std::vector<WorkerInfo> workers;
  // kJobStarted
  Job job;
  // kStep
  CurvePoint point;
  Verdict verdict = Verdict::kContinue;
  // kJobEnded
  TrialId trial;
  bool ok = true;
  std::string error;
  // kJobEnded: the job was interrupted (graceful stop) with its state saved at
  // this epoch; it resumes from there. -1: not interrupted.
  std::int64_t interrupted_at = -1;
};

}  // namespace rungs::core
