#pragma once
// `basinkit diff`: what changed between two revisions of a plan (docs/diff.md).
//
// Control units, townships and basins of the OLD plan are matched with those of the NEW
// plan, in the NEW plan's working CRS (load_plan_pair reprojects the old plan into it):
//
// 1. By code. A code held by both plans is the same feature; its changes are `reshaped`
//    (area gained and lost, with the neighbours that gave or took it), `reassigned` (a
//    unit's managing township), `reparented` (a unit's L3 basin, a basin's parent, a
//    township's county) and `attribute` (the name or any other mapped field, one change
//    per field).
// 2. By ground, among the features whose code is in one plan only. An old and a new
//    feature are linked when their overlap is at least `split_share` of the smaller of the
//    two; each connected group is then one change: one old and one new overlapping by at
//    least `same_share` of each → `recoded`; one old and several new → `split`; several
//    old and one new → `merged`; a lone old → `removed`, a lone new → `added`. Anything
//    else (one-to-one below `same_share`, many-to-many) is reported feature by feature as
//    `removed` and `added`. Basins are linked within one level only.
//
// Digitising noise is no change: a piece of gained or lost area narrower than
// `tolerance_m` (its largest inscribed circle, as validation's "thin") or smaller than the
// NEW manifest's `min_area_m2` is ignored.
//
// Findings: both plans are validated, and each finding is matched with one of the other
// plan's findings of the same type and codes (old codes of recoded features translated
// to the new ones) whose location lies within `tolerance_m` of it or inside its geometry:
// unmatched old findings are `resolved`, unmatched new ones `new`, pairs `unchanged`.
//
//   basinkit::PlanPair plans = basinkit::load_plan_pair("2025/plan.yaml", "2026/plan.yaml");
//   basinkit::PlanDiff d = basinkit::diff_plans(plans.old_plan, plans.new_plan, {});
//   for (const auto& c : d.changes) std::cout << to_string(c.type) << ' ' << c.message;

#include <basinkit/findings.hpp>
#include <basinkit/geometry.hpp>
#include <basinkit/plan.hpp>
#include <basinkit/report.hpp>
#include <basinkit/validate.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace basinkit {

enum class ChangeType : std::uint8_t {
  added,
  removed,
  recoded,
  split,
  merged,
  reshaped,
  reassigned,
  reparented,
  attribute,
};

/// "added", "removed", ... as docs/diff.md names them.
const char* to_string(ChangeType type);

struct DiffOptions {
  /// Gained or lost pieces narrower than this are digitising noise. DEFAULT 1 m.
  double tolerance_m = 1.0;
  /// recoded: the overlap is at least this share of the old and of the new feature.
  /// DEFAULT 0.95 (95 %).
  double same_share = 0.95;
  /// split / merged: each part holds at least this share of the whole (and old and new
  /// features are linked at all from this share of the smaller). DEFAULT 0.05 (5 %).
  double split_share = 0.05;
  /// Validate both plans and compare their findings. DEFAULT true.
  bool findings = true;
  /// DEFAULT 0 = all cores (validation).
  int threads = 0;
  /// DEFAULT none.
  ProgressFn progress;
};

/// One change of one feature (or group of features, for split and merged).
struct PlanChange {
  ChangeType type = ChangeType::added;
  std::string layer;                   ///< "units", "townships" or "basins"
  int level = 0;                       ///< basins: the level; else 0
  std::vector<std::string> old_codes;  ///< empty for added
  std::vector<std::string> new_codes;  ///< empty for removed
  std::vector<std::string> names;      ///< of the new features (of the old for removed)
  /// reassigned / reparented / attribute: the field's role ("township", "basin",
  /// "parent", "county", "name", ...) and its old and new values.
  std::string field;
  std::string old_value;
  std::string new_value;
  double gained_m2 = 0;  ///< reshaped: area gained (planar, NEW working CRS)
  double lost_m2 = 0;    ///< reshaped: area lost
  /// reshaped: the old features the gained area came from / the new features the lost
  /// area went to (codes; empty when it came from or went outside the layer).
  std::vector<std::string> gained_from;
  std::vector<std::string> lost_to;
  /// split: share of the old feature in each new one (parallel to new_codes); merged:
  /// share of the new feature in each old one (parallel to old_codes); recoded: the
  /// overlap's share of the old and of the new feature.
  std::vector<double> shares;
  std::vector<std::string> townships;  ///< townships concerned (old and new manager, ...)
  std::vector<std::string> counties;   ///< their counties
  /// [easting, northing] in the NEW working CRS, inside the changed area.
  std::optional<std::array<double, 2>> location;
  /// The changed area: gained and lost pieces (reshaped), the new features (added, split,
  /// merged, recoded, and the field changes), the old ones (removed).
  Geometry geometry;
  std::string message;  ///< one sentence, names included
};

/// Per-township or per-county tally of a diff.
struct DiffTally {
  std::string name;
  std::int64_t changes = 0;
  std::int64_t resolved = 0;
  std::int64_t added = 0;  ///< new findings
  std::int64_t unchanged = 0;
  std::int64_t new_errors = 0;  ///< new findings of severity error
};

struct PlanDiff {
  std::vector<PlanChange> changes;                ///< by layer, type, codes
  bool findings_compared = false;                 ///< whether both plans were validated
  std::vector<Finding> resolved;                  ///< old plan's findings gone from the new plan
  std::vector<Finding> added;                     ///< new plan's findings the old plan did not have
  std::vector<Finding> unchanged;                 ///< new plan's version of the findings in both
  std::map<std::string, std::int64_t> by_change;  ///< change type → count
  std::map<std::string, DiffTally> by_township;
  std::map<std::string, DiffTally> by_county;

  /// New findings of severity error (`--fail-on new-error`).
  std::int64_t new_errors() const;
};

/// The two revisions, both in the NEW plan's working CRS.
struct PlanPair {
  Plan old_plan;
  Plan new_plan;
};

/// Loads NEW, then OLD reprojected into NEW's working CRS. An InputError names the
/// manifest (old or new) it came from.
PlanPair load_plan_pair(const std::string& old_manifest, const std::string& new_manifest,
                        const LoadOptions& options = {});

/// Compares the plans. Throws InputError when their working CRSs differ (load them with
/// load_plan_pair); bad geometry never throws.
PlanDiff diff_plans(const Plan& old_plan, const Plan& new_plan, const DiffOptions& options);

// ---- reports ----------------------------------------------------------------------

struct DiffReport {
  const PlanDiff* diff = nullptr;
  Provenance provenance;  ///< diff_provenance()
  /// Both plans, for the HTML page's map (old boundaries under the new). Must outlive
  /// the writing.
  const Plan* old_plan = nullptr;
  const Plan* new_plan = nullptr;
};

/// Provenance of both plans: the inputs of each, roles prefixed "old " and "new ".
Provenance diff_provenance(const Plan& old_plan, const Plan& new_plan,
                           const std::string& command_line);

/// Throws InputError when `path` is no .json .csv .xlsx .gpkg .html.
void check_diff_report_path(const std::string& path);

/// Writes the report, format by extension: .json, .csv (UTF-8 with BOM: one row per
/// change and per finding), .xlsx (a sheet per change type and finding status), .gpkg (a
/// styled layer per change type and finding status, NEW working CRS), .html (one offline
/// page: old and new boundaries, the changed areas, tables). Replaces an existing file.
void write_diff_report(const DiffReport& report, const std::string& path);

/// The JSON form on a stream (`--format json`).
void write_diff_json(const DiffReport& report, std::ostream& out);

}  // namespace basinkit
