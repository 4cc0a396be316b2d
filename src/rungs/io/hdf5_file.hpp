#pragma once
// Thin RAII over the HDF5 C API, just what the data set and the archive need:
// move-only handles that close their id, and helpers that write and read whole
// 1-D columns, 2-D float32 matrices and scalar or 1-D attributes.
//
//   File f = create_file("/tmp/a.h5");
//   Group g = create_group(f.get(), "trials");
//   write_column(g.get(), "metric", std::vector<double>{0.5, 0.7});
//   write_string_attribute(f.get(), "format", "rungs-archive");
//
// Every HDF5 return code is checked; a failure throws Hdf5Error naming the
// call and the object. HDF5's own error-stack printing is switched off so a
// user sees our one line, not a dump. The header does not include <hdf5.h>
// (HDF5 stays a private dependency of rungs_io); `Hid` is HDF5 1.10's hid_t,
// which the .cpp checks with a static_assert.
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace rungs::io {

using Hid = std::int64_t;
inline constexpr Hid kInvalidHid = -1;

// An HDF5 call failed. Callers add the file name and turn it into an
// InputError where the cause is the user's file.
class Hdf5Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class HandleKind { kFile, kGroup, kDataset, kDataspace, kDatatype, kAttribute, kPropList };

// Closes `id` with the H5?close matching `kind`; errors are ignored because
// a destructor has nowhere to report them.
void close_hid(HandleKind kind, Hid id) noexcept;

// One owned HDF5 id; the kind picks the close function, so a File cannot be
// passed where a Dataset is expected.
template <HandleKind K>
class Handle {
 public:
  Handle() = default;
  explicit Handle(Hid id) : id_(id) {}
  ~Handle() { reset(); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, kInvalidHid)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, kInvalidHid);
    }
    return *this;
  }

  Hid get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  // Gives up ownership, for a caller that closes the id itself and checks the result.
  Hid release() { return std::exchange(id_, kInvalidHid); }
  void reset() noexcept {
    if (id_ >= 0) close_hid(K, id_);
    id_ = kInvalidHid;
  }

 private:
  Hid id_ = kInvalidHid;
};

using File = Handle<HandleKind::kFile>;
using Group = Handle<HandleKind::kGroup>;
using DatasetId = Handle<HandleKind::kDataset>;
using Dataspace = Handle<HandleKind::kDataspace>;
using Datatype = Handle<HandleKind::kDatatype>;
using Attribute = Handle<HandleKind::kAttribute>;
using PropList = Handle<HandleKind::kPropList>;

// --- files and groups -------------------------------------------------------

// Turns off HDF5's automatic error-stack printing for this thread's default
// stack. Every open/create below calls it, so callers need not.
void silence_hdf5_errors();

bool is_hdf5_file(const std::string& path);  // false also when unreadable
File create_file(const std::string& path);   // truncates an existing file
File open_file_read(const std::string& path);
File open_file_write(const std::string& path);  // an existing file, for updates in place
void flush_file(const File& file);
// Closes the file and checks that HDF5 really closed it (data written out),
// unlike the destructor, which cannot report a failure.
void close_file(File& file);

Group create_group(Hid parent, const std::string& name);
Group open_group(Hid parent, const std::string& path);
// Whether `path` (relative or absolute, possibly nested: "a/b/c") names an
// object below `loc`; checks each component so a missing parent is not an error.
bool has_path(Hid loc, const std::string& path);
// Names of the links directly inside a group, in name order.
std::vector<std::string> list_children(Hid group);
void delete_link(Hid loc, const std::string& name);

// Writes an HDF5 file so that readers never see it half-written: `fill`
// writes into "<path>.tmp-<pid>" beside `path`; the file is flushed, closed
// and fsync'ed, renamed over `path`, and the directory is fsync'ed so the
// rename survives a crash. On any failure the temporary file is removed and
// core::InputError is thrown (a missing parent directory is not created).
void write_file_atomically(const std::string& path, const std::function<void(const File&)>& fill);

// --- datasets ---------------------------------------------------------------

enum class ValueClass { kInteger, kFloat, kString, kOther };

DatasetId open_dataset(Hid parent, const std::string& name);
// Shape and element class of a dataset (rank = dims.size()).
std::vector<std::int64_t> dataset_dims(const DatasetId& dset);
ValueClass dataset_class(const DatasetId& dset);
// "float32", "float64", "int64", "uint8", "string", ...: for people.
std::string dataset_type_name(const DatasetId& dset);

void write_column(Hid group, const std::string& name, const std::vector<double>& values);
void write_column(Hid group, const std::string& name, const std::vector<std::int64_t>& values);
void write_column(Hid group, const std::string& name, const std::vector<std::uint64_t>& values);
void write_column(Hid group, const std::string& name, const std::vector<std::string>& values);
// Row-major rows x cols, stored as float32 or float64 like the input.
// A 1-D column as the archive stores it: written whole; chunked (65536
// rows), shuffled and deflated (level 1) from 4096 rows on when this HDF5 can
// compress, contiguous below that; strings NUL-terminated fixed-length UTF-8
// unless a value is longer than 64 bytes (then variable-length).
void write_packed_column(Hid group, const std::string& name, const std::vector<double>& values);
void write_packed_column(Hid group, const std::string& name,
                         const std::vector<std::int64_t>& values);
void write_packed_column(Hid group, const std::string& name,
                         const std::vector<std::uint64_t>& values);
void write_packed_column(Hid group, const std::string& name,
                         const std::vector<std::string>& values);

void write_matrix(Hid group, const std::string& name, const std::vector<float>& values,
                  std::int64_t rows, std::int64_t cols);
// A float32 dataset of any rank; values row-major, filling `dims` exactly.
void write_array(Hid group, const std::string& name, const std::vector<float>& values,
                 const std::vector<std::int64_t>& dims);
void write_matrix(Hid group, const std::string& name, const std::vector<double>& values,
                  std::int64_t rows, std::int64_t cols);

// Whole-dataset reads; HDF5 converts between numeric types (float32 to
// double, int32 to int64). Strings may be variable- or fixed-length.
std::vector<double> read_doubles(const DatasetId& dset);
std::vector<float> read_floats(const DatasetId& dset);
std::vector<std::int64_t> read_int64s(const DatasetId& dset);
std::vector<std::uint64_t> read_uint64s(const DatasetId& dset);
std::vector<std::string> read_strings(const DatasetId& dset);

// --- attributes (on a file, group or dataset) -------------------------------

bool has_attribute(Hid obj, const std::string& name);
void delete_attribute(Hid obj, const std::string& name);
void write_string_attribute(Hid obj, const std::string& name, const std::string& value);
void write_int_attribute(Hid obj, const std::string& name, std::int64_t value);
void write_double_attribute(Hid obj, const std::string& name, double value);
void write_int_array_attribute(Hid obj, const std::string& name,
                               const std::vector<std::int64_t>& values);
void write_double_array_attribute(Hid obj, const std::string& name,
                                  const std::vector<double>& values);
void write_string_array_attribute(Hid obj, const std::string& name,
                                  const std::vector<std::string>& values);

// Scalar reads also accept a one-element 1-D attribute (what some writers produce).
std::string read_string_attribute(Hid obj, const std::string& name);
std::int64_t read_int_attribute(Hid obj, const std::string& name);
double read_double_attribute(Hid obj, const std::string& name);
std::vector<std::int64_t> read_int_array_attribute(Hid obj, const std::string& name);
std::vector<double> read_double_array_attribute(Hid obj, const std::string& name);
std::vector<std::string> read_string_array_attribute(Hid obj, const std::string& name);

}  // namespace rungs::io
