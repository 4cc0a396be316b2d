#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rungs/core/error.hpp"
#include "rungs/io/config_fingerprint.hpp"

namespace {

using rungs::io::config_differences;
using rungs::io::config_fingerprint;

const std::string kBase =
    "name: demo\n"
    "seed: 7\n"
    "scheduler: {kind: asha, eta: 3}\n"
    "space:\n"
    "  lr: {type: float, low: 1.0e-4, high: 0.1, log: true}\n"
    "  opt: {type: categorical, choices: [adam, sgd]}\n"
    "limits: {time: 2h}\n"
    "output: {archive_interval: 15s}\n";

TEST(ConfigFingerprint, IgnoresRunSectionsKeyOrderStyleAndComments) {
  std::string other =
      "# the same sweep, run longer elsewhere\n"
      "space:\n"
      "  opt:\n"
      "    choices: [adam, sgd]\n"
      "    type: categorical\n"
      "  lr: {log: true, high: 0.1, low: 1.0e-4, type: float}\n"
      "scheduler:\n"
      "  eta: 3\n"
      "  kind: asha\n"
      "seed: 7\n"
      "name: demo\n"
      "limits: {time: 8h, trials: 5000}\n"
      "checkpoint: {dir: /scratch/ckpt}\n"
      "training: {threads: 4}\n";
  EXPECT_EQ(config_fingerprint(kBase), config_fingerprint(other));
  EXPECT_TRUE(config_differences(kBase, other).empty());
}

TEST(ConfigFingerprint, SearchRelevantChangesDiffer) {
  std::string eta = kBase;
  eta.replace(eta.find("eta: 3"), 6, "eta: 4");
  EXPECT_NE(config_fingerprint(kBase), config_fingerprint(eta));
  EXPECT_EQ(config_differences(kBase, eta), std::vector<std::string>{"scheduler"});
  std::string order = kBase;  // sequence order matters: choices are positional
  order.replace(order.find("[adam, sgd]"), 11, "[sgd, adam]");
  EXPECT_EQ(config_differences(kBase, order), std::vector<std::string>{"space"});
}

TEST(ConfigFingerprint, AddedOrRemovedSectionIsADifference) {
  std::string extra = kBase + "sampler: {kind: tpe}\n";
  EXPECT_EQ(config_differences(kBase, extra), std::vector<std::string>{"sampler"});
  EXPECT_EQ(config_differences(extra, kBase), std::vector<std::string>{"sampler"});
}

TEST(ConfigFingerprint, QuotingKeepsScalarsApart) {
  // "a, b" as one scalar is not the sequence [a, b].
  EXPECT_NE(config_fingerprint("x: 'a, b'"), config_fingerprint("x: [a, b]"));
}

TEST(ConfigFingerprint, InvalidYamlIsInputError) {
  EXPECT_THROW(config_fingerprint("a: [1, 2"), rungs::core::InputError);
}

TEST(ConfigFingerprint, EmptyConfigsAreEqual) {
  EXPECT_EQ(config_fingerprint(""), config_fingerprint(""));
  EXPECT_TRUE(config_differences("", "").empty());
}

// The shards of one grid are one sweep; another sampler setting is not.
TEST(ConfigFingerprint, GridShardIsNotPartOfTheSweep) {
  const std::string a = "sampler: {kind: grid, shard: 0/3}\nseed: 1";
  const std::string b = "sampler: {kind: grid, shard: '2/3'}\nseed: 1";
  EXPECT_EQ(config_fingerprint(a), config_fingerprint(b));
  EXPECT_TRUE(config_differences(a, b).empty());
  EXPECT_NE(config_fingerprint(a), config_fingerprint("sampler: {kind: random, shard: 0/3}\nseed: 1"));
  // Only the sampler's shard: a key named shard elsewhere still counts.
  EXPECT_NE(config_fingerprint("space: {shard: 1}"), config_fingerprint("space: {shard: 2}"));
}

TEST(ConfigShard, ReadsTheSamplersShard) {
  EXPECT_EQ(rungs::io::config_shard("sampler: {kind: grid, shard: 2/5}").index, 2);
  EXPECT_EQ(rungs::io::config_shard("sampler: {kind: grid, shard: 2/5}").count, 5);
  EXPECT_EQ(rungs::io::config_shard("sampler: {kind: grid}").count, 1);
  EXPECT_EQ(rungs::io::config_shard("name: x").count, 1);
  EXPECT_THROW(rungs::io::config_shard("sampler: {shard: 5/2}"), rungs::core::InputError);
}

}  // namespace
