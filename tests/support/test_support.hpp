#pragma once
// Helpers the test binaries share: a scratch folder per test, and checks on
// the one-line errors the project promises.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "rungs/core/error.hpp"
#include "rungs/core/sweep_record.hpp"

namespace rungs::test_support {

// An empty record of a sweep whose steps report `metrics` (in that order),
// `objective` among them, to be maximised unless said otherwise.
inline core::SweepRecord record_reporting(std::vector<core::MetricSpec> metrics,
                                          const std::string& objective,
                                          core::ObjectiveMode mode = core::ObjectiveMode::kMax) {
  core::SweepRecord r;
  r.metadata.metrics = std::move(metrics);
  r.metadata.objective_metric = objective;
  r.metadata.objective_mode = mode;
  return r;
}

// A job with every field set to a value other than its default (a seed
// above INT64_MAX, a negative int, a comma in a string...), for round trips.
// The size check stops the build when core::Job gains a field: set the new
// field here and compare it in Job's operator==.
inline core::Job job_with_every_field() {
  static_assert(sizeof(core::Job) == 96,
                "core::Job changed: set every field here and in operator==");
  core::Job j;
  j.trial = core::TrialId{41};
  j.rung = 2;
  j.from_resource = 3;
  j.to_resource = 9;
  j.params.set("lr", 3.0e-4);
  j.params.set("hidden", std::int64_t{-128});
  j.params.set("optimizer", std::string("adam,w"));
  j.params.set("empty", std::string());
  j.seed = 0xFFFFFFFFFFFFFFF1ULL;
  j.bracket = 3;
  j.decision_steps = {4, 6, 9};
  return j;
}

// One metric, "accuracy", maximised: the record most core tests drive.
inline core::SweepRecord accuracy_record() {
  return record_reporting({{"accuracy", core::ObjectiveMode::kMax}}, "accuracy");
}

// A fresh folder per test, under RUNGS_TEST_TMP (set by CMake) or /tmp, in
// `area`, so tests run in parallel by CTest never share files.
inline std::string scratch_dir(const std::string& area) {
  namespace fs = std::filesystem;
  const char* env = std::getenv("RUNGS_TEST_TMP");
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::path(env && *env ? env : "/tmp") / area /
                 (std::string(info->test_suite_name()) + "." + info->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

// The message of the core::InputError `fn` throws; a test failure if none.
template <typename Fn>
std::string input_error_message(Fn fn) {
  try {
    fn();
  } catch (const core::InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected InputError";
  return "";
}

inline bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace rungs::test_support
