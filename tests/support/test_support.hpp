#pragma once
// Helpers the test binaries share: a scratch folder per test, and checks on
// the one-line errors the project promises.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "rungs/core/error.hpp"

namespace rungs::test_support {

// A fresh folder per test, under RUNGS_TEST_TMP (set by CMake) or /tmp, in
// `area`, so tests run in parallel by CTest never share files.
inline std::string scratch_dir(const std::string& area) {
  namespace fs = std::filesystem;
  const char* env = std::getenv("RUNGS_TEST_TMP");
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::path(env && *env ? env : "/tmp") / area /
                 (std::string(info->test_suite_name()) + "." + info->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

// The message of the core::InputError `fn` throws; a test failure if none.
template <typename Fn>
std::string input_error_message(Fn fn) {
  try {
    fn();
  } catch (const core::InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected InputError";
  return "";
}

inline bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace rungs::test_support
