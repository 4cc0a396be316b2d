#include "rungs/analysis/sweep_loader.hpp"

#include <filesystem>

#include "rungs/core/error.hpp"
#include "rungs/core/factory.hpp"
#include "rungs/core/sweep_driver.hpp"
#include "rungs/core/sweep_event.hpp"
#include "rungs/io/archive.hpp"
#include "rungs/io/journal.hpp"
#include "rungs/io/sweep_config.hpp"

namespace rungs::analysis {

LoadedSweep load_sweep(const std::string& archive_path) {
  LoadedSweep out;
  out.record = io::read_archive(archive_path);
  const std::string journal_path = io::journal_path(archive_path);
  if (out.record.metadata.state == "finished" || !std::filesystem::exists(journal_path)) return out;

  // Replaying the journal through the sweep's own scheduler rebuilds exactly
  // what rank 0 knew, including results the archive had not been rewritten with.
  const io::JournalContents journal = io::read_journal(journal_path);
  const core::SweepSpec spec = io::parse_sweep_config(
      out.record.metadata.config_yaml, archive_path + " (stored configuration)");
  core::ManualClock manual;
  core::ResumableClock clock(manual);
  core::SweepRecord replayed;
  replayed.metadata = out.record.metadata;
  replayed.space = out.record.space;
  const auto sampler = core::make_sampler(spec);
  const auto scheduler = core::make_scheduler(
      spec, *sampler, clock, [&replayed](const core::Decision& d) { replayed.decisions.push_back(d); });
  core::SweepDriver driver(*scheduler, replayed, clock, {}, spec.retries);
  try {
    driver.replay(journal.events, clock);
  } catch (const std::exception& e) {
    throw core::InputError(journal_path, e.what(), "read the archive alone with h5py or h5dump");
  }
  if (!journal.events.empty()) replayed.metadata.wall_seconds = journal.events.back().time;
  out.record = std::move(replayed);
  out.from_journal = true;
  out.journal_events = journal.events.size();
  return out;
}

}  // namespace rungs::analysis
