#include "rungs/core/command_template.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace rungs::core {

const std::vector<std::string>& command_builtin_placeholders() {
  static const std::vector<std::string> kNames = {
      "trial_id", "rung", "from_resource", "to_resource", "max_resource",
      "seed",     "checkpoint_dir", "data_path"};
  return kNames;
}

namespace {

bool is_identifier(const std::string& s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

}  // namespace

std::optional<std::string> placeholder_of(const std::string& arg) {
  if (arg.size() >= 3 && arg.front() == '{' && arg.back() == '}') {
    const std::string name = arg.substr(1, arg.size() - 2);
    if (is_identifier(name)) return name;
  }
  // "{name}" somewhere inside other text would stay literal: refuse it.
  for (auto open = arg.find('{'); open != std::string::npos; open = arg.find('{', open + 1)) {
    const auto close = arg.find('}', open);
    if (close == std::string::npos) break;
    const std::string name = arg.substr(open + 1, close - open - 1);
    if (is_identifier(name)) {
      throw std::invalid_argument(
          "'" + arg + "' holds the placeholder {" + name +
          "} inside other text; a placeholder must be a whole argument, e.g. write \"--" + name +
          "\", \"{" + name + "}\" as two arguments");
    }
  }
  return std::nullopt;
}

CommandTemplate::CommandTemplate(std::vector<std::string> argv) : argv_(std::move(argv)) {
  if (argv_.empty()) {
    throw std::invalid_argument("argv is empty; write the program and its arguments, e.g. "
                                "[python3, train.py, --lr, \"{lr}\"]");
  }
  for (const auto& arg : argv_) placeholder_of(arg);  // throws for one inside text
}

std::vector<std::string> CommandTemplate::placeholders() const {
  std::vector<std::string> names;
  for (const auto& arg : argv_) {
    const auto name = placeholder_of(arg);
    if (name && std::find(names.begin(), names.end(), *name) == names.end()) names.push_back(*name);
  }
  return names;
}

std::vector<std::string> CommandTemplate::expand(
    const std::map<std::string, std::string>& values) const {
  std::vector<std::string> out;
  out.reserve(argv_.size());
  for (const auto& arg : argv_) {
    const auto name = placeholder_of(arg);
    if (!name) {
      out.push_back(arg);
      continue;
    }
    const auto it = values.find(*name);
    if (it == values.end()) throw std::invalid_argument("no value for the placeholder {" + *name + "}");
    out.push_back(it->second);
  }
  return out;
}

}  // namespace rungs::core
