#include <basinkit/error.hpp>
#include <basinkit/manifest.hpp>

#include <catch2/catch.hpp>

#include "fixtures.hpp"

using namespace basinkit;
using basinkit::test::TempDir;
using basinkit::test::write_text;

TEST_CASE("A manifest names its layers with sources resolved against its folder") {
  TempDir dir;
  write_text(dir / "plan.yaml", R"(name: 示例市流域综合治理和统筹发展规划
crs: EPSG:4547
tolerance_m: 0.25
min_area_m2: 10
code_prefix: true
layers:
  boundary: city.shp
  units: { source: sub/units.shp, where: "KIND = 'x'", srs: GCJ02, encoding: GBK,
           fields: { code: UNIT_CODE, township: TOWN_CODE } }
  townships: { source: "PG:dbname=plan", layer: towns }
  rivers: { source: /abs/rivers.gpkg }
)");
  const Manifest m = read_manifest(dir / "plan.yaml");
  CHECK(m.name == "示例市流域综合治理和统筹发展规划");
  CHECK(m.crs == "EPSG:4547");
  CHECK(m.tolerance_m == 0.25);
  CHECK(m.min_area_m2 == 10);
  CHECK(m.code_prefix);
  CHECK_FALSE(m.allow_ballpark);
  REQUIRE(m.layers.size() == 4);
  CHECK(m.find("boundary")->resolved == dir / "city.shp");
  const LayerSpec* units = m.find("units");
  CHECK(units->resolved == dir / "sub/units.shp");
  CHECK(units->where == "KIND = 'x'");
  CHECK(units->srs == "GCJ02");
  CHECK(units->encoding == "GBK");
  CHECK(units->fields.at("township") == "TOWN_CODE");
  CHECK(units->line == 8);
  CHECK(m.find("townships")->resolved == "PG:dbname=plan");
  CHECK(m.find("rivers")->resolved == "/abs/rivers.gpkg");
  CHECK(m.find("zones") == nullptr);
}

TEST_CASE("Manifest defaults: tolerance 0.5 m, min area 1 m²") {
  TempDir dir;
  write_text(dir / "p.yaml", "crs: EPSG:4547\n");
  const Manifest m = read_manifest(dir / "p.yaml");
  CHECK(m.tolerance_m == 0.5);
  CHECK(m.min_area_m2 == 1.0);
  CHECK(m.layers.empty());
}

TEST_CASE("Broken manifests are rejected with the file and line") {
  TempDir dir;
  const std::string p = dir / "p.yaml";
  SECTION("YAML syntax") {
    write_text(p, "crs: EPSG:4547\nlayers: { units: [\n");
    CHECK_THROWS_WITH(read_manifest(p), Catch::Contains(p) && Catch::Contains("not valid YAML"));
  }
  SECTION("missing file") {
    CHECK_THROWS_WITH(read_manifest(dir / "none.yaml"), Catch::Contains("none.yaml"));
  }
  SECTION("unknown top-level key") {
    write_text(p, "crs: EPSG:4547\ntolerence_m: 1\n");
    CHECK_THROWS_WITH(read_manifest(p),
                      Catch::Contains(p + ":2") && Catch::Contains("tolerence_m"));
  }
  SECTION("no crs") {
    write_text(p, "layers: { units: u.shp }\n");
    CHECK_THROWS_WITH(read_manifest(p), Catch::Contains("no 'crs'"));
  }
  SECTION("both basins and basins_lN") {
    write_text(p, "crs: EPSG:4547\nlayers:\n  basins: b.shp\n  basins_l2: b2.shp\n");
    CHECK_THROWS_WITH(read_manifest(p), Catch::Contains("not both"));
  }
  SECTION("a tolerance that is not a number") {
    write_text(p, "crs: EPSG:4547\ntolerance_m: half\n");
    CHECK_THROWS_WITH(read_manifest(p), Catch::Contains(":2") && Catch::Contains("half"));
  }
  SECTION("a layer without source") {
    write_text(p, "crs: EPSG:4547\nlayers:\n  units: { layer: u }\n");
    CHECK_THROWS_WITH(read_manifest(p), Catch::Contains("no 'source'"));
  }
  SECTION("unknown layer key") {
    write_text(p, "crs: EPSG:4547\nlayers:\n  units: { source: u.shp, feilds: {} }\n");
    CHECK_THROWS_WITH(read_manifest(p), Catch::Contains(":3") && Catch::Contains("feilds"));
  }
  SECTION("not a mapping") {
    write_text(p, "- crs\n");
    CHECK_THROWS_AS(read_manifest(p), InputError);
  }
}
