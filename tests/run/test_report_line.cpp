#include "rungs/run/report_line.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace rungs::run {
namespace {

const std::vector<core::MetricSpec> kMetrics = {{"val_loss", core::ObjectiveMode::kMin},
                                                {"val_accuracy", core::ObjectiveMode::kMax}};

std::string error_of(const std::string& line) {
  try {
    parse_report_line(line, kMetrics);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error for " << line;
  return "";
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ReportLine, StepValuesComeInDeclaredOrderWhateverTheLineOrder) {
  const ProgramReport r = parse_report_line(R"({"val_accuracy": 0.9, "step": 3, "val_loss": 0.41})", kMetrics);
  EXPECT_EQ(r.kind, ProgramReport::Kind::kStep);
  EXPECT_EQ(r.step, 3);
  EXPECT_EQ(r.values, (std::vector<double>{0.41, 0.9}));
}

TEST(ReportLine, IntegerMetricValuesAreNumbers) {
  const ProgramReport r = parse_report_line(R"({"step": 1, "val_loss": 2, "val_accuracy": 1})", kMetrics);
  EXPECT_EQ(r.values, (std::vector<double>{2.0, 1.0}));
}

TEST(ReportLine, CheckpointLine) {
  const ProgramReport r = parse_report_line(R"({"checkpoint": 4})", kMetrics);
  EXPECT_EQ(r.kind, ProgramReport::Kind::kCheckpoint);
  EXPECT_EQ(r.step, 4);
}

TEST(ReportLine, BadLinesSayWhatIsWrong) {
  EXPECT_TRUE(has(error_of("epoch 3 loss 0.4"), "is not JSON"));
  EXPECT_TRUE(has(error_of("[1, 2]"), "is not a JSON object"));
  EXPECT_TRUE(has(error_of(R"({"val_loss": 0.4, "val_accuracy": 0.9})"), "has no \"step\""));
  EXPECT_TRUE(has(error_of(R"({"step": 1.5, "val_loss": 0.4, "val_accuracy": 0.9})"), "whole number"));
  EXPECT_TRUE(has(error_of(R"({"step": 0, "val_loss": 0.4, "val_accuracy": 0.9})"), "steps count from 1"));
  EXPECT_TRUE(has(error_of(R"({"step": 1, "val_loss": 0.4, "val_accuracy": 0.9, "acc": 1})"),
                  "names the metric 'acc', which model.metrics does not declare (val_loss, val_accuracy)"));
  EXPECT_TRUE(has(error_of(R"({"step": 2, "val_loss": 0.4})"),
                  "step 2 does not report 'val_accuracy'"));
  EXPECT_TRUE(has(error_of(R"({"step": 2, "val_loss": "0.4", "val_accuracy": 0.9})"),
                  "'val_loss' is \"0.4\", not a finite number"));
  EXPECT_TRUE(has(error_of(R"({"step": 2, "val_loss": null, "val_accuracy": 0.9})"), "null"));
  // What Python's json.dumps writes for float("nan").
  EXPECT_TRUE(has(error_of(R"({"step": 2, "val_loss": NaN, "val_accuracy": 0.9})"),
                  "NaN or Infinity"));
  EXPECT_TRUE(has(error_of(R"({"checkpoint": 2, "step": 2})"), "\"checkpoint\" alone"));
}

TEST(ReportLine, VerdictLineIsOneJsonLine) {
  EXPECT_EQ(verdict_line("stop"), "{\"verdict\": \"stop\"}\n");
}

}  // namespace
}  // namespace rungs::run
