#pragma once
// Classification data sets in HDF5: a group per split (e.g. /train, /val),
// each holding `x` (float32, rows x features) and `y` (int64 labels in
// [0, classes)). The file's root attribute `classes` gives the class count;
// without it, max(y) + 1 over all splits is used.
#include <cstdint>
#include <string>
#include <vector>

namespace rungs::io {

// Classes a data set may declare: beyond this the output layer alone would
// not fit a GPU, so a larger `classes` attribute is a mistake, not a task.
inline constexpr std::int64_t kMaxClasses = std::int64_t{1} << 20;

struct Split {
  std::int64_t rows = 0;
  std::int64_t features = 0;
  std::vector<float> x;         // row-major, rows * features
  std::vector<std::int64_t> y;  // rows
};

struct Dataset {
  Split train;
  Split val;
  std::int64_t classes = 0;
};

// Reads and checks the two splits: both exist, x is 2-D float32 and y 1-D
// int64 (any integer type is accepted and converted), row counts of x and y
// agree, feature counts of the splits agree, every x is finite (no NaN or
// Inf), 1 <= classes <= kMaxClasses, labels lie in [0, classes).
// Throws core::InputError naming the file, the dataset and the fix.
Dataset read_dataset(const std::string& path, const std::string& train_group,
                     const std::string& val_group);

struct SynthOptions {
  std::int64_t train_rows = 4000;
  std::int64_t val_rows = 1000;
  std::int64_t features = 32;
  std::int64_t classes = 4;
  double noise = 1.0;       // spread of each class around its centres
  std::uint64_t seed = 1;
};

// A deterministic synthetic classification problem: each class is a mixture
// of a few Gaussian clusters in a low-dimensional space, mapped to `features`
// dimensions by a fixed random linear map plus a mild nonlinearity, so small
// models underfit and tuning matters. Same options, same bytes.
Dataset synthesize_dataset(const SynthOptions& options);

// Writes a data set in the layout above (groups /train and /val, attribute
// `classes`). Refuses to overwrite an existing file unless `overwrite`.
void write_dataset(const std::string& path, const Dataset& data, bool overwrite);

}  // namespace rungs::io
