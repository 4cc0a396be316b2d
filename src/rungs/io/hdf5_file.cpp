#include "rungs/io/hdf5_file.hpp"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <hdf5.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <type_traits>

#include "rungs/core/error.hpp"
#include "rungs/io/posix_file.hpp"

namespace rungs::io {

static_assert(std::is_same_v<hid_t, Hid>,
              "rungs expects HDF5 >= 1.10, where hid_t is a 64-bit integer");

namespace {

// The innermost message on HDF5's error stack ("truncated file: eof = ..."),
// which says more than the API call that failed; then the stack is cleared.
herr_t keep_innermost(unsigned n, const H5E_error2_t* err, void* client) {
  if (n == 0 && err->desc) *static_cast<std::string*>(client) = err->desc;
  return 0;
}

std::string hdf5_detail() {
  std::string detail;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &detail);
  H5Eclear2(H5E_DEFAULT);
  return detail;
}

[[noreturn]] void fail(const std::string& what) {
  std::string detail = hdf5_detail();
  throw Hdf5Error(detail.empty() ? what : what + ": " + detail);
}

void check(herr_t status, const std::string& what) {
  if (status < 0) fail(what);
}

hid_t check_id(hid_t id, const std::string& what) {
  if (id < 0) fail(what);
  return id;
}

// --- datasets and attributes read the same way ------------------------------

// A dataset or an attribute being read; HDF5 has parallel calls for the two.
struct Source {
  hid_t id;
  bool is_attribute;
  std::string name;

  Datatype type() const {
    hid_t t = is_attribute ? H5Aget_type(id) : H5Dget_type(id);
    return Datatype(check_id(t, "cannot get the type of " + name));
  }
  Dataspace space() const {
    hid_t s = is_attribute ? H5Aget_space(id) : H5Dget_space(id);
    return Dataspace(check_id(s, "cannot get the shape of " + name));
  }
  void read(hid_t mem_type, void* buf) const {
    herr_t r = is_attribute ? H5Aread(id, mem_type, buf)
                            : H5Dread(id, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    check(r, "cannot read " + name);
  }
};

std::size_t element_count(const Source& src) {
  Dataspace space = src.space();
  hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n < 0) fail("cannot count the elements of " + src.name);
  return static_cast<std::size_t>(n);
}

ValueClass value_class(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_INTEGER: return ValueClass::kInteger;
    case H5T_FLOAT: return ValueClass::kFloat;
    case H5T_STRING: return ValueClass::kString;
    default: return ValueClass::kOther;
  }
}

const char* class_name(ValueClass c) {
  switch (c) {
    case ValueClass::kInteger: return "integer";
    case ValueClass::kFloat: return "float";
    case ValueClass::kString: return "string";
    case ValueClass::kOther: break;
  }
  return "non-numeric, non-string";
}

// Numbers are read through HDF5's conversion; a string where a number is
// expected would fail inside HDF5 with an obscure message, so say it first.
template <typename T>
std::vector<T> read_numbers(const Source& src, hid_t mem_type, bool integers_only) {
  ValueClass c = value_class(src.type().get());
  bool ok = c == ValueClass::kInteger || (c == ValueClass::kFloat && !integers_only);
  if (!ok) {
    throw Hdf5Error(src.name + " holds " + class_name(c) + " values, expected " +
                    (integers_only ? "integers" : "numbers"));
  }
  std::vector<T> values(element_count(src));
  if (!values.empty()) src.read(mem_type, values.data());
  return values;
}

Datatype string_memory_type(hid_t file_type, bool variable) {
  Datatype mem(check_id(H5Tcopy(H5T_C_S1), "cannot create a string type"));
  size_t size = variable ? H5T_VARIABLE : H5Tget_size(file_type);
  check(H5Tset_size(mem.get(), size), "cannot size a string type");
  H5T_cset_t cset = H5Tget_cset(file_type);
  if (cset >= 0) check(H5Tset_cset(mem.get(), cset), "cannot set a string encoding");
  if (!variable) {
    H5T_str_t pad = H5Tget_strpad(file_type);
    if (pad >= 0) check(H5Tset_strpad(mem.get(), pad), "cannot set string padding");
  }
  return mem;
}

std::vector<std::string> read_variable_strings(const Source& src, hid_t file_type, std::size_t n) {
  Datatype mem = string_memory_type(file_type, true);
  std::vector<char*> raw(n, nullptr);
  src.read(mem.get(), raw.data());
  std::vector<std::string> out;
  out.reserve(n);
  for (char* s : raw) out.emplace_back(s ? s : "");
  // HDF5 allocated each string; hand them back through HDF5's own free.
  Dataspace space = src.space();
  H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, raw.data());
  return out;
}

std::vector<std::string> read_fixed_strings(const Source& src, hid_t file_type, std::size_t n) {
  Datatype mem = string_memory_type(file_type, false);
  std::size_t width = H5Tget_size(file_type);
  if (width == 0) fail("cannot get the string width of " + src.name);
  std::vector<char> raw(n * width, '\0');
  src.read(mem.get(), raw.data());
  std::vector<std::string> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const char* p = raw.data() + i * width;
    std::size_t len = 0;
    while (len < width && p[len] != '\0') ++len;
    std::string s(p, len);
    // Space padding (Fortran style) is not part of the value.
    if (H5Tget_strpad(file_type) == H5T_STR_SPACEPAD) s.erase(s.find_last_not_of(' ') + 1);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::string> read_strings_from(const Source& src) {
  Datatype type = src.type();
  if (value_class(type.get()) != ValueClass::kString) {
    throw Hdf5Error(src.name + " holds " + class_name(value_class(type.get())) +
                    " values, expected strings");
  }
  std::size_t n = element_count(src);
  if (n == 0) return {};
  htri_t variable = H5Tis_variable_str(type.get());
  if (variable < 0) fail("cannot inspect the string type of " + src.name);
  return variable ? read_variable_strings(src, type.get(), n)
                  : read_fixed_strings(src, type.get(), n);
}

// --- writing ----------------------------------------------------------------

Datatype utf8_string_type() {
  Datatype t(check_id(H5Tcopy(H5T_C_S1), "cannot create a string type"));
  check(H5Tset_size(t.get(), H5T_VARIABLE), "cannot make a variable-length string type");
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), "cannot set UTF-8 on a string type");
  return t;
}

Dataspace simple_space(const std::vector<hsize_t>& dims) {
  return Dataspace(check_id(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                            "cannot create a dataspace"));
}

Dataspace scalar_space() {
  return Dataspace(check_id(H5Screate(H5S_SCALAR), "cannot create a scalar dataspace"));
}

// Contiguous layout: columns are written once, whole, and read whole.
void write_dataset(hid_t loc, const std::string& name, hid_t file_type, hid_t mem_type,
                   const std::vector<hsize_t>& dims, const void* data, std::size_t count) {
  Dataspace space = simple_space(dims);
  DatasetId dset(check_id(
      H5Dcreate2(loc, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      "cannot create dataset '" + name + "'"));
  if (count == 0) return;  // an empty column has nothing to write
  check(H5Dwrite(dset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
        "cannot write dataset '" + name + "'");
}

void check_matrix_shape(const std::string& name, std::size_t size, std::int64_t rows,
                        std::int64_t cols) {
  if (rows < 0 || cols < 0 || static_cast<std::size_t>(rows * cols) != size) {
    throw Hdf5Error("matrix '" + name + "': " + std::to_string(size) + " values do not fill " +
                    std::to_string(rows) + " x " + std::to_string(cols));
  }
}

void write_attribute(hid_t obj, const std::string& name, hid_t file_type, hid_t mem_type,
                     const Dataspace& space, const void* data) {
  Attribute attr(
      check_id(H5Acreate2(obj, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
               "cannot create attribute '" + name + "'"));
  check(H5Awrite(attr.get(), mem_type, data), "cannot write attribute '" + name + "'");
}

template <typename T>
void write_array_attribute(hid_t obj, const std::string& name, hid_t file_type, hid_t mem_type,
                           const std::vector<T>& values) {
  Dataspace space = simple_space({static_cast<hsize_t>(values.size())});
  // An empty attribute still needs a valid buffer pointer.
  T dummy{};
  write_attribute(obj, name, file_type, mem_type, space, values.empty() ? &dummy : values.data());
}

std::vector<const char*> c_strings(const std::vector<std::string>& values) {
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& s : values) ptrs.push_back(s.c_str());
  return ptrs;
}

Attribute open_attribute(hid_t obj, const std::string& name) {
  return Attribute(
      check_id(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "cannot open attribute '" + name + "'"));
}

template <typename T>
T single(std::vector<T> values, const std::string& name) {
  if (values.size() != 1) {
    throw Hdf5Error("attribute '" + name + "' has " + std::to_string(values.size()) +
                    " values, expected one");
  }
  return std::move(values[0]);
}

Source attribute_source(const Attribute& attr, const std::string& name) {
  return Source{attr.get(), true, "attribute '" + name + "'"};
}

Source dataset_source(const DatasetId& dset) {
  char buf[256] = {0};
  ssize_t len = H5Iget_name(dset.get(), buf, sizeof buf);
  return Source{dset.get(), false, len > 0 ? "dataset '" + std::string(buf) + "'" : "dataset"};
}

// --- atomic replacement -----------------------------------------------------

// --- packed columns ---------------------------------------------------------


// Below this many rows a column is too small for compression to pay for its
// chunk index; such columns stay contiguous.
constexpr std::size_t kCompressRows = 4096;
// 512 KiB of float64 per chunk: large writes, and within HDF5's default
// 1 MiB chunk cache for readers that read a chunk at a time.
constexpr hsize_t kChunkRows = 65536;
// Level 1: most of deflate's gain on shuffled numbers at a fraction of its
// cost (docs/benchmarks-archive.md).
constexpr unsigned kDeflateLevel = 1;

// Deflate is optional in an HDF5 build; without it (or its encoder) the
// archive is written uncompressed rather than not at all.
bool can_compress() {
  unsigned info = 0;
  return H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0 && H5Zfilter_avail(H5Z_FILTER_SHUFFLE) > 0 &&
         H5Zget_filter_info(H5Z_FILTER_DEFLATE, &info) >= 0 &&
         (info & H5Z_FILTER_CONFIG_ENCODE_ENABLED) != 0;
}

PropList compressed_layout(std::size_t rows, const std::string& name) {
  PropList dcpl(check_id(H5Pcreate(H5P_DATASET_CREATE), "cannot create a dataset property list"));
  hsize_t chunk = std::min<hsize_t>(rows, kChunkRows);
  check_id(H5Pset_chunk(dcpl.get(), 1, &chunk), "cannot chunk column '" + name + "'");
  check_id(H5Pset_shuffle(dcpl.get()), "cannot shuffle column '" + name + "'");
  check_id(H5Pset_deflate(dcpl.get(), kDeflateLevel), "cannot compress column '" + name + "'");
  return dcpl;
}

// A 1-D dataset written whole; chunked and compressed when `compress`.
void write_rows(Hid g, const std::string& name, hid_t file_type, hid_t mem_type, const void* data,
                std::size_t rows, bool compress) {
  hsize_t dims = rows;
  Dataspace space(check_id(H5Screate_simple(1, &dims, nullptr), "cannot create a dataspace"));
  PropList dcpl = compress ? compressed_layout(rows, name) : PropList();
  DatasetId dset(check_id(H5Dcreate2(g, name.c_str(), file_type, space.get(), H5P_DEFAULT,
                                    compress ? dcpl.get() : H5P_DEFAULT, H5P_DEFAULT),
                         "cannot create dataset '" + name + "'"));
  if (rows == 0) return;
  check_id(H5Dwrite(dset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
          "cannot write dataset '" + name + "'");
}

// Strings this long at most are stored fixed-length. Variable-length ones
// cost ~30 bytes each in HDF5's uncompressed, unchecksummed global heap, and
// damage to that heap or to the references into it can crash libhdf5;
// fixed-length ones compress to almost nothing and are plain bytes.
constexpr std::size_t kMaxFixedStringBytes = 64;

std::size_t longest(const std::vector<std::string>& values) {
  std::size_t n = 0;
  for (const auto& v : values) n = std::max(n, v.size());
  return n;
}

// NUL-terminated UTF-8 in `width` bytes (the longest value and its NUL):
// h5py, pandas and h5dump read it as plainly as variable-length strings
// (asstr() in h5py).
void write_fixed_strings(Hid g, const std::string& name, const std::vector<std::string>& values,
                         std::size_t width, bool compress) {
  Datatype type(check_id(H5Tcopy(H5T_C_S1), "cannot create a string type"));
  check_id(H5Tset_size(type.get(), width), "cannot size a string type");
  check_id(H5Tset_strpad(type.get(), H5T_STR_NULLTERM), "cannot set string padding");
  check_id(H5Tset_cset(type.get(), H5T_CSET_UTF8), "cannot set UTF-8 on a string type");
  std::vector<char> buffer(values.size() * width, '\0');
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i].copy(buffer.data() + i * width, values[i].size());
  }
  write_rows(g, name, type.get(), type.get(), buffer.data(), values.size(), compress);
}

std::string parent_directory(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

// HDF5 reports a failed write without an errno of ours: a full disk shows in
// its message, or in the file system having no space left.
bool storage_is_full(const std::string& message, const std::string& dir) {
  if (message.find("No space left") != std::string::npos ||
      message.find("quota") != std::string::npos) {
    return true;
  }
  struct statvfs fs {};
  return ::statvfs(dir.c_str(), &fs) == 0 && fs.f_bavail == 0;
}

// "No space left on device" from HDF5's "... error message = 'No space left
// on device', ..." (or from errno's text for a full disk).
std::string system_reason(const std::string& hdf5_message) {
  const std::string tag = "error message = '";
  const auto at = hdf5_message.find(tag);
  if (at != std::string::npos) {
    const auto end = hdf5_message.find('\'', at + tag.size());
    if (end != std::string::npos) return hdf5_message.substr(at + tag.size(), end - at - tag.size());
  }
  return std::strerror(ENOSPC);
}

void write_and_rename(const std::string& tmp, const std::string& path,
                      const std::function<void(const File&)>& fill) {
  File file = create_file(tmp);
  fill(file);
  flush_file(file);
  close_file(file);
  // Data and directory entries reach the disk only on fsync; without it a
  // crash right after the rename can leave an empty file under the final name.
  sync_file(tmp);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    fail_file_operation(path, "cannot rename " + tmp + " over it", errno);
  }
  sync_directory_of(path);
}

}  // namespace

void write_file_atomically(const std::string& path, const std::function<void(const File&)>& fill) {
  std::string dir = parent_directory(path);
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw core::InputError(path, "directory '" + dir + "' does not exist",
                           "create it first (mkdir -p " + dir + ") or choose another path");
  }
  std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  try {
    write_and_rename(tmp, path, fill);
  } catch (const core::InputError&) {
    std::remove(tmp.c_str());
    throw;
  } catch (const std::exception& e) {
    std::remove(tmp.c_str());
    const auto* sys = dynamic_cast<const std::system_error*>(&e);
    if ((sys && is_storage_failure(sys->code().value())) || storage_is_full(e.what(), dir)) {
      // One line: HDF5's message spans lines and names buffers; the system's
      // reason is what the user can act on.
      throw core::StorageError(path, std::string("cannot write: ") + system_reason(e.what()),
                               "free space on the file system that holds it, then run the same command "
                               "again (it resumes what was saved)");
    }
    throw core::InputError(path, std::string("cannot write: ") + e.what(),
                           "check that the directory is writable and the disk has free space");
  }
}

void close_hid(HandleKind kind, Hid id) noexcept {
  switch (kind) {
    case HandleKind::kFile: H5Fclose(id); break;
    case HandleKind::kGroup: H5Gclose(id); break;
    case HandleKind::kDataset: H5Dclose(id); break;
    case HandleKind::kDataspace: H5Sclose(id); break;
    case HandleKind::kDatatype: H5Tclose(id); break;
    case HandleKind::kAttribute: H5Aclose(id); break;
    case HandleKind::kPropList: H5Pclose(id); break;
  }
}

// --- files and groups -------------------------------------------------------

// HDF5 closes whatever is still open when the process exits; a file whose
// flush failed (a full disk) can crash it there. Every file rungs opens is
// closed by its handle, so the exit-time pass is not needed: turned off
// before HDF5 is first used (at start-up, as the library is loaded).
const bool kHdf5ExitCleanupOff = [] {
  H5dont_atexit();
  return true;
}();

void silence_hdf5_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

bool is_hdf5_file(const std::string& path) {
  silence_hdf5_errors();
  htri_t r = H5Fis_hdf5(path.c_str());
  H5Eclear2(H5E_DEFAULT);
  return r > 0;
}

File create_file(const std::string& path) {
  silence_hdf5_errors();
  // Strong close: H5Fclose then closes anything still open in the file, so a
  // successful close_file() means everything reached the file.
  PropList fapl(check_id(H5Pcreate(H5P_FILE_ACCESS), "cannot create a file access list"));
  check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), "cannot set the close degree");
  // The 1.8 format checksums its metadata, so most damage is reported as an
  // error instead of read as garbage; any HDF5 since 1.8 (2008) reads it.
  check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V18),
        "cannot set the file format version");
  return File(check_id(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()),
                       "cannot create HDF5 file " + path));
}

File open_file_read(const std::string& path) {
  silence_hdf5_errors();
  return File(check_id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT),
                       "cannot open HDF5 file " + path));
}

File open_file_write(const std::string& path) {
  silence_hdf5_errors();
  return File(check_id(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT),
                       "cannot open HDF5 file " + path + " for writing"));
}

void flush_file(const File& file) {
  check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "cannot flush HDF5 file");
}

void close_file(File& file) {
  if (!file.valid()) return;
  check(H5Fclose(file.release()), "cannot close HDF5 file");
}

Group create_group(Hid parent, const std::string& name) {
  return Group(check_id(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                        "cannot create group '" + name + "'"));
}

Group open_group(Hid parent, const std::string& path) {
  return Group(
      check_id(H5Gopen2(parent, path.c_str(), H5P_DEFAULT), "cannot open group '" + path + "'"));
}

bool has_path(Hid loc, const std::string& path) {
  std::string prefix = (!path.empty() && path[0] == '/') ? "/" : "";
  std::size_t pos = 0;
  while (pos <= path.size()) {
    std::size_t next = path.find('/', pos);
    if (next == std::string::npos) next = path.size();
    std::string part = path.substr(pos, next - pos);
    pos = next + 1;
    if (part.empty() || part == ".") continue;
    if (!prefix.empty() && prefix.back() != '/') prefix += '/';
    prefix += part;
    htri_t r = H5Lexists(loc, prefix.c_str(), H5P_DEFAULT);
    if (r < 0) fail("cannot look up '" + prefix + "'");
    if (r == 0) return false;
  }
  return true;
}

std::vector<std::string> list_children(Hid group) {
  H5G_info_t info;
  check(H5Gget_info(group, &info), "cannot list a group");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    ssize_t len =
        H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (len < 0) fail("cannot read a link name");
    std::string name(static_cast<std::size_t>(len) + 1, '\0');
    if (H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(),
                           H5P_DEFAULT) < 0) {
      fail("cannot read a link name");
    }
    name.resize(static_cast<std::size_t>(len));
    names.push_back(std::move(name));
  }
  return names;
}

void delete_link(Hid loc, const std::string& name) {
  check(H5Ldelete(loc, name.c_str(), H5P_DEFAULT), "cannot delete '" + name + "'");
}

// --- datasets ---------------------------------------------------------------

DatasetId open_dataset(Hid parent, const std::string& name) {
  return DatasetId(
      check_id(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), "cannot open dataset '" + name + "'"));
}

std::vector<std::int64_t> dataset_dims(const DatasetId& dset) {
  Dataspace space = dataset_source(dset).space();
  int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) fail("cannot get the rank of a dataset");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0) {
    check(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr),
          "cannot get the dimensions of a dataset");
  }
  return std::vector<std::int64_t>(dims.begin(), dims.end());
}

ValueClass dataset_class(const DatasetId& dset) {
  return value_class(dataset_source(dset).type().get());
}

std::string dataset_type_name(const DatasetId& dset) {
  const Datatype type = dataset_source(dset).type();
  const std::string bits = std::to_string(8 * H5Tget_size(type.get()));
  switch (value_class(type.get())) {
    case ValueClass::kFloat: return "float" + bits;
    case ValueClass::kInteger:
      return (H5Tget_sign(type.get()) == H5T_SGN_NONE ? "uint" : "int") + bits;
    case ValueClass::kString: return "string";
    case ValueClass::kOther: break;
  }
  return "other";
}

void write_array(Hid group, const std::string& name, const std::vector<float>& values,
                 const std::vector<std::int64_t>& dims) {
  std::vector<hsize_t> shape;
  std::size_t count = 1;
  for (std::int64_t d : dims) {
    if (d < 0) throw Hdf5Error("array '" + name + "': negative dimension");
    shape.push_back(static_cast<hsize_t>(d));
    count *= static_cast<std::size_t>(d);
  }
  if (count != values.size()) {
    throw Hdf5Error("array '" + name + "': " + std::to_string(values.size()) +
                    " values do not fill its shape");
  }
  write_dataset(group, name, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, shape, values.data(),
                values.size());
}

void write_column(Hid group, const std::string& name, const std::vector<double>& values) {
  write_dataset(group, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {values.size()}, values.data(),
                values.size());
}

void write_column(Hid group, const std::string& name, const std::vector<std::int64_t>& values) {
  write_dataset(group, name, H5T_STD_I64LE, H5T_NATIVE_INT64, {values.size()}, values.data(),
                values.size());
}

void write_column(Hid group, const std::string& name, const std::vector<std::uint64_t>& values) {
  write_dataset(group, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, {values.size()}, values.data(),
                values.size());
}

void write_column(Hid group, const std::string& name, const std::vector<std::string>& values) {
  Datatype type = utf8_string_type();
  std::vector<const char*> ptrs = c_strings(values);
  write_dataset(group, name, type.get(), type.get(), {values.size()}, ptrs.data(), ptrs.size());
}

void write_matrix(Hid group, const std::string& name, const std::vector<float>& values,
                  std::int64_t rows, std::int64_t cols) {
  check_matrix_shape(name, values.size(), rows, cols);
  write_dataset(group, name, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT,
                {static_cast<hsize_t>(rows), static_cast<hsize_t>(cols)}, values.data(),
                values.size());
}

void write_matrix(Hid group, const std::string& name, const std::vector<double>& values,
                  std::int64_t rows, std::int64_t cols) {
  check_matrix_shape(name, values.size(), rows, cols);
  write_dataset(group, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                {static_cast<hsize_t>(rows), static_cast<hsize_t>(cols)}, values.data(),
                values.size());
}

std::vector<double> read_doubles(const DatasetId& dset) {
  return read_numbers<double>(dataset_source(dset), H5T_NATIVE_DOUBLE, false);
}

std::vector<float> read_floats(const DatasetId& dset) {
  return read_numbers<float>(dataset_source(dset), H5T_NATIVE_FLOAT, false);
}

std::vector<std::int64_t> read_int64s(const DatasetId& dset) {
  return read_numbers<std::int64_t>(dataset_source(dset), H5T_NATIVE_INT64, true);
}

std::vector<std::uint64_t> read_uint64s(const DatasetId& dset) {
  return read_numbers<std::uint64_t>(dataset_source(dset), H5T_NATIVE_UINT64, true);
}

std::vector<std::string> read_strings(const DatasetId& dset) {
  return read_strings_from(dataset_source(dset));
}

// --- attributes -------------------------------------------------------------

bool has_attribute(Hid obj, const std::string& name) {
  htri_t r = H5Aexists(obj, name.c_str());
  if (r < 0) fail("cannot look up attribute '" + name + "'");
  return r > 0;
}

void delete_attribute(Hid obj, const std::string& name) {
  check(H5Adelete(obj, name.c_str()), "cannot delete attribute '" + name + "'");
}

void write_string_attribute(Hid obj, const std::string& name, const std::string& value) {
  Datatype type = utf8_string_type();
  const char* ptr = value.c_str();
  write_attribute(obj, name, type.get(), type.get(), scalar_space(), &ptr);
}

void write_int_attribute(Hid obj, const std::string& name, std::int64_t value) {
  write_attribute(obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, scalar_space(), &value);
}

void write_double_attribute(Hid obj, const std::string& name, double value) {
  write_attribute(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, scalar_space(), &value);
}

void write_int_array_attribute(Hid obj, const std::string& name,
                               const std::vector<std::int64_t>& values) {
  write_array_attribute(obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, values);
}

void write_double_array_attribute(Hid obj, const std::string& name,
                                  const std::vector<double>& values) {
  write_array_attribute(obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values);
}

void write_string_array_attribute(Hid obj, const std::string& name,
                                  const std::vector<std::string>& values) {
  Datatype type = utf8_string_type();
  std::vector<const char*> ptrs = c_strings(values);
  write_array_attribute(obj, name, type.get(), type.get(), ptrs);
}

std::string read_string_attribute(Hid obj, const std::string& name) {
  return single(read_string_array_attribute(obj, name), name);
}

std::int64_t read_int_attribute(Hid obj, const std::string& name) {
  return single(read_int_array_attribute(obj, name), name);
}

double read_double_attribute(Hid obj, const std::string& name) {
  return single(read_double_array_attribute(obj, name), name);
}

std::vector<std::int64_t> read_int_array_attribute(Hid obj, const std::string& name) {
  Attribute attr = open_attribute(obj, name);
  return read_numbers<std::int64_t>(attribute_source(attr, name), H5T_NATIVE_INT64, true);
}

std::vector<double> read_double_array_attribute(Hid obj, const std::string& name) {
  Attribute attr = open_attribute(obj, name);
  return read_numbers<double>(attribute_source(attr, name), H5T_NATIVE_DOUBLE, false);
}

std::vector<std::string> read_string_array_attribute(Hid obj, const std::string& name) {
  Attribute attr = open_attribute(obj, name);
  return read_strings_from(attribute_source(attr, name));
}

template <typename T>
void write_packed(Hid g, const std::string& name, const std::vector<T>& values) {
  const bool compress = values.size() >= kCompressRows && can_compress();
  const std::size_t n = values.size();
  if constexpr (std::is_same_v<T, std::string>) {
    const std::size_t width = longest(values);
    if (width > kMaxFixedStringBytes) {
      write_column(g, name, values);  // variable-length, contiguous
    } else {
      write_fixed_strings(g, name, values, width + 1, compress);
    }
  } else if constexpr (std::is_same_v<T, double>) {
    write_rows(g, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values.data(), n, compress);
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    write_rows(g, name, H5T_STD_I64LE, H5T_NATIVE_INT64, values.data(), n, compress);
  } else {
    static_assert(std::is_same_v<T, std::uint64_t>, "columns are numbers or strings");
    write_rows(g, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, values.data(), n, compress);
  }
}

void write_packed_column(Hid g, const std::string& name, const std::vector<double>& values) {
  write_packed(g, name, values);
}
void write_packed_column(Hid g, const std::string& name, const std::vector<std::int64_t>& values) {
  write_packed(g, name, values);
}
void write_packed_column(Hid g, const std::string& name, const std::vector<std::uint64_t>& values) {
  write_packed(g, name, values);
}
void write_packed_column(Hid g, const std::string& name, const std::vector<std::string>& values) {
  write_packed(g, name, values);
}

}  // namespace rungs::io
