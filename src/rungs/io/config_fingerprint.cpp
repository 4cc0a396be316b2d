#include "rungs/io/config_fingerprint.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <utility>

#include "rungs/core/error.hpp"
#include "rungs/io/sweep_config.hpp"

namespace rungs::io {
namespace {

// Quoted, so that a scalar "a, b" cannot pass for a sequence of two.
void put_scalar(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

void put_node(std::string& out, const YAML::Node& node, const std::string& path);

// A grid's shard says which part of the sweep a job ran, not which sweep.
bool ignored_key(const std::string& parent, const std::string& key) {
  return parent == "sampler" && key == "shard";
}

bool ignored(const std::string& key) {
  const auto& list = fingerprint_ignored_sections();
  return std::find(list.begin(), list.end(), key) != list.end();
}

YAML::Node load(const std::string& yaml_text) {
  try {
    return YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw core::InputError("config_yaml", std::string("is not valid YAML: ") + e.what(),
                           "the archive's configuration is damaged; compare the sweeps by hand");
  }
}

// Each kept top-level section's canonical text, by key.
std::map<std::string, std::string> sections(const YAML::Node& root) {
  std::map<std::string, std::string> out;
  for (const auto& kv : root) {
    std::string key = kv.first.Scalar();
    if (ignored(key)) continue;
    put_node(out[key], kv.second, key);
  }
  return out;
}

void put_map(std::string& out, const YAML::Node& node, const std::string& path) {
  // Sort keys, never Nodes: YAML::Node's assignment writes through to the
  // node it refers to, so std::sort over Nodes would overwrite the values.
  std::vector<std::pair<std::string, std::size_t>> keys;
  std::vector<YAML::Node> values;
  for (const auto& kv : node) {
    std::string key = kv.first.Scalar();
    if ((path.empty() && ignored(key)) || ignored_key(path, key)) continue;
    keys.emplace_back(std::move(key), values.size());
    values.push_back(kv.second);
  }
  std::sort(keys.begin(), keys.end());
  out += '{';
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out += ", ";
    put_scalar(out, keys[i].first);
    out += ": ";
    put_node(out, values[keys[i].second], path.empty() ? keys[i].first : path + "." + keys[i].first);
  }
  out += '}';
}

void put_node(std::string& out, const YAML::Node& node, const std::string& path) {
  switch (node.Type()) {
    case YAML::NodeType::Map: put_map(out, node, path); break;
    case YAML::NodeType::Sequence: {
      out += '[';
      for (std::size_t i = 0; i < node.size(); ++i) {
        if (i > 0) out += ", ";
        put_node(out, node[i], path + "[]");
      }
      out += ']';
      break;
    }
    case YAML::NodeType::Scalar: put_scalar(out, node.Scalar()); break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: out += '~'; break;
  }
}

}  // namespace

const std::vector<std::string>& fingerprint_ignored_sections() {
  static const std::vector<std::string> kIgnored = {"limits", "output", "checkpoint", "training"};
  return kIgnored;
}

std::string config_fingerprint(const std::string& yaml_text) {
  YAML::Node root = load(yaml_text);
  std::string out;
  if (root.IsMap()) {
    put_map(out, root, "");
  } else {
    put_node(out, root, "");
  }
  return out;
}

core::Shard config_shard(const std::string& yaml_text) {
  const YAML::Node root = load(yaml_text);
  if (!root.IsMap() || !root["sampler"] || !root["sampler"].IsMap()) return core::Shard{};
  const YAML::Node shard = root["sampler"]["shard"];
  if (!shard || !shard.IsScalar()) return core::Shard{};
  return parse_shard(shard.Scalar());
}

}  // namespace rungs::io

namespace rungs::io {

std::vector<std::string> config_differences(const std::string& yaml_a, const std::string& yaml_b) {
  YAML::Node a = load(yaml_a), b = load(yaml_b);
  if (!a.IsMap() || !b.IsMap()) {
    if (config_fingerprint(yaml_a) == config_fingerprint(yaml_b)) return {};
    return {"(root)"};
  }
  std::map<std::string, std::string> sa = sections(a), sb = sections(b);
  std::vector<std::string> out;
  for (const auto& [key, text] : sa) {
    auto it = sb.find(key);
    if (it == sb.end() || it->second != text) out.push_back(key);
  }
  for (const auto& [key, text] : sb) {
    if (sa.count(key) == 0) out.push_back(key);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace rungs::io
