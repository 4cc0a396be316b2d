#pragma once
// Reads a sweep's YAML file into a core::SweepSpec.
//
//   SweepSpec spec = load_sweep_config("configs/demo.yaml", {"scheduler.eta=4"});
//
// Every key is checked: an unknown key is an error that names the key, the
// file and line, and the nearest valid key. `overrides` are "dotted.key=value"
// strings (from --set), or "--shard I/N" (rungs-sweep's flag for
// sampler.shard); values are parsed as YAML scalars or flow sequences and
// checked like the file's own, and errors name the --set or flag. Errors
// are core::InputError.
#include <string>
#include <vector>

#include "rungs/core/sweep_spec.hpp"

namespace rungs::io {

core::SweepSpec load_sweep_config(const std::string& path,
                                  const std::vector<std::string>& overrides = {});

// The same, from YAML text; `source_name` stands in for the file name in errors.
core::SweepSpec parse_sweep_config(const std::string& yaml_text, const std::string& source_name,
                                   const std::vector<std::string>& overrides = {});

// "i/n" -> Shard{i, n} with 0 <= i < n; throws core::InputError, naming
// "--shard TEXT", on anything else.
core::Shard parse_shard(const std::string& text);

// The valid key among `candidates` closest to `key` by edit distance, else
// the one candidate that contains `key` ("mse" -> "val_mse"), or
// "" when none is close enough to be a plausible typo.
std::string nearest_key(const std::string& key, const std::vector<std::string>& candidates);

// Every key the reader accepts, as dotted paths in sorted order: "name",
// "data.path", "sampler.tpe.gamma", ...; a parameter of the space is "*"
// ("space.*.low"). The docs and configs/reference.yaml are checked against it.
std::vector<std::string> config_key_paths();

}  // namespace rungs::io
