#pragma once
// What makes two archives "the same sweep": their configuration with the
// sections that may differ between runs of one sweep dropped. `rungs merge`
// compares these (analysis does not parse YAML itself).
//
//   io::config_fingerprint(a.metadata.config_yaml) ==
//       io::config_fingerprint(b.metadata.config_yaml)   // same sweep
//
// Dropped top-level sections: `limits`, `output`, `checkpoint`, `training`
// (how long, where and on what a run went; not what it searched), and
// `sampler.shard` (which part of a grid a job covered: the shards of one
// grid are one sweep). What is
// left is re-emitted canonically: mapping keys sorted at every level,
// sequences in order, scalars as their text, one line. So key order, flow
// versus block style, comments and quoting do not matter; the scalar text
// does (`1e-4` and `0.0001` differ), which is fine for configs that rungs
// itself wrote into archives.
#include <string>
#include <vector>

#include "rungs/core/sweep_spec.hpp"

namespace rungs::io {

// The top-level sections config_fingerprint drops.
const std::vector<std::string>& fingerprint_ignored_sections();

// Throws core::InputError when `yaml_text` is not valid YAML.
std::string config_fingerprint(const std::string& yaml_text);

// The grid shard a configuration covers (sampler.shard; 0/1, all of it,
// when unset). Throws core::InputError on invalid YAML or shard text.
core::Shard config_shard(const std::string& yaml_text);

// The top-level keys (sections) whose fingerprints differ between two
// configurations, in name order, the dropped sections excepted; empty when
// the fingerprints are equal. For error messages that say where two sweeps
// differ. A configuration that is not a mapping differs as a whole: "(root)".
std::vector<std::string> config_differences(const std::string& yaml_a, const std::string& yaml_b);

}  // namespace rungs::io
