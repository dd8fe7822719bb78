// The point-in-polygon kernel of screening and locate against GEOS itself.
#include <basinkit/plan.hpp>

#include <catch2/catch.hpp>

#include <geos_c.h>

#include <algorithm>
#include <random>

#include "fixtures.hpp"
#include "geometry/point_in_area.hpp"
#include "plan_generator.hpp"

using namespace basinkit;
using basinkit::geos::PointInArea;

namespace {

/// Checks the kernel against GEOSIntersects / GEOSContains for `points` on `polygon`.
void agree_with_geos(const GEOSGeometry* polygon,
                     const std::vector<std::array<double, 2>>& points) {
  GEOSContextHandle_t h = geos::context();
  const PointInArea kernel(polygon);
  for (const auto& p : points) {
    GEOSGeometry* pt = GEOSGeom_createPointFromXY_r(h, p[0], p[1]);
    const bool intersects = GEOSIntersects_r(h, polygon, pt) == 1;
    const bool contains = GEOSContains_r(h, polygon, pt) == 1;
    GEOSGeom_destroy_r(h, pt);
    const auto where = kernel.locate(p[0], p[1]);
    INFO(p[0] << " " << p[1]);
    CHECK(kernel.covers(p[0], p[1]) == intersects);
    CHECK((where == PointInArea::Location::interior) == contains);
  }
}

/// Vertices, edge midpoints, points a hair off them, and random points of a polygon.
std::vector<std::array<double, 2>> probes(const GEOSGeometry* g, std::mt19937& rng) {
  GEOSContextHandle_t h = geos::context();
  std::vector<std::array<double, 2>> out;
  GEOSGeometry* rings = GEOSBoundary_r(h, g);
  GEOSGeometry* points = GEOSGeom_extractUniquePoints_r(h, rings);
  // About 60 vertices per polygon (all of small ones), each with its neighbours.
  const int n = GEOSGetNumGeometries_r(h, points);
  const int stride = std::max(1, n / 60);
  for (int i = 0; i < n; i += stride) {
    double x, y;
    GEOSGeomGetX_r(h, GEOSGetGeometryN_r(h, points, i), &x);
    GEOSGeomGetY_r(h, GEOSGetGeometryN_r(h, points, i), &y);
    out.push_back({x, y});
    out.push_back({std::nextafter(x, 1e300), y});
    out.push_back({x, std::nextafter(y, -1e300)});
    if (i + 1 < n) {  // the midpoint of the edge to the next vertex
      double nx, ny;
      GEOSGeomGetX_r(h, GEOSGetGeometryN_r(h, points, i + 1), &nx);
      GEOSGeomGetY_r(h, GEOSGetGeometryN_r(h, points, i + 1), &ny);
      out.push_back({(x + nx) / 2, (y + ny) / 2});
    }
  }
  GEOSGeom_destroy_r(h, points);
  GEOSGeom_destroy_r(h, rings);
  double x0, y0, x1, y1;
  GEOSGeom_getXMin_r(h, g, &x0);
  GEOSGeom_getYMin_r(h, g, &y0);
  GEOSGeom_getXMax_r(h, g, &x1);
  GEOSGeom_getYMax_r(h, g, &y1);
  std::uniform_real_distribution<double> ux(x0 - 10, x1 + 10), uy(y0 - 10, y1 + 10);
  for (int i = 0; i < 100; ++i) out.push_back({ux(rng), uy(rng)});
  return out;
}

}  // namespace

TEST_CASE("Orientation is exact where floating point is not", "[point-in-area]") {
  // q on the line through p1, p2 with coordinates that do not cancel in doubles.
  CHECK(geos::orientation_index(0, 0, 1, 1, 0.5, 0.5) == 0);
  CHECK(geos::orientation_index(0, 0, 1, 1, 0.5, 0.5000000001) == 1);
  CHECK(geos::orientation_index(0, 0, 1, 1, 0.5, 0.4999999999) == -1);
  const double a = 340000.1, b = 3450000.3;
  CHECK(geos::orientation_index(a, b, a + 3, b + 7, a + 6, b + 14) == 0);
}

TEST_CASE("The point-in-polygon kernel agrees with GEOS on fixtures with holes and shared edges",
          "[point-in-area]") {
  std::mt19937 rng(7);
  for (const char* wkt : {"POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 4 2, 4 4, 2 4, 2 2))",
                          "MULTIPOLYGON (((0 0, 5 0, 5 5, 0 5, 0 0)), ((5 5, 9 5, 9 9, 5 9, 5 5)))",
                          "POLYGON ((0 0, 10 0, 5 5, 10 10, 0 10, 5 5, 0 0))",
                          "POLYGON ((340000.1 3450000.3, 340003.1 3450007.3, 339990.7 3450010.9, "
                          "340000.1 3450000.3))"}) {
    const Geometry g = Geometry::from_wkt(wkt);
    agree_with_geos(g.get(), probes(g.get(), rng));
  }
}

TEST_CASE("The point-in-polygon kernel agrees with GEOS on every unit of a generated plan",
          "[point-in-area]") {
  test::TempDir dir;
  bench::GeneratorOptions options;
  options.units = 100;
  options.vertices_per_edge = 20;
  const Plan plan = load_plan(bench::generate_plan(dir.path(), options).manifest_path);
  std::mt19937 rng(11);
  for (const auto& u : plan.units) agree_with_geos(u.geometry.get(), probes(u.geometry.get(), rng));
  for (const auto& t : plan.townships)
    agree_with_geos(t.geometry.get(), probes(t.geometry.get(), rng));
}

TEST_CASE("The point-in-polygon kernel agrees with GEOS on the demo plan", "[point-in-area]") {
  const Plan plan = load_plan(std::string(BASINKIT_SOURCE_DIR) + "/data/shapefiles/plan.yaml");
  std::mt19937 rng(13);
  for (const auto& u : plan.units) agree_with_geos(u.geometry.get(), probes(u.geometry.get(), rng));
  for (const auto& b : plan.basins)
    agree_with_geos(b.geometry.get(), probes(b.geometry.get(), rng));
  for (const auto& z : plan.layer("zones"))
    agree_with_geos(z.geometry.get(), probes(z.geometry.get(), rng));
}
