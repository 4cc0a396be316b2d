#include "rungs/io/posix_file.hpp"

#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "rungs/core/error.hpp"

namespace rungs::io {

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) ::close(fd_);
}

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

bool is_storage_failure(int err) {
  return err == ENOSPC || err == EDQUOT || err == EIO || err == EFBIG;
}

void fail_file_operation(const std::string& path, const std::string& what, int err) {
  const std::string problem = what + ": " + std::strerror(err);
  if (is_storage_failure(err)) {
    throw core::StorageError(path, problem,
                             "free space on (or repair) the file system that holds it");
  }
  if (err == EACCES || err == EPERM || err == EROFS) {
    throw core::InputError(path, problem, "make its directory writable, or choose another path");
  }
  throw core::InputError(path, problem, "check the file system that holds it");
}

void sync_file(const std::string& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) fail_file_operation(path, "cannot open the file to sync it", errno);
  if (::fsync(fd.get()) != 0) fail_file_operation(path, "cannot sync", errno);
}

void sync_directory_of(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::string dir = parent.empty() ? "." : parent.string();
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) fail_file_operation(dir, "cannot open the directory to sync it", errno);
  if (::fsync(fd.get()) != 0) fail_file_operation(dir, "cannot sync the directory", errno);
}

void write_bytes_atomically(const std::string& path, const void* data, std::size_t size) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  int err = 0;
  const char* what = "";
  {
    FileDescriptor fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd.valid()) fail_file_operation(tmp, "cannot create", errno);
    const char* p = static_cast<const char*>(data);
    std::size_t left = size;
    while (left > 0 && err == 0) {
      const ssize_t n = ::write(fd.get(), p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        err = errno;
        what = "cannot write";
      } else {
        p += n;
        left -= static_cast<std::size_t>(n);
      }
    }
    if (err == 0 && ::fsync(fd.get()) != 0) {
      err = errno;
      what = "cannot sync";
    }
    if (err == 0 && ::close(fd.release()) != 0) {
      err = errno;
      what = "cannot close";
    }
  }
  if (err == 0 && std::rename(tmp.c_str(), path.c_str()) != 0) {
    err = errno;
    what = "cannot rename the temporary file over";
  }
  if (err != 0) {
    ::unlink(tmp.c_str());  // a part-written file helps nobody and takes space
    fail_file_operation(path, what, err);
  }
  sync_directory_of(path);
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  if (::gmtime_r(&t, &tm) == nullptr) return "unknown-time";
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string host_name() {
  char buf[HOST_NAME_MAX + 1] = {0};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "unknown-host";
  return buf;
}

}  // namespace rungs::io
