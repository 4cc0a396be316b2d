#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "rungs/core/error.hpp"
#include "rungs/core/sweep_event.hpp"
#include "rungs/io/journal.hpp"
#include "support/test_support.hpp"

namespace {

namespace fs = std::filesystem;
using namespace rungs::core;
using rungs::io::JournalContents;
using rungs::io::JournalWriter;
using rungs::io::read_journal;
using Bytes = std::vector<unsigned char>;

using rungs::test_support::input_error_message;
using rungs::test_support::contains;

std::string test_dir() { return rungs::test_support::scratch_dir("rungs_io_journal"); }

Bytes read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

// --- events with every field set ---------------------------------------------

SweepEvent session_event() {
  SweepEvent e;
  e.kind = SweepEventKind::kSession;
  e.time = 0.0;
  e.workers = {{"node-01", "cuda:0"}, {"node-01", "cuda:1"}, {"ünïcode-host", "cpu"}, {"", ""}};
  return e;
}

SweepEvent job_event() {
  SweepEvent e;
  e.kind = SweepEventKind::kJobStarted;
  e.time = 12.625;
  e.worker = 2;
  e.job = rungs::test_support::job_with_every_field();
  return e;
}

SweepEvent step_event() {
  SweepEvent e;
  e.kind = SweepEventKind::kStep;
  e.time = 13.5;
  e.worker = 1;
  // The objective's value is not journaled (replay takes it from the values):
  // NaN, as a worker reports it.
  e.point = {TrialId{41}, 4, std::numeric_limits<double>::quiet_NaN(),
             {0.3125, -0.0, std::numeric_limits<double>::infinity(), 0.875}, 99.25};
  e.verdict = Verdict::kStop;
  return e;
}

SweepEvent end_event() {
  SweepEvent e;
  e.kind = SweepEventKind::kJobEnded;
  e.time = 1e9;
  e.worker = 7;
  e.trial = TrialId{41};
  e.ok = false;
  e.error = "CUDA out of memory — naïve batch";
  e.interrupted_at = 6;
  return e;
}

// A step event that also carries fields its kind does not own.
SweepEvent crowded_event() {
  SweepEvent e = step_event();
  e.verdict = Verdict::kPause;
  e.workers = {{"h", "d"}};
  e.job = job_event().job;
  e.trial = TrialId{5};
  e.error = "x";
  return e;
}

void expect_same_double(double a, double b) {
  if (std::isnan(a)) {
    EXPECT_TRUE(std::isnan(b));
  } else {
    EXPECT_EQ(a, b);
    EXPECT_EQ(std::signbit(a), std::signbit(b));
  }
}

void expect_same_job(const Job& a, const Job& b) { EXPECT_TRUE(a == b); }

void expect_same_event(const SweepEvent& a, const SweepEvent& b) {
  EXPECT_EQ(a.kind, b.kind);
  expect_same_double(a.time, b.time);
  EXPECT_EQ(a.worker, b.worker);
  ASSERT_EQ(a.workers.size(), b.workers.size());
  for (std::size_t i = 0; i < a.workers.size(); ++i) {
    EXPECT_EQ(a.workers[i].host, b.workers[i].host);
    EXPECT_EQ(a.workers[i].device, b.workers[i].device);
  }
  expect_same_job(a.job, b.job);
  EXPECT_EQ(a.point.trial, b.point.trial);
  EXPECT_EQ(a.point.step, b.point.step);
  expect_same_double(a.point.metric, b.point.metric);
  ASSERT_EQ(a.point.values.size(), b.point.values.size());
  for (std::size_t k = 0; k < a.point.values.size(); ++k) {
    expect_same_double(a.point.values[k], b.point.values[k]);
  }
  expect_same_double(a.point.seconds, b.point.seconds);
  EXPECT_EQ(a.verdict, b.verdict);
  EXPECT_EQ(a.trial, b.trial);
  EXPECT_EQ(a.ok, b.ok);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.interrupted_at, b.interrupted_at);
}

std::vector<SweepEvent> every_kind() {
  return {session_event(), job_event(), step_event(), end_event(), crowded_event()};
}

// Writes `events`, one sync per event, and returns the journal's path.
std::string write_journal(const std::string& dir, const std::vector<SweepEvent>& events) {
  std::string path = dir + "/sweep.h5.journal";
  JournalWriter w(path);
  for (const SweepEvent& e : events) {
    w.append(e);
    w.sync();
  }
  return path;
}

// Byte offset at which each record starts: the header is 12 bytes, a record
// 8 bytes of framing plus its payload.
std::vector<std::size_t> record_offsets(const std::vector<SweepEvent>& events) {
  std::vector<std::size_t> out;
  std::size_t pos = rungs::io::kJournalHeaderBytes;
  for (const SweepEvent& e : events) {
    out.push_back(pos);
    pos += 8 + rungs::io::encode_journal_event(e).size();
  }
  out.push_back(pos);  // the end
  return out;
}

// --- CRC ---------------------------------------------------------------------

TEST(JournalCrc, MatchesTheStandardCheckValue) {
  // The CRC-32/ISO-HDLC check value of "123456789" (zlib's crc32) is 0xCBF43926.
  const char* text = "123456789";
  EXPECT_EQ(rungs::io::crc32(reinterpret_cast<const unsigned char*>(text), 9), 0xCBF43926u);
  EXPECT_EQ(rungs::io::crc32(nullptr, 0), 0u);
}

// --- round trip ----------------------------------------------------------------

TEST(Journal, RoundTripKeepsEveryFieldOfEveryKind) {
  std::string dir = test_dir();
  std::vector<SweepEvent> events = every_kind();
  std::string path = write_journal(dir, events);
  JournalContents c = read_journal(path);
  EXPECT_FALSE(c.torn_tail);
  EXPECT_EQ(c.valid_bytes, fs::file_size(path));
  ASSERT_EQ(c.events.size(), events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    SCOPED_TRACE("event " + std::to_string(i));
    expect_same_event(events[i], c.events[i]);
  }
}

TEST(Journal, NaNValuesSurvive) {
  SweepEvent e = step_event();
  e.point.values = {std::numeric_limits<double>::quiet_NaN(), 1.0};
  Bytes payload = rungs::io::encode_journal_event(e);
  SweepEvent back = rungs::io::decode_journal_event(payload.data(), payload.size());
  ASSERT_EQ(back.point.values.size(), 2u);
  EXPECT_TRUE(std::isnan(back.point.values[0]));
  EXPECT_EQ(back.point.values[1], 1.0);
}

// Replay takes the objective from the values, so the journal does not keep it.
TEST(Journal, PointObjectiveIsNotJournaled) {
  SweepEvent e = step_event();
  e.point.metric = 0.5;
  Bytes payload = rungs::io::encode_journal_event(e);
  SweepEvent back = rungs::io::decode_journal_event(payload.data(), payload.size());
  EXPECT_TRUE(std::isnan(back.point.metric));
}

// A step with three metrics: frame 8 + kind, sections, time, worker 14 +
// trial, step 16 + count 4 + values 24 + seconds 8 + verdict 1 = 75 bytes,
// as journal.hpp says.
TEST(Journal, AStepWithThreeMetricsTakes75Bytes) {
  SweepEvent e = step_event();
  e.point.values = {0.1, 0.2, 0.3};
  EXPECT_EQ(rungs::io::encode_journal_event(e).size() + 8, 75u);
}

TEST(Journal, EncodingIsLittleEndianWhateverTheHost) {
  // A session event at time 1.0 by worker 258 with no workers: kind 1,
  // sections 1, then 1.0 as IEEE bits 0x3FF0000000000000 little-endian,
  // then 258 = 0x00000102 little-endian, then a zero count.
  SweepEvent e;
  e.kind = SweepEventKind::kSession;
  e.time = 1.0;
  e.worker = 258;
  Bytes expected = {1, 1, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 2, 1, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(rungs::io::encode_journal_event(e), expected);
}

TEST(Journal, FileStartsWithMagicAndVersion) {
  std::string path = write_journal(test_dir(), {});
  Bytes b = read_bytes(path);
  Bytes expected = {'R', 'U', 'N', 'G', 'S', 'J', 'N', 'L', 2, 0, 0, 0};
  EXPECT_EQ(b, expected);
  JournalContents c = read_journal(path);
  EXPECT_TRUE(c.events.empty());
  EXPECT_FALSE(c.torn_tail);
  EXPECT_EQ(c.valid_bytes, 12u);
}

TEST(Journal, AppendIsBufferedUntilSync) {
  std::string path = test_dir() + "/j";
  JournalWriter w(path);
  w.append(step_event());
  w.append(step_event());
  EXPECT_EQ(w.buffered_records(), 2u);
  EXPECT_EQ(read_journal(path).events.size(), 0u);
  w.sync();
  EXPECT_EQ(w.buffered_records(), 0u);
  EXPECT_EQ(read_journal(path).events.size(), 2u);
  // Stats: 2 records in one sync; bytes are framing plus payloads.
  EXPECT_EQ(w.stats().records, 2u);
  EXPECT_EQ(w.stats().syncs, 1u);
  EXPECT_EQ(w.stats().bytes, fs::file_size(path) - 12);
  w.sync();  // nothing buffered: no fsync counted
  EXPECT_EQ(w.stats().syncs, 1u);
}

TEST(Journal, DestructorWritesWhatIsBuffered) {
  std::string path = test_dir() + "/j";
  {
    JournalWriter w(path);
    w.append(end_event());
  }
  ASSERT_EQ(read_journal(path).events.size(), 1u);
}

TEST(Journal, ReopeningAppendsAfterExistingRecords) {
  std::string dir = test_dir();
  std::string path = write_journal(dir, {session_event(), job_event()});
  {
    JournalWriter w(path);
    w.append(step_event());
    w.sync();
  }
  JournalContents c = read_journal(path);
  ASSERT_EQ(c.events.size(), 3u);
  EXPECT_EQ(c.events[2].kind, SweepEventKind::kStep);
}

// --- torn tails ----------------------------------------------------------------

TEST(JournalTornTail, EveryCutOfTheLastRecordKeepsTheRecordsBefore) {
  std::string dir = test_dir();
  std::vector<SweepEvent> events = every_kind();
  std::string path = write_journal(dir, events);
  const Bytes whole = read_bytes(path);
  std::vector<std::size_t> at = record_offsets(events);
  const std::size_t last = at[at.size() - 2];
  ASSERT_EQ(at.back(), whole.size());
  for (std::size_t cut = last; cut < whole.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    write_bytes(path, Bytes(whole.begin(), whole.begin() + static_cast<long>(cut)));
    JournalContents c = read_journal(path);
    EXPECT_EQ(c.torn_tail, cut > last);
    EXPECT_EQ(c.valid_bytes, last);
    ASSERT_EQ(c.events.size(), events.size() - 1);
    for (std::size_t i = 0; i < c.events.size(); ++i) expect_same_event(events[i], c.events[i]);
  }
}

TEST(JournalTornTail, CutInsideTheHeaderIsAnEmptyJournal) {
  std::string path = write_journal(test_dir(), {step_event()});
  const Bytes whole = read_bytes(path);
  for (std::size_t cut = 0; cut < 12; ++cut) {
    write_bytes(path, Bytes(whole.begin(), whole.begin() + static_cast<long>(cut)));
    JournalContents c = read_journal(path);
    EXPECT_TRUE(c.events.empty());
    EXPECT_EQ(c.valid_bytes, 0u);
    EXPECT_EQ(c.torn_tail, cut > 0);
  }
}

TEST(JournalTornTail, ZeroFilledTailIsTorn) {
  // Some file systems show unwritten appended blocks as zeros after a crash.
  std::string path = write_journal(test_dir(), {session_event(), step_event()});
  Bytes b = read_bytes(path);
  std::size_t end = b.size();
  b.resize(b.size() + 4096, 0);
  write_bytes(path, b);
  JournalContents c = read_journal(path);
  EXPECT_TRUE(c.torn_tail);
  EXPECT_EQ(c.valid_bytes, end);
  EXPECT_EQ(c.events.size(), 2u);
}

TEST(JournalTornTail, WriterContinuesCleanlyAfterTheCut) {
  std::string dir = test_dir();
  std::vector<SweepEvent> events = {session_event(), job_event(), step_event()};
  std::string path = write_journal(dir, events);
  Bytes whole = read_bytes(path);
  write_bytes(path, Bytes(whole.begin(), whole.end() - 5));  // tear the step
  JournalContents torn = read_journal(path);
  ASSERT_TRUE(torn.torn_tail);
  {
    JournalWriter w(path, torn.valid_bytes);
    w.append(end_event());
    w.sync();
  }
  JournalContents c = read_journal(path);
  EXPECT_FALSE(c.torn_tail);
  ASSERT_EQ(c.events.size(), 3u);
  expect_same_event(c.events[1], job_event());
  expect_same_event(c.events[2], end_event());
}

TEST(JournalTornTail, PlainConstructorAlsoCutsTheTornTail) {
  std::string dir = test_dir();
  std::string path = write_journal(dir, {session_event(), step_event()});
  Bytes whole = read_bytes(path);
  write_bytes(path, Bytes(whole.begin(), whole.end() - 1));
  {
    JournalWriter w(path);
    w.append(end_event());
    w.sync();
  }
  JournalContents c = read_journal(path);
  EXPECT_FALSE(c.torn_tail);
  ASSERT_EQ(c.events.size(), 2u);
  EXPECT_EQ(c.events[1].kind, SweepEventKind::kJobEnded);
}

TEST(JournalTornTail, ValidBytesZeroStartsAFreshJournal) {
  std::string path = test_dir() + "/j";
  write_bytes(path, {'R', 'U', 'N'});  // killed while writing the header
  JournalContents torn = read_journal(path);
  ASSERT_EQ(torn.valid_bytes, 0u);
  {
    JournalWriter w(path, torn.valid_bytes);
    w.append(step_event());
    w.sync();
  }
  EXPECT_EQ(read_journal(path).events.size(), 1u);
}

TEST(JournalTornTail, LongerValidBytesThanTheFileIsAnError) {
  std::string path = write_journal(test_dir(), {step_event()});
  std::uint64_t size = fs::file_size(path);
  std::string msg = input_error_message([&] { JournalWriter w(path, size + 1); });
  EXPECT_TRUE(contains(msg, path)) << msg;
}

// --- damage --------------------------------------------------------------------

TEST(JournalDamage, BitFlipBeforeTheLastRecordNamesItsRecordOffset) {
  std::string dir = test_dir();
  std::vector<SweepEvent> events = every_kind();
  std::string path = write_journal(dir, events);
  const Bytes whole = read_bytes(path);
  std::vector<std::size_t> at = record_offsets(events);
  const std::size_t last = at[at.size() - 2];
  // Every bit of every byte from the first record to the start of the last.
  for (std::size_t pos = 12; pos < last; ++pos) {
    std::size_t record = 0;
    while (at[record + 1] <= pos) ++record;
    for (int bit = 0; bit < 8; ++bit) {
      Bytes b = whole;
      b[pos] ^= static_cast<unsigned char>(1u << bit);
      write_bytes(path, b);
      std::string msg = input_error_message([&] { read_journal(path); });
      ASSERT_TRUE(contains(msg, "byte offset " + std::to_string(at[record])))
          << "flip at " << pos << " bit " << bit << ": " << msg;
      ASSERT_TRUE(contains(msg, path)) << msg;
    }
  }
}

TEST(JournalDamage, CuttingAtTheReportedOffsetKeepsTheEventsBefore) {
  std::string dir = test_dir();
  std::vector<SweepEvent> events = every_kind();
  std::string path = write_journal(dir, events);
  std::vector<std::size_t> at = record_offsets(events);
  Bytes b = read_bytes(path);
  b[at[2] + 10] ^= 0x01;  // inside the third record
  write_bytes(path, b);
  std::string msg = input_error_message([&] { read_journal(path); });
  std::string cut = "truncate -s " + std::to_string(at[2]) + " " + path;
  ASSERT_TRUE(contains(msg, cut)) << msg;
  fs::resize_file(path, at[2]);  // what the message says to do
  JournalContents c = read_journal(path);
  EXPECT_FALSE(c.torn_tail);
  ASSERT_EQ(c.events.size(), 2u);
  expect_same_event(c.events[1], events[1]);
}

TEST(JournalDamage, BitFlipInTheLastRecordIsATornTail) {
  std::string dir = test_dir();
  std::vector<SweepEvent> events = every_kind();
  std::string path = write_journal(dir, events);
  const Bytes whole = read_bytes(path);
  std::vector<std::size_t> at = record_offsets(events);
  for (std::size_t pos = at[at.size() - 2]; pos < whole.size(); ++pos) {
    Bytes b = whole;
    b[pos] ^= 0x10;
    write_bytes(path, b);
    JournalContents c = read_journal(path);
    EXPECT_TRUE(c.torn_tail) << pos;
    EXPECT_EQ(c.events.size(), events.size() - 1) << pos;
  }
}

TEST(JournalDamage, RandomGarbageNeverCrashesOrOverAllocates) {
  // Byte corpus: every position of a journal overwritten with each of a few
  // values, including ones that make a length field huge. Each read either
  // succeeds or throws InputError; none crashes or throws anything else.
  std::string dir = test_dir();
  std::string path = write_journal(dir, every_kind());
  const Bytes whole = read_bytes(path);
  for (std::size_t pos = 0; pos < whole.size(); ++pos) {
    for (unsigned char v : {0x00, 0xFF, 0x7F, 0x80}) {
      Bytes b = whole;
      b[pos] = v;
      write_bytes(path, b);
      try {
        read_journal(path);
      } catch (const InputError&) {
      }
    }
  }
}

TEST(JournalDamage, WrongMagicIsNotAJournal) {
  std::string path = write_journal(test_dir(), {step_event()});
  Bytes b = read_bytes(path);
  b[3] = 'X';
  write_bytes(path, b);
  std::string msg = input_error_message([&] { read_journal(path); });
  EXPECT_TRUE(contains(msg, "not a rungs journal")) << msg;
  EXPECT_TRUE(contains(msg, "byte offset 0")) << msg;
  std::string w = input_error_message([&] { JournalWriter writer(path); });
  EXPECT_TRUE(contains(w, "not a rungs journal")) << w;
}

TEST(JournalDamage, UnknownVersionIsRefused) {
  std::string path = write_journal(test_dir(), {step_event()});
  Bytes b = read_bytes(path);
  b[8] = 3;
  write_bytes(path, b);
  std::string msg = input_error_message([&] { read_journal(path); });
  EXPECT_TRUE(contains(msg, "format version 3")) << msg;
  EXPECT_TRUE(contains(msg, "byte offset 8")) << msg;
}

// tests/data/archive_v1.h5.journal.v1: a real journal of format 1 (steps
// with three fixed metrics), written by the rungs of that format. Refused
// with what to do, never misread; the writer refuses to append to it too.
TEST(JournalDamage, Format1JournalIsRefusedWithWhatToDo) {
  const std::string old = std::string(RUNGS_SOURCE_DIR) + "/tests/data/archive_v1.h5.journal.v1";
  std::string msg = input_error_message([&] { read_journal(old); });
  EXPECT_TRUE(contains(msg, "journal format version 1 was written by an older rungs")) << msg;
  EXPECT_TRUE(contains(msg, "move the journal aside")) << msg;
  const std::string copy = test_dir() + "/old.journal";
  fs::copy_file(old, copy);
  const Bytes before = read_bytes(copy);
  std::string w = input_error_message([&] { JournalWriter writer(copy); });
  EXPECT_TRUE(contains(w, "format version 1")) << w;
  EXPECT_EQ(read_bytes(copy), before);  // untouched
}

// A record that is intact (right CRC) but has an event kind this build does
// not know: a journal from a newer rungs.
TEST(JournalDamage, UnknownEventKindIsRefused) {
  std::string path = write_journal(test_dir(), {step_event(), step_event()});
  Bytes b = read_bytes(path);
  const std::size_t record = 12;
  const long size = static_cast<long>(rungs::io::encode_journal_event(step_event()).size());
  Bytes payload(b.begin() + record + 8, b.begin() + record + 8 + size);
  ASSERT_EQ(payload[0], 3);  // kStep
  payload[0] = 9;
  std::uint32_t crc = rungs::io::crc32(payload.data(), payload.size());
  for (int i = 0; i < 4; ++i) b[record + 4 + i] = static_cast<unsigned char>(crc >> (8 * i));
  std::copy(payload.begin(), payload.end(), b.begin() + record + 8);
  write_bytes(path, b);
  std::string msg = input_error_message([&] { read_journal(path); });
  EXPECT_TRUE(contains(msg, "unknown event kind 9")) << msg;
  EXPECT_TRUE(contains(msg, "byte offset 12")) << msg;
}

TEST(JournalDamage, MissingFileIsInputError) {
  std::string path = test_dir() + "/none.journal";
  std::string msg = input_error_message([&] { read_journal(path); });
  EXPECT_TRUE(contains(msg, path)) << msg;
}

TEST(JournalErrors, MissingDirectoryIsInputErrorNamingThePath) {
  std::string path = test_dir() + "/no/such/dir/j";
  std::string msg = input_error_message([&] { JournalWriter w(path); });
  EXPECT_TRUE(contains(msg, path)) << msg;
  EXPECT_TRUE(contains(msg, "No such file")) << msg;
}

TEST(JournalErrors, FullDiskIsInputErrorNamingTheFix) {
  // /dev/full accepts opens and fails every write with ENOSPC.
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  std::string msg = input_error_message([&] { JournalWriter w("/dev/full", 0); });
  EXPECT_TRUE(contains(msg, "/dev/full")) << msg;
  EXPECT_TRUE(contains(msg, "free space")) << msg;
}

}  // namespace
