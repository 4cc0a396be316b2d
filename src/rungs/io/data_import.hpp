#pragma once
// Data from elsewhere into rungs' layout (docs/data.md): NumPy .npy arrays
// and CSV tables. `rungs data import` writes the result with write_dataset.
//
//   ImportRequest q;  q.task = core::Task::kClassification;
//   q.x = "x.npy"; q.y = "y.npy"; q.val_fraction = 0.2;
//   io::Dataset d = import_dataset(q);
//
// A validation split comes from its own files (val_x / val_y, or val_csv),
// or is cut from the training rows: a deterministic shuffle by `seed`, the
// last `val_fraction` of it.
#include <cstdint>
#include <string>
#include <vector>

#include "rungs/core/sweep_spec.hpp"
#include "rungs/io/dataset.hpp"

namespace rungs::io {

struct ImportRequest {
  core::Task task = core::Task::kClassification;
  // NumPy: x of any rank >= 1 (a 1-D x is one feature per sample), y of
  // rank >= 1; float32/float64/int32/int64/uint8, little-endian, C order.
  std::string x, y, val_x, val_y;
  // CSV: a header row naming the columns; every other column is a feature.
  std::string csv, val_csv;
  std::string target;  // the CSV column that is y
  double val_fraction = 0.2;  // when no validation files are given
  std::uint64_t seed = 1;
};

// Throws core::InputError naming the file, the row or column, and the fix.
Dataset import_dataset(const ImportRequest& request);

// One .npy array, its values as doubles; exposed for tests.
struct NpyArray {
  std::vector<std::int64_t> shape;
  std::vector<double> values;
  bool integers = false;  // the file's dtype was an integer type
};
NpyArray read_npy(const std::string& path);

}  // namespace rungs::io
