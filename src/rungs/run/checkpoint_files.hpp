#pragma once
// Where trials' state lives on disk, and its clean-up. A built-in model's
// trial has one file per checkpointed epoch, "trial_<id>.e<epoch>.pt"; a
// command trial has a folder, "trial_<id>/", that its program fills as it
// likes. Free of LibTorch: the files' content is the trainer's.
#include <cstdint>
#include <string>

#include "rungs/core/trial.hpp"

namespace rungs::run {

// Path of a trial's checkpoint taken at `epoch`. Each epoch has its own file,
// so the checkpoint a restarted job needs is never overwritten by the job
// itself before the sweep's journal knows the job moved past it.
std::string checkpoint_path(const std::string& dir, core::TrialId trial, std::int64_t epoch);

// A command trial's checkpoint folder (RUNGS_CHECKPOINT_DIR), kept across
// its jobs.
std::string trial_folder(const std::string& dir, core::TrialId trial);

// The latest epoch <= `at_most` that `trial` has a checkpoint file for in
// `dir`, or -1 when there is none.
std::int64_t latest_checkpoint(const std::string& dir, core::TrialId trial, std::int64_t at_most);

// Deletes every trial's checkpoints in `dir` (a fresh start over an earlier
// run), or only the temporary files of saves that a kill interrupted.
void remove_all_checkpoints(const std::string& dir);
void remove_interrupted_checkpoint_writes(const std::string& dir);

// Deletes `trial`'s checkpoint files older than `keep_from` epochs; all of
// them, and its command folder, if keep_from < 0.
void remove_checkpoints(const std::string& dir, core::TrialId trial, std::int64_t keep_from);

}  // namespace rungs::run
