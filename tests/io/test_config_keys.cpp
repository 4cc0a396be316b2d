// The key table of the config reader is the one list of keys: every key it
// accepts is documented in docs/configuration.md and shown in
// configs/reference.yaml, and neither lists a key the reader would refuse.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "rungs/core/error.hpp"
#include "rungs/core/factory.hpp"
#include "rungs/io/sweep_config.hpp"

namespace rungs::io {
namespace {

using KeySet = std::set<std::string>;

KeySet reader_keys() {
  const std::vector<std::string> v = config_key_paths();
  return KeySet(v.begin(), v.end());
}

// Dotted paths of every key in a YAML mapping; a parameter of the space
// becomes "*", as in the reader's table.
void collect_yaml(const YAML::Node& node, const std::string& prefix, KeySet& out) {
  if (!node.IsMap()) return;
  for (const auto& kv : node) {
    std::string key = kv.first.as<std::string>();
    if (prefix == "space") key = "*";
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    if (key != "*") out.insert(path);  // a parameter's name is not a key
    // A parameter's `when` holds parameter names, and model.env variable
    // names: neither are keys.
    if (path.rfind("space.*.", 0) == 0 || path == "model.env") continue;
    collect_yaml(kv.second, path, out);
  }
}

// Keys in the tables of docs/configuration.md: a row "| `key` |" under
// "## Top level" or "### section"; a table headed "| `tpe` key" holds the
// keys of sampler.tpe, the table headed "| Key |" under "### space" those of
// each parameter, and the model's hyperparameter table is not config keys.
KeySet documented_keys(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  KeySet out;
  std::string line, section, table;
  bool in_reference = false, skip_table = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) {
      in_reference = line == "## Top level";
      section.clear();
      continue;
    }
    if (line.rfind("### ", 0) == 0) {
      section = line.substr(4);
      table = section;
      continue;
    }
    if (!in_reference || line.rfind("| ", 0) != 0) continue;
    if (line.rfind("| Key", 0) == 0) {  // a table's header
      table = section == "space" ? "space.*" : section;
      skip_table = false;
      continue;
    }
    if (line.rfind("| `tpe` key", 0) == 0) {
      table = "sampler.tpe";
      skip_table = false;
      continue;
    }
    if (line.find("hyperparameter |") != std::string::npos) {
      skip_table = true;
      continue;
    }
    if (skip_table || line.rfind("| `", 0) != 0) continue;
    const std::size_t end = line.find('`', 3);
    const std::string key = line.substr(3, end - 3);
    out.insert(table.empty() ? key : table + "." + key);
  }
  return out;
}

std::string missing(const KeySet& want, const KeySet& have) {
  std::string s;
  for (const std::string& k : want) {
    if (!have.count(k)) s += " " + k;
  }
  return s;
}

TEST(ConfigKeys, TableHoldsTheKnownKeys) {
  const KeySet keys = reader_keys();
  for (const char* k : {"name", "retries", "limits.trial_time", "sampler.tpe.gamma",
                        "space.*.when", "scheduler.eta"}) {
    EXPECT_TRUE(keys.count(k)) << k;
  }
}

TEST(ConfigKeys, ReferenceYamlShowsEveryKeyAndNoOther) {
  KeySet shown;
  // The command model's keys are shown in a reference of their own, which
  // loads as a sweep like the first.
  collect_yaml(YAML::LoadFile(RUNGS_SOURCE_DIR "/configs/reference.yaml"), "", shown);
  collect_yaml(YAML::LoadFile(RUNGS_SOURCE_DIR "/configs/reference-command.yaml"), "", shown);
  const KeySet keys = reader_keys();
  EXPECT_EQ(missing(keys, shown), "") << "accepted but in neither configs/reference*.yaml";
  EXPECT_EQ(missing(shown, keys), "") << "in configs/reference*.yaml but not accepted";
}

TEST(ConfigKeys, ConfigurationDocListsEveryKeyAndNoOther) {
  const KeySet documented = documented_keys(RUNGS_SOURCE_DIR "/docs/configuration.md");
  const KeySet keys = reader_keys();
  EXPECT_EQ(missing(keys, documented), "") << "accepted but not in docs/configuration.md";
  EXPECT_EQ(missing(documented, keys), "") << "in docs/configuration.md but not accepted";
}

}  // namespace
}  // namespace rungs::io

namespace rungs::io {
namespace {

// One list of kinds: whatever the factory builds, the reader accepts.
TEST(ConfigKinds, ReaderAcceptsEverySchedulerAndSamplerTheFactoryBuilds) {
  const std::string yaml = "name: x\ndata: {path: d.h5}\nlimits: {time: 1h}\n"
                           "space:\n  lr: {type: float, low: 0.1, high: 0.2, grid: 2}\n";
  for (const std::string& kind : core::scheduler_kinds()) {
    EXPECT_EQ(core::to_string(parse_sweep_config(yaml, "t", {"scheduler.kind=" + kind}).scheduler.kind),
              kind);
  }
  for (const std::string& kind : core::sampler_kinds()) {
    EXPECT_EQ(core::to_string(parse_sweep_config(yaml, "t", {"sampler.kind=" + kind}).sampler.kind),
              kind);
  }
  EXPECT_THROW(parse_sweep_config(yaml, "t", {"scheduler.kind=bohb"}), core::InputError);
}

// rungs-sweep's --shard is an override in the flag's own spelling: parsed
// once, by the reader, recorded in the effective configuration, and its
// errors name the flag.
TEST(ConfigKinds, ShardFlagIsParsedOnceByTheReader) {
  const std::string yaml = "name: x\ndata: {path: d.h5}\nsampler: {kind: grid}\n"
                           "space:\n  lr: {type: float, low: 0.1, high: 0.2, grid: 4}\n";
  const core::SweepSpec spec = parse_sweep_config(yaml, "t", {"--shard 1/4"});
  EXPECT_EQ(spec.sampler.shard.index, 1);
  EXPECT_EQ(spec.sampler.shard.count, 4);
  EXPECT_NE(spec.yaml_text.find("shard: 1/4"), std::string::npos) << spec.yaml_text;
  try {
    parse_sweep_config(yaml, "t", {"--shard 4/4"});
    FAIL() << "accepted";
  } catch (const core::InputError& e) {
    EXPECT_EQ(e.where(), "--shard 4/4");
  }
}

}  // namespace
}  // namespace rungs::io
