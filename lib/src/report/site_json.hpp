#pragma once
// Internal: the JSON object of one screened site (DESIGN.md section 7), written as text
// straight into a buffer: the JSON and GeoJSON screening writers call it once per site.
//
//   {"id": "1", "verdict": "prohibited",
//    "location": {"unit": "0123", "manager": "T01", "township": "T01", "county": "420802",
//                 "basins": {"1": "HJ", "2": "HJ-02", "3": null}, "outside_plan": false},
//    "rules": [{"id": "N-HJ-001", "file": "city.yaml", "effect": "prohibit", "title": "…",
//               "basis": "…", "condition": "", "evidence": {"distance_m": 812.3}}],
//    "missing": [],
//    "error": "…"}                    <- only for a site that could not be screened
//
// `basins` has one key per basin level of the plan (code or null); `evidence` only the
// members that are set; distances and areas rounded to mm / mm².

#include <basinkit/screening.hpp>

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace basinkit::report {

/// The site's id: the result's, or the site's when the result has none.
const std::string& site_id(const Site& site, const SiteResult& result);

/// The basin code of `level` in `location`, if any.
std::optional<std::string> basin_at(const Location& location, int level);

/// The rule behind an applied rule; an empty one if the pointer is missing.
const Rule& rule_of(const AppliedRule& applied);

/// Appends sites' JSON objects to a buffer. The constant members of each applied rule (id,
/// file, effect, title, basis, condition: most of a site's text) are escaped once per rule
/// and copied after that. One per writer: not thread-safe.
class SiteJson {
 public:
  /// `levels`: the plan's basin levels, ascending (Plan::levels()).
  explicit SiteJson(std::vector<int> levels) : levels_(std::move(levels)) {}
  void append(std::string& out, const Site& site, const SiteResult& result);

 private:
  /// The rule's members as text, for the file it was applied from.
  const std::string& rule_members(const AppliedRule& applied);

  std::vector<int> levels_;
  struct RuleText {
    std::string file, members;
  };
  std::unordered_map<const Rule*, RuleText> rules_;
};

}  // namespace basinkit::report
