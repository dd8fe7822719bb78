#pragma once
// Findings: what validation (`validate`) and rule-list checks (`rules check`) report.
//
// A Finding is a located value, like GEOS's TopologyValidationError: its type, severity,
// the features at fault (codes, first the one at fault), the area and a point inside the
// problem, one sentence of message, and the problem geometry for map reports. DESIGN.md
// section 5 defines every type exactly; this header is its C++ form.

#include <basinkit/geometry.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace basinkit {

enum class Severity : std::uint8_t { warning, error };

enum class FindingType : std::uint8_t {
  // hierarchy and coverage (validate)
  invalid_geometry,
  duplicate_code,
  missing_parent,
  level_mismatch,
  overlap,
  gap,
  outside_parent,
  sliver,
  empty_parent,
  code_prefix,
  // jurisdiction (validate)
  unknown_township,
  unit_outside_manager,
  interleaved,
  unit_multipart,
  exclave,
  enclave,
  crosses_county,
  // drainage network (validate, docs/network.md)
  network_cycle,
  downstream_unknown,
  downstream_not_adjacent,
  downstream_conflict,
  section_off_river,
  section_outside_plan,
  unassessed_units,
  // rule lists (rules check)
  empty_scope,
  contradiction,
  blind_spot,
};

/// "overlap", "gap", ... as in DESIGN.md.
const char* to_string(FindingType type);
const char* to_string(Severity severity);
/// The severity DESIGN.md gives the type.
Severity severity_of(FindingType type);
/// Parses a type name; nullopt when unknown.
std::optional<FindingType> parse_finding_type(std::string_view name);

struct Finding {
  FindingType type = FindingType::invalid_geometry;
  Severity severity = Severity::error;
  std::string layer;               ///< manifest key of the (child) layer at fault
  std::vector<std::string> codes;  ///< the feature at fault first, then the others involved
  std::vector<std::string> names;  ///< parallel to `codes` ("" when unnamed)
  std::optional<double> area_m2;   ///< planar, working CRS, where an area is involved
  /// [easting, northing] in the working CRS, inside the problem area.
  std::optional<std::array<double, 2>> location;
  std::string message;                 ///< one sentence, Chinese names included
  std::vector<std::string> townships;  ///< townships responsible (codes)
  std::vector<std::string> counties;   ///< their counties (codes)
  Geometry geometry;                   ///< the problem geometry; may be null

  // Members of some types only (DESIGN.md section 5):
  std::optional<std::int64_t> count;             ///< duplicate_code: features sharing it
  std::optional<double> share;                   ///< interleaved: area / unit area
  std::optional<std::string> manager;            ///< interleaved: the managing township
  std::optional<std::string> majority_township;  ///< interleaved: holds most of the unit
  /// exclave, enclave: the one other township around it, or nullopt (written as null).
  std::optional<std::string> surrounded_by;
  /// invalid_geometry: GEOS's reason; empty_scope: why the scope is empty; contradiction:
  /// the common industries and actions; blind_spot: the industry.
  std::optional<std::string> detail;
  /// downstream_not_adjacent: between the two units; section_off_river: to the nearest
  /// river (m, working CRS).
  std::optional<double> distance_m;

  std::optional<std::string> waived;  ///< the waiver's reason, when the owner accepted it
};

/// Order of reports: by type (enum order is not used: by type name), then codes.
bool report_order(const Finding& a, const Finding& b);

/// Per-township or per-county tally of findings.
struct Tally {
  std::string name;
  std::int64_t errors = 0;
  std::int64_t warnings = 0;
  double area_m2 = 0;  ///< sum of the findings' areas
};

struct FindingSummary {
  std::int64_t errors = 0;    ///< not counting waived findings
  std::int64_t warnings = 0;  ///< not counting waived findings
  std::int64_t waived = 0;
  std::map<std::string, std::int64_t> by_type;
  std::map<std::string, Tally> by_township;
  std::map<std::string, Tally> by_county;
  std::vector<std::string> skipped;  ///< checks skipped for lack of layers, with why
};

/// Counts `findings` (township/county names are looked up by the caller).
FindingSummary summarize(const std::vector<Finding>& findings);

}  // namespace basinkit
