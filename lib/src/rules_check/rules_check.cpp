// `basinkit rules check`: empty_scope, contradiction and blind_spot findings on rule lists
// (DESIGN.md section 6). Scopes become areas (scope_areas), what rules apply to becomes
// sets of projects (applicability); the findings compare the two.
#include <basinkit/rules_check.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "common/parallel.hpp"
#include "common/stage_progress.hpp"
#include "geometry/envelope_index.hpp"
#include "geometry/pieces.hpp"
#include "rules_check/applicability.hpp"
#include "rules_check/scope_areas.hpp"
#include "screening/compiled_rules.hpp"

namespace basinkit {
namespace {

using rules_check::Area;
using rules_check::GeosFailure;
using rules_check::Projects;

/// One rule with its areas within the plan.
struct RuleAreas {
  const screening::CompiledRule* compiled = nullptr;
  Area scope;           ///< the scope within the plan area (the plan area without scope)
  Area unless;          ///< the unless scope within the plan area; null when none/empty
  std::string why;      ///< when `scope` is empty: what made it so
  std::string failure;  ///< GEOS could not compute the areas: why (then not checked)
  Projects projects;    ///< what it applies to

  const Rule& rule() const { return *compiled->rule; }
  const std::string& file() const { return compiled->file->path; }
};

/// Where the rule applies to every project of `p`: its scope, minus its unless scope
/// when the exception holds for all of `p` (nothing left when the exception has no scope).
Area effective(const RuleAreas& r, const Projects& p) {
  if (!rules_check::unless_exempts_all(r.rule(), p)) return rules_check::clone(r.scope.get());
  if (!r.rule().unless_scope) return nullptr;
  return rules_check::subtract(r.scope.get(), r.unless.get());
}

std::string named(const std::string& code, const std::string& name) {
  return name.empty() ? code : fmt::format("{}（{}）", code, name);
}

void locate(Finding& f, Area area) {
  f.area_m2 = rules_check::area_m2(area.get());
  f.location = geos::point_inside(area.get());
  f.geometry = Geometry(area.release());
}

/// empty_scope of one rule, or nullopt. Throws GeosFailure.
std::optional<Finding> empty_scope(const RuleAreas& r, double min_area_m2) {
  const Rule& rule = r.rule();
  std::string reason;
  double area = rules_check::area_m2(r.scope.get());
  if (area < min_area_m2) {
    reason = !r.why.empty() ? r.why : fmt::format("其范围在规划范围内只有 {:.1f} 平方米", area);
  } else {
    Area left = effective(r, r.projects);
    area = rules_check::area_m2(left.get());
    if (area >= min_area_m2) return std::nullopt;
    reason = rule.unless_scope ? "其 unless 例外范围覆盖了它的整个范围"
                               : "其 unless 例外包含了它适用的全部项目";
  }
  Finding f;
  f.type = FindingType::empty_scope;
  f.severity = severity_of(f.type);
  f.layer = r.file();
  f.codes = {rule.id};
  f.names = {rule.title};
  f.area_m2 = area;
  f.detail = reason;
  f.message = fmt::format("规则 {}「{}」在本规划中不可能适用：{}", rule.id, rule.title, reason);
  return f;
}

/// contradiction of a prohibit rule and a permit/encourage rule, or nullopt. Throws
/// GeosFailure.
std::optional<Finding> contradiction(const RuleAreas& no, const RuleAreas& yes,
                                     double min_area_m2) {
  const std::optional<Projects> both = rules_check::common(no.projects, yes.projects);
  if (!both) return std::nullopt;
  const Area no_area = effective(no, *both);
  if (!no_area) return std::nullopt;
  const Area yes_area = effective(yes, *both);
  Area overlap = rules_check::intersect(no_area.get(), yes_area.get());
  const double area = rules_check::area_m2(overlap.get());
  if (area < min_area_m2) return std::nullopt;
  Finding f;
  f.type = FindingType::contradiction;
  f.severity = severity_of(f.type);
  f.layer = no.file();
  f.codes = {no.rule().id, yes.rule().id};
  f.names = {no.rule().title, yes.rule().title};
  f.detail = fmt::format("industry: {}; action: {}", rules_check::industries_text(both->industries),
                         rules_check::actions_text(both->actions));
  locate(f, std::move(overlap));
  f.message = fmt::format(
      "禁止规则 {}「{}」与{}规则 {}「{}」在 {:.1f} 平方米范围内对 {} 的 {} 项目结论相反{}",
      no.rule().id, no.rule().title, yes.rule().effect == Effect::encourage ? "鼓励" : "允许",
      yes.rule().id, yes.rule().title, area, rules_check::industries_text(both->industries),
      rules_check::actions_text(both->actions),
      no.file() == yes.file() ? "" : fmt::format("（{} 与 {}）", no.file(), yes.file()));
  return f;
}

/// blind_spot findings of one industry, appended to `out`. Throws GeosFailure.
void blind_spots(const Plan& plan, const std::vector<RuleAreas>& rules, const std::string& industry,
                 const RulesCheckOptions& options, std::vector<Finding>& out) {
  const double min_area_m2 = plan.manifest.min_area_m2;
  const Projects asked = rules_check::projects_of_industry(industry);
  std::vector<Area> reach;
  for (const RuleAreas& r : rules) {
    if (!r.failure.empty()) continue;
    const std::optional<Projects> both = rules_check::common(r.projects, asked);
    if (both) reach.push_back(effective(r, *both));
  }
  const Area covered = rules_check::unite(std::move(reach));
  std::vector<std::optional<Finding>> found(plan.units.size());
  std::vector<geos::PreparedPtr> prepared(static_cast<size_t>(worker_count(options.threads)));
  parallel_for(plan.units.size(), options.threads, [&](size_t i, int worker) {
    const ControlUnit& unit = plan.units[i];
    Area area = rules_check::polygons_of(unit.geometry.get());
    if (!area) return;  // no usable geometry: `validate` reports it
    GEOSContextHandle_t h = geos::context();
    double inside = 0;
    if (covered) {
      geos::PreparedPtr& p = prepared[static_cast<size_t>(worker)];
      if (!p) p = geos::prepare(covered.get());
      if (GEOSPreparedContains_r(h, p.get(), area.get()) == 1) return;
      if (GEOSPreparedIntersects_r(h, p.get(), area.get()) == 1)
        inside = rules_check::area_m2(rules_check::intersect(area.get(), covered.get()).get());
    }
    if (inside >= min_area_m2) return;
    Finding f;
    f.type = FindingType::blind_spot;
    f.severity = severity_of(f.type);
    f.layer = "units";
    f.codes = {unit.code};
    f.names = {unit.name};
    f.detail = industry;
    f.message = fmt::format("控制单元 {}内没有任何规则适用于行业 {} 的项目",
                            named(unit.code, unit.name), industry);
    locate(f, std::move(area));
    *f.area_m2 -= inside;
    found[i] = std::move(f);
  });
  std::vector<Finding> these;
  for (auto& f : found)
    if (f) these.push_back(std::move(*f));
  std::sort(these.begin(), these.end(),
            [](const Finding& a, const Finding& b) { return a.codes < b.codes; });
  std::move(these.begin(), these.end(), std::back_inserter(out));
}

}  // namespace

RulesCheckResult check_rules(const Plan& plan, const std::vector<RuleFile>& files,
                             const RulesCheckOptions& options) {
  RulesCheckResult result;
  const screening::CompiledRules compiled(plan, files);  // unknown layers, codes: InputError
  StageProgress scopes(options.progress, "rule scopes", compiled.rules().size());
  const rules_check::ScopeAreas areas(plan, compiled, options.threads);
  if (!areas.plan()) {
    scopes.finish();
    result.skipped.push_back(
        "rules check: the plan has no plan area (no boundary, units, townships or basins)");
    return result;
  }
  const double min_area_m2 = plan.manifest.min_area_m2;

  std::vector<RuleAreas> rules(compiled.rules().size());
  parallel_for(rules.size(), options.threads, [&](size_t i, int) {
    RuleAreas& r = rules[i];
    r.compiled = &compiled.rules()[i];
    r.projects = rules_check::projects_of(r.rule().applies_to);
    try {
      r.scope = r.rule().scope ? areas.area(*r.rule().scope, *r.compiled->scope, &r.why)
                               : rules_check::clone(areas.plan());
      if (r.rule().unless_scope)
        r.unless = areas.area(*r.rule().unless_scope, *r.compiled->unless_scope, nullptr);
    } catch (const GeosFailure& e) {
      r.failure = e.what();
    }
    scopes.advance();
  });
  scopes.finish();
  for (const RuleAreas& r : rules)
    if (!r.failure.empty())
      result.skipped.push_back(
          fmt::format("rule {} ({}): not checked: {}", r.rule().id, r.file(), r.failure));

  // Work items: one per rule (empty_scope), then one per candidate pair (contradiction).
  std::vector<std::pair<size_t, size_t>> items;
  for (size_t i = 0; i < rules.size(); ++i)
    if (rules[i].failure.empty()) items.emplace_back(i, i);
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].rule().effect != Effect::prohibit || !rules[i].failure.empty()) continue;
    for (size_t j = 0; j < rules.size(); ++j) {
      const Effect e = rules[j].rule().effect;
      if ((e == Effect::permit || e == Effect::encourage) && rules[j].failure.empty() &&
          rules_check::common(rules[i].projects, rules[j].projects))
        items.emplace_back(i, j);
    }
  }
  StageProgress pairs(options.progress, "rule pairs", items.size());
  std::vector<std::optional<Finding>> found(items.size());
  std::vector<std::string> failures(items.size());
  parallel_for(items.size(), options.threads, [&](size_t k, int) {
    const auto [i, j] = items[k];
    try {
      found[k] = i == j ? empty_scope(rules[i], min_area_m2)
                        : contradiction(rules[i], rules[j], min_area_m2);
    } catch (const GeosFailure& e) {
      failures[k] = i == j ? fmt::format("empty_scope of rule {}: {}", rules[i].rule().id, e.what())
                           : fmt::format("contradiction of rules {} and {}: {}", rules[i].rule().id,
                                         rules[j].rule().id, e.what());
    }
    pairs.advance();
  });
  pairs.finish();
  for (size_t k = 0; k < items.size(); ++k) {
    if (found[k]) result.findings.push_back(std::move(*found[k]));
    if (!failures[k].empty()) result.skipped.push_back(failures[k]);
  }

  if (!options.industries.empty() && plan.units.empty()) {
    result.skipped.push_back("blind_spot: no units layer");
  } else if (!options.industries.empty()) {
    StageProgress blind(options.progress, "blind spots", options.industries.size());
    for (size_t n = 0; n < options.industries.size(); ++n) {
      try {
        blind_spots(plan, rules, options.industries[n], options, result.findings);
      } catch (const GeosFailure& e) {
        result.skipped.push_back(
            fmt::format("blind_spot of industry {}: {}", options.industries[n], e.what()));
      }
      blind.advance();
    }
    blind.finish();
  }
  attribute_to_townships(plan, result.findings);
  std::stable_sort(result.findings.begin(), result.findings.end(), report_order);
  return result;
}

}  // namespace basinkit
