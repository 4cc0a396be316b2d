#include "rungs/io/journal.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>

#include "rungs/core/error.hpp"
#include "rungs/io/codec.hpp"

namespace rungs::io {
namespace {

using Bytes = std::vector<unsigned char>;
using core::InputError;
using core::SweepEvent;
using core::SweepEventKind;

constexpr char kMagic[8] = {'R', 'U', 'N', 'G', 'S', 'J', 'N', 'L'};
constexpr std::size_t kFrameBytes = 8;     // payload length + CRC
constexpr std::size_t kMinPayload = 14;    // kind, sections, time, worker

// Bits of the payload's section set (journal.hpp lists their content).
enum Section : std::uint8_t {
  kWorkersSection = 1,
  kJobSection = 2,
  kPointSection = 4,
  kVerdictSection = 8,
  kEndSection = 16,
};
constexpr std::uint8_t kAllSections = 31;

// Everything before a damaged record is intact, so cutting there keeps it.
std::string damaged_fix(const std::string& path, std::size_t offset) {
  return "keep the events before it with 'truncate -s " + std::to_string(offset) + " " + path +
         "' and resume; the events after it are then run again";
}

// --- CRC-32 -----------------------------------------------------------------

// The 256-entry table of the reflected IEEE polynomial, built at compile time.
constexpr std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}
constexpr std::array<std::uint32_t, 256> kCrcTable = make_crc_table();

// --- events -----------------------------------------------------------------

bool nonzero(double v) {
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits != 0;  // -0.0 and NaN count as set, so they survive
}

bool job_is_set(const core::Job& j) {
  return j.trial.value != -1 || j.rung != 0 || j.from_resource != 0 || j.to_resource != 0 ||
         j.seed != 0 || j.bracket != 0 || !j.decision_steps.empty() || !j.params.items().empty();
}

// The point's `metric` is not journaled: replay takes it from the values.
bool point_is_set(const core::CurvePoint& p) {
  return p.trial.value != -1 || p.step != 0 || !p.values.empty() || nonzero(p.seconds);
}

bool end_is_set(const SweepEvent& e) {
  return e.trial.value != -1 || !e.ok || !e.error.empty() || e.interrupted_at != -1;
}

// The kind's own sections, plus any other whose fields are not defaults.
std::uint8_t sections_of(const SweepEvent& e) {
  std::uint8_t s = 0;
  if (e.kind == SweepEventKind::kSession || !e.workers.empty()) s |= kWorkersSection;
  if (e.kind == SweepEventKind::kJobStarted || job_is_set(e.job)) s |= kJobSection;
  if (e.kind == SweepEventKind::kStep || point_is_set(e.point)) s |= kPointSection;
  if (e.kind == SweepEventKind::kStep || e.verdict != core::Verdict::kContinue) {
    s |= kVerdictSection;
  }
  if (e.kind == SweepEventKind::kJobEnded || end_is_set(e)) s |= kEndSection;
  return s;
}

bool known_kind(std::uint8_t k) {
  return k >= static_cast<std::uint8_t>(SweepEventKind::kSession) &&
         k <= static_cast<std::uint8_t>(SweepEventKind::kJobEnded);
}

// Explicit codes, so reordering the enum cannot change the file format.
std::uint8_t verdict_code(core::Verdict v) {
  switch (v) {
    case core::Verdict::kContinue: return 0;
    case core::Verdict::kPause: return 1;
    case core::Verdict::kComplete: return 2;
    case core::Verdict::kStop: return 3;
  }
  throw std::logic_error("journal: unknown verdict");
}

core::Verdict verdict_from(std::uint8_t code) {
  switch (code) {
    case 0: return core::Verdict::kContinue;
    case 1: return core::Verdict::kPause;
    case 2: return core::Verdict::kComplete;
    case 3: return core::Verdict::kStop;
    default: throw std::runtime_error("verdict code " + std::to_string(code) + " is unknown");
  }
}

void put_workers(ByteWriter& w, const std::vector<core::WorkerInfo>& workers) {
  w.count(workers.size());
  for (const core::WorkerInfo& info : workers) {
    w.str(info.host);
    w.str(info.device);
  }
}

std::vector<core::WorkerInfo> get_workers(ByteReader& r) {
  std::vector<core::WorkerInfo> workers(r.count(8));  // two string lengths each
  for (core::WorkerInfo& info : workers) {
    info.host = r.str();
    info.device = r.str();
  }
  return workers;
}

void put_end(ByteWriter& w, const SweepEvent& e) {
  w.i64(e.trial.value);
  w.u8(e.ok ? 1 : 0);
  w.str(e.error);
  w.i64(e.interrupted_at);
}

void get_end(ByteReader& r, SweepEvent& e) {
  e.trial.value = r.i64();
  e.ok = r.flag();
  e.error = r.str();
  e.interrupted_at = r.i64();
}

std::uint32_t read_u32_le(const unsigned char* p) {
  return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
         std::uint32_t{p[3]} << 24;
}

void put_record(Bytes& out, const Bytes& payload) {
  ByteWriter w(out);
  w.u32(static_cast<std::uint32_t>(payload.size()));
  w.u32(crc32(payload.data(), payload.size()));
  out.insert(out.end(), payload.begin(), payload.end());
}

// --- files ------------------------------------------------------------------

std::string errno_text(int err) { return std::strerror(err); }

std::string write_fix(int err) {
  if (err == ENOSPC || err == EDQUOT) {
    return "free space on the file system that holds the journal; events since the last sync "
           "are not durable yet";
  }
  if (err == EACCES || err == EPERM || err == EROFS) {
    return "make the archive's directory writable, or choose an archive path you can write";
  }
  return "check the file system that holds the journal (rerun with the journal on local disk "
         "if it is a network mount that fails)";
}

[[noreturn]] void fail_io(const std::string& path, const std::string& what, int err) {
  if (is_storage_failure(err)) {
    throw core::StorageError(path, what + ": " + errno_text(err), write_fix(err));
  }
  throw InputError(path, what + ": " + errno_text(err), write_fix(err));
}

bool write_all(int fd, const unsigned char* data, std::size_t size, std::uint64_t offset) {
  while (size > 0) {
    ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
  return true;
}

Bytes read_file(const std::string& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    int err = errno;
    std::string fix = err == ENOENT ? "give the path of an existing journal" : write_fix(err);
    throw InputError(path, "cannot open the journal: " + errno_text(err), fix);
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) fail_io(path, "cannot stat the journal", errno);
  if (!S_ISREG(st.st_mode)) {
    throw InputError(path, "the journal is not a regular file", "give the path of a journal");
  }
  Bytes data(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (got < data.size()) {
    ssize_t n = ::read(fd.get(), data.data() + got, data.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_io(path, "cannot read the journal", errno);
    if (n == 0) break;  // shrank while we read: the rest is a torn tail
    got += static_cast<std::size_t>(n);
  }
  data.resize(got);
  return data;
}

// --- reading records --------------------------------------------------------

enum class RecordState { kIntact, kTooShort, kBadLength, kBadCrc };

struct RecordCheck {
  RecordState state;
  std::uint32_t length = 0;
};

// Whether a whole, undamaged record starts at `pos`.
RecordCheck check_record(const Bytes& file, std::size_t pos) {
  std::size_t left = file.size() - pos;
  if (left < kFrameBytes) return {RecordState::kTooShort};
  std::uint32_t length = read_u32_le(&file[pos]);
  if (length < kMinPayload || length > kJournalMaxPayload) return {RecordState::kBadLength, length};
  if (length > left - kFrameBytes) return {RecordState::kTooShort, length};
  const unsigned char* payload = &file[pos + kFrameBytes];
  if (crc32(payload, length) != read_u32_le(&file[pos + 4])) {
    return {RecordState::kBadCrc, length};
  }
  return {RecordState::kIntact, length};
}

// A crash tears only the end of the file; an intact record after a bad one
// means the bad one was damaged in place. The cheap kind and section tests
// skip almost every position before the CRC is computed.
bool intact_record_after(const Bytes& file, std::size_t from) {
  for (std::size_t pos = from; pos + kFrameBytes + kMinPayload <= file.size(); ++pos) {
    std::uint8_t kind = file[pos + kFrameBytes];
    std::uint8_t sections = file[pos + kFrameBytes + 1];
    if (!known_kind(kind) || (sections & ~kAllSections) != 0) continue;
    if (check_record(file, pos).state == RecordState::kIntact) return true;
  }
  return false;
}

std::string describe(const RecordCheck& c) {
  switch (c.state) {
    case RecordState::kBadCrc: return "a record whose CRC does not match its content";
    case RecordState::kBadLength:
      return "a record with the impossible length " + std::to_string(c.length);
    case RecordState::kTooShort:
      return "a record (length " + std::to_string(c.length) + ") that runs past intact records";
    case RecordState::kIntact: break;
  }
  return "an intact record";
}

void check_header(const Bytes& file, const std::string& path, JournalContents& out) {
  std::size_t have = std::min<std::size_t>(file.size(), sizeof kMagic);
  // An empty file's data() may be null, which memcmp must not see even for 0 bytes.
  if (have > 0 && std::memcmp(file.data(), kMagic, have) != 0) {
    throw InputError(path, "not a rungs journal (no RUNGSJNL magic at byte offset 0)",
                     "give the journal written beside the archive, or move this file aside");
  }
  if (file.size() < kJournalHeaderBytes) {
    out.torn_tail = !file.empty();  // killed while the header was written
    return;
  }
  std::uint32_t version = read_u32_le(&file[sizeof kMagic]);
  if (version < kJournalFormatVersion) {
    throw InputError(path,
                     "journal format version " + std::to_string(version) +
                         " was written by an older rungs (this build reads format " +
                         std::to_string(kJournalFormatVersion) +
                         ", where steps carry any set of metrics)",
                     "finish or resume the sweep with the rungs that started it; or move the "
                     "journal aside, and rungs summary and export read the archive alone");
  }
  if (version != kJournalFormatVersion) {
    throw InputError(path,
                     "journal format version " + std::to_string(version) +
                         " at byte offset 8 is not one this build reads (" +
                         std::to_string(kJournalFormatVersion) + ")",
                     "read it with the rungs version that wrote it, or upgrade rungs");
  }
  out.valid_bytes = kJournalHeaderBytes;
}

SweepEvent decode_at(const Bytes& file, std::size_t pos, std::uint32_t length,
                     const std::string& path) {
  const unsigned char* payload = &file[pos + kFrameBytes];
  if (!known_kind(payload[0])) {
    throw InputError(path,
                     "unknown event kind " + std::to_string(payload[0]) +
                         " in the record at byte offset " + std::to_string(pos),
                     "the journal was written by a newer rungs; read it with that version");
  }
  try {
    return decode_journal_event(payload, length);
  } catch (const std::runtime_error& e) {
    throw InputError(path,
                     "malformed record at byte offset " + std::to_string(pos) + ": " + e.what(),
                     damaged_fix(path, pos));
  }
}

}  // namespace

std::uint32_t crc32(const unsigned char* data, std::size_t size) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < size; ++i) c = kCrcTable[(c ^ data[i]) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::vector<unsigned char> encode_journal_event(const SweepEvent& e) {
  Bytes out;
  ByteWriter w(out);
  std::uint8_t sections = sections_of(e);
  w.u8(static_cast<std::uint8_t>(e.kind));
  w.u8(sections);
  w.f64(e.time);
  w.i32(e.worker);
  if (sections & kWorkersSection) put_workers(w, e.workers);
  if (sections & kJobSection) put_job(w, e.job);
  if (sections & kPointSection) put_report(w, e.point);
  if (sections & kVerdictSection) w.u8(verdict_code(e.verdict));
  if (sections & kEndSection) put_end(w, e);
  return out;
}

SweepEvent decode_journal_event(const unsigned char* data, std::size_t size) {
  ByteReader r(data, size);
  SweepEvent e;
  std::uint8_t kind = r.u8();
  if (!known_kind(kind)) throw std::runtime_error("event kind " + std::to_string(kind));
  e.kind = static_cast<SweepEventKind>(kind);
  std::uint8_t sections = r.u8();
  if ((sections & ~kAllSections) != 0) throw std::runtime_error("unknown sections");
  e.time = r.f64();
  e.worker = r.i32();
  if (sections & kWorkersSection) e.workers = get_workers(r);
  if (sections & kJobSection) e.job = get_job(r);
  if (sections & kPointSection) e.point = get_report(r);
  if (sections & kVerdictSection) e.verdict = verdict_from(r.u8());
  if (sections & kEndSection) get_end(r, e);
  r.expect_end();
  return e;
}

JournalContents read_journal(const std::string& path) {
  const Bytes file = read_file(path);
  JournalContents out;
  check_header(file, path, out);
  if (out.valid_bytes == 0) return out;
  std::size_t pos = kJournalHeaderBytes;
  while (pos < file.size()) {
    RecordCheck c = check_record(file, pos);
    if (c.state != RecordState::kIntact) {
      if (intact_record_after(file, pos + 1)) {
        throw InputError(path,
                         "journal damaged at byte offset " + std::to_string(pos) + ": " +
                             describe(c),
                         damaged_fix(path, pos));
      }
      out.torn_tail = true;
      break;
    }
    out.events.push_back(decode_at(file, pos, c.length, path));
    pos += kFrameBytes + c.length;
  }
  out.valid_bytes = pos;
  return out;
}

// --- JournalWriter ----------------------------------------------------------

JournalWriter::JournalWriter(const std::string& path) : path_(path) {
  std::error_code ec;
  std::uintmax_t size = std::filesystem::file_size(path, ec);
  std::uint64_t valid = (!ec && size > 0) ? read_journal(path).valid_bytes : 0;
  open_for_append(valid);
}

JournalWriter::JournalWriter(const std::string& path, std::uint64_t valid_bytes) : path_(path) {
  open_for_append(valid_bytes);
}

JournalWriter::~JournalWriter() {
  if (fd_.get() >= 0 && !batch_.empty() && !write_batch()) {
    // Leave no half batch behind; the error cannot be reported from here.
    if (::ftruncate(fd_.get(), static_cast<off_t>(synced_bytes_)) != 0) {
      // Nothing more to do: read_journal treats the remains as a torn tail.
    }
  }
}

void JournalWriter::open_for_append(std::uint64_t valid_bytes) {
  fd_ = FileDescriptor(::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (fd_.get() < 0) fail_io(path_, "cannot open the journal for writing", errno);
  struct stat st;
  if (::fstat(fd_.get(), &st) != 0) fail_io(path_, "cannot stat the journal", errno);
  auto size = static_cast<std::uint64_t>(st.st_size);
  if (valid_bytes > size) {
    throw InputError(path_,
                     "the journal has " + std::to_string(size) + " bytes, fewer than the " +
                         std::to_string(valid_bytes) + " read from it before",
                     "make sure no other process writes the journal; reread it and retry");
  }
  if (valid_bytes < kJournalHeaderBytes) {
    write_header(size);
    return;
  }
  unsigned char header[kJournalHeaderBytes];
  if (::pread(fd_.get(), header, sizeof header, 0) != static_cast<ssize_t>(sizeof header) ||
      std::memcmp(header, kMagic, sizeof kMagic) != 0 ||
      read_u32_le(header + sizeof kMagic) != kJournalFormatVersion) {
    throw InputError(path_, "not a rungs journal of format version " +
                                std::to_string(kJournalFormatVersion),
                     "resume with the rungs version that wrote it, or start the sweep again "
                     "with --overwrite");
  }
  if (size > valid_bytes) {  // cut off the torn tail before appending
    if (::ftruncate(fd_.get(), static_cast<off_t>(valid_bytes)) != 0 ||
        ::fdatasync(fd_.get()) != 0) {
      fail_io(path_, "cannot cut the torn tail off the journal", errno);
    }
  }
  synced_bytes_ = valid_bytes;
}

void JournalWriter::write_header(std::uint64_t old_size) {
  Bytes header(kMagic, kMagic + sizeof kMagic);
  ByteWriter(header).u32(kJournalFormatVersion);
  if ((old_size > 0 && ::ftruncate(fd_.get(), 0) != 0) ||
      !write_all(fd_.get(), header.data(), header.size(), 0) || ::fdatasync(fd_.get()) != 0) {
    fail_io(path_, "cannot write the journal's header", errno);
  }
  sync_directory_of(path_);
  synced_bytes_ = header.size();
}

void JournalWriter::append(const SweepEvent& event) {
  Bytes payload = encode_journal_event(event);
  put_record(batch_, payload);
  ++pending_records_;
}

bool JournalWriter::write_batch() noexcept {
  return write_all(fd_.get(), batch_.data(), batch_.size(), synced_bytes_) &&
         ::fdatasync(fd_.get()) == 0;
}

void JournalWriter::sync() {
  if (batch_.empty()) return;
  if (fd_.get() < 0) {
    throw InputError(path_, "the journal was moved from", "sync the writer it moved to");
  }
  auto start = std::chrono::steady_clock::now();
  if (!write_batch()) {
    int err = errno;
    if (::ftruncate(fd_.get(), static_cast<off_t>(synced_bytes_)) != 0) {
      // The remains read as a torn tail; the original error is the one to report.
    }
    fail_io(path_, "cannot append to the journal", err);
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  synced_bytes_ += batch_.size();
  stats_.records += pending_records_;
  stats_.bytes += batch_.size();
  stats_.syncs += 1;
  stats_.sync_seconds += seconds;
  if (seconds > stats_.max_sync_seconds) stats_.max_sync_seconds = seconds;
  batch_.clear();
  pending_records_ = 0;
}

}  // namespace rungs::io
