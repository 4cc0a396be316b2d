#pragma once
// The text a user reads first about an archive: trials by status, rung
// populations, the best configuration and the top trials.
#include <cstddef>
#include <string>

#include "rungs/core/sweep_record.hpp"

namespace rungs::analysis {

std::string format_summary(const core::SweepRecord& record, std::size_t top = 5);

}  // namespace rungs::analysis
