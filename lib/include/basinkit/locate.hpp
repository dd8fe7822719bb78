#pragma once
// Which basins, unit and township hold a point (`basinkit locate`).
//
// Boundary rule: basins, units and townships are closed sets, and a point on the shared
// border of several features of one kind is located in the one with the smallest code
// (byte-wise comparison of the UTF-8 codes). So every point of the plan area has exactly
// one unit, whatever order the features were read in.

#include <basinkit/plan.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace basinkit {

struct Location {
  std::optional<std::string> unit;                   ///< control unit code
  std::optional<std::string> manager;                ///< township managing that unit
  std::optional<std::string> township;               ///< township whose territory holds the point
  std::optional<std::string> county;                 ///< that township's county
  std::map<int, std::optional<std::string>> basins;  ///< level → basin code
  bool outside_plan = false;  ///< outside the plan area (boundary, else all layers)
};

/// An index over a plan for repeated point queries. Holds references into `plan`, which
/// must outlive it. locate(x, y) and locate() of a point may be called from several
/// threads at once; locate() of lines and polygons uses GEOS prepared geometries, which are
/// not shareable: give each thread its own Locator for those.
class Locator {
 public:
  explicit Locator(const Plan& plan);
  ~Locator();
  Locator(Locator&&) noexcept;
  Locator& operator=(Locator&&) noexcept;

  /// Locates a point given in the working CRS.
  Location locate(double x, double y) const;
  /// Locates a site: a point as above; a line or polygon in the unit, township and
  /// basins holding most of it (longest shared length, largest shared area).
  Location locate(const Geometry& site) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace basinkit
