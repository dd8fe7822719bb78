#pragma once
// 一单元一清单: the access list (生态环境准入清单) of each control unit — the rules of the
// negative and positive lists whose scope reaches into the unit, with how much of the
// unit each covers (docs/unit-lists.md).
//
// A rule's scope is an area of the map, as `rules check` computes it (docs/rules.md: the
// features united or buffered, combined with all/any/not, clipped to the plan area; a
// rule without scope is the whole plan area). For each unit and rule:
//
// - listed: the scope covers a piece of the unit of at least `min_area_m2` that is not
//   thin (a largest inscribed circle of at least `tolerance_m`): a scope that only
//   touches the unit, or leaves a digitising sliver in it, is not in its list.
// - whole_unit: what the scope leaves of the unit is negligible (under `min_area_m2`, or
//   thin), and the rule's `unless` scope (if any) holds nowhere in the unit: the rule
//   applies at every point of the unit to every project it names.
// - area_m2 / share: the unit's area inside the scope (planar, working CRS) and its share
//   of the unit's area; unless_area_m2: the part of that where the `unless` scope holds.
//
// Rules are ordered by effect — prohibit, restrict (negative list), then encourage,
// permit (positive list), the order of the verdict — then in file and rule order.
//
//   basinkit::Plan plan = basinkit::load_plan("plan.yaml");
//   std::vector<basinkit::RuleFile> files = {basinkit::read_rules("rules.yaml")};
//   basinkit::UnitListOptions o;
//   o.units = {"HJ0101*"};
//   basinkit::UnitLists lists = basinkit::list_rules_by_unit(plan, files, o);

#include <basinkit/geometry.hpp>
#include <basinkit/plan.hpp>
#include <basinkit/report.hpp>
#include <basinkit/rules.hpp>
#include <basinkit/validate.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace basinkit {

struct UnitListOptions {
  /// Unit codes or globs (`*`, `?`, case-sensitive); DEFAULT empty = every unit.
  std::vector<std::string> units;
  /// Codes of managing townships; DEFAULT empty = any.
  std::vector<std::string> townships;
  /// County codes (of the managing township); DEFAULT empty = any. A unit is selected
  /// when it passes every selection given.
  std::vector<std::string> counties;
  /// Keep each unit's geometry and each listed rule's piece of it (for map reports);
  /// DEFAULT false.
  bool pieces = false;
  /// DEFAULT 0 = all cores.
  int threads = 0;
  /// DEFAULT none.
  ProgressFn progress;
};

/// One rule in a unit's list.
struct ListedRule {
  const Rule* rule = nullptr;      ///< into the files given
  const RuleFile* file = nullptr;  ///< idem
  double area_m2 = 0;              ///< of the unit inside the scope
  double share = 0;                ///< area_m2 / the unit's area (0..1)
  bool whole_unit = false;         ///< see above
  /// Rules with an `unless` scope: the part of area_m2 where that scope holds.
  std::optional<double> unless_area_m2;
  Geometry piece;  ///< with `pieces`: the unit's part inside the scope
};

/// The access list of one control unit.
struct UnitList {
  std::string code, name;
  std::string township, township_name;  ///< the managing township
  std::string county, county_name;      ///< its county ("" when unknown)
  double area_m2 = 0;
  /// Negative list then positive list: prohibit, restrict, encourage, permit; then in
  /// file and rule order.
  std::vector<ListedRule> rules;
  /// Why the unit has no list (no usable geometry); empty otherwise.
  std::string error;
  Geometry geometry;  ///< with `pieces`: the unit (valid polygons)
};

struct UnitLists {
  std::vector<UnitList> units;  ///< the selected units, by code
  /// Rules or (unit, rule) pairs whose areas GEOS could not compute, with why.
  std::vector<std::string> skipped;
  size_t rules = 0;  ///< rules in the files
};

/// The list of every selected unit. Throws InputError for a rule that does not fit the
/// plan (as a Screener does), for a plan without units, and for a selection that matches
/// no unit ("--unit 'X' matches no unit").
UnitLists list_rules_by_unit(const Plan& plan, const std::vector<RuleFile>& files,
                             const UnitListOptions& options);

/// What a rule applies to, as the lists print it: "industry C25, C26; action new,
/// expand; water_m3_d > 500", or "every project".
std::string applies_to_text(const AppliesTo& a);
/// A rule's `unless` as the lists print it: "unless `in` zones where KIND =
/// 'chemical_park'; industry D46", or "" without one.
std::string unless_text(const Rule& rule);
/// A rule's scope as the lists print it, or "whole plan area".
std::string scope_text(const Rule& rule);

struct UnitListReport {
  const UnitLists* lists = nullptr;
  Provenance provenance;
  const Plan* plan = nullptr;  ///< working CRS and names; must outlive the writing
};

/// Throws InputError when `path` is not .json, .csv, .xlsx, .html or .gpkg.
void check_unit_list_report_path(const std::string& path);
/// Whether the format of `path` draws the units and pieces (.html, .gpkg): compute the
/// lists with `pieces` for it.
bool unit_list_report_has_maps(const std::string& path);
/// Writes the lists, format by extension: .json, .csv (UTF-8 with BOM, a row per unit
/// and rule), .xlsx (a sheet per county, a block of rows per unit), .html (a printable
/// page per unit with its map), .gpkg (the units and the scopes' pieces, styled). An
/// existing file is replaced. Map formats need lists computed with `pieces`.
void write_unit_lists(const UnitListReport& report, const std::string& path);
/// The JSON form on a stream (`--format json`).
void write_unit_lists_json(const UnitListReport& report, std::ostream& out);

}  // namespace basinkit
