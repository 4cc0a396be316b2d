#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "rungs/core/error.hpp"
#include "rungs/io/archive_lock.hpp"
#include "support/test_support.hpp"

namespace {

namespace fs = std::filesystem;
using rungs::core::InputError;
using rungs::io::ArchiveLock;

using rungs::test_support::input_error_message;
using rungs::test_support::contains;

std::string test_dir() { return rungs::test_support::scratch_dir("rungs_io_lock"); }

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string this_host() {
  char buf[256] = {0};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

TEST(ArchiveLock, WritesHostPidAndStartTimeIntoTheLockFile) {
  std::string archive = test_dir() + "/sweep.h5";
  ArchiveLock lock = ArchiveLock::acquire(archive);
  EXPECT_EQ(lock.lock_path(), archive + ".lock");
  std::string content = read_text(archive + ".lock");
  std::string expected_start = this_host() + " " + std::to_string(::getpid()) + " ";
  EXPECT_EQ(content.rfind(expected_start, 0), 0u) << content;
  EXPECT_EQ(content, lock.owner() + "\n");
  // "2024-05-01T12:00:00Z" after host and pid.
  EXPECT_EQ(content.size(), expected_start.size() + 20 + 1) << content;
  EXPECT_FALSE(lock.took_over_from().has_value());
}

// flock locks belong to an open file description, so a second open of the
// lock file in the same process conflicts like another process would.
TEST(ArchiveLock, SecondAcquireFailsNamingTheHolder) {
  std::string archive = test_dir() + "/sweep.h5";
  ArchiveLock first = ArchiveLock::acquire(archive);
  std::string msg = input_error_message([&] { ArchiveLock::acquire(archive); });
  std::string holder = "host " + this_host() + ", pid " + std::to_string(::getpid()) + ", since ";
  EXPECT_TRUE(contains(msg, archive + ": in use by another sweep (" + holder)) << msg;
  EXPECT_TRUE(contains(msg, "delete " + archive + ".lock")) << msg;
  // The failed attempt neither deleted nor rewrote the holder's file.
  EXPECT_EQ(read_text(archive + ".lock"), first.owner() + "\n");
}

TEST(ArchiveLock, ReleaseDeletesTheLockFileAndFreesTheArchive) {
  std::string archive = test_dir() + "/sweep.h5";
  { ArchiveLock lock = ArchiveLock::acquire(archive); }
  EXPECT_FALSE(fs::exists(archive + ".lock"));
  ArchiveLock again = ArchiveLock::acquire(archive);
  EXPECT_FALSE(again.took_over_from().has_value());
}

TEST(ArchiveLock, MovedLockIsReleasedOnce) {
  std::string archive = test_dir() + "/sweep.h5";
  ArchiveLock a = ArchiveLock::acquire(archive);
  ArchiveLock b = std::move(a);
  EXPECT_TRUE(fs::exists(archive + ".lock"));
  EXPECT_THROW(ArchiveLock::acquire(archive), InputError);
}

TEST(ArchiveLock, StaleLockFileIsTakenOverAndReported) {
  // A holder killed with -9 leaves its file; the kernel dropped its flock.
  std::string archive = test_dir() + "/sweep.h5";
  std::ofstream(archive + ".lock") << "deadnode 4242 2024-01-01T00:00:00Z\n";
  ArchiveLock lock = ArchiveLock::acquire(archive);
  ASSERT_TRUE(lock.took_over_from().has_value());
  EXPECT_EQ(*lock.took_over_from(), "deadnode 4242");
  EXPECT_EQ(read_text(archive + ".lock"), lock.owner() + "\n");
}

TEST(ArchiveLock, EmptyLockFileIsTakenOverSilently) {
  // A holder that died between creating the file and writing it.
  std::string archive = test_dir() + "/sweep.h5";
  std::ofstream(archive + ".lock").flush();
  ArchiveLock lock = ArchiveLock::acquire(archive);
  EXPECT_FALSE(lock.took_over_from().has_value());
}

TEST(ArchiveLock, HeldByAnotherDescriptorWithoutContentStillRefuses) {
  // A holder between its flock and its write: the message says "?" rather
  // than inventing a holder.
  std::string archive = test_dir() + "/sweep.h5";
  int fd = ::open((archive + ".lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  std::string msg = input_error_message([&] { ArchiveLock::acquire(archive); });
  ::close(fd);
  EXPECT_TRUE(contains(msg, "in use by another sweep (host ?, pid ?, since ?)")) << msg;
}

TEST(ArchiveLock, HolderReadsWithoutLocking) {
  std::string archive = test_dir() + "/sweep.h5";
  EXPECT_FALSE(ArchiveLock::holder(archive).has_value());
  {
    ArchiveLock lock = ArchiveLock::acquire(archive);
    auto h = ArchiveLock::holder(archive);
    ASSERT_TRUE(h.has_value());
    EXPECT_EQ(*h, lock.owner());
    // holder() took no lock: the holder is undisturbed and still exclusive.
    EXPECT_THROW(ArchiveLock::acquire(archive), InputError);
  }
  EXPECT_FALSE(ArchiveLock::holder(archive).has_value());
}

TEST(ArchiveLock, MissingDirectoryIsInputErrorWithFix) {
  std::string archive = test_dir() + "/no/such/dir/sweep.h5";
  std::string msg = input_error_message([&] { ArchiveLock::acquire(archive); });
  EXPECT_TRUE(contains(msg, archive + ".lock")) << msg;
  EXPECT_TRUE(contains(msg, "writable")) << msg;
}

}  // namespace
