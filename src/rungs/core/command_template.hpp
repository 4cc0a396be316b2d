#pragma once
// A command trial's argv as the configuration writes it: literal arguments
// and placeholders. A placeholder is a whole argument, "{lr}", replaced by
// the value's exact text (format_value: 1e-05 stays 1e-05); the program is
// started without a shell, so nothing is split, globbed or quoted.
//
//   CommandTemplate t({"python3", "train.py", "--lr", "{lr}", "--epochs", "{to_resource}"});
//   t.placeholders();                        // {"lr", "to_resource"}
//   t.expand({{"lr", "0.001"}, {"to_resource", "9"}});
//   // {"python3", "train.py", "--lr", "0.001", "--epochs", "9"}
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rungs::core {

// Names every trial fills in besides its hyperparameters (docs/command-trials.md).
const std::vector<std::string>& command_builtin_placeholders();

// The placeholder `arg` is ("lr" for "{lr}"), or nullopt for a literal.
// Throws std::invalid_argument, with the fix, for an argument that holds a
// placeholder inside other text ("--lr={lr}"): it would silently stay literal.
std::optional<std::string> placeholder_of(const std::string& arg);

class CommandTemplate {
 public:
  CommandTemplate() = default;
  // Throws std::invalid_argument for an empty argv or a placeholder inside text.
  explicit CommandTemplate(std::vector<std::string> argv);

  const std::vector<std::string>& argv() const { return argv_; }
  // Each placeholder once, in order of first use.
  std::vector<std::string> placeholders() const;
  // argv with every placeholder replaced by its value; throws
  // std::invalid_argument naming a placeholder `values` lacks.
  std::vector<std::string> expand(const std::map<std::string, std::string>& values) const;

 private:
  std::vector<std::string> argv_;
};

}  // namespace rungs::core
