#include "rungs/core/trial.hpp"

#include <cmath>

namespace rungs::core {

const char* to_string(TrialStatus s) {
  switch (s) {
    case TrialStatus::kRunning: return "running";
    case TrialStatus::kPaused: return "paused";
    case TrialStatus::kCompleted: return "completed";
    case TrialStatus::kStopped: return "stopped";
    case TrialStatus::kFailed: return "failed";
    case TrialStatus::kSuspended: return "suspended";
  }
  return "unknown";
}

std::optional<TrialStatus> parse_trial_status(const std::string& s) {
  for (TrialStatus t : {TrialStatus::kRunning, TrialStatus::kPaused, TrialStatus::kCompleted,
                        TrialStatus::kStopped, TrialStatus::kFailed, TrialStatus::kSuspended}) {
    if (s == to_string(t)) return t;
  }
  return std::nullopt;
}

bool better(ObjectiveMode mode, double a, double b) {
  if (std::isnan(a)) return false;
  if (std::isnan(b)) return true;
  return mode == ObjectiveMode::kMax ? a > b : a < b;
}

const char* to_string(DecisionKind k) {
  switch (k) {
    case DecisionKind::kStart: return "start";
    case DecisionKind::kPromote: return "promote";
    case DecisionKind::kPause: return "pause";
    case DecisionKind::kComplete: return "complete";
    case DecisionKind::kStop: return "stop";
    case DecisionKind::kFail: return "fail";
  }
  return "unknown";
}

std::optional<DecisionKind> parse_decision_kind(const std::string& s) {
  for (DecisionKind k : {DecisionKind::kStart, DecisionKind::kPromote, DecisionKind::kPause,
                         DecisionKind::kComplete, DecisionKind::kStop, DecisionKind::kFail}) {
    if (s == to_string(k)) return k;
  }
  return std::nullopt;
}

}  // namespace rungs::core
