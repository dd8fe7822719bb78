#pragma once
// Internal: rule scopes as areas of the map, clipped to the plan area (for `rules check`).
//
// A selector's features are united (`basin`, `unit`, `township`, `county`, `in`: their
// polygons; lines and points have no area) or buffered (`near`: GEOS buffer by within_m,
// kBufferQuadrantSegments per quarter circle, the union of the features' buffers); `all`
// intersects, `any` unites, `not` is the plan area minus its member. Every result is
// clipped to the plan area. An empty area is a null GeometryPtr.
//
// The areas of every selector are computed once in the constructor; area() then only
// combines them and is safe to call from several threads at once.

#include <basinkit/plan.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "geometry/geos_context.hpp"
#include "screening/compiled_rules.hpp"

namespace basinkit::rules_check {

/// Segments per quarter circle of `near` buffers. The buffer's round ends are inscribed
/// polygons: a point's buffer has (32/π)·sin(π/32) = 99.84% of the disc's area, so a
/// buffer is at most 0.16% smaller than the exact set of points within `within_m` (a
/// long river's buffer much less: its straight sides are exact).
constexpr int kBufferQuadrantSegments = 16;

/// GEOS could not compute an overlay (its message); caught per rule by check_rules.
struct GeosFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using Area = geos::GeometryPtr;

/// Overlay helpers on areas (null = empty); the results are polygonal or null. Throw
/// GeosFailure when GEOS fails.
Area intersect(const GEOSGeometry* a, const GEOSGeometry* b);
Area subtract(const GEOSGeometry* a, const GEOSGeometry* b);
Area unite(std::vector<Area> parts);
Area clone(const GEOSGeometry* a);
/// The polygons of a feature's geometry, made valid (MakeValid); null when it has none.
Area polygons_of(const GEOSGeometry* g);
/// Planar area in m² (0 for null).
double area_m2(const GEOSGeometry* a);

/// A scope as the rule file says it, e.g. "`near` rivers where CLASS = 'main' within
/// 1000 m", "`all` [`basin` [HJ]; `not` [`county` [420822]]]".
std::string scope_text(const Scope& s);

/// The plan area (规划范围): the `boundary` layer, else the union of the units,
/// townships or level-1 basins; null when the plan has none of these.
Area plan_area(const Plan& plan);

class ScopeAreas {
 public:
  /// Computes every selector's area of `compiled` on `threads` workers.
  ScopeAreas(const Plan& plan, const screening::CompiledRules& compiled, int threads);

  /// The plan area; null when the plan has none.
  const GEOSGeometry* plan() const { return plan_.get(); }

  /// The area of `scope` (compiled as `c`) within the plan area; null when empty. `why`
  /// (may be null) receives, when the result is empty, what made it so, naming the
  /// selector as the rule file does (e.g. "`in` zones where KIND = 'x' 未选中任何要素").
  /// Throws GeosFailure when GEOS could not compute a member.
  Area area(const Scope& scope, const screening::CompiledScope& c, std::string* why) const;

 private:
  Area selector(const Scope& scope, const screening::CompiledScope& c, std::string* why) const;

  /// (set, within_m) of a `near` selector, or (set, kUnion) of the other selectors.
  using Key = std::pair<size_t, double>;
  static constexpr double kUnion = -1;

  const screening::CompiledRules& compiled_;
  Area plan_;
  std::map<Key, Area> areas_;            ///< every selector's area, clipped to the plan
  std::map<Key, std::string> failures_;  ///< selectors GEOS could not compute, and why
};

}  // namespace basinkit::rules_check
