#include <catch2/catch.hpp>

#include <ogr_geometry.h>

#include <limits>

#include "io/geometry_import.hpp"

using namespace basinkit;
using basinkit::io::GeometryKind;
using basinkit::io::import_geometry;

namespace {

io::ImportedGeometry import_wkt(const char* wkt, GeometryKind kind = GeometryKind::polygon) {
  OGRGeometry* g = nullptr;
  REQUIRE(OGRGeometryFactory::createFromWkt(wkt, nullptr, &g) == OGRERR_NONE);
  std::unique_ptr<OGRGeometry> owned(g);
  return import_geometry(owned.get(), kind, nullptr);
}

}  // namespace

TEST_CASE("A clean polygon is imported as it is") {
  auto r = import_wkt("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))");
  CHECK_FALSE(r.issue);
  CHECK(r.geometry.area() == Approx(100));
}

TEST_CASE("A NULL geometry is kept as an issue, not lost") {
  auto r = import_geometry(nullptr, GeometryKind::polygon, nullptr);
  CHECK(r.issue.kind == "null");
  CHECK(r.geometry.is_null());
}

TEST_CASE("An empty geometry is an issue") {
  CHECK(import_wkt("POLYGON EMPTY").issue.kind == "empty");
}

TEST_CASE("An unclosed ring is closed on reading and reported") {
  OGRPolygon poly;
  OGRLinearRing ring;
  ring.addPoint(0, 0);
  ring.addPoint(10, 0);
  ring.addPoint(10, 10);
  ring.addPoint(0, 10);
  poly.addRing(&ring);
  auto r = import_geometry(&poly, GeometryKind::polygon, nullptr);
  CHECK(r.issue.kind == "unclosed_ring");
  CHECK(r.issue.detail.find("not closed") != std::string::npos);
  CHECK(r.geometry.area() == Approx(100));
}

TEST_CASE("NaN coordinates never reach GEOS") {
  OGRPolygon poly;
  OGRLinearRing ring;
  ring.addPoint(0, 0);
  ring.addPoint(std::numeric_limits<double>::quiet_NaN(), 0);
  ring.addPoint(10, 10);
  ring.addPoint(0, 0);
  poly.addRing(&ring);
  auto r = import_geometry(&poly, GeometryKind::polygon, nullptr);
  CHECK(r.issue.kind == "nan");
  CHECK(r.geometry.is_null());
}

TEST_CASE("Empty parts and holes are dropped and reported; the rest is kept") {
  auto r = import_wkt("MULTIPOLYGON (((0 0, 10 0, 10 10, 0 10, 0 0)), EMPTY)");
  CHECK(r.issue.kind == "empty");
  CHECK(r.geometry.area() == Approx(100));
}

TEST_CASE("A collapsed ring is dropped and reported") {
  auto r = import_wkt("MULTIPOLYGON (((0 0, 10 0, 10 10, 0 10, 0 0)), ((20 20, 21 21, 20 20)))");
  CHECK(r.issue.kind == "collapsed_ring");
  CHECK(r.geometry.area() == Approx(100));
}

TEST_CASE("A point in a polygon layer is a wrong type") {
  auto r = import_wkt("POINT (1 2)");
  CHECK(r.issue.kind == "wrong_type");
  CHECK(r.issue.detail.find("Point where a polygon") != std::string::npos);
}

TEST_CASE("A self-intersecting polygon is imported unchanged for validation to judge") {
  auto r = import_wkt("POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))");
  CHECK_FALSE(r.issue);
  CHECK_FALSE(r.geometry.is_null());
}

TEST_CASE("Curves are linearised") {
  auto r = import_wkt("CURVEPOLYGON (CIRCULARSTRING (0 0, 10 0, 0 0))");
  CHECK_FALSE(r.issue);
  CHECK(r.geometry.area() == Approx(3.14159 * 25).epsilon(0.01));
}
