#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "rungs/core/error.hpp"
#include "rungs/io/dataset.hpp"
#include "rungs/io/hdf5_file.hpp"
#include "support/test_support.hpp"

namespace {

namespace fs = std::filesystem;
using rungs::core::InputError;
using namespace rungs::io;

std::string test_dir() { return rungs::test_support::scratch_dir("rungs_io_dataset"); }

SynthOptions small_options() {
  SynthOptions o;
  o.train_rows = 200;
  o.val_rows = 50;
  o.features = 6;
  o.classes = 3;
  o.seed = 11;
  return o;
}

// Expects `fn` to throw InputError whose message contains every fragment.
template <typename Fn>
void expect_input_error(Fn fn, std::initializer_list<std::string> fragments) {
  try {
    fn();
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    std::string msg = e.what();
    for (const auto& f : fragments) EXPECT_NE(msg.find(f), std::string::npos) << msg;
  }
}

// A hand-made file with one split group; the other split copied from `good`.
struct SplitSpec {
  std::vector<double> x;  // written as float32 unless x_float64
  std::int64_t rows = 0, cols = 0;
  std::vector<std::int64_t> y;
  bool x_float64 = false;
  bool x_1d = false;
};

void write_group(const File& f, const std::string& name, const SplitSpec& s) {
  Group g = create_group(f.get(), name);
  if (s.x_1d) {
    write_column(g.get(), "x", s.x);
  } else if (s.x_float64) {
    write_matrix(g.get(), "x", s.x, s.rows, s.cols);
  } else {
    write_matrix(g.get(), "x", std::vector<float>(s.x.begin(), s.x.end()), s.rows, s.cols);
  }
  write_column(g.get(), "y", s.y);
}

SplitSpec split(std::int64_t rows, std::int64_t cols, std::vector<std::int64_t> y) {
  SplitSpec s;
  s.rows = rows;
  s.cols = cols;
  s.x.assign(static_cast<std::size_t>(rows * cols), 0.5);
  s.y = std::move(y);
  return s;
}

std::string write_raw(const std::string& dir, const SplitSpec& train, const SplitSpec& val,
                      std::int64_t classes_attr = 0) {
  std::string path = dir + "/raw.h5";
  File f = create_file(path);
  write_group(f, "train", train);
  write_group(f, "val", val);
  if (classes_attr > 0) write_int_attribute(f.get(), "classes", classes_attr);
  return path;
}

TEST(SynthDataset, SameOptionsGiveIdenticalData) {
  Dataset a = synthesize_dataset(small_options());
  Dataset b = synthesize_dataset(small_options());
  EXPECT_EQ(a.train.x, b.train.x);  // exact: float == float, element by element
  EXPECT_EQ(a.train.y, b.train.y);
  EXPECT_EQ(a.val.x, b.val.x);
  EXPECT_EQ(a.val.y, b.val.y);
}

TEST(SynthDataset, DifferentSeedGivesDifferentData) {
  SynthOptions o = small_options();
  Dataset a = synthesize_dataset(o);
  o.seed += 1;
  Dataset b = synthesize_dataset(o);
  EXPECT_NE(a.train.x, b.train.x);
  EXPECT_NE(a.val.x, b.val.x);
}

TEST(SynthDataset, ShapesAndLabelsFollowOptions) {
  SynthOptions o = small_options();
  Dataset d = synthesize_dataset(o);
  EXPECT_EQ(d.classes, 3);
  EXPECT_EQ(d.train.rows, 200);
  EXPECT_EQ(d.train.features, 6);
  EXPECT_EQ(d.train.x.size(), 200u * 6u);
  EXPECT_EQ(d.train.y.size(), 200u);
  EXPECT_EQ(d.val.rows, 50);
  EXPECT_EQ(d.val.x.size(), 50u * 6u);
  std::set<std::int64_t> seen;
  for (std::int64_t y : d.train.y) {
    ASSERT_GE(y, 0);
    ASSERT_LT(y, 3);
    seen.insert(y);
  }
  EXPECT_EQ(seen.size(), 3u);  // 200 uniform draws over 3 classes: all appear
  for (float v : d.train.x) ASSERT_TRUE(std::isfinite(v));
}

TEST(SynthDataset, ValidationSplitDoesNotDependOnTrainRows) {
  SynthOptions o = small_options();
  Dataset a = synthesize_dataset(o);
  o.train_rows = 77;
  Dataset b = synthesize_dataset(o);
  EXPECT_EQ(a.val.x, b.val.x);
  EXPECT_EQ(a.val.y, b.val.y);
}

TEST(SynthDataset, RejectsSingleClass) {
  SynthOptions o = small_options();
  o.classes = 1;
  expect_input_error([&] { synthesize_dataset(o); }, {"classes"});
}

TEST(DatasetFile, WriteThenReadGivesSameData) {
  std::string path = test_dir() + "/data.h5";
  Dataset d = synthesize_dataset(small_options());
  write_dataset(path, d, false);
  Dataset r = read_dataset(path, "/train", "/val");
  EXPECT_EQ(r.classes, d.classes);
  EXPECT_EQ(r.train.rows, d.train.rows);
  EXPECT_EQ(r.train.features, d.train.features);
  EXPECT_EQ(r.train.x, d.train.x);
  EXPECT_EQ(r.train.y, d.train.y);
  EXPECT_EQ(r.val.x, d.val.x);
  EXPECT_EQ(r.val.y, d.val.y);
}

TEST(DatasetFile, RecordsGeneratorAttribute) {
  std::string path = test_dir() + "/data.h5";
  write_dataset(path, synthesize_dataset(small_options()), false);
  File f = open_file_read(path);
  EXPECT_EQ(read_string_attribute(f.get(), "generator"), "rungs data synth");
  EXPECT_EQ(read_int_attribute(f.get(), "classes"), 3);
}

TEST(DatasetFile, RefusesToOverwriteUnlessAllowed) {
  std::string path = test_dir() + "/data.h5";
  Dataset d = synthesize_dataset(small_options());
  write_dataset(path, d, false);
  expect_input_error([&] { write_dataset(path, d, false); }, {"already exists"});
  EXPECT_NO_THROW(write_dataset(path, d, true));
}

TEST(DatasetFile, WriteLeavesOnlyTheTarget) {
  std::string dir = test_dir();
  write_dataset(dir + "/data.h5", synthesize_dataset(small_options()), false);
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"data.h5"});
}

TEST(ReadDataset, MissingFileSaysHowToCreateOne) {
  expect_input_error([&] { read_dataset(test_dir() + "/nope.h5", "/train", "/val"); },
                     {"nope.h5", "data file not found", "rungs data synth"});
}

TEST(ReadDataset, TextFileIsNotHdf5) {
  std::string path = test_dir() + "/data.csv";
  std::ofstream(path) << "x,y\n1,2\n";
  expect_input_error([&] { read_dataset(path, "/train", "/val"); }, {"not an HDF5 file"});
}

TEST(ReadDataset, RowMismatchNamesBothCountsAndGroup) {
  std::string dir = test_dir();
  std::string path = write_raw(dir, split(4, 2, {0, 1, 0}), split(2, 2, {0, 1}));
  expect_input_error([&] { read_dataset(path, "/train", "/val"); },
                     {"x has 4 rows", "y has 3", "/train"});
}

TEST(ReadDataset, LabelAtClassCountIsOutOfRange) {
  std::string dir = test_dir();
  // classes = 3 allows labels 0, 1, 2; the 3 in val is one past the end.
  std::string path = write_raw(dir, split(3, 2, {0, 1, 2}), split(2, 2, {0, 3}), 3);
  expect_input_error([&] { read_dataset(path, "/train", "/val"); }, {"/val/y[1] = 3", "[0, 3)"});
}

TEST(ReadDataset, NegativeLabelIsOutOfRange) {
  std::string path = write_raw(test_dir(), split(2, 2, {0, -1}), split(2, 2, {0, 1}));
  expect_input_error([&] { read_dataset(path, "/train", "/val"); }, {"/train/y[1] = -1"});
}

TEST(ReadDataset, ClassCountDefaultsToLargestLabelPlusOne) {
  // Largest label 4 (in val) -> 5 classes.
  std::string path = write_raw(test_dir(), split(2, 2, {0, 1}), split(2, 2, {4, 0}));
  EXPECT_EQ(read_dataset(path, "/train", "/val").classes, 5);
}

TEST(ReadDataset, MissingGroupIsNamed) {
  std::string path = write_raw(test_dir(), split(2, 2, {0, 1}), split(2, 2, {0, 1}));
  expect_input_error([&] { read_dataset(path, "/train", "/test"); },
                     {"group /test not found", "data.val"});
}

TEST(ReadDataset, OneDimensionalXIsRejected) {
  SplitSpec bad = split(2, 1, {0, 1});
  bad.x_1d = true;
  std::string path = write_raw(test_dir(), bad, split(2, 1, {0, 1}));
  expect_input_error([&] { read_dataset(path, "/train", "/val"); },
                     {"/train/x has 1 dimension(s), expected 2"});
}

TEST(ReadDataset, Float64XIsConverted) {
  SplitSpec train = split(2, 2, {0, 1});
  train.x = {0.25, -1.5, 3.0, 0.125};  // exactly representable in float32
  train.x_float64 = true;
  std::string path = write_raw(test_dir(), train, split(2, 2, {1, 0}));
  Dataset d = read_dataset(path, "/train", "/val");
  EXPECT_EQ(d.train.x, (std::vector<float>{0.25f, -1.5f, 3.0f, 0.125f}));
}

TEST(ReadDataset, FeatureCountsMustAgree) {
  std::string path = write_raw(test_dir(), split(2, 3, {0, 1}), split(2, 2, {0, 1}));
  expect_input_error([&] { read_dataset(path, "/train", "/val"); },
                     {"/train has 3 features", "/val has 2"});
}

TEST(ReadDataset, EmptySplitIsRejected) {
  std::string path = write_raw(test_dir(), split(2, 2, {0, 1}), split(0, 2, {}));
  expect_input_error([&] { read_dataset(path, "/train", "/val"); }, {"/val is empty"});
}

}  // namespace

namespace {

// Row 2, column 1 of a 3 x 2 split is element 5 of the row-major x.
TEST(ReadDataset, NanInXIsNamedWithRowAndColumn) {
  SplitSpec val = split(3, 2, {0, 1, 0});
  val.x[5] = std::nan("");
  std::string path = write_raw(test_dir(), split(2, 2, {0, 1}), val);
  expect_input_error([&] { read_dataset(path, "/train", "/val"); }, {"/val/x[2, 1] is NaN"});
}

TEST(ReadDataset, InfInXIsRejected) {
  SplitSpec train = split(2, 2, {0, 1});
  train.x[0] = -HUGE_VAL;  // float32 -inf
  std::string path = write_raw(test_dir(), train, split(2, 2, {0, 1}));
  expect_input_error([&] { read_dataset(path, "/train", "/val"); }, {"/train/x[0, 0] is Inf"});
}

// 10^12 classes would make every trial allocate a 64 TB output layer; the
// labels here need 2, which the fix says.
TEST(ReadDataset, AbsurdClassCountIsRejected) {
  std::string path =
      write_raw(test_dir(), split(2, 2, {0, 1}), split(2, 2, {0, 1}), 1000000000000);
  expect_input_error([&] { read_dataset(path, "/train", "/val"); },
                     {"`classes` is 1000000000000", "1048576", "the labels need 2"});
}

TEST(ReadDataset, ClassCountAtTheBoundIsAccepted) {
  std::string path = write_raw(test_dir(), split(2, 2, {0, 1}), split(2, 2, {0, 1}), kMaxClasses);
  EXPECT_EQ(read_dataset(path, "/train", "/val").classes, kMaxClasses);
}

}  // namespace
