#pragma once
// Tables of a sweep as CSV, for spreadsheets and tools that do not read HDF5.
#include <ostream>
#include <string>

#include "rungs/core/sweep_record.hpp"

namespace rungs::analysis {

// "trials" (one row per trial, hyperparameters as columns; an inactive
// conditional parameter is an empty cell), "curves" or "decisions".
// Throws core::InputError for another table name.
void export_csv(const core::SweepRecord& record, const std::string& table, std::ostream& out);

}  // namespace rungs::analysis
