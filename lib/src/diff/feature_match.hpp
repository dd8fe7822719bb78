#pragma once
// Internal: matching the features of one layer of two plan revisions (plan_diff.hpp,
// docs/diff.md): by code, then by ground among the features whose code is in one plan
// only.

#include <basinkit/plan_diff.hpp>

#include <map>
#include <string>
#include <vector>

#include "geometry/geos_context.hpp"

namespace basinkit::diff {

/// A feature as compared: the features sharing its code united into one.
struct Side {
  std::string code;  ///< may be empty (then matched by ground only)
  std::string name;
  int level = 0;  ///< basins; 0 for units and townships
  /// Compared fields by role ("name", "township", "basin", "parent", "county", "level",
  /// other mapped fields).
  std::map<std::string, std::string> fields;
  geos::GeometryPtr geometry;  ///< valid and polygonal; null when nothing usable
  double area = 0;             ///< m²
};

/// The sides of one layer of a plan: units, townships or basins (all levels).
std::vector<Side> sides_of(const Plan& plan, const std::string& layer);

/// Township code → county code, of both plans (the new plan's first).
using CountyOf = std::map<std::string, std::string>;

struct MatchSettings {
  const DiffOptions* options = nullptr;
  double min_area_m2 = 1;  ///< pieces smaller than this are no change
  const CountyOf* county_of = nullptr;
};

/// Appends the changes between `olds` and `news` of `layer` to `out`, and the code
/// translations of recoded features (old → new) to `recoded`.
void match_layer(const std::string& layer, const std::vector<Side>& olds,
                 const std::vector<Side>& news, const MatchSettings& settings,
                 std::vector<PlanChange>& out, std::map<std::string, std::string>& recoded);

}  // namespace basinkit::diff
