#pragma once
// `basinkit info`: counts, areas, CRS and extent of each layer of a plan.

#include <basinkit/geometry.hpp>
#include <basinkit/plan.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace basinkit {

struct LayerSummary {
  std::int64_t count = 0;  ///< features
  double area_m2 = 0;      ///< planar area in the working CRS, sum over features
  Extent extent{};         ///< working CRS; NaN when the layer has no geometry
};

struct PlanSummary {
  std::string name;
  std::string crs;       ///< working CRS as given
  std::string crs_name;  ///< its name, e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 114E"
  std::map<std::string, LayerSummary> layers;  ///< by manifest key ("basins" for all levels)
  std::map<int, LayerSummary> levels;          ///< basins by level
};

PlanSummary summarize(const Plan& plan);

}  // namespace basinkit
