#include "rungs/run/checkpoint_files.hpp"

#include <cstdlib>
#include <filesystem>
#include <string>

namespace rungs::run {

namespace fs = std::filesystem;

std::string checkpoint_path(const std::string& dir, core::TrialId trial, std::int64_t epoch) {
  return (fs::path(dir) /
          ("trial_" + std::to_string(trial.value) + ".e" + std::to_string(epoch) + ".pt"))
      .string();
}

namespace {

// Checkpoint names are checkpoint_path's: "trial_<id>.e<epoch>.pt", written
// through "<that>.tmp-<pid>".
void remove_checkpoint_files(const std::string& dir, bool temporary_only) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("trial_", 0) != 0) continue;
    if (temporary_only && name.find(".pt.tmp-") == std::string::npos) continue;
    fs::remove_all(entry.path(), ec);  // a command trial's folder goes whole
  }
}

}  // namespace

void remove_all_checkpoints(const std::string& dir) { remove_checkpoint_files(dir, false); }

void remove_interrupted_checkpoint_writes(const std::string& dir) {
  remove_checkpoint_files(dir, true);
}

std::int64_t latest_checkpoint(const std::string& dir, core::TrialId trial, std::int64_t at_most) {
  if (fs::exists(checkpoint_path(dir, trial, at_most))) return at_most;  // the usual case, one stat
  const std::string prefix = "trial_" + std::to_string(trial.value) + ".e";
  std::int64_t best = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    char* end = nullptr;
    const long long epoch = std::strtoll(name.c_str() + prefix.size(), &end, 10);
    if (std::string(end) != ".pt") continue;  // a temporary file, or another trial's
    if (epoch <= at_most && epoch > best) best = epoch;
  }
  return best;
}

void remove_checkpoints(const std::string& dir, core::TrialId trial, std::int64_t keep_from) {
  const std::string prefix = "trial_" + std::to_string(trial.value) + ".e";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::int64_t epoch = std::atoll(name.c_str() + prefix.size());
    if (keep_from < 0 || epoch < keep_from) fs::remove(entry.path(), ec);
  }
  if (keep_from < 0) fs::remove_all(trial_folder(dir, trial), ec);
}

std::string trial_folder(const std::string& dir, core::TrialId trial) {
  return (fs::path(dir) / ("trial_" + std::to_string(trial.value))).string();
}

}  // namespace rungs::run
