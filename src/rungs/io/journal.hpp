#pragma once
// The sweep's journal: an append-only file of core::SweepEvent records beside
// the archive. HDF5 is not crash-safe, so the archive is only rewritten now and
// then (temp + rename); every event also goes here, and after a crash the
// journal is replayed on top of the last archive. docs/archive.md ("Journal")
// is the user-facing description.
//
//   JournalWriter journal("runs/sweep.h5.journal");   // creates or continues it
//   journal.append(event);                             // buffered, cheap
//   journal.sync();                                    // one write + fdatasync per batch
//   ...
//   JournalContents c = read_journal("runs/sweep.h5.journal");
//   for (const SweepEvent& e : c.events) replay(e);
//
// File format (all integers little-endian, so journals move between machines):
//
//   header   "RUNGSJNL" (8 bytes), format version (u32, currently 2; a
//            journal of format 1, whose steps had three fixed metrics, is
//            refused, never misread)
//   record   payload length (u32), CRC-32 (IEEE) of the payload (u32), payload
//   payload  kind (u8), sections (u8 bit set), time (f64), worker (i32), then
//            the sections named in the bit set, in this order:
//              1  workers:  count (u32), then host, device (strings) per worker
//              2  job:      a job in io/codec.hpp's encoding
//              4  point:    a step report in io/codec.hpp's encoding (trial,
//                           step, the values of the sweep's metrics, seconds)
//              8  verdict:  u8 0 continue / 1 pause / 2 complete / 3 stop
//              16 job end:  trial (i64), ok (u8), error (string),
//                           interrupted_at (i64)
//            strings are a u32 byte count and the bytes; doubles are their
//            IEEE-754 bits as a u64.
//
// A record carries the section its kind owns (workers for kSession, job for
// kJobStarted, point and verdict for kStep, job end for kJobEnded) and any
// other section whose fields differ from their defaults, so every field of a
// SweepEvent reads back as written (but a point's objective value, which
// replay takes from its values) while a step with three metrics costs 75
// bytes with its framing, not ~200.
//
// Durability: append() only buffers; sync() writes the batch with one write()
// and one fdatasync(). An event is durable once the sync() after it returned;
// a crash loses at most the batch being written, and may leave its last
// record torn (read_journal reports that and the writer cuts it off).
#include <cstdint>
#include <string>
#include <vector>

#include "rungs/core/sweep_event.hpp"
#include "rungs/io/posix_file.hpp"

namespace rungs::io {

inline constexpr std::uint32_t kJournalFormatVersion = 2;

// Where an archive's journal lives: "<archive>.journal".
inline std::string journal_path(const std::string& archive_path) {
  return archive_path + ".journal";
}
inline constexpr std::uint64_t kJournalHeaderBytes = 12;  // magic + version
// No event comes near this (a session of 100,000 workers is ~3 MB); a length
// above it is damage, never a record.
inline constexpr std::uint32_t kJournalMaxPayload = 64u << 20;

// What the journal cost so far, for the sweep's end-of-run cost line.
struct JournalStats {
  std::uint64_t records = 0;      // events written (synced)
  std::uint64_t bytes = 0;        // bytes written (framing included, header excluded)
  std::uint64_t syncs = 0;        // fdatasync calls that had something to write
  double sync_seconds = 0.0;      // wall time in write + fdatasync, summed
  double max_sync_seconds = 0.0;  // the slowest single sync
};

// Appends events to a journal file; owns its file descriptor. Errors (disk
// full, permissions, a file that is not a journal) throw core::InputError
// naming the path and the fix. Not thread-safe: the coordinator's thread
// alone appends.
class JournalWriter {
 public:
  // Creates `path` with a header if it is missing or empty. An existing
  // journal is read through once (read_journal) so that a torn last record
  // from a crash is cut off before anything is appended after it; a damaged
  // journal throws.
  explicit JournalWriter(const std::string& path);
  // For a caller that has just read the journal (resume): truncates it to
  // `valid_bytes` (JournalContents::valid_bytes) without reading it again.
  // 0 means no complete header survived: the file is started afresh.
  JournalWriter(const std::string& path, std::uint64_t valid_bytes);
  // Writes what is still buffered (best effort: a destructor cannot report a
  // failure; call sync() to know) and closes the file.
  ~JournalWriter();

  // Move-assigning over a writer drops its unsynced batch: sync() it first.
  JournalWriter(JournalWriter&&) noexcept = default;
  JournalWriter& operator=(JournalWriter&&) noexcept = default;

  // Encodes `event` into the batch; nothing reaches the file until sync().
  void append(const core::SweepEvent& event);
  // Writes the batch and fdatasyncs. A no-op when nothing is buffered. On a
  // failure the file is cut back to its last synced length (so it never
  // holds half a batch), the batch stays buffered for a retry, and
  // core::InputError is thrown.
  void sync();

  const std::string& path() const { return path_; }
  std::size_t buffered_records() const { return pending_records_; }
  const JournalStats& stats() const { return stats_; }

 private:
  void open_for_append(std::uint64_t valid_bytes);
  void write_header(std::uint64_t old_size);
  bool write_batch() noexcept;

  std::string path_;
  FileDescriptor fd_;
  std::uint64_t synced_bytes_ = 0;  // file length after the last successful sync
  std::vector<unsigned char> batch_;
  std::size_t pending_records_ = 0;
  JournalStats stats_;
};

struct JournalContents {
  std::vector<core::SweepEvent> events;
  // The last record was cut short (or zero-filled) by a crash mid-write; it
  // and anything after it are not in `events`. Normal after a kill.
  bool torn_tail = false;
  // Length of the intact prefix (header and whole records): where a writer
  // continues, JournalWriter(path, valid_bytes). 0: not even a whole header.
  std::uint64_t valid_bytes = 0;
};

// Reads every intact record. A torn tail is normal and reported in the
// result. Damage before the tail (a record with a bad CRC or an impossible
// length that is followed by an intact record), a wrong magic, an unknown
// format version, an unknown event kind, a missing or unreadable file throw
// core::InputError naming the file, the byte offset and the fix.
JournalContents read_journal(const std::string& path);

// The encoded payload of one event (no length or CRC), and back; exposed for
// tests and benchmarks. decode_journal_event throws std::runtime_error on a
// malformed payload.
std::vector<unsigned char> encode_journal_event(const core::SweepEvent& event);
core::SweepEvent decode_journal_event(const unsigned char* data, std::size_t size);

// CRC-32 as in zlib, PNG and Ethernet (IEEE 802.3, reflected, 0xEDB88320);
// crc32("123456789") == 0xCBF43926.
std::uint32_t crc32(const unsigned char* data, std::size_t size);

}  // namespace rungs::io
