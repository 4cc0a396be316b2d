#include "rungs/io/archive_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <ctime>
#include <utility>
#include <vector>

#include "rungs/core/error.hpp"
#include "rungs/io/posix_file.hpp"

namespace rungs::io {
namespace {

using core::InputError;

[[noreturn]] void fail(const std::string& lock_path, const std::string& what, int err,
                       const std::string& fix) {
  throw InputError(lock_path, what + ": " + std::strerror(err), fix);
}

// The whole (small) file from its start; "" when it cannot be read.
std::string read_content(int fd) {
  std::string out;
  char buf[512];
  off_t offset = 0;
  while (out.size() < 4096) {
    ssize_t n = ::pread(fd, buf, sizeof buf, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    offset += n;
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// "host pid start-time" -> its words; fewer when the file was cut short.
std::vector<std::string> words(const std::string& content) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < content.size()) {
    std::size_t end = content.find(' ', pos);
    if (end == std::string::npos) end = content.size();
    if (end > pos) out.push_back(content.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

std::string word_or(const std::vector<std::string>& w, std::size_t i, const char* fallback) {
  return i < w.size() ? w[i] : fallback;
}

[[noreturn]] void fail_held(const std::string& archive_path, const std::string& lock_path,
                            const std::string& content) {
  std::vector<std::string> w = words(content);
  throw InputError(archive_path,
                   "in use by another sweep (host " + word_or(w, 0, "?") + ", pid " +
                       word_or(w, 1, "?") + ", since " + word_or(w, 2, "?") + ")",
                   "wait for it to finish, or if that job is dead, delete " + lock_path);
}

// Whether `fd` is still the file at `path`: a holder deletes the lock file
// before it unlocks, so a lock won on a file already unlinked is worthless.
bool still_linked(int fd, const std::string& path) {
  struct stat by_fd, by_path;
  if (::fstat(fd, &by_fd) != 0) return false;
  if (::stat(path.c_str(), &by_path) != 0) return false;
  return by_fd.st_dev == by_path.st_dev && by_fd.st_ino == by_path.st_ino;
}

// Opens and flocks the lock file; throws when another process holds it.
FileDescriptor lock_file(const std::string& archive_path, const std::string& lock_path) {
  const std::string fix = "make the archive's directory writable, or choose another archive path";
  // A holder may delete the file between our open and our flock; a few
  // retries settle that race (each try follows a real unlink).
  for (int attempt = 0; attempt < 16; ++attempt) {
    FileDescriptor fd(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (fd.get() < 0) fail(lock_path, "cannot create the lock file", errno, fix);
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      if (err == EWOULDBLOCK) fail_held(archive_path, lock_path, read_content(fd.get()));
      if (err == EINTR) continue;
      fail(lock_path, "cannot lock (the file system may not support flock)", err,
           "put the archive on a file system with locking (local disk, NFS with a lock "
           "manager, Lustre mounted with -o flock)");
    }
    if (still_linked(fd.get(), lock_path)) return fd;
  }
  throw InputError(lock_path, "the lock file keeps being replaced while we try to lock it",
                   "make sure only one sweep starts on this archive at a time");
}

void write_owner(int fd, const std::string& lock_path, const std::string& owner) {
  const std::string fix = "check that the archive's file system is writable and not full";
  if (::ftruncate(fd, 0) != 0) fail(lock_path, "cannot truncate the lock file", errno, fix);
  std::string line = owner + "\n";
  std::size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::pwrite(fd, line.data() + done, line.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(lock_path, "cannot write the lock file", errno, fix);
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

ArchiveLock ArchiveLock::acquire(const std::string& archive_path) {
  const std::string lock_path = archive_path + ".lock";
  FileDescriptor fd = lock_file(archive_path, lock_path);
  // We hold the lock; anything in the file was left by a holder that died.
  std::optional<std::string> previous;
  std::vector<std::string> old = words(read_content(fd.get()));
  if (!old.empty()) previous = word_or(old, 0, "?") + " " + word_or(old, 1, "?");
  std::string owner = host_name() + " " + std::to_string(::getpid()) + " " + utc_now();
  write_owner(fd.get(), lock_path, owner);
  return ArchiveLock(lock_path, fd.release(), std::move(owner), std::move(previous));
}

std::optional<std::string> ArchiveLock::holder(const std::string& archive_path) {
  FileDescriptor fd(::open((archive_path + ".lock").c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return std::nullopt;
  std::string content = read_content(fd.get());
  if (content.empty()) return std::nullopt;
  return content;
}

ArchiveLock::ArchiveLock(std::string lock_path, int fd, std::string owner,
                         std::optional<std::string> took_over_from)
    : lock_path_(std::move(lock_path)),
      fd_(fd),
      owner_(std::move(owner)),
      took_over_from_(std::move(took_over_from)) {}

ArchiveLock::ArchiveLock(ArchiveLock&& other) noexcept
    : lock_path_(std::move(other.lock_path_)),
      fd_(std::exchange(other.fd_, -1)),
      owner_(std::move(other.owner_)),
      took_over_from_(std::move(other.took_over_from_)) {}

ArchiveLock& ArchiveLock::operator=(ArchiveLock&& other) noexcept {
  if (this != &other) {
    release();
    lock_path_ = std::move(other.lock_path_);
    fd_ = std::exchange(other.fd_, -1);
    owner_ = std::move(other.owner_);
    took_over_from_ = std::move(other.took_over_from_);
  }
  return *this;
}

ArchiveLock::~ArchiveLock() { release(); }

void ArchiveLock::release() noexcept {
  if (fd_ < 0) return;
  // Unlink only our own file (someone may have deleted it by hand and
  // another sweep created a new one), and before unlocking.
  if (still_linked(fd_, lock_path_)) ::unlink(lock_path_.c_str());
  ::close(fd_);
  fd_ = -1;
}

}  // namespace rungs::io
