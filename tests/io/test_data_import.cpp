// rungs data import: NumPy .npy and CSV into the layout. The .npy files are
// written byte by byte here as numpy.save writes them (format 1.0: magic,
// version, header length, a Python-literal header padded to 64 bytes).
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "rungs/io/data_import.hpp"
#include "support/test_support.hpp"

namespace rungs::io {
namespace {

using test_support::contains;
using test_support::input_error_message;

std::string test_dir() { return test_support::scratch_dir("rungs_io_import"); }

template <typename T>
void write_npy(const std::string& path, const std::string& descr,
               const std::vector<std::int64_t>& shape, const std::vector<T>& values) {
  std::string dims;
  for (std::int64_t d : shape) dims += std::to_string(d) + ", ";
  if (shape.size() > 1) dims.resize(dims.size() - 2);
  std::string header =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const auto len = static_cast<std::uint16_t>(header.size());
  out.put(static_cast<char>(len & 0xFF));
  out.put(static_cast<char>(len >> 8));
  out << header;
  out.write(reinterpret_cast<const char*>(values.data()),
            static_cast<std::streamsize>(values.size() * sizeof(T)));
}

TEST(ReadNpy, ReadsShapeDtypeAndValues) {
  const std::string path = test_dir() + "/a.npy";
  write_npy<float>(path, "<f4", {2, 3}, {1, 2, 3, 4, 5, 6.5f});
  const NpyArray a = read_npy(path);
  EXPECT_EQ(a.shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(a.values, (std::vector<double>{1, 2, 3, 4, 5, 6.5}));
  EXPECT_FALSE(a.integers);
  write_npy<std::int64_t>(path, "<i8", {3}, {0, 2, 1});
  EXPECT_TRUE(read_npy(path).integers);
  EXPECT_EQ(read_npy(path).shape, (std::vector<std::int64_t>{3}));
}

TEST(ReadNpy, RefusesWhatItCannotRead) {
  const std::string dir = test_dir();
  write_npy<std::int16_t>(dir + "/s.npy", "<i2", {2}, {1, 2});
  EXPECT_TRUE(contains(input_error_message([&] { read_npy(dir + "/s.npy"); }),
                       "dtype '<i2' is not one rungs imports"));
  write_npy<float>(dir + "/cut.npy", "<f4", {4}, {1, 2});
  EXPECT_TRUE(contains(input_error_message([&] { read_npy(dir + "/cut.npy"); }),
                       "fewer values than its shape says"));
  // A shape claiming 6e9 float64 values in a file of a few bytes: refused
  // before anything that size is allocated.
  write_npy<double>(dir + "/huge.npy", "<f8", {6000000000}, {1.0});
  EXPECT_TRUE(contains(input_error_message([&] { read_npy(dir + "/huge.npy"); }),
                       "fewer values than its shape says"));
  write_npy<double>(dir + "/wrap.npy", "<f8", {4, 4611686018427387904}, {1.0});
  EXPECT_TRUE(contains(input_error_message([&] { read_npy(dir + "/wrap.npy"); }),
                       "fewer values than its shape says"));
  std::ofstream(dir + "/t.npy") << "not numpy";
  EXPECT_TRUE(contains(input_error_message([&] { read_npy(dir + "/t.npy"); }), "not a NumPy .npy"));
}

TEST(ImportDataset, NpyPairsBecomeSplitsWithAValidationCut) {
  const std::string dir = test_dir();
  std::vector<float> x(10 * 2 * 2);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i);
  write_npy<float>(dir + "/x.npy", "<f4", {10, 2, 2}, x);
  write_npy<std::int64_t>(dir + "/y.npy", "<i8", {10}, {0, 1, 2, 0, 1, 2, 0, 1, 2, 0});
  ImportRequest q;
  q.x = dir + "/x.npy";
  q.y = dir + "/y.npy";
  q.val_fraction = 0.3;
  const Dataset d = import_dataset(q);
  EXPECT_EQ(d.train.rows, 7);
  EXPECT_EQ(d.val.rows, 3);
  EXPECT_EQ(d.train.sample_shape, (std::vector<std::int64_t>{2, 2}));
  EXPECT_EQ(d.classes, 3);
  // Each sample stays whole: row r's values are 4r..4r+3, its label r % 3.
  for (const Split* s : {&d.train, &d.val}) {
    for (std::int64_t i = 0; i < s->rows; ++i) {
      const float first = s->x[static_cast<std::size_t>(4 * i)];
      const auto r = static_cast<std::int64_t>(first) / 4;
      EXPECT_EQ(s->x[static_cast<std::size_t>(4 * i + 3)], first + 3);
      EXPECT_EQ(s->y[static_cast<std::size_t>(i)], r % 3);
    }
  }
  EXPECT_EQ(import_dataset(q).val.x, d.val.x);  // the same seed, the same cut
}

TEST(ImportDataset, CsvTargetColumnAndErrorsNameTheRow) {
  const std::string dir = test_dir();
  std::ofstream(dir + "/t.csv") << "a,b,label\n1,2,0\n3,4,1\n5,6,1\n7,8,0\n";
  ImportRequest q;
  q.csv = dir + "/t.csv";
  q.target = "label";
  q.val_fraction = 0.25;
  const Dataset d = import_dataset(q);
  EXPECT_EQ(d.train.features, 2);
  EXPECT_EQ(d.train.rows + d.val.rows, 4);
  EXPECT_EQ(d.classes, 2);
  std::ofstream(dir + "/bad.csv") << "a,label\n1,0\n2,x\n";
  q.csv = dir + "/bad.csv";
  EXPECT_TRUE(contains(input_error_message([&] { import_dataset(q); }),
                       "bad.csv:3: column 'label' holds 'x', not a number"));
  std::ofstream(dir + "/frac.csv") << "a,label\n1,0\n2,0.5\n";
  q.csv = dir + "/frac.csv";
  EXPECT_TRUE(contains(input_error_message([&] { import_dataset(q); }), "not a class index"));
  q.task = core::Task::kRegression;
  q.val_fraction = 0.5;
  EXPECT_EQ(import_dataset(q).train.targets.size(), 1u);
}

}  // namespace
}  // namespace rungs::io
