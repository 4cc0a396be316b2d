#include "rungs/run/worker.hpp"

#include <algorithm>
#include <stdexcept>
#include <thread>


namespace rungs::run {

void run_worker(WorkerLink& link, TrialRunner& runner) {
  link.send(Tag::kReady, {});
  while (auto job = link.wait_for_job()) {
    JobEndMessage end{job->trial, true, "", -1};
    try {
      const auto& decide = job->decision_steps;
      const auto on_step = [&](const core::CurvePoint& point) {
        const bool ask = std::find(decide.begin(), decide.end(), point.step) != decide.end();
        link.send(Tag::kStep, encode(StepMessage{point, ask}));
        const bool go_on = ask ? link.wait_for_verdict(job->trial) : !link.stop_requested(job->trial);
        if (!go_on) return StepAction::kStop;
        if (link.drain_requested()) return StepAction::kSuspend;
        return StepAction::kContinue;
      };
      const RunOutcome outcome =
          runner.run(*job, on_step, [&link] { return link.drain_requested(); });
      end.interrupted_at = outcome.suspended_at;
      if (!outcome.storage_failure.empty()) {
        link.send(Tag::kStorageFailed, encode_text(outcome.storage_failure));
      }
    } catch (const std::exception& e) {
      end.ok = false;
      end.error = e.what();
    } catch (...) {
      end.ok = false;
      end.error = "unknown exception";
    }
    link.send(Tag::kJobEnd, encode(end));
  }
}

void LocalWorkerLink::send(Tag tag, const Bytes& payload) {
  inbox_.push(Envelope{worker_, tag, payload});
}

std::optional<core::Job> LocalWorkerLink::wait_for_job() {
  for (;;) {
    Envelope e = mailbox_.pop();
    if (e.tag == Tag::kShutdown) return std::nullopt;
    if (e.tag == Tag::kJob) return decode_job(e.payload);
    if (e.tag == Tag::kDrain) draining_ = true;
    // A stop that arrived after its job ended: nothing to stop.
  }
}

bool LocalWorkerLink::wait_for_verdict(core::TrialId trial) {
  for (;;) {
    const Envelope e = mailbox_.pop();
    if (e.tag == Tag::kVerdict) {
      const VerdictMessage v = decode_verdict(e.payload);
      if (v.trial == trial) return !v.stop;
    } else if (e.tag == Tag::kStopTrial && decode_stop(e.payload) == trial) {
      return false;
    } else if (e.tag == Tag::kDrain) {
      draining_ = true;
    }
    // Anything else is stale: a verdict or stop for a job that already ended.
  }
}

bool LocalWorkerLink::drain_requested() {
  if (mailbox_.remove_if([](const Envelope& e) { return e.tag == Tag::kDrain; })) draining_ = true;
  return draining_;
}

bool LocalWorkerLink::stop_requested(core::TrialId trial) {
  bool stop = false;
  mailbox_.remove_if([&](const Envelope& e) {
    if (e.tag != Tag::kStopTrial) return false;
    stop = stop || decode_stop(e.payload) == trial;
    return true;
  });
  return stop;
}

}  // namespace rungs::run
