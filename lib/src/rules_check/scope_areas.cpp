// Rule scopes as areas: selectors united or buffered, combined, clipped to the plan area.
#include "rules_check/scope_areas.hpp"

#include <fmt/format.h>

#include <functional>

#include "common/parallel.hpp"
#include "geometry/envelope_index.hpp"
#include "geometry/pieces.hpp"

namespace basinkit::rules_check {
namespace {

/// `g` made valid (MakeValid for polygons), owned; lines and points as they are.
Area valid_copy(const GEOSGeometry* g) {
  GEOSContextHandle_t h = geos::context();
  if (!g || GEOSisEmpty_r(h, g)) return nullptr;
  Area fixed = geos::repaired(g, nullptr, nullptr);
  if (fixed) return fixed;
  return Area(GEOSGeom_clone_r(h, g));
}

/// Null for an empty or missing result; throws for a GEOS failure.
Area checked(GEOSGeometry* g, const char* what) {
  if (!g) throw GeosFailure(fmt::format("GEOS {} failed: {}", what, geos::take_last_error()));
  Area out(g);
  if (GEOSisEmpty_r(geos::context(), out.get())) return nullptr;
  Area polygons = geos::polygonal_part(out.get());
  // Shared with other threads afterwards: compute the envelope (cached) now.
  if (polygons) geos::envelope(polygons.get());
  return polygons;
}

/// A geometry collection owning the given parts.
Area collection(std::vector<Area> parts) {
  std::vector<GEOSGeometry*> raw;
  for (Area& p : parts)
    if (p) raw.push_back(p.release());
  return Area(GEOSGeom_createCollection_r(geos::context(), GEOS_GEOMETRYCOLLECTION, raw.data(),
                                          static_cast<unsigned>(raw.size())));
}

}  // namespace

std::string scope_text(const Scope& s) {
  auto members = [](const Scope& c) {
    std::vector<std::string> texts;
    for (const Scope& child : c.children) texts.push_back(scope_text(child));
    return fmt::format("{}", fmt::join(texts, "; "));
  };
  switch (s.kind) {
    case Scope::Kind::all:
      return fmt::format("`all` [{}]", members(s));
    case Scope::Kind::any:
      return fmt::format("`any` [{}]", members(s));
    case Scope::Kind::negation:
      return fmt::format("`not` [{}]", members(s));
    case Scope::Kind::in:
    case Scope::Kind::near: {
      std::string text = fmt::format("`{}` {}", s.kind == Scope::Kind::in ? "in" : "near", s.layer);
      if (!s.where.empty()) text += fmt::format(" where {}", s.where);
      if (s.kind == Scope::Kind::near) text += fmt::format(" within {:g} m", s.within_m);
      return text;
    }
    case Scope::Kind::basin:
      return fmt::format("`basin` [{}]", fmt::join(s.codes, ", "));
    case Scope::Kind::unit:
      return fmt::format("`unit` [{}]", fmt::join(s.codes, ", "));
    case Scope::Kind::township:
      return fmt::format("`township` [{}]", fmt::join(s.codes, ", "));
    case Scope::Kind::county:
      return fmt::format("`county` [{}]", fmt::join(s.codes, ", "));
  }
  return "";
}

Area intersect(const GEOSGeometry* a, const GEOSGeometry* b) {
  if (!a || !b) return nullptr;
  return checked(GEOSIntersection_r(geos::context(), a, b), "intersection");
}

Area subtract(const GEOSGeometry* a, const GEOSGeometry* b) {
  if (!a) return nullptr;
  if (!b) return clone(a);
  return checked(GEOSDifference_r(geos::context(), a, b), "difference");
}

Area unite(std::vector<Area> parts) {
  size_t n = 0;
  for (const Area& p : parts) n += p ? 1 : 0;
  if (n == 0) return nullptr;
  if (n == 1)
    for (Area& p : parts)
      if (p) return std::move(p);
  Area all = collection(std::move(parts));
  return checked(GEOSUnaryUnion_r(geos::context(), all.get()), "union");
}

Area clone(const GEOSGeometry* a) {
  if (!a) return nullptr;
  return checked(GEOSGeom_clone_r(geos::context(), a), "clone");
}

Area polygons_of(const GEOSGeometry* g) { return geos::polygonal_part(valid_copy(g).get()); }

double area_m2(const GEOSGeometry* a) { return a ? geos::area_of(a) : 0.0; }

Area plan_area(const Plan& plan) {
  auto united = [](const auto& features) {
    std::vector<Area> parts;
    for (const auto& f : features) parts.push_back(polygons_of(f.geometry.get()));
    return unite(std::move(parts));
  };
  if (plan.has_layer("boundary")) return united(plan.layer("boundary"));
  if (!plan.units.empty()) return united(plan.units);
  if (!plan.townships.empty()) return united(plan.townships);
  std::vector<Area> parts;
  const std::vector<int> levels = plan.levels();
  for (const Basin& b : plan.basins)
    if (!levels.empty() && b.level == levels.front())
      parts.push_back(polygons_of(b.geometry.get()));
  return unite(std::move(parts));
}

ScopeAreas::ScopeAreas(const Plan& plan, const screening::CompiledRules& compiled, int threads)
    : compiled_(compiled), plan_(plan_area(plan)) {
  if (plan_) geos::envelope(plan_.get());
  const auto& sets = compiled.sets();
  // Which sets are used by `in`-like selectors, and which (set, distance) by `near`.
  std::vector<char> as_area(sets.size(), 0);
  std::map<Key, char> near;
  std::function<void(const screening::CompiledScope&)> walk =
      [&](const screening::CompiledScope& c) {
        for (const auto& child : c.children) walk(child);
        if (c.kind == Scope::Kind::near)
          near[{c.set, c.within_m}] = 1;
        else if (c.kind != Scope::Kind::all && c.kind != Scope::Kind::any &&
                 c.kind != Scope::Kind::negation)
          as_area[c.set] = 1;
      };
  for (const auto& rule : compiled.rules()) {
    if (rule.scope) walk(*rule.scope);
    if (rule.unless_scope) walk(*rule.unless_scope);
  }
  std::vector<Key> keys;  // every selector's key; kUnion for `in`-like ones
  for (size_t i = 0; i < sets.size(); ++i)
    if (as_area[i]) keys.push_back({i, kUnion});
  for (const auto& kv : near) keys.push_back(kv.first);
  std::vector<Area> areas(keys.size());
  std::vector<std::string> failures(keys.size());
  parallel_for(keys.size(), threads, [&](size_t i, int) {
    try {
      const screening::FeatureSet& set = *sets[keys[i].first];
      std::vector<Area> parts;
      if (keys[i].second == kUnion) {
        for (size_t k = 0; k < set.size(); ++k) parts.push_back(polygons_of(set.geometry(k)));
        areas[i] = intersect(unite(std::move(parts)).get(), plan_.get());
        return;
      }
      for (size_t k = 0; k < set.size(); ++k) parts.push_back(valid_copy(set.geometry(k)));
      if (parts.empty()) return;
      Area all = collection(std::move(parts));
      Area buffer =
          checked(GEOSBuffer_r(geos::context(), all.get(), keys[i].second, kBufferQuadrantSegments),
                  "buffer");
      areas[i] = intersect(buffer.get(), plan_.get());
    } catch (const GeosFailure& e) {
      failures[i] = e.what();
    }
  });
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!failures[i].empty()) failures_[keys[i]] = failures[i];
    areas_[keys[i]] = std::move(areas[i]);
  }
}

Area ScopeAreas::selector(const Scope& scope, const screening::CompiledScope& c,
                          std::string* why) const {
  const Key key{c.set, c.kind == Scope::Kind::near ? c.within_m : kUnion};
  auto failed = failures_.find(key);
  if (failed != failures_.end()) throw GeosFailure(failed->second);
  const GEOSGeometry* g = areas_.at(key).get();
  if (g) return clone(g);
  if (why) {
    const size_t n = compiled_.sets()[c.set]->size();
    if (n == 0)
      *why = fmt::format("{} 未选中任何要素", scope_text(scope));
    else if (c.kind == Scope::Kind::near)
      *why = fmt::format("{} 的 {} 个要素在规划范围内的缓冲区为空", scope_text(scope), n);
    else
      *why = fmt::format("{} 的 {} 个要素在规划范围内没有面积", scope_text(scope), n);
  }
  return nullptr;
}

Area ScopeAreas::area(const Scope& scope, const screening::CompiledScope& c,
                      std::string* why) const {
  switch (c.kind) {
    case Scope::Kind::all: {
      Area out;
      for (size_t i = 0; i < c.children.size(); ++i) {
        Area child = area(scope.children[i], c.children[i], why);
        if (!child) return nullptr;  // `why` says which member is empty
        out = i == 0 ? std::move(child) : intersect(out.get(), child.get());
        if (!out) {
          if (why) *why = "`all` 的各成员范围互不重叠";
          return nullptr;
        }
      }
      return out;
    }
    case Scope::Kind::any: {
      std::vector<Area> parts;
      std::string first_why;
      for (size_t i = 0; i < c.children.size(); ++i) {
        std::string child_why;
        parts.push_back(area(scope.children[i], c.children[i], &child_why));
        if (first_why.empty()) first_why = child_why;
      }
      Area out = unite(std::move(parts));
      if (!out && why) *why = first_why;
      return out;
    }
    case Scope::Kind::negation: {
      Area child = area(scope.children.front(), c.children.front(), nullptr);
      Area out = subtract(plan_.get(), child.get());
      if (!out && why) *why = "`not` 排除了整个规划范围";
      return out;
    }
    default:
      return selector(scope, c, why);
  }
}

}  // namespace basinkit::rules_check
