#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <geos_c.h>
#include <ogr_geometry.h>
#include <ogrsf_frmts.h>

#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "geometry/geos_context.hpp"
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

TEST_CASE(
    "Polygons and lines of the shipped real data are imported from OGR's vertices, vertex for "
    "vertex as GEOS reads their WKB",
    "[import]") {
  // The import builds polygons and lines from OGR's vertices directly; GEOS's WKB reader is
  // the peer: same type, same dimension, same coordinates in the same order, every feature,
  // and every one of them built from the vertices, none through the fallback.
  GDALAllRegister();
  GEOSContextHandle_t h = geos::context();
  GEOSWKBWriter* writer = GEOSWKBWriter_create_r(h);
  auto wkb_of = [&](const GEOSGeometry* g) {
    size_t size = 0;
    unsigned char* bytes = GEOSWKBWriter_write_r(h, writer, g, &size);
    std::string out(reinterpret_cast<const char*>(bytes), size);
    GEOSFree_r(h, bytes);
    return out;
  };
  const std::vector<std::string> files = {BASINKIT_SOURCE_DIR "/data/shapefiles/units.shp",
                                          BASINKIT_SOURCE_DIR "/data/shapefiles/townships.shp",
                                          BASINKIT_SOURCE_DIR "/data/shapefiles/basins.shp",
                                          BASINKIT_SOURCE_DIR "/data/shapefiles/rivers.shp",
                                          BASINKIT_TEST_DATA
                                          "/china_admin/hubei_districts_amap2020_gcj02.gpkg",
                                          BASINKIT_TEST_DATA "/watersheds/wbd_navarro_eel.gpkg",
                                          BASINKIT_TEST_DATA "/watersheds/network.gpkg"};
  size_t features = 0, vertices = 0, lines = 0, multipolygons = 0;
  for (const std::string& file : files) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    REQUIRE(ds);
    for (OGRLayer* layer : ds->GetLayers())
      for (const auto& feature : *layer) {
        const OGRGeometry* g = feature->GetGeometryRef();
        if (!g) continue;
        const auto type = wkbFlatten(g->getGeometryType());
        if (type != wkbPolygon && type != wkbMultiPolygon && type != wkbLineString &&
            type != wkbMultiLineString)
          continue;
        INFO(file << " layer " << layer->GetName() << " feature " << feature->GetFID());
        std::unique_ptr<OGRGeometry> direct(g->clone()), peer(g->clone());
        const io::ImportedGeometry imported =
            import_geometry(direct.get(), GeometryKind::any, nullptr);
        CHECK_FALSE(imported.issue);  // kind `any` cleans nothing: the peer's input is ours
        if (imported.issue) continue;
        peer->flattenTo2D();
        std::vector<unsigned char> wkb(peer->WkbSize());
        peer->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
        geos::GeometryPtr read(GEOSGeomFromWKB_buf_r(h, wkb.data(), wkb.size()));
        REQUIRE(read);
        const GEOSGeometry* ours = imported.geometry.get();
        REQUIRE(ours);
        CHECK(GEOSGeomTypeId_r(h, ours) == GEOSGeomTypeId_r(h, read.get()));
        CHECK(GEOSGeom_getCoordinateDimension_r(h, ours) ==
              GEOSGeom_getCoordinateDimension_r(h, read.get()));
        CHECK(wkb_of(ours) == wkb_of(read.get()));
        // And it came from the vertices, not from the WKB fallback (same answer, slower).
        geos::GeometryPtr from_vertices(io::geometry_from_vertices(*peer));
        REQUIRE(from_vertices);
        CHECK(wkb_of(from_vertices.get()) == wkb_of(read.get()));
        ++features;
        vertices += static_cast<size_t>(GEOSGetNumCoordinates_r(h, ours));
        lines += type == wkbLineString || type == wkbMultiLineString;
        multipolygons += type == wkbMultiPolygon;
      }
  }
  GEOSWKBWriter_destroy_r(h, writer);
  INFO(features << " features, " << vertices << " vertices");
  CHECK(features > 500);
  CHECK(vertices > 100000);
  CHECK(lines > 0);
  CHECK(multipolygons > 0);
}

namespace {

/// GEOS's reading of the ISO WKB of `wkt` (2D), and the error it gave when it failed.
std::pair<geos::GeometryPtr, std::string> read_as_wkb(const char* wkt) {
  OGRGeometry* g = nullptr;
  REQUIRE(OGRGeometryFactory::createFromWkt(wkt, nullptr, &g) == OGRERR_NONE);
  std::unique_ptr<OGRGeometry> owned(g);
  std::vector<unsigned char> wkb(owned->WkbSize());
  owned->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
  geos::take_last_error();
  geos::GeometryPtr read(GEOSGeomFromWKB_buf_r(geos::context(), wkb.data(), wkb.size()));
  return {std::move(read), geos::take_last_error()};
}

std::string wkb_bytes(const GEOSGeometry* g) {
  GEOSContextHandle_t h = geos::context();
  GEOSWKBWriter* writer = GEOSWKBWriter_create_r(h);
  size_t size = 0;
  unsigned char* bytes = GEOSWKBWriter_write_r(h, writer, g, &size);
  std::string out(reinterpret_cast<const char*>(bytes), size);
  GEOSFree_r(h, bytes);
  GEOSWKBWriter_destroy_r(h, writer);
  return out;
}

}  // namespace

TEST_CASE(
    "Parts GEOS will not build from OGR's vertices fall back to its WKB reader, with its "
    "words",
    "[import]") {
  // Layers of any geometry are not cleaned: a later part that GEOS refuses comes after
  // earlier parts were built (they are freed; ASan checks), and the WKB reader decides.
  for (const char* bad : {"MULTIPOLYGON (((0 0,1 0,1 1,0 0)),((0 0,1 0,1 1)))",
                          "MULTILINESTRING ((0 0,1 1),(2 2))", "LINESTRING (2 2)"}) {
    INFO(bad);
    const auto [read, error] = read_as_wkb(bad);
    REQUIRE_FALSE(read);
    REQUIRE_FALSE(error.empty());
    const io::ImportedGeometry r = import_wkt(bad, GeometryKind::any);
    CHECK_FALSE(r.geometry.get());
    CHECK(r.issue.kind == "unreadable");
    CHECK(r.issue.detail == "GEOS cannot read it: " + error);
  }
  // Empty parts and rings: the same geometry as the WKB reader's.
  for (const char* empty :
       {"MULTIPOLYGON (((0 0,10 0,10 10,0 10,0 0)),EMPTY)", "MULTILINESTRING ((0 0,1 1),EMPTY)"}) {
    INFO(empty);
    const auto [read, error] = read_as_wkb(empty);
    REQUIRE(read);
    const io::ImportedGeometry r = import_wkt(empty, GeometryKind::any);
    REQUIRE(r.geometry.get());
    CHECK(wkb_bytes(r.geometry.get()) == wkb_bytes(read.get()));
  }
  OGRPolygon with_empty_hole;
  OGRLinearRing shell;
  for (const auto& [x, y] : {std::pair{0.0, 0.0}, {10.0, 0.0}, {10.0, 10.0}, {0.0, 0.0}})
    shell.addPoint(x, y);
  with_empty_hole.addRing(&shell);
  OGRLinearRing hole;
  with_empty_hole.addRing(&hole);
  char* wkt = nullptr;
  with_empty_hole.exportToWkt(&wkt, wkbVariantIso);
  const std::string text = wkt ? wkt : "";
  CPLFree(wkt);
  std::vector<unsigned char> wkb(with_empty_hole.WkbSize());
  with_empty_hole.exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
  geos::GeometryPtr read(GEOSGeomFromWKB_buf_r(geos::context(), wkb.data(), wkb.size()));
  const io::ImportedGeometry r = import_geometry(&with_empty_hole, GeometryKind::any, nullptr);
  INFO(text);
  REQUIRE(read);
  REQUIRE(r.geometry.get());
  CHECK(wkb_bytes(r.geometry.get()) == wkb_bytes(read.get()));
}
