#pragma once
// Builds the sampler and the scheduler a SweepSpec names. Every driver (MPI
// coordinator, in-process driver, simulator) goes through these, so they all
// run the same core.
#include <memory>

#include "rungs/core/clock.hpp"
#include "rungs/core/sampler.hpp"
#include "rungs/core/scheduler.hpp"
#include "rungs/core/sweep_spec.hpp"

namespace rungs::core {

// random, grid (spec.sampler.shard selects the part), sobol or tpe.
// Implemented in sampler.cpp.
std::unique_ptr<Sampler> make_sampler(const SweepSpec& spec);

// asha (promotion or stopping), hyperband, median or fifo. The trial budget is
// the smallest of spec.trial_budget() and sampler.size() where set.
// Implemented in scheduler.cpp.
std::unique_ptr<Scheduler> make_scheduler(const SweepSpec& spec, Sampler& sampler,
                                          const Clock& clock, DecisionSink sink = {});

}  // namespace rungs::core
