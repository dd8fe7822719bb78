#pragma once
// Internal: the plan as the checks see it. Every polygon feature of the hierarchy gets a
// valid GEOS geometry (the input, or its MakeValid repair) and a place in the hierarchy:
// level 1..D for basins, D+1 for control units. Building the view reports the
// invalid_geometry findings, so every later check runs on repaired geometry.

#include <basinkit/findings.hpp>
#include <basinkit/plan.hpp>

#include <map>
#include <string>
#include <vector>

#include "geometry/geos_context.hpp"

namespace basinkit::validation {

struct Member {
  const PlanFeature* feature = nullptr;
  const GEOSGeometry* geometry = nullptr;  ///< valid; null when the feature has none
  bool repaired = false;
  std::string layer;   ///< manifest key
  int level = 0;       ///< 1..D basins, D+1 units
  std::string parent;  ///< parent code as written (basin parent / unit basin)
};

class PlanView {
 public:
  /// Repairs what needs it and appends invalid_geometry findings for every layer.
  PlanView(const Plan& plan, std::vector<Finding>& findings);

  const Plan& plan() const { return plan_; }
  /// Levels 1..D of basins, then D+1 for units when there are units.
  int unit_level() const { return unit_level_; }
  int deepest_basin_level() const { return unit_level_ - 1; }
  const std::vector<Member>& level(int level) const;
  /// Members of `level` with `code`, as indexes into level(level).
  const std::vector<size_t>& with_code(int level, const std::string& code) const;
  /// Basins of any level with `code`.
  std::vector<const Member*> basins_with_code(const std::string& code) const;
  /// The plan area (union of the boundary layer), or null without one.
  const GEOSGeometry* plan_area() const { return plan_area_.get(); }
  /// The valid geometry of any feature of the plan (repaired when needed), or null.
  const GEOSGeometry* geometry_of(const PlanFeature& f) const;

 private:
  const GEOSGeometry* take(const PlanFeature& f, const std::string& layer,
                           std::vector<Finding>& findings, bool* was_repaired);

  const Plan& plan_;
  int unit_level_ = 1;
  std::map<int, std::vector<Member>> levels_;
  std::map<int, std::map<std::string, std::vector<size_t>>> codes_;
  std::map<const PlanFeature*, geos::GeometryPtr> repairs_;
  geos::GeometryPtr plan_area_;
};

/// 一级流域, 二级流域, 三级流域片区, ... or 基础管控单元 for the unit level.
std::string level_label(const PlanView& view, int level);

}  // namespace basinkit::validation
