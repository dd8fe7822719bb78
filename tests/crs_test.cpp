#include <basinkit/crs.hpp>
#include <basinkit/error.hpp>

#include <catch2/catch.hpp>

#include <cmath>

#include "crs/srs.hpp"

using namespace basinkit;

namespace {

/// Ground distance in metres between two nearby lon/lat points.
double metres(LonLat a, LonLat b) {
  const double k = 3.14159265358979323846 / 180.0;
  const double dx = (a.lon - b.lon) * k * 6371000.0 * std::cos(a.lat * k);
  const double dy = (a.lat - b.lat) * k * 6371000.0;
  return std::hypot(dx, dy);
}

// Published WGS-84 → GCJ-02 reference pairs (googollee/eviltransform's test table and
// wandergis/coordtransform's README example), lon/lat.
struct Reference {
  LonLat wgs, gcj;
};
const Reference kReferences[] = {
    {{121.5272106, 31.1774276}, {121.531541859215, 31.17530398364597}},  // Shanghai
    {{113.912316, 22.543847}, {113.9171764808363, 22.540796131694766}},  // Shenzhen
    {{116.377817, 39.911954}, {116.38404722455657, 39.91334545536069}},  // Beijing
    {{116.404, 39.915}, {116.41024449916938, 39.91640428150164}},        // Beijing
};

}  // namespace

TEST_CASE("GCJ-02 forward formula matches published reference points to a centimetre") {
  for (const auto& r : kReferences) {
    const LonLat gcj = wgs84_to_gcj02(r.wgs);
    CHECK(metres(gcj, r.gcj) < 0.01);
  }
}

TEST_CASE("GCJ-02 inverse recovers WGS-84 reference points to well under a metre") {
  for (const auto& r : kReferences) CHECK(metres(gcj02_to_wgs84(r.gcj), r.wgs) < 0.01);
}

TEST_CASE("GCJ-02 inverse is exact to a millimetre across Jingmen, where one step errs by metres") {
  double worst_single_step = 0;
  for (double lon = 111.8; lon <= 113.6; lon += 0.1) {
    for (double lat = 30.3; lat <= 31.7; lat += 0.1) {
      const LonLat wgs{lon, lat};
      const LonLat gcj = wgs84_to_gcj02(wgs);
      // The offset near Jingmen is several hundred metres (MANIFEST: ~600 m).
      REQUIRE(metres(gcj, wgs) > 300);
      CHECK(metres(gcj02_to_wgs84(gcj), wgs) < 0.001);
      const LonLat once{2 * gcj.lon - wgs84_to_gcj02(gcj).lon,
                        2 * gcj.lat - wgs84_to_gcj02(gcj).lat};
      worst_single_step = std::max(worst_single_step, metres(once, wgs));
    }
  }
  CHECK(worst_single_step > 0.01);  // the iteration is not decoration
}

TEST_CASE("GCJ-02 is the identity outside China") {
  const LonLat paris{2.35, 48.85};
  CHECK(wgs84_to_gcj02(paris).lon == paris.lon);
  CHECK(gcj02_to_wgs84(paris).lat == paris.lat);
}

TEST_CASE("GCJ02 spellings are recognised") {
  CHECK(is_gcj02("GCJ02"));
  CHECK(is_gcj02("gcj-02"));
  CHECK_FALSE(is_gcj02("EPSG:4326"));
}

TEST_CASE("Points in lat-first EPSG:4490 are taken as lon,lat and land with x = easting") {
  // Near Jingmen: 112.2E 31.0N. In EPSG:4547 (CM 114E) the easting is ~328 km and the
  // northing ~3.43e6 m; swapped axes would give nonsense far outside these ranges.
  for (const char* from : {"EPSG:4490", "EPSG:4326"}) {
    double x = 112.2, y = 31.0;
    PointTransform(from, "EPSG:4547").apply(x, y);
    CHECK(x > 300000);
    CHECK(x < 360000);
    CHECK(y > 3400000);
    CHECK(y < 3460000);
  }
}

TEST_CASE("A GCJ-02 point and its WGS-84 original land within a metre in the working CRS") {
  const LonLat wgs{112.5880, 31.1680};
  const LonLat gcj = wgs84_to_gcj02(wgs);
  double x1 = wgs.lon, y1 = wgs.lat, x2 = gcj.lon, y2 = gcj.lat;
  PointTransform("EPSG:4326", "EPSG:4547").apply(x1, y1);
  PointTransform("GCJ02", "EPSG:4547").apply(x2, y2);
  CHECK(std::hypot(x1 - x2, y1 - y2) < 1.0);
}

TEST_CASE("A geographic working CRS is refused") {
  CHECK_THROWS_WITH(PointTransform("EPSG:4326", "EPSG:4490"),
                    Catch::Contains("geographic") && Catch::Contains("EPSG:4490"));
  CHECK_THROWS_AS(PointTransform("EPSG:4326", "GCJ02"), InputError);
  CHECK_THROWS_WITH(PointTransform("EPSG:999999", "EPSG:4547"), Catch::Contains("EPSG:999999"));
}

TEST_CASE("Xian 1980, Beijing 1954 and New Beijing datums are told apart from CGCS2000") {
  CHECK(crs::ballpark_datum(*crs::parse("EPSG:4610")) == "Xian 1980");
  CHECK(crs::ballpark_datum(*crs::parse("EPSG:2383")) == "Xian 1980");  // GK CM 114E
  CHECK(crs::ballpark_datum(*crs::parse("EPSG:4214")) == "Beijing 1954");
  CHECK(crs::ballpark_datum(*crs::parse("EPSG:2435")) == "Beijing 1954");  // GK CM 114E
  CHECK(crs::ballpark_datum(*crs::parse("EPSG:4555")) == "New Beijing");
  CHECK(crs::ballpark_datum(*crs::parse("EPSG:4490")).empty());
  CHECK(crs::ballpark_datum(*crs::parse("EPSG:4547")).empty());
  CHECK(crs::ballpark_datum(*crs::parse("EPSG:4326")).empty());
}
