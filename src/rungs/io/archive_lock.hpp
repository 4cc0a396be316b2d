#pragma once
// One writer per archive: a sweep holds an exclusive flock on
// "<archive>.lock" for as long as it writes the archive and its journal, so
// a second sweep started on the same archive (a resubmitted batch job, a
// typo) fails at once instead of interleaving writes with the first.
//
//   ArchiveLock lock = ArchiveLock::acquire("runs/sweep.h5");  // throws if held
//   if (lock.took_over_from()) std::printf("previous run (%s) died; taking over\n", ...);
//   ...                                                     // write the archive
//   // the destructor unlocks and deletes runs/sweep.h5.lock
//
// The lock file holds "host pid start-time" (start-time ISO 8601 UTC) so the
// refusal can say who holds it. The kernel drops an flock when its holder
// dies, however it dies (kill -9, OOM killer, node reboot), so a lock file
// left behind by a crash is recognised as stale and taken over; the previous
// holder's "host pid" is then reported by took_over_from().
//
// Network file systems: flock is only as good as the file system's lock
// support. NFSv4 and NFSv3 with a running lock manager (nlockmgr) lock
// across nodes (Linux maps flock to NFS byte-range locks). Some parallel
// file systems lock per node only: Lustre mounted with -o localflock, and
// file systems without a cluster-wide lock service, grant the lock on every
// node independently. There, two sweeps on *different* nodes both acquire it
// and only the lock file's content (written by the last one) hints at the
// clash; two sweeps on the same node still exclude each other. Where flock
// is not supported at all (Lustre with -o noflock, some FUSE mounts),
// acquire() throws core::InputError saying so rather than run unlocked.
#include <optional>
#include <string>

namespace rungs::io {

class ArchiveLock {
 public:
  // Locks "<archive_path>.lock", creating it if needed. Throws
  // core::InputError "<archive>: in use by another sweep (host H, pid P,
  // since T)" when a live process holds it, or when the lock file cannot be
  // created or locked.
  static ArchiveLock acquire(const std::string& archive_path);

  // The content of "<archive_path>.lock" ("host pid start-time"), or nullopt
  // when there is no lock file or it is empty. Reads only; takes no lock,
  // so it cannot tell a live holder from one that died (acquire() can).
  static std::optional<std::string> holder(const std::string& archive_path);

  ArchiveLock(ArchiveLock&& other) noexcept;
  ArchiveLock& operator=(ArchiveLock&& other) noexcept;
  ArchiveLock(const ArchiveLock&) = delete;
  ArchiveLock& operator=(const ArchiveLock&) = delete;
  // Deletes the lock file (while still holding the lock, so that no other
  // process can lock the file being deleted), then unlocks.
  ~ArchiveLock();

  // "host pid" of a previous holder that died without removing the lock
  // file; nullopt when the lock file was new or empty.
  const std::optional<std::string>& took_over_from() const { return took_over_from_; }
  // What this process wrote into the lock file: "host pid start-time".
  const std::string& owner() const { return owner_; }
  const std::string& lock_path() const { return lock_path_; }

 private:
  ArchiveLock(std::string lock_path, int fd, std::string owner,
              std::optional<std::string> took_over_from);
  void release() noexcept;

  std::string lock_path_;
  int fd_ = -1;  // owned: closed (and the lock dropped) by release()
  std::string owner_;
  std::optional<std::string> took_over_from_;
};

}  // namespace rungs::io
