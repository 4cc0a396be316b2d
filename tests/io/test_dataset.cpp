#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <hdf5.h>

#include "rungs/core/error.hpp"
#include "rungs/io/dataset.hpp"
#include "rungs/io/hdf5_file.hpp"
#include "support/test_support.hpp"

namespace {

rungs::core::DataSpec data_spec(const std::string& path, const std::string& train, const std::string& val,
                         rungs::core::Task task = rungs::core::Task::kClassification) {
  rungs::core::DataSpec spec;
  spec.path = path;
  spec.train = train;
  spec.val = val;
  spec.task = task;
  return spec;
}

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
  Dataset r = read_dataset(data_spec(path, "/train", "/val"));
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
  expect_input_error([&] { read_dataset(data_spec(test_dir() + "/nope.h5", "/train", "/val")); },
                     {"nope.h5", "data file not found", "rungs data synth"});
}

TEST(ReadDataset, TextFileIsNotHdf5) {
  std::string path = test_dir() + "/data.csv";
  std::ofstream(path) << "x,y\n1,2\n";
  expect_input_error([&] { read_dataset(data_spec(path, "/train", "/val")); }, {"not an HDF5 file"});
}

TEST(ReadDataset, RowMismatchNamesBothCountsAndGroup) {
  std::string dir = test_dir();
  std::string path = write_raw(dir, split(4, 2, {0, 1, 0}), split(2, 2, {0, 1}));
  expect_input_error([&] { read_dataset(data_spec(path, "/train", "/val")); },
                     {"x has 4 rows", "y has 3", "/train"});
}

TEST(ReadDataset, LabelAtClassCountIsOutOfRange) {
  std::string dir = test_dir();
  // classes = 3 allows labels 0, 1, 2; the 3 in val is one past the end.
  std::string path = write_raw(dir, split(3, 2, {0, 1, 2}), split(2, 2, {0, 3}), 3);
  expect_input_error([&] { read_dataset(data_spec(path, "/train", "/val")); }, {"/val/y[1] = 3", "[0, 3)"});
}

TEST(ReadDataset, NegativeLabelIsOutOfRange) {
  std::string path = write_raw(test_dir(), split(2, 2, {0, -1}), split(2, 2, {0, 1}));
  expect_input_error([&] { read_dataset(data_spec(path, "/train", "/val")); }, {"/train/y[1] = -1"});
}

TEST(ReadDataset, ClassCountDefaultsToLargestLabelPlusOne) {
  // Largest label 4 (in val) -> 5 classes.
  std::string path = write_raw(test_dir(), split(2, 2, {0, 1}), split(2, 2, {4, 0}));
  EXPECT_EQ(read_dataset(data_spec(path, "/train", "/val")).classes, 5);
}

TEST(ReadDataset, MissingGroupIsNamed) {
  std::string path = write_raw(test_dir(), split(2, 2, {0, 1}), split(2, 2, {0, 1}));
  expect_input_error([&] { read_dataset(data_spec(path, "/train", "/test")); },
                     {"group /test not found", "data.val"});
}

TEST(ReadDataset, OneDimensionalXIsRejected) {
  SplitSpec bad = split(2, 1, {0, 1});
  bad.x_1d = true;
  std::string path = write_raw(test_dir(), bad, split(2, 1, {0, 1}));
  expect_input_error([&] { read_dataset(data_spec(path, "/train", "/val")); },
                     {"/train/x has 1 dimension(s), expected 2"});
}

TEST(ReadDataset, Float64XIsConverted) {
  SplitSpec train = split(2, 2, {0, 1});
  train.x = {0.25, -1.5, 3.0, 0.125};  // exactly representable in float32
  train.x_float64 = true;
  std::string path = write_raw(test_dir(), train, split(2, 2, {1, 0}));
  Dataset d = read_dataset(data_spec(path, "/train", "/val"));
  EXPECT_EQ(d.train.x, (std::vector<float>{0.25f, -1.5f, 3.0f, 0.125f}));
}

TEST(ReadDataset, FeatureCountsMustAgree) {
  std::string path = write_raw(test_dir(), split(2, 3, {0, 1}), split(2, 2, {0, 1}));
  expect_input_error([&] { read_dataset(data_spec(path, "/train", "/val")); },
                     {"/train/x has samples of shape (3) but /val/x has (2)"});
}

TEST(ReadDataset, EmptySplitIsRejected) {
  std::string path = write_raw(test_dir(), split(2, 2, {0, 1}), split(0, 2, {}));
  expect_input_error([&] { read_dataset(data_spec(path, "/train", "/val")); }, {"/val is empty"});
}

}  // namespace

namespace {

// Row 2, column 1 of a 3 x 2 split is element 5 of the row-major x.
TEST(ReadDataset, NanInXIsNamedWithRowAndColumn) {
  SplitSpec val = split(3, 2, {0, 1, 0});
  val.x[5] = std::nan("");
  std::string path = write_raw(test_dir(), split(2, 2, {0, 1}), val);
  expect_input_error([&] { read_dataset(data_spec(path, "/train", "/val")); }, {"/val/x[2, 1] is NaN"});
}

TEST(ReadDataset, InfInXIsRejected) {
  SplitSpec train = split(2, 2, {0, 1});
  train.x[0] = -HUGE_VAL;  // float32 -inf
  std::string path = write_raw(test_dir(), train, split(2, 2, {0, 1}));
  expect_input_error([&] { read_dataset(data_spec(path, "/train", "/val")); }, {"/train/x[0, 0] is Inf"});
}

// 10^12 classes would make every trial allocate a 64 TB output layer; the
// labels here need 2, which the fix says.
TEST(ReadDataset, AbsurdClassCountIsRejected) {
  std::string path =
      write_raw(test_dir(), split(2, 2, {0, 1}), split(2, 2, {0, 1}), 1000000000000);
  expect_input_error([&] { read_dataset(data_spec(path, "/train", "/val")); },
                     {"`classes` is 1000000000000", "1048576", "the labels need 2"});
}

TEST(ReadDataset, ClassCountAtTheBoundIsAccepted) {
  std::string path = write_raw(test_dir(), split(2, 2, {0, 1}), split(2, 2, {0, 1}), kMaxClasses);
  EXPECT_EQ(read_dataset(data_spec(path, "/train", "/val")).classes, kMaxClasses);
}

}  // namespace

namespace {

using rungs::core::Task;

// A file with /train and /val holding the given x and y arrays (float32 x of
// `x_dims`, float32 y of `y_dims`), each split the same.
std::string write_arrays(const std::string& dir, const std::vector<std::int64_t>& x_dims,
                         const std::vector<std::int64_t>& y_dims, float y_value = 0.25f) {
  const std::string path = dir + "/arrays.h5";
  File f = create_file(path);
  for (const char* name : {"train", "val"}) {
    Group g = create_group(f.get(), name);
    std::size_t nx = 1, ny = 1;
    for (auto d : x_dims) nx *= static_cast<std::size_t>(d);
    for (auto d : y_dims) ny *= static_cast<std::size_t>(d);
    std::vector<float> x(nx);
    for (std::size_t i = 0; i < nx; ++i) x[i] = static_cast<float>(i);
    write_array(g.get(), "x", x, x_dims);
    write_array(g.get(), "y", std::vector<float>(ny, y_value), y_dims);
  }
  return path;
}

TEST(ReadDatasetNd, ImagesKeepTheirShape) {
  const std::string path = write_arrays(test_dir(), {3, 2, 4, 5}, {3}, 1.0f);
  // float targets are not class labels
  expect_input_error([&] { read_dataset(data_spec(path, "/train", "/val")); },
                     {"/train/y holds float32 values; data.task classification needs integer",
                      "set data.task: regression"});
  const Dataset d = read_dataset(data_spec(path, "/train", "/val", Task::kRegression));
  EXPECT_EQ(d.train.rows, 3);
  EXPECT_EQ(d.train.sample_shape, (std::vector<std::int64_t>{2, 4, 5}));
  EXPECT_EQ(d.train.features, 40);
  EXPECT_EQ(d.train.x[41], 41.0f);  // row-major: row 1 starts at 40
  EXPECT_TRUE(d.train.target_shape.empty());
  EXPECT_EQ(d.train.targets, (std::vector<float>{1.0f, 1.0f, 1.0f}));
}

TEST(ReadDatasetNd, RegressionTargetsMayBeVectors) {
  const std::string path = write_arrays(test_dir(), {4, 3}, {4, 2});
  const Dataset d = read_dataset(data_spec(path, "/train", "/val", Task::kRegression));
  EXPECT_EQ(d.train.target_shape, (std::vector<std::int64_t>{2}));
  EXPECT_EQ(d.train.target_size(), 2);
  EXPECT_EQ(d.val.targets.size(), 8u);
}

TEST(ReadDatasetNd, RegressionRefusesDeeperTargets) {
  const std::string path = write_arrays(test_dir(), {4, 3}, {4, 2, 2});
  expect_input_error([&] { read_dataset(data_spec(path, "/train", "/val", Task::kRegression)); },
                     {"/train/y has shape (4, 2, 2); data.task regression needs y (N) or (N, K)"});
}

TEST(ReadDatasetNd, SequencesNeedNTFAndATargetPerStep) {
  const std::string dir = test_dir();
  std::string path = write_arrays(dir, {4, 6, 2}, {4, 6});
  Dataset d = read_dataset(data_spec(path, "/train", "/val", Task::kSequenceRegression));
  EXPECT_EQ(d.train.sample_shape, (std::vector<std::int64_t>{6, 2}));
  EXPECT_EQ(d.train.target_shape, (std::vector<std::int64_t>{6}));
  path = write_arrays(dir, {4, 12}, {4, 12});
  expect_input_error(
      [&] { read_dataset(data_spec(path, "/train", "/val", Task::kSequenceRegression)); },
      {"/train/x has shape (4, 12); data.task sequence_regression needs (N, T, F)"});
  path = write_arrays(dir, {4, 6, 2}, {4, 5});
  expect_input_error(
      [&] { read_dataset(data_spec(path, "/train", "/val", Task::kSequenceRegression)); },
      {"/train/y has 5 steps per sample but /train/x has 6"});
}

TEST(ReadDatasetNd, NonFiniteTargetIsNamedByIndex) {
  const std::string path = write_arrays(test_dir(), {4, 3}, {4, 2}, NAN);
  expect_input_error([&] { read_dataset(data_spec(path, "/train", "/val", Task::kRegression)); },
                     {"/train/y[0, 0] is NaN", "drop or impute"});
}

TEST(ReadDatasetNd, ANamedTestSplitIsReadAndChecked) {
  const std::string path = write_raw(test_dir(), split(2, 2, {0, 1}), split(2, 2, {0, 1}));
  rungs::core::DataSpec spec = data_spec(path, "/train", "/val");
  spec.test = "/test";
  expect_input_error([&] { read_dataset(spec); },
                     {"group /test not found", "data.test names /test"});
  spec.test = "/val";  // any group of the layout will do
  const Dataset d = read_dataset(spec);
  EXPECT_TRUE(d.has_test);
  EXPECT_EQ(d.test.rows, 2);
}

// Chunked, shuffled and deflated data sets (what h5py writes with
// compression="gzip") read back value for value.
// Without a `classes` attribute the count comes from the labels; one stray
// huge label would make every model's output layer that wide.
TEST(ReadDatasetNd, AnInferredClassCountIsBoundedToo) {
  const std::string path = write_raw(test_dir(), split(2, 2, {0, 50000000}), split(2, 2, {0, 1}));
  expect_input_error([&] { read_dataset(data_spec(path, "/train", "/val")); },
                     {"the largest label is 50000000", "renumber them"});
}

TEST(ReadDatasetNd, ChunkedCompressedDataReads) {
  const std::string path = test_dir() + "/gzip.h5";
  const std::int64_t rows = 1000, cols = 7;
  std::vector<float> x(static_cast<std::size_t>(rows * cols));
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(std::sin(0.1 * i));
  std::vector<std::int64_t> y(static_cast<std::size_t>(rows));
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<std::int64_t>(i % 3);
  {
    const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    for (const char* name : {"train", "val"}) {
      const hid_t g = H5Gcreate2(file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
      const hsize_t chunk[2] = {128, 7}, dims[2] = {static_cast<hsize_t>(rows), 7};
      H5Pset_chunk(dcpl, 2, chunk);
      H5Pset_shuffle(dcpl);
      H5Pset_deflate(dcpl, 6);
      const hid_t xs = H5Screate_simple(2, dims, nullptr);
      const hid_t xd = H5Dcreate2(g, "x", H5T_IEEE_F32LE, xs, H5P_DEFAULT, dcpl, H5P_DEFAULT);
      H5Dwrite(xd, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, x.data());
      const hsize_t ychunk = 128, ydim = static_cast<hsize_t>(rows);
      const hid_t ycpl = H5Pcreate(H5P_DATASET_CREATE);
      H5Pset_chunk(ycpl, 1, &ychunk);
      H5Pset_deflate(ycpl, 6);
      const hid_t ys = H5Screate_simple(1, &ydim, nullptr);
      const hid_t yd = H5Dcreate2(g, "y", H5T_STD_I64LE, ys, H5P_DEFAULT, ycpl, H5P_DEFAULT);
      H5Dwrite(yd, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, y.data());
      for (hid_t id : {xd, yd}) H5Dclose(id);
      for (hid_t id : {xs, ys}) H5Sclose(id);
      for (hid_t id : {dcpl, ycpl}) H5Pclose(id);
      H5Gclose(g);
    }
    H5Fclose(file);
  }
  const Dataset d = read_dataset(data_spec(path, "/train", "/val"));
  EXPECT_EQ(d.train.x, x);
  EXPECT_EQ(d.val.y, y);
  EXPECT_EQ(d.classes, 3);
}

TEST(SynthDataset, EveryKindRoundTripsThroughTheFileAsItsTask) {
  const std::string dir = test_dir();
  for (SynthKind kind : all_synth_kinds()) {
    SynthOptions o = small_options();
    o.kind = kind;
    o.size = 6;
    o.steps = 8;
    const Dataset made = synthesize_dataset(o);
    EXPECT_EQ(made.task, task_of(kind)) << to_string(kind);
    EXPECT_EQ(synthesize_dataset(o).train.x, made.train.x) << "deterministic: " << to_string(kind);
    const std::string path = dir + "/" + to_string(kind) + ".h5";
    write_dataset(path, made, false);
    const Dataset back = read_dataset(data_spec(path, "/train", "/val", made.task));
    EXPECT_EQ(back.train.sample_shape, made.train.sample_shape) << to_string(kind);
    EXPECT_EQ(back.train.x, made.train.x) << to_string(kind);
    EXPECT_EQ(back.train.y, made.train.y) << to_string(kind);
    EXPECT_EQ(back.train.targets, made.train.targets) << to_string(kind);
    EXPECT_EQ(back.train.target_shape, made.train.target_shape) << to_string(kind);
  }
}

// The sinusoids' target is the first sine alone: amplitude in [0.5, 1.5], so
// it never exceeds 1.5 in size, and x - y is the rest of the mixture plus noise.
TEST(SynthDataset, SinusoidsTargetIsOneCleanComponent) {
  SynthOptions o = small_options();
  o.kind = SynthKind::kSinusoids;
  o.steps = 16;
  o.components = 1;
  o.noise = 0.0;
  const Dataset d = synthesize_dataset(o);
  EXPECT_EQ(d.train.sample_shape, (std::vector<std::int64_t>{16, 1}));
  EXPECT_EQ(d.train.target_shape, (std::vector<std::int64_t>{16}));
  // One component and no noise: x is exactly the target.
  for (std::size_t i = 0; i < d.train.x.size(); ++i) EXPECT_EQ(d.train.x[i], d.train.targets[i]);
  for (float v : d.train.targets) EXPECT_LE(std::abs(v), 1.5f);
}

TEST(DataInfo, DescribesShapesBalanceAndNaNs) {
  const std::string dir = test_dir();
  SynthOptions o = small_options();
  write_dataset(dir + "/c.h5", synthesize_dataset(o), false);
  const std::string text = describe_data_file(dir + "/c.h5");
  EXPECT_NE(text.find("/train: x (200, 6) float32; y (200) int64;"), std::string::npos) << text;
  EXPECT_NE(text.find("classes: 0: "), std::string::npos) << text;
  EXPECT_NE(text.find("NaN 0, Inf 0"), std::string::npos) << text;
  const std::string path = write_arrays(dir, {4, 3}, {4}, NAN);
  const std::string nan_text = describe_data_file(path);
  EXPECT_NE(nan_text.find("y: mean nan"), std::string::npos) << nan_text;
  EXPECT_NE(nan_text.find("NaN 4, Inf 0"), std::string::npos) << nan_text;
}

}  // namespace
