// The cell grid in front of the point locator: wherever it answers, its answer is GEOS's.
#include <basinkit/plan.hpp>

#include <catch2/catch.hpp>

#include <geos_c.h>

#include <iomanip>
#include <random>

#include "fixtures.hpp"
#include "geometry/cell_grid.hpp"
#include "geometry/point_in_area.hpp"
#include "plan_generator.hpp"

using namespace basinkit;
using basinkit::geos::CellGrid;

namespace {

/// The first of `areas` (in order, standing for the smallest code) whose closed area
/// holds the point, by GEOSIntersects; kNone if none.
std::uint32_t brute_force(const std::vector<const GEOSGeometry*>& areas, double x, double y) {
  GEOSContextHandle_t h = geos::context();
  GEOSGeometry* pt = GEOSGeom_createPointFromXY_r(h, x, y);
  std::uint32_t found = CellGrid::kNone;
  for (size_t i = 0; i < areas.size() && found == CellGrid::kNone; ++i)
    if (GEOSIntersects_r(h, areas[i], pt) == 1) found = static_cast<std::uint32_t>(i);
  GEOSGeom_destroy_r(h, pt);
  return found;
}

/// Probes every area: its vertices and their floating-point neighbours, points on its
/// edges (interpolated, so a hair off them) and random points over the extent. Returns
/// the share of random points the grid answered.
double agree_with_geos(const std::vector<const GEOSGeometry*>& areas, size_t cells_per_feature) {
  const CellGrid grid(
      areas, [&](double x, double y) { return brute_force(areas, x, y); }, cells_per_feature);
  std::vector<std::array<double, 2>> probes;
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  for (const GEOSGeometry* g : areas)
    geos::for_each_edge(g, [&](double ax, double ay, double bx, double by) {
      probes.push_back({ax, ay});
      probes.push_back({std::nextafter(ax, 1e300), ay});
      probes.push_back({ax, std::nextafter(ay, -1e300)});
      for (double t : {0.25, 0.5, 1.0 / 3.0})
        probes.push_back({ax + (bx - ax) * t, ay + (by - ay) * t});
      x0 = std::min(x0, ax);
      y0 = std::min(y0, ay);
      x1 = std::max(x1, ax);
      y1 = std::max(y1, ay);
    });
  std::mt19937 rng(17);
  std::uniform_real_distribution<double> ux(x0 - 10, x1 + 10), uy(y0 - 10, y1 + 10);
  const size_t random_from = probes.size();
  for (int i = 0; i < 20000; ++i) probes.push_back({ux(rng), uy(rng)});
  size_t answered = 0;
  for (size_t k = 0; k < probes.size(); ++k) {
    const auto& p = probes[k];
    const std::uint32_t got = grid.at(p[0], p[1]);
    if (got == CellGrid::kAsk) continue;
    answered += k >= random_from;
    INFO(std::setprecision(17) << p[0] << " " << p[1]);
    REQUIRE(got == brute_force(areas, p[0], p[1]));
  }
  return static_cast<double>(answered) / static_cast<double>(probes.size() - random_from);
}

/// Geometries from WKT, kept alive in `keep`.
std::vector<const GEOSGeometry*> areas_of(std::initializer_list<const char*> wkts,
                                          std::vector<Geometry>& keep) {
  std::vector<const GEOSGeometry*> out;
  for (const char* wkt : wkts) {
    keep.push_back(Geometry::from_wkt(wkt));
    out.push_back(keep.back().get());
  }
  return out;
}

}  // namespace

TEST_CASE("The cell grid answers as GEOS for the units, townships and basins of a generated plan",
          "[geometry]") {
  test::TempDir dir;
  bench::GeneratorOptions options;
  options.units = 300;
  options.vertices_per_edge = 20;
  const Plan plan = load_plan(bench::generate_plan(dir.path(), options).manifest_path);
  std::vector<const GEOSGeometry*> units, townships, basins;
  for (const auto& u : plan.units) units.push_back(u.geometry.get());
  for (const auto& t : plan.townships) townships.push_back(t.geometry.get());
  for (const auto& b : plan.basins)
    if (b.level == 3) basins.push_back(b.geometry.get());
  // Most random points are answered by the grid alone, or it would be of no use.
  CHECK(agree_with_geos(units, 64) > 0.4);
  CHECK(agree_with_geos(townships, 64) > 0.6);
  CHECK(agree_with_geos(basins, 256) > 0.6);
}

TEST_CASE("The cell grid handles overlaps, holes, long slanted edges and far-off coordinates",
          "[geometry]") {
  std::vector<Geometry> keep;
  keep.reserve(8);
  const auto shapes = areas_of(
      {// Overlapping squares: the first (smallest code) wins where both hold a point.
       "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 4 2, 4 4, 2 4, 2 2))",
       "POLYGON ((5 5, 15 5, 15 15, 5 15, 5 5))",
       // A thin triangle whose long edges cross many cells at a slant.
       "POLYGON ((-20 -20, 30 -19.9, 30 -19.7, -20 -20))"},
      keep);
  CHECK(agree_with_geos(shapes, 4096) > 0.3);
  const auto projected = areas_of(
      {"POLYGON ((340000.1 3450000.3, 352003.7 3450007.3, 339990.7 3461010.9, "
       "340000.1 3450000.3))",
       "POLYGON ((352003.7 3450007.3, 339990.7 3461010.9, 352100 3461000, 352003.7 3450007.3))"},
      keep);
  CHECK(agree_with_geos(projected, 20000) > 0.3);
  // A layer a hair high: no grid is built (it would be one endless row); all points ask.
  const auto sliver = areas_of({"POLYGON ((0 0, 1000000 0, 1000000 0.000001, 0 0))"}, keep);
  CHECK(agree_with_geos(sliver, 64) == 0);
}
