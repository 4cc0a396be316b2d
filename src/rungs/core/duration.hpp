#pragma once
// Durations as users write them: "90s", "30m", "2h", "1h30m", "1d", "45"
// (plain numbers are seconds).
#include <optional>
#include <string>

namespace rungs::core {

std::optional<double> parse_duration(const std::string& text);
std::string format_duration(double seconds);  // "1h02m03s", "4.2s"

}  // namespace rungs::core
