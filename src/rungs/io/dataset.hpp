#pragma once
// Data sets in HDF5: a group per split (e.g. /train, /val, optionally
// /test), each holding `x` and `y`, for the sweep's task (data.task):
//
//   classification        x (N, ...) float; y (N) integer class indices in
//                         [0, classes). The root attribute `classes` gives
//                         the class count; without it, max(y) + 1.
//   regression            x (N, ...) float; y (N) or (N, K) float targets.
//   sequence_regression   x (N, T, F) float; y (N, T) or (N, T, K) float:
//                         a target for every step of every sequence.
//
// x may have any rank >= 2 (a vector, an image (C, H, W), a sequence (T, F)
// per sample), stored float32 or float64 (held as float32 in memory); any
// chunking or compression HDF5 reads is fine. docs/data.md has the layout.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rungs/core/sweep_spec.hpp"

namespace rungs::io {

// Classes a data set may declare: beyond this the output layer alone would
// not fit a GPU, so a larger `classes` attribute is a mistake, not a task.
inline constexpr std::int64_t kMaxClasses = std::int64_t{1} << 20;

struct Split {
  std::int64_t rows = 0;
  std::int64_t features = 0;                // values per sample: the product of sample_shape
  std::vector<std::int64_t> sample_shape;   // x's dimensions after the first
  std::vector<float> x;                     // row-major, rows * features
  std::vector<std::int64_t> y;              // classification: a class index per row
  std::vector<float> targets;               // regression tasks: target_size() values per row
  std::vector<std::int64_t> target_shape;   // regression tasks: y's dimensions after the first
  std::int64_t target_size() const;         // product of target_shape (1 when it is empty)

  // Where the values are: the vectors above, or, when the split is a view of
  // memory another owner holds (a node's shared window; Dataset::owner), the
  // pointers below, with the vectors empty.
  const float* shared_x = nullptr;
  const std::int64_t* shared_y = nullptr;
  const float* shared_targets = nullptr;
  const float* x_data() const { return shared_x ? shared_x : x.data(); }
  const std::int64_t* y_data() const { return shared_y ? shared_y : y.data(); }
  const float* targets_data() const { return shared_targets ? shared_targets : targets.data(); }
  std::size_t y_count() const;        // labels: rows (classification), else 0
  std::size_t targets_count() const;  // rows * target_size() (regression tasks), else 0
};

struct Dataset {
  core::Task task = core::Task::kClassification;
  Split train;
  Split val;
  Split test;               // only when has_test
  bool has_test = false;
  std::int64_t classes = 0;  // classification only
  // Set when the splits are views (Split::shared_x...): keeps that memory
  // alive. A runner that keeps it may use the values in place.
  std::shared_ptr<const void> owner;
};

// Reads and checks the splits `spec` names for its task: each group exists;
// x has rank >= 2 and floating-point values, all finite; y fits the task
// (above) with one entry per row of x, finite targets, labels in [0,
// classes) with 1 <= classes <= kMaxClasses; every split has the same sample
// and target shapes. Throws core::InputError naming the file, the data set
// and the fix.
Dataset read_dataset(const core::DataSpec& spec);

// The kinds of data `rungs data synth` writes.
enum class SynthKind {
  kClassification,  // flat vectors, classes from Gaussian clusters (task classification)
  kRegression,      // flat vectors, a smooth nonlinear target (task regression)
  kImages,          // (1, size, size) images of oriented bars (task classification)
  kSinusoids,       // (steps, 1) noisy sums of sines; y: one clean component per step
};
const char* to_string(SynthKind k);  // "classification", "regression", "images", "sinusoids"
const std::vector<SynthKind>& all_synth_kinds();
core::Task task_of(SynthKind k);

struct SynthOptions {
  SynthKind kind = SynthKind::kClassification;
  std::int64_t train_rows = 4000;
  std::int64_t val_rows = 1000;
  std::int64_t features = 32;  // classification, regression
  std::int64_t classes = 4;    // classification, images
  std::int64_t size = 12;      // images: height = width
  std::int64_t steps = 32;     // sinusoids: steps per sequence
  std::int64_t components = 3; // sinusoids: sines per sequence (the target is the first)
  double noise = 1.0;          // spread of the samples around the clean signal
  std::uint64_t seed = 1;
};

// A deterministic synthetic problem of `kind` (same options, same bytes).
// classification: each class is a mixture of a few Gaussian clusters in a
// low-dimensional space, mapped to `features` dimensions by a fixed random
// linear map plus a mild nonlinearity, so small models underfit and tuning
// matters. regression: the same inputs, the target a fixed smooth function
// of the latent point plus noise. images: a bar through the image at one of
// `classes` angles, at a random offset, in noise. sinusoids: x is the sum of
// `components` sines of fixed, distinct frequencies with random amplitudes
// and phases, plus noise; y is the first sine alone, clean.
Dataset synthesize_dataset(const SynthOptions& options);

// Writes a data set in the layout above (groups /train and /val, attribute
// `classes` for classification, `task`). Refuses to overwrite an existing
// file unless `overwrite`.
void write_dataset(const std::string& path, const Dataset& data, bool overwrite);

// What `rungs data info` prints: per split, x's and y's shapes and types,
// NaN and Inf counts, and the class balance (classification) or the
// targets' mean and spread (regression). Throws core::InputError for a file
// that is not HDF5.
std::string describe_data_file(const std::string& path);

}  // namespace rungs::io
