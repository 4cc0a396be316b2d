#include "rungs/io/config_fingerprint.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <utility>

#include "rungs/core/error.hpp"

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

void put_node(std::string& out, const YAML::Node& node);

void put_map(std::string& out, const YAML::Node& node, bool top) {
  // Sort keys, never Nodes: YAML::Node's assignment writes through to the
  // node it refers to, so std::sort over Nodes would overwrite the values.
  std::vector<std::pair<std::string, std::size_t>> keys;
  std::vector<YAML::Node> values;
  for (const auto& kv : node) {
    std::string key = kv.first.Scalar();
    const auto& ignored = fingerprint_ignored_sections();
    if (top && std::find(ignored.begin(), ignored.end(), key) != ignored.end()) continue;
    keys.emplace_back(std::move(key), values.size());
    values.push_back(kv.second);
  }
  std::sort(keys.begin(), keys.end());
  out += '{';
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out += ", ";
    put_scalar(out, keys[i].first);
    out += ": ";
    put_node(out, values[keys[i].second]);
  }
  out += '}';
}

void put_node(std::string& out, const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: put_map(out, node, false); break;
    case YAML::NodeType::Sequence: {
      out += '[';
      for (std::size_t i = 0; i < node.size(); ++i) {
        if (i > 0) out += ", ";
        put_node(out, node[i]);
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
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw core::InputError("config_yaml", std::string("is not valid YAML: ") + e.what(),
                           "the archive's configuration is damaged; compare the sweeps by hand");
  }
  std::string out;
  if (root.IsMap()) {
    put_map(out, root, true);
  } else {
    put_node(out, root);
  }
  return out;
}

}  // namespace rungs::io
