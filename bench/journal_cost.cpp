// What the journal costs the coordinator per report: step events (a
// realistic kStep record, ~80 bytes) appended and synced in batches of 1, 16
// and 256, as a coordinator loop iteration would with that many events. Each
// batch size runs for --seconds of wall time in a fresh journal in --dir
// (put it on the file system the archives live on: fdatasync is the cost).
//
//   journal_cost [--dir .] [--seconds 2]
//
// Prints records/s, microseconds per report (append + its share of the
// sync), fsyncs/s and bytes per record; plus the cost of append() alone.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "rungs/core/sweep_event.hpp"
#include "rungs/io/journal.hpp"

namespace {

namespace fs = std::filesystem;
using rungs::core::SweepEvent;
using rungs::core::SweepEventKind;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string dir = ".";
  double seconds = 2.0;
};

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i];
    if (key == "--dir") {
      o.dir = argv[i + 1];
    } else if (key == "--seconds") {
      o.seconds = std::atof(argv[i + 1]);
    } else {
      throw std::invalid_argument("unknown option " + key + " (options: --dir D --seconds S)");
    }
  }
  return o;
}

SweepEvent step_event(std::int64_t n) {
  SweepEvent e;
  e.kind = SweepEventKind::kStep;
  e.time = 0.25 * static_cast<double>(n);
  e.worker = static_cast<int>(n % 64);
  e.point = {rungs::core::TrialId{n / 27}, 1 + n % 27, 0.91, {0.31, 0.29, 0.91}, 12.5};
  e.verdict = rungs::core::Verdict::kContinue;
  return e;
}

struct Row {
  int batch;
  double records_per_s;
  double us_per_report;
  double syncs_per_s;
  double bytes_per_record;
};

Row measure(const std::string& path, int batch, double seconds) {
  fs::remove(path);
  rungs::io::JournalWriter journal(path);
  std::int64_t n = 0;
  auto start = Clock::now();
  double elapsed = 0.0;
  while (elapsed < seconds) {
    for (int i = 0; i < batch; ++i) journal.append(step_event(n++));
    journal.sync();
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  const auto& s = journal.stats();
  double records = static_cast<double>(s.records);
  return {batch, records / elapsed, 1e6 * elapsed / records,
          static_cast<double>(s.syncs) / elapsed, static_cast<double>(s.bytes) / records};
}

// append() alone: encoding and buffering, no I/O.
double append_only_us(const std::string& path) {
  fs::remove(path);
  rungs::io::JournalWriter journal(path);
  const int kRecords = 200000;
  auto start = Clock::now();
  for (int i = 0; i < kRecords; ++i) journal.append(step_event(i));
  double s = std::chrono::duration<double>(Clock::now() - start).count();
  journal.sync();
  return 1e6 * s / kRecords;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Options o = parse_options(argc, argv);
    const std::string path = o.dir + "/bench.journal";
    std::vector<Row> rows;
    for (int batch : {1, 16, 256}) rows.push_back(measure(path, batch, o.seconds));
    double append_us = append_only_us(path);
    fs::remove(path);
    std::printf("journal_cost: step events, %.1f s per batch size, dir %s\n\n", o.seconds,
                o.dir.c_str());
    std::printf("| events per sync | records/s | us per report | fsyncs/s | bytes/record |\n");
    std::printf("|---|---|---|---|---|\n");
    for (const Row& r : rows) {
      std::printf("| %d | %.0f | %.1f | %.0f | %.0f |\n", r.batch, r.records_per_s,
                  r.us_per_report, r.syncs_per_s, r.bytes_per_record);
    }
    std::printf("\nappend() alone (encode + buffer, no I/O): %.2f us per event\n", append_us);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "journal_cost: %s\n", e.what());
    return 1;
  }
}
