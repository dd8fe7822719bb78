// The hierarchy checks: codes and parent links, before any geometry.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "findings/wording.hpp"
#include "validation/checks.hpp"

namespace basinkit::validation {

Finding make_finding(FindingType type, std::string layer, std::vector<std::string> codes) {
  Finding f;
  f.type = type;
  f.severity = severity_of(type);
  f.layer = std::move(layer);
  f.codes = std::move(codes);
  return f;
}

namespace {

std::string named(const PlanFeature& f) { return wording::label(f.code, f.name); }

void duplicates(const std::string& layer, const std::string& label,
                const std::vector<const PlanFeature*>& features, std::vector<Finding>& out) {
  std::map<std::string, std::vector<const PlanFeature*>> by_code;
  for (const PlanFeature* f : features)
    if (!f->code.empty()) by_code[f->code].push_back(f);
  for (const auto& [code, same] : by_code) {
    if (same.size() < 2) continue;
    Finding f = make_finding(FindingType::duplicate_code, layer, {code});
    f.count = static_cast<std::int64_t>(same.size());
    std::string fids;
    for (const PlanFeature* s : same) fids += (fids.empty() ? "" : ", ") + std::to_string(s->fid);
    f.message =
        fmt::format("{}编码 {} 被 {} 个要素重复使用（FID {}）", label, code, same.size(), fids);
    out.push_back(std::move(f));
  }
}

}  // namespace

void check_hierarchy(const PlanView& view, std::vector<Finding>& out) {
  const Plan& plan = view.plan();
  const int unit_level = view.unit_level();

  // duplicate_code, per layer kind: basins of every level share one namespace.
  std::vector<const PlanFeature*> basins, units, townships;
  for (const auto& b : plan.basins) basins.push_back(&b);
  for (const auto& u : plan.units) units.push_back(&u);
  for (const auto& t : plan.townships) townships.push_back(&t);
  if (!plan.basins.empty()) duplicates(plan.basins.front().layer, "流域", basins, out);
  duplicates("units", "管控单元", units, out);
  duplicates("townships", "乡镇", townships, out);
  for (const auto& [key, features] : plan.layers) {
    if (key != "zones" && key != "sections") continue;
    std::vector<const PlanFeature*> list;
    for (const auto& f : features) list.push_back(&f);
    duplicates(key, key == "zones" ? "管控分区" : "断面", list, out);
  }

  // Parent links of every level below 1, units included.
  std::map<std::string, int> children;  // parent code → children that name it validly
  for (int level = 2; level <= unit_level; ++level) {
    if (level == unit_level && plan.units.empty()) break;
    for (const Member& m : view.level(level)) {
      const PlanFeature& child = *m.feature;
      const bool is_unit = level == unit_level;
      const std::string what = is_unit ? "所属三级流域片区" : "上级流域";
      if (m.parent.empty()) {
        Finding f = make_finding(FindingType::missing_parent, m.layer, {child.code});
        f.message = fmt::format("{} {} 没有{}编码", level_label(view, level), named(child), what);
        out.push_back(std::move(f));
        continue;
      }
      const auto parents = view.basins_with_code(m.parent);
      if (parents.empty()) {
        Finding f = make_finding(FindingType::missing_parent, m.layer, {child.code});
        f.message = fmt::format("{} {} 的{} {} 不存在", level_label(view, level), named(child),
                                what, m.parent);
        out.push_back(std::move(f));
        continue;
      }
      const bool level_ok = std::any_of(parents.begin(), parents.end(),
                                        [&](const Member* p) { return p->level == level - 1; });
      if (!level_ok) {
        Finding f = make_finding(FindingType::level_mismatch, m.layer, {child.code, m.parent});
        f.message =
            fmt::format("{} {} 的{} {} 是{}，不是{}", level_label(view, level), named(child), what,
                        named(*parents.front()->feature), level_label(view, parents.front()->level),
                        level_label(view, level - 1));
        out.push_back(std::move(f));
        continue;
      }
      ++children[m.parent];
      if (plan.manifest.code_prefix && child.code.rfind(m.parent, 0) != 0) {
        Finding f = make_finding(FindingType::code_prefix, m.layer, {child.code, m.parent});
        f.message = fmt::format("{} {} 的编码不以上级编码 {} 开头", level_label(view, level),
                                named(child), m.parent);
        out.push_back(std::move(f));
      }
    }
  }
  // A level-1 basin naming a parent: there is none above level 1.
  for (const Member& m : view.level(1)) {
    if (m.parent.empty()) continue;
    const auto parents = view.basins_with_code(m.parent);
    Finding f =
        make_finding(parents.empty() ? FindingType::missing_parent : FindingType::level_mismatch,
                     m.layer, {m.feature->code});
    if (!parents.empty()) f.codes.push_back(m.parent);
    f.message = fmt::format("一级流域 {} 不应有上级流域，却写了 {}", named(*m.feature), m.parent);
    out.push_back(std::move(f));
  }

  // empty_parent: a basin no feature of the level below names (units only if loaded).
  for (int level = 1; level < unit_level; ++level) {
    if (level == unit_level - 1 && !plan.has_layer("units")) break;
    for (const Member& m : view.level(level)) {
      if (children.count(m.feature->code)) continue;
      Finding f = make_finding(FindingType::empty_parent, m.layer, {m.feature->code});
      f.message = fmt::format("{} {} 下没有任何{}", level_label(view, level), named(*m.feature),
                              level_label(view, level + 1));
      out.push_back(std::move(f));
    }
  }
}

}  // namespace basinkit::validation
