#pragma once
// The experiment archive: one HDF5 file per sweep, columnar so that h5py,
// pandas, h5dump and `rungs` read it without a special library.
// docs/archive.md gives the schema:
//
//   /                 attributes: schema_version, tool_version, git_revision, ...
//   /trials/<column>  one row per trial (trial_id, status, rung, metric, ...)
//   /trials/params/<name>  one column per hyperparameter (float64, int64, string)
//   /curves/<column>  one row per reported step (trial_id, step, metric, ...)
//   /decisions/<column>  every scheduler decision
#include <optional>
#include <string>

#include "rungs/core/sweep_record.hpp"

namespace rungs::io {

// Writes the whole record to `path` atomically: a temporary file beside it,
// flushed and closed, then renamed over `path`. A reader never sees a
// half-written archive and a crash leaves the previous version.
void write_archive(const std::string& path, const core::SweepRecord& record);

// Reads an archive back. Throws core::InputError for a missing file, a file
// that is not a rungs archive, or a schema version this build does not know.
core::SweepRecord read_archive(const std::string& path);

// The sweep name stored in an existing rungs archive; nullopt when `path`
// does not exist. Throws core::InputError if it exists but is not a rungs
// archive (so that a sweep never overwrites someone's other file).
std::optional<std::string> archived_sweep_name(const std::string& path);

}  // namespace rungs::io
