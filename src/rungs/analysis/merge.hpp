#pragma once
// `rungs merge`: joins archives of one sweep (a sweep run in parts, on
// several allocations or clusters) into one archive that `rungs summary`,
// h5py and pandas read like any other.
//
//   MergeRequest q;
//   q.inputs = {"runs/part1.h5", "runs/part2.h5"};
//   q.output = "runs/all.h5";
//   MergeOutcome out = merge_archives(q);   // reads, checks, merges, writes
//   std::cout << format_merge_report(out);
//
// Trials are renumbered 0, 1, 2, ... across the inputs in the order given;
// curves and decisions follow their trials. /trials/source and
// /trials/source_trial_id say where each trial came from (an input that was
// itself merged passes its own provenance on), and the root attribute
// `merged_from` lists the inputs. docs/archive.md ("Merge") has the rules for
// the metadata.
#include <cstdint>
#include <string>
#include <vector>

#include "rungs/core/sweep_record.hpp"
#include "rungs/io/archive.hpp"

namespace rungs::analysis {

struct MergeRequest {
  std::vector<std::string> inputs;  // at least two archives
  std::string output;
  // Merge different sweeps too, and replace an existing rungs archive at
  // `output`. A file at `output` that is not a rungs archive is never replaced.
  bool force = false;
  std::string command_line;  // recorded in the merged archive
  std::string tool_version;  // this build's; "" keeps the first input's
  std::string git_revision;
};

// One archive as read, under the name it was given by.
struct MergeInput {
  std::string name;
  core::SweepRecord record;
  io::ArchiveExtras extras;
};

struct MergeOutcome {
  core::SweepRecord record;
  io::ArchiveExtras extras;
  std::vector<std::string> inputs;
  std::vector<std::int64_t> trials_per_input;
  // --force merged inputs that are not the same sweep; what differed.
  std::vector<std::string> differences;
  std::string output;
};

// The merge itself, in memory. Throws core::InputError when the inputs are
// not the same sweep (same sweep_name, same configuration apart from limits,
// output, checkpoint and training) unless `force`, when a parameter has
// different types in two inputs (never mergeable), or when an input's curves
// or decisions name a trial it does not have.
MergeOutcome merge_records(const std::vector<MergeInput>& inputs, const MergeRequest& request);

// Checks the output path, reads the inputs, merges them and writes the
// result. Nothing is written when any check fails.
MergeOutcome merge_archives(const MergeRequest& request);

// A few lines: what went where, and what --force let through.
std::string format_merge_report(const MergeOutcome& outcome);

}  // namespace rungs::analysis
