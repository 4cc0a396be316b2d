#pragma once
// Watches for workers that go quiet: a hung kernel, a node that dies
// without an MPI error, a rank stopped by the operating system. As Horovod's
// StallInspector does for collectives, it only looks at time, on the clock
// the coordinator passes in, so tests drive it with a manual clock.
//
// A worker with a job is expected to report a step about every epoch of
// its trial. It is *quiet* when it has sent nothing for `warn_after` times
// the expected epoch time (and at least `min_seconds`): warned once per
// silence. It is *lost* after `lost_after` times (and at least
// `min_seconds`): the coordinator then runs its job elsewhere from the last
// checkpoint and gives that worker no more work. The expected epoch time is
// the trial's median step time; for a trial without steps yet, the slowest
// step seen in the sweep (a large configuration may be much slower than the
// median); with no step seen at all, a worker is warned about but never
// declared lost.
//
//   StallInspector stalls({10.0, 50.0, 300.0});
//   stalls.job_started(WorkerId{1}, TrialId{4}, now);
//   stalls.heard_from(WorkerId{1}, now, /*step_done=*/true);
//   for (const StallFinding& f : stalls.inspect(now)) { ... }
#include <map>
#include <vector>

#include "rungs/core/ids.hpp"

namespace rungs::core {

struct StallPolicy {
  double warn_after = 10.0;   // times the expected epoch time
  double lost_after = 50.0;   // times the expected epoch time; <= 0: never
  double min_seconds = 300.0; // no finding before this much silence
};

struct StallFinding {
  WorkerId worker;
  TrialId trial;
  bool lost = false;        // false: a warning
  double quiet_seconds = 0.0;
  double expected_seconds = 0.0;  // the epoch time it was judged against (0: none known)
};

class StallInspector {
 public:
  explicit StallInspector(StallPolicy policy = {}) : policy_(policy) {}

  void job_started(WorkerId w, TrialId trial, double now);
  // Any message from `w`; `step_done`: it reported a step of its job.
  void heard_from(WorkerId w, double now, bool step_done);
  void job_ended(WorkerId w);

  // New findings at `now`: each quiet worker is warned once per silence and
  // declared lost once (then no longer watched).
  std::vector<StallFinding> inspect(double now);

  // The epoch time `trial` is expected to take (see the header), 0 if unknown.
  double expected_step_seconds(TrialId trial) const;

 private:
  struct Watch {
    TrialId trial;
    double last_word = 0.0;
    bool warned = false;
  };

  StallPolicy policy_;
  std::map<int, Watch> busy_;                        // by worker
  std::map<std::int64_t, std::vector<double>> steps_;  // step times by trial (last 64)
  double slowest_step_ = 0.0;
};

}  // namespace rungs::core
