#pragma once
// Errors a user can act on: every message says what is wrong, where, and how
// to fix it. Apps catch these at the boundary and print one line.
#include <stdexcept>
#include <string>

namespace rungs::core {

class InputError : public std::runtime_error {
 public:
  InputError(const std::string& where, const std::string& what, const std::string& fix = "")
      : std::runtime_error(compose(where, what, fix)), where_(where), what_(what), fix_(fix) {}

  const std::string& where() const { return where_; }
  const std::string& problem() const { return what_; }
  const std::string& fix() const { return fix_; }

 private:
  static std::string compose(const std::string& where, const std::string& what,
                             const std::string& fix) {
    std::string s = where.empty() ? what : where + ": " + what;
    if (!fix.empty()) s += " (" + fix + ")";
    return s;
  }
  std::string where_, what_, fix_;
};

// The machine's storage cannot take a write (a full disk, a quota, an I/O
// error). Not the trial's fault: the sweep stops with everything it can save,
// resumable once space is freed, instead of failing trial after trial.
class StorageError : public InputError {
 public:
  using InputError::InputError;
};

}  // namespace rungs::core
