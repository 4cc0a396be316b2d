#pragma once
// Builds the sampler and the scheduler a SweepSpec names. Every driver (MPI
// coordinator, in-process driver, simulator) goes through these, so they all
// run the same core.
#include <memory>
#include <string>
#include <vector>

#include "rungs/core/clock.hpp"
#include "rungs/core/sampler.hpp"
#include "rungs/core/scheduler.hpp"
#include "rungs/core/sweep_spec.hpp"

namespace rungs::core {

// The kinds make_sampler and make_scheduler build: the one list the config
// reader accepts and the errors name.
const std::vector<std::string>& sampler_kinds();    // random, grid, sobol, tpe
const std::vector<std::string>& scheduler_kinds();  // asha, hyperband, median, fifo, sync_halving

// random, grid (spec.sampler.shard selects the part), sobol or tpe.
// Implemented in sampler.cpp.
std::unique_ptr<Sampler> make_sampler(const SweepSpec& spec);

// asha (promotion or stopping), hyperband, median, fifo or sync_halving. The trial budget is
// the smallest of spec.trial_budget() and sampler.size() where set.
// Implemented in scheduler.cpp.
std::unique_ptr<Scheduler> make_scheduler(const SweepSpec& spec, Sampler& sampler,
                                          const Clock& clock, DecisionSink sink = {});

}  // namespace rungs::core
