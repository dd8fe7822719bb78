#include "validation/plan_view.hpp"

#include <fmt/format.h>

#include "geometry/pieces.hpp"

namespace basinkit::validation {

PlanView::PlanView(const Plan& plan, std::vector<Finding>& findings) : plan_(plan) {
  const std::vector<int> levels = plan.levels();
  unit_level_ = levels.empty() ? 1 : levels.back() + 1;
  for (const Basin& b : plan.basins) {
    Member m{&b, nullptr, false, b.layer, b.level, b.parent};
    m.geometry = take(b, b.layer, findings, &m.repaired);
    levels_[b.level].push_back(m);
  }
  for (const ControlUnit& u : plan.units) {
    Member m{&u, nullptr, false, "units", unit_level_, u.basin};
    m.geometry = take(u, "units", findings, &m.repaired);
    levels_[unit_level_].push_back(m);
  }
  for (const Township& t : plan.townships) take(t, "townships", findings, nullptr);
  for (const auto& [key, features] : plan.layers)
    for (const PlanFeature& f : features) take(f, key, findings, nullptr);
  for (auto& [level, members] : levels_)
    for (size_t i = 0; i < members.size(); ++i)
      codes_[level][members[i].feature->code].push_back(i);

  // The plan area: the union of the boundary layer's polygons.
  std::vector<const GEOSGeometry*> parts;
  for (const PlanFeature& f : plan.layer("boundary")) parts.push_back(geometry_of(f));
  plan_area_ = geos::union_of(parts);
}

const GEOSGeometry* PlanView::take(const PlanFeature& f, const std::string& layer,
                                   std::vector<Finding>& findings, bool* was_repaired) {
  Finding finding;
  finding.type = FindingType::invalid_geometry;
  finding.severity = severity_of(finding.type);
  finding.layer = layer;
  finding.codes = {f.code};
  finding.names = {f.name};
  const std::string who = f.code.empty() ? fmt::format("要素 FID {}", f.fid) : f.code;
  if (f.geometry_issue) {
    finding.detail = f.geometry_issue.kind + ": " + f.geometry_issue.detail;
    finding.message =
        fmt::format("图层 {} 的 {}{} 几何有误：{}", layer, who,
                    f.name.empty() ? "" : "（" + f.name + "）", f.geometry_issue.detail);
  }
  const GEOSGeometry* g = f.geometry.get();
  std::string reason;
  std::array<double, 2> where{0, 0};
  geos::GeometryPtr fixed = g ? geos::repaired(g, &reason, &where) : nullptr;
  if (fixed) {
    finding.location = where;
    finding.detail = finding.detail ? *finding.detail + "; " + reason : reason;
    finding.message = fmt::format(
        "图层 {} 的 {}{} 几何无效（GEOS：{}，位于 {:.2f} {:.2f}），"
        "已按 MakeValid 修复后继续检查",
        layer, who, f.name.empty() ? "" : "（" + f.name + "）", reason, where[0], where[1]);
    finding.geometry = Geometry(GEOSGeom_clone_r(geos::context(), g));
    g = fixed.get();
    repairs_[&f] = std::move(fixed);
    if (was_repaired) *was_repaired = true;
  }
  if (f.geometry_issue || repairs_.count(&f)) {
    if (!finding.location && g && !GEOSisEmpty_r(geos::context(), g))
      finding.location = geos::point_inside(g);
    findings.push_back(std::move(finding));
  }
  return g;
}

const std::vector<Member>& PlanView::level(int level) const {
  static const std::vector<Member> none;
  auto it = levels_.find(level);
  return it == levels_.end() ? none : it->second;
}

const std::vector<size_t>& PlanView::with_code(int level, const std::string& code) const {
  static const std::vector<size_t> none;
  auto l = codes_.find(level);
  if (l == codes_.end()) return none;
  auto c = l->second.find(code);
  return c == l->second.end() ? none : c->second;
}

std::vector<const Member*> PlanView::basins_with_code(const std::string& code) const {
  std::vector<const Member*> out;
  for (const auto& [level, members] : levels_)
    if (level < unit_level_)
      for (size_t i : with_code(level, code)) out.push_back(&members[i]);
  return out;
}

const GEOSGeometry* PlanView::geometry_of(const PlanFeature& f) const {
  auto it = repairs_.find(&f);
  return it != repairs_.end() ? it->second.get() : f.geometry.get();
}

std::string level_label(const PlanView& view, int level) {
  if (level == view.unit_level()) return "基础管控单元";
  switch (level) {
    case 1:
      return "一级流域";
    case 2:
      return "二级流域";
    case 3:
      return "三级流域片区";
    default:
      return fmt::format("{}级流域", level);
  }
}

}  // namespace basinkit::validation
