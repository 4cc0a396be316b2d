#include <gtest/gtest.h>

#include "rungs/mpi/wire.hpp"

namespace rungs::mpi {
namespace {

TEST(Wire, JobRoundTripKeepsEveryParameterType) {
  core::Job job;
  job.trial = core::TrialId{41};
  job.rung = 2;
  job.from_resource = 3;
  job.to_resource = 9;
  job.seed = 0xDEADBEEFCAFEULL;
  job.params.set("lr", 0.0031);
  job.params.set("hidden", std::int64_t{128});
  job.params.set("optimizer", std::string("adamw"));
  const core::Job back = decode_job(encode(job));
  EXPECT_EQ(back.trial.value, 41);
  EXPECT_EQ(back.rung, 2);
  EXPECT_EQ(back.from_resource, 3);
  EXPECT_EQ(back.to_resource, 9);
  EXPECT_EQ(back.seed, job.seed);
  EXPECT_EQ(back.params, job.params);
}

TEST(Wire, StepAndJobEndRoundTrip) {
  StepMessage s{core::TrialId{7}, {5, 0.4, 0.5, 0.875, 12.5}};
  const StepMessage s2 = decode_step(encode(s));
  EXPECT_EQ(s2.trial.value, 7);
  EXPECT_EQ(s2.metrics.step, 5);
  EXPECT_DOUBLE_EQ(s2.metrics.val_accuracy, 0.875);
  EXPECT_DOUBLE_EQ(s2.metrics.seconds, 12.5);
  const JobEndMessage e2 = decode_job_end(encode(JobEndMessage{core::TrialId{7}, false, "NaN"}));
  EXPECT_FALSE(e2.ok);
  EXPECT_EQ(e2.error, "NaN");
}

TEST(Wire, TruncatedOrPaddedMessagesAreRejected) {
  core::Job job;
  job.params.set("optimizer", std::string("sgd"));
  Bytes b = encode(job);
  Bytes cut(b.begin(), b.end() - 2);
  EXPECT_THROW(decode_job(cut), std::runtime_error);
  b.push_back('x');
  EXPECT_THROW(decode_job(b), std::runtime_error);
  EXPECT_THROW(decode_step(Bytes{}), std::runtime_error);
}

}  // namespace
}  // namespace rungs::mpi
