// The wire between rank 0 and the workers: jobs and step reports in the
// journal's encoding (io/codec.hpp), every field kept.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "rungs/io/codec.hpp"
#include "rungs/run/wire.hpp"
#include "support/test_support.hpp"

namespace rungs::run {
namespace {

TEST(JobEquality, EveryFieldCounts) {
  const core::Job a = test_support::job_with_every_field();
  EXPECT_EQ(a, a);
  std::vector<core::Job> changed(8, a);
  changed[0].trial = core::TrialId{40};
  changed[1].rung = 1;
  changed[2].from_resource = 2;
  changed[3].to_resource = 8;
  changed[4].params.set("lr", 3.0e-3);
  changed[5].seed = 1;
  changed[6].bracket = 0;  // the field the wire once dropped
  changed[7].decision_steps.pop_back();
  for (std::size_t i = 0; i < changed.size(); ++i) EXPECT_NE(changed[i], a) << "field " << i;
}

TEST(Wire, JobRoundTripKeepsEveryField) {
  const core::Job job = test_support::job_with_every_field();
  EXPECT_EQ(decode_job(encode(job)), job);
}

TEST(Wire, JobBytesAreTheJournalsEncoding) {
  const core::Job job = test_support::job_with_every_field();
  std::vector<unsigned char> codec;
  io::ByteWriter w(codec);
  io::put_job(w, job);
  const Bytes wire = encode(job);
  EXPECT_EQ(std::vector<unsigned char>(wire.begin(), wire.end()), codec);
}

TEST(Wire, StepRoundTripKeepsEveryValue) {
  StepMessage s;
  s.point.trial = core::TrialId{7};
  s.point.step = 5;
  s.point.values = {0.4, -0.0, std::numeric_limits<double>::infinity(), 0.875};
  s.point.seconds = 12.5;
  s.wants_verdict = true;
  const StepMessage back = decode_step(encode(s));
  EXPECT_EQ(back.point.trial.value, 7);
  EXPECT_EQ(back.point.step, 5);
  ASSERT_EQ(back.point.values.size(), 4u);
  EXPECT_EQ(back.point.values[0], 0.4);
  EXPECT_TRUE(std::signbit(back.point.values[1]));
  EXPECT_EQ(back.point.values[2], std::numeric_limits<double>::infinity());
  EXPECT_EQ(back.point.values[3], 0.875);
  EXPECT_EQ(back.point.seconds, 12.5);
  EXPECT_TRUE(back.wants_verdict);
  EXPECT_TRUE(std::isnan(back.point.metric));  // the coordinator takes it from the values
}

TEST(Wire, JobEndRoundTrip) {
  const JobEndMessage e2 =
      decode_job_end(encode(JobEndMessage{core::TrialId{7}, false, "NaN", 4}));
  EXPECT_EQ(e2.trial.value, 7);
  EXPECT_FALSE(e2.ok);
  EXPECT_EQ(e2.error, "NaN");
  EXPECT_EQ(e2.interrupted_at, 4);
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
  StepMessage s;
  s.point.values = {1.0, 2.0};
  Bytes step = encode(s);
  step[16] = 100;  // a value count far beyond the message
  EXPECT_THROW(decode_step(step), std::runtime_error);
}

}  // namespace
}  // namespace rungs::run
