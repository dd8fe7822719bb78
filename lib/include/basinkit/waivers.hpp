#pragma once
// Waivers: findings the plan owner has accepted (DESIGN.md section 5, `--waivers FILE`).
//
//   - type: interleaved
//     codes: [HJ010203, "420881102000"]
//     reason: 2023年乡镇区划调整遗留，待下轮规划修编
//
// A waived finding stays in the report, marked with the reason, and does not count for
// `--fail-on`. A waiver matches a finding of the same type whose codes are the same
// list, in the same order.

#include <basinkit/findings.hpp>

#include <string>
#include <vector>

namespace basinkit {

struct Waiver {
  FindingType type = FindingType::invalid_geometry;
  std::vector<std::string> codes;
  std::string reason;
  int line = 0;  ///< in the waiver file
};

/// Reads a YAML list of {type, codes, reason}. Throws InputError (file, line) on an
/// unknown type, a missing reason or a malformed entry.
std::vector<Waiver> read_waivers(const std::string& path);
/// Parses a waiver file's text; `path` names it in errors (read_waivers reads the file
/// and calls this). Never crashes on any input (fuzzed).
std::vector<Waiver> parse_waivers(const std::string& text, const std::string& path);

/// Marks the findings the waivers match. Returns the waivers that matched nothing.
std::vector<Waiver> apply_waivers(std::vector<Finding>& findings,
                                  const std::vector<Waiver>& waivers);

}  // namespace basinkit
