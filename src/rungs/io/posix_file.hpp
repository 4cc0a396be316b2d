#pragma once
// The low-level file concerns every writer shares, each with one owner: a
// file descriptor, a directory fsync, a whole-file atomic write, and the
// host name and UTC time stamps that files record.
//
//   FileDescriptor fd = FileDescriptor::open(path, O_RDONLY);  // throws on failure
//   write_bytes_atomically("runs/a.h5.checkpoints/trial_3.e5.pt", bytes);
//   sync_directory_of(path);                                  // the new entry is durable
//
// Failures throw core::StorageError (a full disk, a quota, an I/O error:
// the machine's storage cannot take the write, which the sweep cannot fix
// by retrying the trial) or core::InputError (a path the user can fix).
#include <cstddef>
#include <string>
#include <utility>

namespace rungs::io {

// Owns one open file descriptor; closes it on destruction. Move-only.
class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor();
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() noexcept { return std::exchange(fd_, -1); }

 private:
  int fd_ = -1;
};

// True for errors that mean the storage is out of room or failing (ENOSPC,
// EDQUOT, EIO, EFBIG), as opposed to a path the user got wrong.
bool is_storage_failure(int err);

// Throws core::StorageError for is_storage_failure(err), else
// core::InputError; `what` says what was being done to `path`.
[[noreturn]] void fail_file_operation(const std::string& path, const std::string& what, int err);

// fsyncs the file at `path`, so that its data reach the disk.
void sync_file(const std::string& path);

// fsyncs the directory that holds `path`, so that a new or renamed entry in
// it survives a crash.
void sync_directory_of(const std::string& path);

// Writes `size` bytes to "<path>.tmp-<pid>", fsyncs it, renames it over
// `path` and fsyncs the directory: readers and crashes see the old file or
// the new one, never a part. On failure the temporary file is removed.
void write_bytes_atomically(const std::string& path, const void* data, std::size_t size);

// "YYYY-MM-DDTHH:MM:SSZ", now.
std::string utc_now();

// This machine's host name ("unknown-host" if it has none).
std::string host_name();

}  // namespace rungs::io
