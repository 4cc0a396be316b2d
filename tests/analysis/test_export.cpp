// Numbers a user may copy back are written exactly: an exported value reads
// back as the same double, bit for bit.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "rungs/analysis/export.hpp"
#include "rungs/core/sweep_record.hpp"

namespace rungs::analysis {
namespace {

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream s(line);
  for (std::string field; std::getline(s, field, ',');) out.push_back(field);
  return out;
}

TEST(Export, HyperparametersAndMetricsReadBackExactly) {
  // Values with 17 significant digits, which "%.6g" (or any fixed precision
  // short of 17) would round: 0.1 + 0.2, 1/3, and a log-uniform draw.
  const std::vector<double> lrs = {0.1 + 0.2, 1.0 / 3.0, 0.00012345678901234567, 1e-300};
  core::SweepRecord r;
  r.space = {core::ParamSpec::float_range("lr", 1e-4, 1e-1, true)};
  for (std::size_t i = 0; i < lrs.size(); ++i) {
    core::TrialRecord t;
    t.id = core::TrialId{static_cast<std::int64_t>(i)};
    t.params.set("lr", lrs[i]);
    t.metric = t.best_metric = 2.0 / 3.0 + static_cast<double>(i);
    r.trials.push_back(t);
  }
  std::ostringstream csv;
  export_csv(r, "trials", csv);
  std::istringstream in(csv.str());
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = split(line);
  ASSERT_EQ(header.back(), "lr");
  ASSERT_EQ(header[5], "metric");
  for (std::size_t i = 0; i < lrs.size(); ++i) {
    ASSERT_TRUE(std::getline(in, line));
    const std::vector<std::string> row = split(line);
    EXPECT_EQ(std::strtod(row.back().c_str(), nullptr), lrs[i]) << row.back();
    EXPECT_EQ(std::strtod(row[5].c_str(), nullptr), r.trials[i].metric) << row[5];
  }
}

TEST(Export, ShortestFormIsUsed) {
  // Exact and short: not "0.0010000000000000000208".
  EXPECT_EQ(core::format_double(0.001), "0.001");
  EXPECT_EQ(core::format_double(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(core::format_value(core::ParamValue{1e-7}), "1e-07");
}

}  // namespace
}  // namespace rungs::analysis
