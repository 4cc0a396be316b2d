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
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rungs/core/sweep_record.hpp"

namespace rungs::io {

// Optional content that core::SweepRecord does not model, written only when
// given: the provenance of a merged archive (`rungs merge`). read_archive and
// other readers that do not know them ignore them; read_archive_extras reads them.
struct ArchiveExtras {
  // Per trial, in the order of record.trials, or both empty: the archive the
  // trial came from and its id there (/trials/source, /trials/source_trial_id).
  std::vector<std::string> source;
  std::vector<std::int64_t> source_trial_id;
  // Root attribute `merged_from`: the merged inputs, comma separated; "" = absent.
  std::string merged_from;
};

// Writes the whole record to `path` atomically: a temporary file beside it,
// flushed and closed, then renamed over `path`. A reader never sees a
// half-written archive and a crash leaves the previous version. `extras`,
// when given, adds its columns and attribute; its per-trial columns must
// have one entry per trial, and the record's metrics must pass
// core::check_metric_names (std::invalid_argument otherwise).
void write_archive(const std::string& path, const core::SweepRecord& record,
                   const ArchiveExtras* extras = nullptr);

// Reads an archive back. Throws core::InputError for a missing file, a file
// that is not a rungs archive, or a schema version this build does not know.
core::SweepRecord read_archive(const std::string& path);

// The extras of an archive; all empty when it has none (it was not merged).
// Throws core::InputError like read_archive, also when a provenance column
// is present but mistyped or not one entry per trial.
ArchiveExtras read_archive_extras(const std::string& path);

// The sweep name stored in an existing rungs archive; nullopt when `path`
// does not exist. Throws core::InputError if it exists but is not a rungs
// archive (so that a sweep never overwrites someone's other file).
std::optional<std::string> archived_sweep_name(const std::string& path);

}  // namespace rungs::io
