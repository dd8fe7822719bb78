#pragma once
// `basinkit rules check`: the quality of rule lists (负面清单精准性), DESIGN.md section 6.
//
// Every rule's scope is turned into an area of the map, clipped to the plan area, and
// the rules are checked against each other and against the plan's control units:
//
// - `empty_scope` (warning): a rule that can never apply in this plan — its scope has
//   less than `min_area_m2` inside the plan area (a `where` selecting nothing, `all` of
//   disjoint areas, `not` of the whole plan, ...), or its `unless` always holds.
// - `contradiction` (error): a `prohibit` rule and a `permit`/`encourage` rule whose
//   industries (GB/T 4754 prefixes: C26 and C2614 intersect; an empty list is every
//   industry) and actions intersect, and whose scopes — each minus its `unless` scope
//   where that exception holds for every project both rules name — overlap by at least
//   `min_area_m2`. One finding per pair: codes [prohibit, permit], the overlap as
//   geometry and area.
// - `blind_spot` (warning): a control unit where an industry asked for meets no rule at
//   all: no rule that could apply to that industry (any action) has a scope covering at
//   least `min_area_m2` of the unit. One finding per (industry, unit): codes [unit],
//   the industry in `detail` and in the message.
//
// Scope areas: `basin`/`unit`/`township`/`county`/`in` are the union of their features'
// polygons; `near` is their GEOS buffer by `within_m` (16 segments per quarter circle,
// so the area is up to ~0.5% smaller than the exact one); `all` intersects, `any` unites,
// `not` is the plan area minus; no scope is the whole plan area. The plan area is the
// `boundary` layer, else the union of the units, townships or level-1 basins. Attribute
// comparisons (`attr`) are assumed satisfiable: they never make a rule empty and never
// rule out a contradiction; an `unless` with `attr` never counts as always holding.
//
//   basinkit::Plan plan = basinkit::load_plan("plan.yaml");
//   basinkit::RulesCheckOptions o;
//   o.industries = {"C26", "C38"};
//   basinkit::RulesCheckResult r =
//       basinkit::check_rules(plan, {basinkit::read_rules("rules.yaml")}, o);

#include <basinkit/findings.hpp>
#include <basinkit/plan.hpp>
#include <basinkit/rules.hpp>
#include <basinkit/validate.hpp>

#include <string>
#include <vector>

namespace basinkit {

struct RulesCheckOptions {
  /// Industry codes (GB/T 4754 prefixes) to look for blind spots; DEFAULT empty = no
  /// blind_spot check.
  std::vector<std::string> industries;
  /// DEFAULT 0 = all cores.
  int threads = 0;
  /// DEFAULT none.
  ProgressFn progress;
};

struct RulesCheckResult {
  std::vector<Finding> findings;  ///< sorted by report_order
  /// Checks not run, or run only in part, with why (e.g. "blind_spot: no units layer").
  std::vector<std::string> skipped;
};

/// Checks the rule files against each other and the plan. Throws InputError (file,
/// line, rule id) for a rule naming an unknown layer, field or code, as a Screener does;
/// bad geometry never throws.
RulesCheckResult check_rules(const Plan& plan, const std::vector<RuleFile>& files,
                             const RulesCheckOptions& options);

}  // namespace basinkit
