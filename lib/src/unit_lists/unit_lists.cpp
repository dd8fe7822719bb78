// 一单元一清单: each selected unit's rules, from the scopes as areas (rules_check's
// ScopeAreas) cut into tiles (tiled_area), one unit at a time on every core.
#include <basinkit/error.hpp>
#include <basinkit/unit_lists.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

#include "common/parallel.hpp"
#include "common/stage_progress.hpp"
#include "geometry/pieces.hpp"
#include "screening/compiled_rules.hpp"
#include "screening/feature_set.hpp"
#include "unit_lists/tiled_area.hpp"

namespace basinkit {
namespace {

using rules_check::Area;
using rules_check::GeosFailure;
using unit_lists::TiledArea;

/// A rule's places: where its scope holds, and where its `unless` scope holds within it.
struct RulePlaces {
  const screening::CompiledRule* compiled = nullptr;
  std::optional<TiledArea> scope;
  std::optional<TiledArea> unless;  ///< rules with an `unless` scope
  std::string failure;              ///< GEOS could not compute the areas
};

/// geos::is_thin, with a cheap proof first for the long straight slivers that
/// digitising leaves: a piece lies in its convex hull, and a convex set's inscribed circle
/// has a radius of at most 2 · area / perimeter (the triangles from its centre to the
/// edges are at least that high), so a hull with 4 · area / perimeter below the tolerance
/// holds only thin pieces — GEOS's inscribed circle, slow on such strips, is not needed.
bool thin(const GEOSGeometry* piece, double tolerance_m) {
  GEOSContextHandle_t h = geos::context();
  const Area hull(GEOSConvexHull_r(h, piece));
  double perimeter = 0;
  if (hull && GEOSLength_r(h, hull.get(), &perimeter) == 1 && perimeter > 0 &&
      4 * geos::area_of(hull.get()) / perimeter < tolerance_m)
    return true;
  return geos::is_thin(piece, tolerance_m);
}

/// Whether every polygon of `g` is thin (true for null: nothing is left).
bool all_thin(const GEOSGeometry* g, double tolerance_m) {
  for (const GEOSGeometry* piece : geos::polygons_of(g))
    if (!thin(piece, tolerance_m)) return false;
  return true;
}

/// Whether a part of a unit counts (see unit_lists.hpp): at least min_area_m2 and not
/// thin. A part larger than tolerance_m times the unit's perimeter is never thin along
/// the unit's edges, so only smaller parts are united and measured.
struct Significance {
  double min_area_m2, tolerance_m, perimeter_m;
  bool counts(const unit_lists::Part& p, Area* united) const {
    if (p.area_m2 < min_area_m2) return false;
    if (p.whole || p.area_m2 > tolerance_m * perimeter_m) return true;
    Area all = rules_check::unite(copies(p));
    const bool thin = all_thin(all.get(), tolerance_m);
    if (united) *united = std::move(all);
    return !thin;
  }
  static std::vector<Area> copies(const unit_lists::Part& p) {
    std::vector<Area> out;
    for (const Area& a : p.pieces) out.push_back(rules_check::clone(a.get()));
    return out;
  }
};

/// Whether `part` leaves only a negligible rest of the unit: under min_area_m2, or thin.
bool covers_unit(const unit_lists::Part& part, const unit_lists::UnitShape& unit,
                 const Significance& s, Area& united) {
  if (part.whole) return true;
  const double rest = unit.area_m2 - part.area_m2;
  if (rest < s.min_area_m2) return true;
  if (rest > s.tolerance_m * s.perimeter_m) return false;
  if (!united) united = rules_check::unite(Significance::copies(part));
  Area left = rules_check::subtract(unit.geometry, united.get());
  return rules_check::area_m2(left.get()) < s.min_area_m2 || all_thin(left.get(), s.tolerance_m);
}

/// The plan's units the options select, in code order. Throws InputError for a
/// selection matching no unit.
std::vector<const ControlUnit*> select_units(const Plan& plan, const UnitListOptions& o,
                                             const std::map<std::string, std::string>& county_of) {
  if (plan.units.empty())
    throw InputError("the plan has no control units: there are no lists to make",
                     Where(plan.manifest.path, "units"));
  auto county = [&](const ControlUnit& u) {
    const auto it = county_of.find(u.township);
    return it == county_of.end() ? std::string() : it->second;
  };
  auto check_each = [&](const std::vector<std::string>& wanted, const char* option, auto match) {
    for (const std::string& w : wanted)
      if (std::none_of(plan.units.begin(), plan.units.end(),
                       [&](const ControlUnit& u) { return match(w, u); }))
        throw InputError(fmt::format("{} '{}' matches no unit of this plan", option, w),
                         Where(plan.manifest.path, "units"));
  };
  auto by_unit = [](const std::string& w, const ControlUnit& u) {
    return screening::glob_match(w, u.code);
  };
  auto by_township = [](const std::string& w, const ControlUnit& u) { return u.township == w; };
  auto by_county = [&](const std::string& w, const ControlUnit& u) { return county(u) == w; };
  check_each(o.units, "--unit", by_unit);
  check_each(o.townships, "--township", by_township);
  check_each(o.counties, "--county", by_county);
  auto passes = [](const std::vector<std::string>& wanted, const ControlUnit& u, auto match) {
    return wanted.empty() || std::any_of(wanted.begin(), wanted.end(),
                                         [&](const std::string& w) { return match(w, u); });
  };
  std::vector<const ControlUnit*> out;
  for (const ControlUnit& u : plan.units)
    if (passes(o.units, u, by_unit) && passes(o.townships, u, by_township) &&
        passes(o.counties, u, by_county))
      out.push_back(&u);
  std::stable_sort(out.begin(), out.end(),
                   [](const ControlUnit* a, const ControlUnit* b) { return a->code < b->code; });
  if (out.empty())
    throw InputError("the selection (--unit, --township, --county together) matches no unit",
                     Where(plan.manifest.path, "units"));
  return out;
}

std::vector<RulePlaces> rule_places(const screening::CompiledRules& compiled,
                                    const rules_check::ScopeAreas& areas, int threads,
                                    StageProgress& progress) {
  std::vector<RulePlaces> places(compiled.rules().size());
  parallel_for(places.size(), threads, [&](size_t i, int) {
    RulePlaces& r = places[i];
    r.compiled = &compiled.rules()[i];
    const Rule& rule = *r.compiled->rule;
    try {
      Area scope = rule.scope ? areas.area(*rule.scope, *r.compiled->scope, nullptr)
                              : rules_check::clone(areas.plan());
      if (rule.unless_scope) {
        Area unless = areas.area(*rule.unless_scope, *r.compiled->unless_scope, nullptr);
        r.unless.emplace(rules_check::intersect(scope.get(), unless.get()));
      }
      r.scope.emplace(std::move(scope));
    } catch (const GeosFailure& e) {
      r.failure = e.what();
    }
    progress.advance();
  });
  return places;
}

/// The list of one unit; (unit, rule) pairs GEOS failed on go to `skipped`.
UnitList list_of(const ControlUnit& unit, const std::vector<RulePlaces>& places,
                 std::vector<geos::PreparedPtr>& prepared, const Plan& plan, bool keep_pieces,
                 std::vector<std::string>& skipped) {
  UnitList list;
  list.code = unit.code;
  list.name = unit.name;
  list.township = unit.township;
  Area shape = rules_check::polygons_of(unit.geometry.get());
  if (!shape) {
    list.error = "the unit has no usable geometry (see `basinkit validate`)";
    return list;
  }
  GEOSContextHandle_t h = geos::context();
  const geos::PreparedPtr unit_prepared = geos::prepare(shape.get());
  unit_lists::UnitShape u;
  u.geometry = shape.get();
  u.prepared = unit_prepared.get();
  u.envelope = geos::envelope(shape.get());
  u.area_m2 = geos::area_of(shape.get());
  list.area_m2 = u.area_m2;
  double perimeter = 0;
  GEOSLength_r(h, shape.get(), &perimeter);
  const Significance significance{plan.manifest.min_area_m2, plan.manifest.tolerance_m, perimeter};
  for (size_t i = 0; i < places.size(); ++i) {
    const RulePlaces& r = places[i];
    if (!r.failure.empty() || !r.scope) continue;
    try {
      const unit_lists::Part part = r.scope->part_of(u, prepared[2 * i]);
      Area united;
      if (!significance.counts(part, &united)) continue;
      ListedRule listed;
      listed.rule = r.compiled->rule;
      listed.file = r.compiled->file;
      listed.area_m2 = part.area_m2;
      listed.share = u.area_m2 > 0 ? std::min(1.0, part.area_m2 / u.area_m2) : 0;
      listed.whole_unit = covers_unit(part, u, significance, united);
      if (r.unless) {
        const unit_lists::Part exempt = r.unless->part_of(u, prepared[2 * i + 1]);
        listed.unless_area_m2 = exempt.area_m2;
        if (significance.counts(exempt, nullptr)) listed.whole_unit = false;
      }
      if (keep_pieces) {
        if (part.whole) united = rules_check::clone(shape.get());
        if (!united) united = rules_check::unite(Significance::copies(part));
        listed.piece = Geometry(united.release());
      }
      list.rules.push_back(std::move(listed));
    } catch (const GeosFailure& e) {
      skipped.push_back(fmt::format("unit {}, rule {} ({}): not computed: {}", unit.code,
                                    r.compiled->rule->id, r.compiled->file->path, e.what()));
    }
  }
  // By effect (the enum's order is prohibit, restrict, encourage, permit), then as listed.
  std::stable_sort(list.rules.begin(), list.rules.end(),
                   [](const ListedRule& a, const ListedRule& b) {
                     return static_cast<int>(a.rule->effect) < static_cast<int>(b.rule->effect);
                   });
  if (keep_pieces) list.geometry = Geometry(shape.release());
  return list;
}

const char* op_text(AttributeTest::Op op) {
  switch (op) {
    case AttributeTest::Op::eq:
      return "=";
    case AttributeTest::Op::ne:
      return "!=";
    case AttributeTest::Op::lt:
      return "<";
    case AttributeTest::Op::le:
      return "<=";
    case AttributeTest::Op::gt:
      return ">";
    case AttributeTest::Op::ge:
      return ">=";
    case AttributeTest::Op::in:
      return "in";
  }
  return "";
}

}  // namespace

UnitLists list_rules_by_unit(const Plan& plan, const std::vector<RuleFile>& files,
                             const UnitListOptions& options) {
  UnitLists result;
  const screening::CompiledRules compiled(plan, files);  // unknown layers, codes: InputError
  result.rules = compiled.rules().size();
  std::map<std::string, std::string> county_of, county_names;
  for (const Township& t : plan.townships) county_of.emplace(t.code, t.county);
  for (const PlanFeature& c : plan.layer("counties")) county_names.emplace(c.code, c.name);
  const std::vector<const ControlUnit*> units = select_units(plan, options, county_of);

  StageProgress scopes(options.progress, "rule scopes", compiled.rules().size());
  const rules_check::ScopeAreas areas(plan, compiled, options.threads);
  const std::vector<RulePlaces> places = rule_places(compiled, areas, options.threads, scopes);
  scopes.finish();
  for (const RulePlaces& r : places)
    if (!r.failure.empty())
      result.skipped.push_back(fmt::format("rule {} ({}): not listed: {}", r.compiled->rule->id,
                                           r.compiled->file->path, r.failure));

  std::map<std::string, std::string> township_names;
  for (const Township& t : plan.townships) township_names.emplace(t.code, t.name);
  const int workers = worker_count(options.threads);
  // Per worker: the prepared scope and unless areas of every rule (not shareable).
  std::vector<std::vector<geos::PreparedPtr>> prepared(static_cast<size_t>(workers));
  for (auto& p : prepared) p.resize(2 * places.size());
  std::vector<std::vector<std::string>> skipped(units.size());
  result.units.resize(units.size());
  StageProgress progress(options.progress, "units", units.size());
  parallel_for(units.size(), options.threads, [&](size_t i, int worker) {
    result.units[i] = list_of(*units[i], places, prepared[static_cast<size_t>(worker)], plan,
                              options.pieces, skipped[i]);
    progress.advance();
  });
  progress.finish();
  // Prepared geometries point into the areas: free them (in any thread) before the areas.
  prepared.clear();
  for (size_t i = 0; i < units.size(); ++i) {
    UnitList& list = result.units[i];
    list.township_name = township_names.count(list.township) ? township_names[list.township] : "";
    list.county = county_of.count(list.township) ? county_of[list.township] : "";
    list.county_name = county_names.count(list.county) ? county_names[list.county] : "";
    for (auto& s : skipped[i]) result.skipped.push_back(std::move(s));
  }
  return result;
}

std::string applies_to_text(const AppliesTo& a) {
  std::vector<std::string> parts;
  if (!a.industry.empty()) parts.push_back(fmt::format("industry {}", fmt::join(a.industry, ", ")));
  if (!a.action.empty()) parts.push_back(fmt::format("action {}", fmt::join(a.action, ", ")));
  for (const AttributeTest& t : a.attr) {
    std::vector<std::string> values;
    for (const std::string& v : t.values) values.push_back(t.numeric ? v : "'" + v + "'");
    parts.push_back(t.op == AttributeTest::Op::in
                        ? fmt::format("{} in [{}]", t.field, fmt::join(values, ", "))
                        : fmt::format("{} {} {}", t.field, op_text(t.op), values.front()));
  }
  return parts.empty() ? "every project" : fmt::format("{}", fmt::join(parts, "; "));
}

std::string unless_text(const Rule& rule) {
  std::vector<std::string> parts;
  if (rule.unless_scope) parts.push_back(rules_check::scope_text(*rule.unless_scope));
  if (rule.unless_applies_to) parts.push_back(applies_to_text(*rule.unless_applies_to));
  return parts.empty() ? "" : fmt::format("unless {}", fmt::join(parts, "; "));
}

std::string scope_text(const Rule& rule) {
  return rule.scope ? rules_check::scope_text(*rule.scope) : "whole plan area";
}

}  // namespace basinkit
