// The archive's optional extras and its large-table storage (chunked,
// compressed, short strings fixed-length), and what read_archive does with
// damaged files: every read of a damaged archive runs in a forked child, so
// a crash or hang inside libhdf5 is reported as a failure naming the byte
// offset instead of ending the test binary.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "rungs/core/error.hpp"
#include "rungs/core/sweep_record.hpp"
#include "rungs/io/archive.hpp"
#include "rungs/io/hdf5_file.hpp"
#include "support/test_support.hpp"

namespace {

namespace fs = std::filesystem;
using namespace rungs::core;
using rungs::io::ArchiveExtras;
using rungs::io::read_archive;
using rungs::io::read_archive_extras;
using rungs::io::write_archive;
using Bytes = std::vector<char>;

std::string test_dir() { return rungs::test_support::scratch_dir("rungs_io_damage"); }

Bytes read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// `n` trials with every column filled, two parameters of each type, a curve
// point per trial and a decision per trial.
SweepRecord record_of(int n) {
  SweepRecord r;
  r.metadata.sweep_name = "damage";
  r.metadata.config_yaml = "name: damage\n";
  r.metadata.rung_resources = {1, 3};
  r.metadata.metrics = {{"loss", ObjectiveMode::kMin}, {"accuracy", ObjectiveMode::kMax}};
  r.metadata.objective_metric = "accuracy";
  r.space = {ParamSpec::float_range("lr", 1e-4, 1e-1, true),
             ParamSpec::int_set("hidden", {16, 32}),
             ParamSpec::categorical("opt", {"adam", "sgd"})};
  for (int i = 0; i < n; ++i) {
    TrialRecord t;
    t.id = TrialId{i};
    t.status = i % 3 ? TrialStatus::kStopped : TrialStatus::kCompleted;
    t.rung = i % 2;
    t.resource = 1 + 2 * (i % 2);
    t.metric = t.best_metric = 0.5 + 1e-4 * i;
    t.seed = 0xFFFFFFFFFFFF0000ULL + static_cast<std::uint64_t>(i);
    t.rank = i % 8;
    t.host = "node" + std::to_string(i % 8);
    t.device = i % 2 ? "cuda:1" : "cpu";
    t.start_time = i;
    t.end_time = i + 2.5;
    t.train_seconds = 2.0;
    t.error = i % 97 == 5 ? "failed: " + std::string(static_cast<std::size_t>(i % 150), 'x') : "";
    t.params.set("lr", 1e-3 * (1 + i % 10));
    if (i % 4) t.params.set("hidden", std::int64_t{16} << (i % 2));
    if (i % 5) t.params.set("opt", std::string(i % 2 ? "sgd" : "adam"));
    t.last_values = {0.9, t.metric};
    r.trials.push_back(t);
    r.curves.push_back({TrialId{i}, 1, t.metric, {0.9, t.metric}, 1.5});
    r.decisions.push_back({TrialId{i}, 0, DecisionKind::kStart, 0.5 * i, NAN, i % 8, {}});
  }
  return r;
}

// --- extras ------------------------------------------------------------------

TEST(ArchiveExtras, RoundTripAndPlainReadersIgnoreThem) {
  std::string path = test_dir() + "/m.h5";
  SweepRecord r = record_of(3);
  ArchiveExtras x;
  x.source = {"a.h5", "a.h5", "dir/b.h5"};
  x.source_trial_id = {0, 1, 0};
  x.merged_from = "a.h5,dir/b.h5";
  write_archive(path, r, &x);
  ArchiveExtras back = read_archive_extras(path);
  EXPECT_EQ(back.source, x.source);
  EXPECT_EQ(back.source_trial_id, x.source_trial_id);
  EXPECT_EQ(back.merged_from, x.merged_from);
  EXPECT_EQ(read_archive(path).trials.size(), 3u);
}

TEST(ArchiveExtras, MergedFromAloneWritesNoColumns) {
  std::string path = test_dir() + "/m.h5";
  ArchiveExtras x;
  x.merged_from = "a.h5";
  write_archive(path, record_of(2), &x);
  ArchiveExtras back = read_archive_extras(path);
  EXPECT_TRUE(back.source.empty());
  EXPECT_EQ(back.merged_from, "a.h5");
}

TEST(ArchiveExtras, ColumnsOfTheWrongLengthAreRefusedBeforeWriting) {
  std::string path = test_dir() + "/m.h5";
  ArchiveExtras x;
  x.source = {"a.h5"};
  x.source_trial_id = {0};
  EXPECT_THROW(write_archive(path, record_of(2), &x), std::invalid_argument);
  EXPECT_FALSE(fs::exists(path));
}

// --- large tables ----------------------------------------------------------------

TEST(ArchiveStorage, LargeTablesRoundTripCompressed) {
  // 5000 rows: above the 4096-row threshold, so every column is chunked and
  // compressed, short string columns fixed-length; the error column holds a
  // 157-byte message, over the 64-byte limit, so it stays variable-length.
  std::string dir = test_dir();
  std::string path = dir + "/big.h5";
  SweepRecord r = record_of(5000);
  write_archive(path, r);
  SweepRecord back = read_archive(path);
  ASSERT_EQ(back.trials.size(), r.trials.size());
  ASSERT_EQ(back.curves.size(), r.curves.size());
  for (std::size_t i = 0; i < r.trials.size(); i += 7) {
    const TrialRecord &a = r.trials[i], &b = back.trials[i];
    ASSERT_EQ(a.status, b.status) << i;
    ASSERT_EQ(a.host, b.host) << i;
    ASSERT_EQ(a.device, b.device) << i;
    ASSERT_EQ(a.error, b.error) << i;
    ASSERT_EQ(a.seed, b.seed) << i;
    ASSERT_EQ(a.metric, b.metric) << i;
    ASSERT_EQ(a.params, b.params) << i;
  }
  EXPECT_EQ(back.decisions.back().kind, DecisionKind::kStart);
  // The curves' 5000 float64 metrics shrink: raw they are 40 kB per column.
  EXPECT_LT(fs::file_size(path), 5000u * 8 * 30);
}

// Whether /trials/<column> of `path` holds variable-length strings.
bool variable_length(const std::string& path, const std::string& column) {
  rungs::io::File f = rungs::io::open_file_read(path);
  rungs::io::DatasetId d = rungs::io::open_dataset(f.get(), "/trials/" + column);
  rungs::io::Datatype t(H5Dget_type(d.get()));
  return H5Tis_variable_str(t.get()) > 0;
}

TEST(ArchiveStorage, ShortStringsAreFixedLengthLongOnesVariable) {
  std::string dir = test_dir();
  std::string small = dir + "/small.h5", big = dir + "/big.h5";
  write_archive(small, record_of(12));    // errors of at most 13 bytes
  write_archive(big, record_of(5000));    // one error of 157 bytes
  EXPECT_FALSE(variable_length(small, "status"));
  EXPECT_FALSE(variable_length(small, "error"));
  EXPECT_FALSE(variable_length(big, "host"));
  EXPECT_TRUE(variable_length(big, "error"));
  SweepRecord back = read_archive(small);
  EXPECT_EQ(back.trials[1].status, TrialStatus::kStopped);
  EXPECT_EQ(back.trials[5].error, "failed: " + std::string(5, 'x'));
  EXPECT_EQ(read_archive(big).trials[4855].error, "failed: " + std::string(4855 % 150, 'x'));
}

// --- damage ----------------------------------------------------------------------

enum class Outcome { kRead, kInputError, kOtherError, kCrash, kHang };

const char* name_of(Outcome o) {
  switch (o) {
    case Outcome::kRead: return "read without error";
    case Outcome::kInputError: return "InputError";
    case Outcome::kOtherError: return "another exception";
    case Outcome::kCrash: return "crash";
    case Outcome::kHang: return "hang";
  }
  return "?";
}

// read_archive(path) in a child process, so that a libhdf5 crash or endless
// loop is an outcome, not the end of the test run.
Outcome read_in_child(const std::string& path) {
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::alarm(20);
    int code = 0;
    try {
      read_archive(path);
    } catch (const InputError&) {
      code = 1;
    } catch (...) {
      code = 2;
    }
    ::_exit(code);
  }
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) throw std::runtime_error("waitpid failed");
  if (WIFSIGNALED(status)) {
    return WTERMSIG(status) == SIGALRM ? Outcome::kHang : Outcome::kCrash;
  }
  switch (WEXITSTATUS(status)) {
    case 0: return Outcome::kRead;
    case 1: return Outcome::kInputError;
    default: return Outcome::kOtherError;
  }
}

std::uint64_t little_endian(const Bytes& b, std::size_t pos, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i) {
    v |= std::uint64_t{static_cast<unsigned char>(b[pos + i])} << (8 * i);
  }
  return v;
}

struct Range {
  std::size_t begin, end;
};

// The byte ranges HDF5 protects with a checksum that read_archive always
// reads: the version-2 superblock (48 bytes with 8-byte offsets) and every
// version-2 object header's first chunk, "OHDR" to its checksum (HDF5 file
// format specification, sections II.A and IV.A.1.b): signature 4, version 1,
// flags 1, four times (16) when flags bit 5 is set, two phase-change values
// (4) when bit 4 is set, the chunk size in 1 << (flags & 3) bytes, the
// chunk, then the 4-byte checksum.
std::vector<Range> checksummed_metadata(const Bytes& b) {
  std::vector<Range> out = {{0, 48}};
  const char kSig[] = "OHDR";
  for (std::size_t pos = 0; pos + 8 < b.size(); ++pos) {
    if (std::memcmp(&b[pos], kSig, 4) != 0 || b[pos + 4] != 2) continue;
    auto flags = static_cast<unsigned char>(b[pos + 5]);
    std::size_t field = pos + 6 + ((flags & 0x20) ? 16 : 0) + ((flags & 0x10) ? 4 : 0);
    std::size_t width = std::size_t{1} << (flags & 3);
    std::size_t end = field + width + little_endian(b, field, width) + 4;
    if (end <= b.size()) out.push_back({pos, end});
  }
  return out;
}

// The version-1 global heap collections ("GCOL", version 1, 3 reserved
// bytes, 8-byte collection size): the heap of variable-length strings. HDF5
// keeps no checksum there and trusts its object sizes; damage in it can
// crash or hang libhdf5 itself (as it does h5dump).
std::vector<Range> global_heaps(const Bytes& b) {
  std::vector<Range> out;
  for (std::size_t pos = 0; pos + 16 < b.size(); ++pos) {
    if (std::memcmp(&b[pos], "GCOL", 4) != 0 || b[pos + 4] != 1) continue;
    out.push_back({pos, pos + little_endian(b, pos + 8, 8)});
  }
  return out;
}

bool inside(const std::vector<Range>& ranges, std::size_t pos) {
  for (const Range& r : ranges) {
    if (pos >= r.begin && pos < r.end) return true;
  }
  return false;
}

std::string archive_for_damage(const std::string& dir) {
  std::string path = dir + "/good.h5";
  write_archive(path, record_of(12));
  return path;
}

TEST(ArchiveDamage, TruncationAtAnyOffsetIsInputError) {
  std::string dir = test_dir();
  const Bytes whole = read_bytes(archive_for_damage(dir));
  std::string damaged = dir + "/damaged.h5";
  // Every offset in the superblock's neighbourhood, then 200 spread evenly.
  std::vector<std::size_t> cuts;
  for (std::size_t c = 0; c < 96; ++c) cuts.push_back(c);
  for (std::size_t k = 1; k < 200; ++k) cuts.push_back(whole.size() * k / 200);
  for (std::size_t cut : cuts) {
    write_bytes(damaged, Bytes(whole.begin(), whole.begin() + static_cast<long>(cut)));
    Outcome o = read_in_child(damaged);
    EXPECT_EQ(o, Outcome::kInputError) << "cut at " << cut << ": " << name_of(o);
  }
}

TEST(ArchiveDamage, FlipInChecksummedMetadataIsInputError) {
  std::string dir = test_dir();
  const Bytes whole = read_bytes(archive_for_damage(dir));
  std::vector<Range> ranges = checksummed_metadata(whole);
  ASSERT_GT(ranges.size(), 20u);  // the superblock and one header per group and column
  std::string damaged = dir + "/damaged.h5";
  std::size_t tried = 0;
  for (const Range& r : ranges) {
    // Every byte of the superblock; in object headers every 5th, so that
    // each field and the checksum itself are hit across the headers.
    std::size_t step = r.begin == 0 ? 1 : 5;
    for (std::size_t pos = r.begin; pos < r.end; pos += step, ++tried) {
      Bytes b = whole;
      b[pos] = static_cast<char>(b[pos] ^ 0x5A);
      write_bytes(damaged, b);
      Outcome o = read_in_child(damaged);
      EXPECT_EQ(o, Outcome::kInputError) << "flip at " << pos << ": " << name_of(o);
    }
  }
  EXPECT_GT(tried, 500u);
}

// Flips every `stride`-th byte outside the global heaps of the archive at
// `path`, in a copy at `damaged`: each read is caught or reads wrong values
// (HDF5 does not checksum raw data), but none crashes or hangs.
void expect_no_crash_outside_heaps(const std::string& path, const std::string& damaged,
                                   std::size_t stride) {
  const Bytes whole = read_bytes(path);
  std::vector<Range> heaps = global_heaps(whole);
  ASSERT_EQ(heaps.size(), 1u);  // only the metadata's string attributes use one
  std::size_t tried = 0;
  for (std::size_t pos = 0; pos < whole.size(); pos += stride) {
    if (inside(heaps, pos)) continue;
    Bytes b = whole;
    b[pos] = static_cast<char>(b[pos] ^ 0x5A);
    write_bytes(damaged, b);
    Outcome o = read_in_child(damaged);
    ++tried;
    EXPECT_TRUE(o == Outcome::kRead || o == Outcome::kInputError)
        << "flip at " << pos << ": " << name_of(o);
  }
  EXPECT_GT(tried, 1000u);
}

// Positions in the global heap are skipped: see global_heaps() and
// docs/archive.md ("Durability"). String columns are fixed-length, so the
// heap holds only the root attributes' strings, never column data.
TEST(ArchiveDamage, FlipOutsideTheStringHeapNeverCrashes) {
  std::string dir = test_dir();
  // Stride 7 is prime to the 8-byte fields, so every byte of a field is hit.
  expect_no_crash_outside_heaps(archive_for_damage(dir), dir + "/damaged.h5", 7);
}

TEST(ArchiveDamage, FlipInACompressedArchiveNeverCrashes) {
  // 5000 trials: chunked, compressed columns, whose chunk index (a version-1
  // B-tree) carries no checksum, and deflate streams.
  std::string dir = test_dir();
  std::string path = dir + "/big.h5";
  SweepRecord r = record_of(5000);
  for (auto& t : r.trials) t.error.resize(std::min<std::size_t>(t.error.size(), 64));
  write_archive(path, r);
  expect_no_crash_outside_heaps(path, dir + "/damaged.h5", 97);
}

}  // namespace
