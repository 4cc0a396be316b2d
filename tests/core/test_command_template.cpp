#include "rungs/core/command_template.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace rungs::core {
namespace {

TEST(CommandTemplate, WholeArgumentPlaceholdersAreListedOnceInOrder) {
  const CommandTemplate t({"python3", "train.py", "--lr", "{lr}", "--epochs", "{to_resource}",
                           "--again", "{lr}"});
  EXPECT_EQ(t.placeholders(), (std::vector<std::string>{"lr", "to_resource"}));
}

TEST(CommandTemplate, ExpandReplacesPlaceholdersAndKeepsLiterals) {
  const CommandTemplate t({"prog", "{lr}", "{}", "a{b", "{x y}", "--opt", "{optimizer}"});
  // "{}", "a{b" and "{x y}" are not placeholders: no name, or not a plain one.
  EXPECT_EQ(t.expand({{"lr", "1e-05"}, {"optimizer", "adam"}}),
            (std::vector<std::string>{"prog", "1e-05", "{}", "a{b", "{x y}", "--opt", "adam"}));
}

TEST(CommandTemplate, PlaceholderInsideOtherTextIsRefused) {
  try {
    CommandTemplate t({"prog", "--lr={lr}"});
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("a placeholder must be a whole argument"), std::string::npos)
        << e.what();
  }
}

TEST(CommandTemplate, EmptyArgvIsRefused) {
  EXPECT_THROW(CommandTemplate(std::vector<std::string>{}), std::invalid_argument);
}

TEST(CommandTemplate, ExpandWithoutAValueNamesThePlaceholder) {
  const CommandTemplate t({"prog", "{width}"});
  try {
    t.expand({{"lr", "0.1"}});
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("{width}"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rungs::core
