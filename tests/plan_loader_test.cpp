#include <basinkit/crs.hpp>
#include <basinkit/error.hpp>
#include <basinkit/info.hpp>
#include <basinkit/locate.hpp>
#include <basinkit/plan.hpp>
#include <basinkit/report.hpp>

#include <catch2/catch.hpp>

#include <cpl_string.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>

#include <filesystem>
#include <sstream>

#include "fixtures.hpp"

using namespace basinkit;
using namespace basinkit::test;

namespace {

// A small plan near Jingmen in EPSG:4547: two L1 basins split at x = 360 km, each one L2
// and one L3, four units, two townships cutting across the units.
const double X0 = 350000, X1 = 360000, X2 = 370000, Y0 = 3440000, Y1 = 3450000, Y2 = 3460000;

/// `wkt` (EPSG:4547), densified every 100 m and reprojected to `srs` ("GCJ02" allowed).
std::string in_crs(const std::string& wkt, const std::string& srs) {
  if (srs == "EPSG:4547") return wkt;
  OGRGeometry* g = nullptr;
  OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &g);
  std::unique_ptr<OGRGeometry> owned(g);
  g->segmentize(100);
  OGRSpatialReference from, to;
  from.SetFromUserInput("EPSG:4547");
  from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  to.SetFromUserInput(srs == "GCJ02" ? "EPSG:4326" : srs.c_str());
  to.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&from, &to));
  g->transform(ct.get());
  if (srs == "GCJ02") {
    OGRLinearRing* ring = g->toPolygon()->getExteriorRing();
    for (int i = 0; i < ring->getNumPoints(); ++i) {
      const LonLat p = wgs84_to_gcj02({ring->getX(i), ring->getY(i)});
      ring->setPoint(i, p.lon, p.lat);
    }
  }
  char* text = nullptr;
  OGRWktOptions options;
  options.precision = 17;
  std::string out = g->exportToWkt(options);
  CPLFree(text);
  return out;
}

struct LayerCrs {
  std::string boundary = "EPSG:4547", basins = "EPSG:4547", units = "EPSG:4547",
              townships = "EPSG:4547";
};

/// Writes the small plan into `dir` and returns the manifest path.
std::string write_small_plan(const TempDir& dir, const LayerCrs& c = {}) {
  auto file_srs = [](const std::string& s) { return s == "GCJ02" ? std::string("EPSG:4326") : s; };
  auto srs_line = [](const std::string& s) {
    return s == "GCJ02" ? std::string(", srs: GCJ02") : "";
  };
  write_layer(dir / "boundary.gpkg", {"GPKG",
                                      "boundary",
                                      file_srs(c.boundary),
                                      {},
                                      {{{}, in_crs(box(X0, Y0, X2, Y2), c.boundary)}}});
  write_layer(dir / "basins.gpkg",
              {"GPKG",
               "basins",
               file_srs(c.basins),
               {"BSN_CODE", "BSN_NAME", "LEVEL:int", "PARENT"},
               {{{"A", "甲流域", "1", ""}, in_crs(box(X0, Y0, X1, Y2), c.basins)},
                {{"B", "乙流域", "1", ""}, in_crs(box(X1, Y0, X2, Y2), c.basins)},
                {{"A1", "甲一", "2", "A"}, in_crs(box(X0, Y0, X1, Y2), c.basins)},
                {{"B1", "乙一", "2", "B"}, in_crs(box(X1, Y0, X2, Y2), c.basins)},
                {{"A11", "甲一一", "3", "A1"}, in_crs(box(X0, Y0, X1, Y2), c.basins)},
                {{"B11", "乙一一", "3", "B1"}, in_crs(box(X1, Y0, X2, Y2), c.basins)}}});
  write_layer(dir / "units.gpkg",
              {"GPKG",
               "units",
               file_srs(c.units),
               {"UNIT_CODE", "UNIT_NAME", "L3_CODE", "TOWN_CODE"},
               {{{"U2", "单元二", "A11", "420881001000"}, in_crs(box(X0, Y0, X1, Y1), c.units)},
                {{"U1", "单元一", "A11", "420881001000"}, in_crs(box(X0, Y1, X1, Y2), c.units)},
                {{"U3", "单元三", "B11", "420881002000"}, in_crs(box(X1, Y0, X2, Y1), c.units)},
                {{"U4", "单元四", "B11", "420881002000"}, in_crs(box(X1, Y1, X2, Y2), c.units)}}});
  write_layer(
      dir / "townships.gpkg",
      {"GPKG",
       "townships",
       file_srs(c.townships),
       {"TOWN_CODE", "TOWN_NAME", "CNTY_CODE"},
       {{{"420881001000", "郢中街道", "420881"}, in_crs(box(X0, Y0, 362000, Y2), c.townships)},
        {{"420881002000", "洋梓镇", "420881"}, in_crs(box(362000, Y0, X2, Y2), c.townships)}}});
  const std::string manifest = dir / "plan.yaml";
  write_text(
      manifest,
      "name: 小规划\ncrs: EPSG:4547\nlayers:\n"
      "  boundary: { source: boundary.gpkg" +
          srs_line(c.boundary) +
          " }\n"
          "  basins: { source: basins.gpkg" +
          srs_line(c.basins) +
          ", fields: { code: BSN_CODE, name: BSN_NAME, level: LEVEL, parent: PARENT } }\n"
          "  units: { source: units.gpkg" +
          srs_line(c.units) +
          ", fields: { code: UNIT_CODE, name: UNIT_NAME, basin: L3_CODE, township: TOWN_CODE } }\n"
          "  townships: { source: townships.gpkg" +
          srs_line(c.townships) +
          ", fields: { code: TOWN_CODE, name: TOWN_NAME, county: CNTY_CODE } }\n");
  return manifest;
}

/// Rewrites the manifest's layer line for `key` with `replacement`.
void set_layer(const std::string& manifest, const std::string& key,
               const std::string& replacement) {
  std::istringstream in(read_text(manifest));
  std::string text, line;
  while (std::getline(in, line))
    text += (line.rfind("  " + key + ":", 0) == 0 ? "  " + key + ": " + replacement : line) + "\n";
  write_text(manifest, text);
}

}  // namespace

TEST_CASE("A plan loads with its hierarchy, codes as text and Chinese names") {
  TempDir dir;
  const Plan plan = load_plan(write_small_plan(dir));
  CHECK(plan.manifest.name == "小规划");
  CHECK(plan.basins.size() == 6);
  CHECK(plan.levels() == std::vector<int>{1, 2, 3});
  REQUIRE(plan.units.size() == 4);
  CHECK(plan.units[0].code == "U2");
  CHECK(plan.units[0].name == "单元二");
  CHECK(plan.units[0].basin == "A11");
  CHECK(plan.units[0].township == "420881001000");
  CHECK(plan.units[0].geometry.area() == Approx(1e8));
  REQUIRE(plan.townships.size() == 2);
  CHECK(plan.townships[1].county == "420881");
  CHECK(plan.basins[2].parent == "A");
  CHECK(plan.basins[2].level == 2);
  CHECK(plan.layer("boundary").size() == 1);
  CHECK(plan.has_layer("basins"));
  CHECK_FALSE(plan.has_layer("rivers"));
  REQUIRE(plan.sources.size() == 4);
  CHECK(plan.sources[2].features == 4);
  CHECK(plan.sources[2].transformation.find("none") != std::string::npos);
}

TEST_CASE("Layers in EPSG:4546, 4547, lat-first 4490 and GCJ-02 give the same areas as one CRS") {
  TempDir same_dir, mixed_dir;
  const PlanSummary same = summarize(load_plan(write_small_plan(same_dir)));
  LayerCrs mixed;
  mixed.boundary = "EPSG:4547";
  mixed.basins = "EPSG:4490";
  mixed.units = "EPSG:4546";
  mixed.townships = "GCJ02";
  const Plan mixed_plan = load_plan(write_small_plan(mixed_dir, mixed));
  const PlanSummary other = summarize(mixed_plan);
  for (const char* key : {"boundary", "basins", "units", "townships"}) {
    INFO(key);
    CHECK(other.layers.at(key).area_m2 == Approx(same.layers.at(key).area_m2).epsilon(0.001));
  }
  for (int level : {1, 2, 3})
    CHECK(other.levels.at(level).area_m2 == Approx(same.levels.at(level).area_m2).epsilon(0.001));
  CHECK(mixed_plan.sources[3].source_crs == "GCJ02");
  CHECK(mixed_plan.sources[3].transformation.find("GCJ-02") != std::string::npos);
}

TEST_CASE("locate names the same unit for the same place given in each CRS") {
  TempDir dir;
  LayerCrs mixed;
  mixed.units = "EPSG:4546";
  mixed.townships = "GCJ02";
  const Plan plan = load_plan(write_small_plan(dir, mixed));
  const Locator locator(plan);
  // A point inside U3 (x 360–370 km, y 3440–3450 km), expressed in several CRSs.
  const double px = 366000, py = 3444000;
  for (const std::string from : {"EPSG:4547", "EPSG:4546", "EPSG:4490", "EPSG:4326", "GCJ02"}) {
    INFO(from);
    double x = px, y = py;
    if (from != "EPSG:4547") {
      OGRSpatialReference a, b;
      a.SetFromUserInput("EPSG:4547");
      a.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
      b.SetFromUserInput(from == "GCJ02" ? "EPSG:4326" : from.c_str());
      b.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
      std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&a, &b));
      ct->Transform(1, &x, &y);
      if (from == "GCJ02") {
        const LonLat g = wgs84_to_gcj02({x, y});
        x = g.lon;
        y = g.lat;
      }
    }
    PointTransform(from, plan.working_crs).apply(x, y);
    CHECK(std::hypot(x - px, y - py) < 1.0);
    const Location loc = locator.locate(x, y);
    CHECK(loc.unit == std::optional<std::string>("U3"));
    CHECK(loc.township == std::optional<std::string>("420881002000"));
    CHECK(loc.basins.at(1) == std::optional<std::string>("B"));
  }
}

TEST_CASE("A partial manifest (townships only) loads") {
  TempDir dir;
  write_small_plan(dir);
  write_text(dir / "t.yaml",
             "crs: EPSG:4547\nlayers:\n  townships: { source: townships.gpkg, fields: "
             "{ code: TOWN_CODE, name: TOWN_NAME } }\n");
  const Plan plan = load_plan(dir / "t.yaml");
  CHECK(plan.townships.size() == 2);
  CHECK(plan.units.empty());
  CHECK_FALSE(plan.has_layer("units"));
  // Without a county field, NBS township codes give their county.
  CHECK(plan.townships[0].county == "420881");
}

TEST_CASE("Basins may come one layer per level") {
  TempDir dir;
  write_small_plan(dir);
  write_layer(dir / "l1.gpkg",
              {"GPKG", "l1", "EPSG:4547", {"CODE"}, {{{"A"}, box(X0, Y0, X1, Y2)}}});
  write_layer(dir / "l2.gpkg",
              {"GPKG", "l2", "EPSG:4547", {"CODE", "UP"}, {{{"A1", "A"}, box(X0, Y0, X1, Y2)}}});
  write_text(dir / "p.yaml",
             "crs: EPSG:4547\nlayers:\n  basins_l1: l1.gpkg\n"
             "  basins_l2: { source: l2.gpkg, fields: { parent: UP } }\n");
  const Plan plan = load_plan(dir / "p.yaml");
  REQUIRE(plan.basins.size() == 2);
  CHECK(plan.basins[1].level == 2);
  CHECK(plan.basins[1].parent == "A");
  CHECK(plan.basins[1].layer == "basins_l2");
}

TEST_CASE("Codes stay text: a leading zero survives") {
  TempDir dir;
  write_layer(
      dir / "t.gpkg",
      {"GPKG", "t", "EPSG:4547", {"code", "county"}, {{{"0123", "0420"}, box(0, 0, 1, 1)}}});
  write_text(dir / "p.yaml", "crs: EPSG:4547\nlayers:\n  townships: t.gpkg\n");
  const Plan plan = load_plan(dir / "p.yaml");
  CHECK(plan.townships[0].code == "0123");
  CHECK(plan.townships[0].county == "0420");
}

TEST_CASE("Each loaded layer carries the SHA-256 of its file, in a folder of shapefiles too") {
  TempDir dir;
  const std::string manifest = write_small_plan(dir);
  std::filesystem::create_directory(dir / "shp");
  write_layer(dir / "shp/towns.shp", {"ESRI Shapefile",
                                      "towns",
                                      "EPSG:4547",
                                      {"TOWN_CODE"},
                                      {{{"420881001000"}, box(X0, Y0, 362000, Y2)}}});
  set_layer(manifest, "townships", "{ source: shp, layer: towns, fields: { code: TOWN_CODE } }");
  const Plan plan = load_plan(manifest);
  REQUIRE(plan.sources.size() == 4);
  for (const LayerSource& s : plan.sources) {
    INFO(s.key);
    const std::string file = s.key == "townships" ? dir / "shp/towns.shp" : s.resolved;
    CHECK(s.sha256.size() == 64);
    CHECK(s.sha256 == sha256_of_file(file));
  }
  CHECK(plan.sources[0].sha256 != plan.sources[1].sha256);
}

TEST_CASE("A where filter selects features") {
  TempDir dir;
  const std::string manifest = write_small_plan(dir);
  set_layer(manifest, "units",
            "{ source: units.gpkg, where: \"UNIT_CODE IN ('U1', 'U4')\", fields: { code: "
            "UNIT_CODE, basin: L3_CODE, township: TOWN_CODE } }");
  const Plan plan = load_plan(manifest);
  REQUIRE(plan.units.size() == 2);
  CHECK(plan.units[0].code == "U1");
}

TEST_CASE("Bad set-up stops with file, layer, feature and field named") {
  TempDir dir;
  const std::string manifest = write_small_plan(dir);
  SECTION("missing file") {
    set_layer(manifest, "units", "{ source: nowhere.shp }");
    CHECK_THROWS_WITH(load_plan(manifest), Catch::Contains("nowhere.shp") &&
                                               Catch::Contains("layer 'units'") &&
                                               Catch::Contains("no such file"));
  }
  SECTION("missing layer in the source") {
    set_layer(manifest, "units", "{ source: units.gpkg, layer: unit }");
    CHECK_THROWS_WITH(load_plan(manifest),
                      Catch::Contains("no layer 'unit'") && Catch::Contains("it has: units"));
  }
  SECTION("misnamed field") {
    set_layer(
        manifest, "units",
        "{ source: units.gpkg, fields: { code: UNIT_COD, basin: L3_CODE, township: TOWN_CODE } }");
    CHECK_THROWS_WITH(load_plan(manifest), Catch::Contains("field 'UNIT_COD'") &&
                                               Catch::Contains("layer 'units'") &&
                                               Catch::Contains("UNIT_CODE"));
  }
  SECTION("required field not mapped and not found") {
    set_layer(manifest, "units",
              "{ source: units.gpkg, fields: { code: UNIT_CODE, basin: L3_CODE } }");
    CHECK_THROWS_WITH(load_plan(manifest),
                      Catch::Contains("field 'township'") && Catch::Contains("fields: {township"));
  }
  SECTION("no CRS") {
    write_layer(dir / "nocrs.gpkg", {"GPKG", "nocrs", "", {"code"}, {{{"X"}, box(0, 0, 1, 1)}}});
    write_text(manifest, read_text(manifest) + "  zones: nocrs.gpkg\n");
    CHECK_THROWS_WITH(load_plan(manifest), Catch::Contains("nocrs.gpkg") &&
                                               Catch::Contains("layer 'zones'") &&
                                               Catch::Contains("no CRS"));
  }
  SECTION("a bad level value names the feature") {
    write_layer(dir / "b.gpkg",
                {"GPKG",
                 "b",
                 "EPSG:4547",
                 {"code", "level", "parent"},
                 {{{"A", "1", ""}, box(0, 0, 1, 1)}, {{"B", "two", "A"}, box(0, 0, 1, 1)}}});
    set_layer(manifest, "basins", "b.gpkg");
    CHECK_THROWS_WITH(load_plan(manifest), Catch::Contains("feature 2") &&
                                               Catch::Contains("field 'level'") &&
                                               Catch::Contains("'two'"));
  }
  SECTION("a level too large for any plan names the feature instead of overflowing") {
    write_layer(dir / "b.gpkg", {"GPKG",
                                 "b",
                                 "EPSG:4547",
                                 {"code", "level", "parent"},
                                 {{{"A", "99999999999", ""}, box(0, 0, 1, 1)}}});
    set_layer(manifest, "basins", "b.gpkg");
    CHECK_THROWS_WITH(load_plan(manifest),
                      Catch::Contains("feature 1") && Catch::Contains("99999999999"));
  }
  SECTION("a bad where filter") {
    set_layer(manifest, "units",
              "{ source: units.gpkg, where: \"NOPE = \", fields: { code: UNIT_CODE, basin: "
              "L3_CODE, township: TOWN_CODE } }");
    CHECK_THROWS_WITH(load_plan(manifest), Catch::Contains("NOPE ="));
  }
  SECTION("a geographic working CRS") {
    write_text(dir / "geo.yaml", "crs: EPSG:4490\nlayers:\n  units: units.gpkg\n");
    CHECK_THROWS_WITH(load_plan(dir / "geo.yaml"),
                      Catch::Contains("geo.yaml") && Catch::Contains("geographic"));
  }
}

TEST_CASE("Network sources are refused unless allowed") {
  TempDir dir;
  const std::string manifest = write_small_plan(dir);
  for (const std::string source : {"https://example.com/u.geojson", "/vsicurl/http://x/u.shp",
                                   "/vsizip//vsicurl/http://x/u.zip", "/vsis3/bucket/u.gpkg"}) {
    set_layer(manifest, "units", "{ source: \"" + source + "\" }");
    CHECK_THROWS_WITH(load_plan(manifest),
                      Catch::Contains("network") && Catch::Contains("--allow-network"));
  }
}

TEST_CASE("Xian 1980 layers are refused unless the manifest allows ballpark transformations") {
  TempDir dir;
  const std::string manifest = write_small_plan(dir);
  // EPSG:2383: Xian 1980 / 3-degree Gauss-Kruger CM 114E.
  write_layer(dir / "xian.gpkg", {"GPKG",
                                  "xian",
                                  "EPSG:2383",
                                  {"TOWN_CODE", "CNTY_CODE"},
                                  {{{"420881001000", "420881"}, box(X0, Y0, X2, Y2)}}});
  set_layer(manifest, "townships",
            "{ source: xian.gpkg, fields: { code: TOWN_CODE, county: CNTY_CODE } }");
  CHECK_THROWS_WITH(load_plan(manifest), Catch::Contains("Xian 1980") &&
                                             Catch::Contains("allow_ballpark") &&
                                             Catch::Contains("layer 'townships'"));
  write_text(manifest, "allow_ballpark: true\n" + read_text(manifest));
  CHECK(load_plan(manifest).townships.size() == 1);
}

TEST_CASE("GBK text without .cpg stops with a hint; declared encoding: GBK reads it") {
  TempDir dir;
  const std::string shp = dir / "towns.shp";
  // Write raw GBK bytes: no recoding, and no .cpg.
  char* gbk = CPLRecode("洋梓镇", CPL_ENC_UTF8, "CP936");
  write_layer(shp, {"ESRI Shapefile",
                    "towns",
                    "EPSG:4547",
                    {"TOWN_CODE", "TOWN_NAME"},
                    {{{"420881002000", gbk}, box(0, 0, 10, 10)}},
                    {"ENCODING="}});
  CPLFree(gbk);
  std::filesystem::remove(dir / "towns.cpg");
  write_text(dir / "p.yaml",
             "crs: EPSG:4547\nlayers:\n  townships: { source: towns.shp, fields: { code: "
             "TOWN_CODE, name: TOWN_NAME } }\n");
  CHECK_THROWS_WITH(load_plan(dir / "p.yaml"),
                    Catch::Contains("towns.shp") && Catch::Contains("feature 0") &&
                        Catch::Contains("field 'TOWN_NAME'") && Catch::Contains("encoding: GBK"));
  write_text(dir / "p.yaml",
             "crs: EPSG:4547\nlayers:\n  townships: { source: towns.shp, encoding: GBK, "
             "fields: { code: TOWN_CODE, name: TOWN_NAME } }\n");
  CHECK(load_plan(dir / "p.yaml").townships[0].name == "洋梓镇");
}

TEST_CASE("Bad geometries load and are kept with their issue: counts in = counts out") {
  TempDir dir;
  write_layer(dir / "u.gpkg",
              {"GPKG",
               "u",
               "EPSG:4547",
               {"code", "basin", "township"},
               {{{"OK", "A", "T"}, box(0, 0, 10, 10)},
                {{"NULLGEOM", "A", "T"}, ""},
                {{"EMPTY", "A", "T"}, "POLYGON EMPTY"},
                {{"POINT", "A", "T"}, "POINT (1 1)"},
                {{"BOWTIE", "A", "T"}, "POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))"}}});
  write_text(dir / "p.yaml", "crs: EPSG:4547\nlayers:\n  units: u.gpkg\n");
  const Plan plan = load_plan(dir / "p.yaml");
  REQUIRE(plan.units.size() == 5);
  CHECK_FALSE(plan.units[0].geometry_issue);
  CHECK(plan.units[1].geometry_issue.kind == "null");
  CHECK(plan.units[2].geometry_issue.kind == "empty");
  CHECK(plan.units[3].geometry_issue.kind == "wrong_type");
  CHECK_FALSE(plan.units[4].geometry_issue);  // self-intersection is validation's job
  CHECK(plan.sources[0].features == 5);
}
