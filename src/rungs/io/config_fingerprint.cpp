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
  std::vector<std::pair<std::string, YAML::Node>> items;
  for (const auto& kv : node) {
    std::string key = kv.first.Scalar();
    const auto& ignored = fingerprint_ignored_sections();
    if (top && std::find(ignored.begin(), ignored.end(), key) != ignored.end()) continue;
    items.emplace_back(std::move(key), kv.second);
  }
  std::sort(items.begin(), items.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  out += '{';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    put_scalar(out, items[i].first);
    out += ": ";
    put_node(out, items[i].second);
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
