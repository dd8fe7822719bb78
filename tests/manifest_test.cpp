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

TEST_CASE("parse_manifest reads a manifest's text as read_manifest reads the file") {
  TempDir dir;
  const std::string text = "crs: EPSG:4547\nlayers:\n  units: sub/u.shp\n";
  write_text(dir / "p.yaml", text);
  const Manifest from_file = read_manifest(dir / "p.yaml");
  const Manifest from_text = parse_manifest(text, dir / "p.yaml");
  CHECK(from_text.path == from_file.path);
  CHECK(from_text.crs == "EPSG:4547");
  REQUIRE(from_text.layers.size() == 1);
  CHECK(from_text.layers[0].resolved == from_file.layers[0].resolved);
  CHECK(from_text.layers[0].resolved == dir / "sub/u.shp");
  CHECK_THROWS_WITH(parse_manifest("crs: EPSG:4547\nlayers: { units: [\n", "/x/p.yaml"),
                    Catch::StartsWith("/x/p.yaml:") && Catch::Contains("not valid YAML"));
  CHECK_THROWS_WITH(parse_manifest("", "/x/p.yaml"),
                    Catch::Equals("/x/p.yaml: a plan manifest must be a YAML mapping"));
}

TEST_CASE("Found by fuzzing: a huge basin level is an InputError, not std::out_of_range",
          "[fuzz]") {
  const std::string path = "/x/p.yaml";
  CHECK_THROWS_WITH(parse_manifest("crs: EPSG:4547\nlayers:\n  basins_l99999999999: b.shp\n", path),
                    Catch::Contains("basins_l99999999999") && Catch::Contains("too deep"));
  CHECK_THROWS_WITH(parse_manifest("crs: EPSG:4547\nlayers:\n  basins_l000: b.shp\n", path),
                    Catch::Contains("basin levels start at 1"));
  const Manifest m = parse_manifest("crs: EPSG:4547\nlayers:\n  basins_l0012: b.shp\n", path);
  CHECK(m.find("basins_l0012"));
}

TEST_CASE("Found by fuzzing: a long source is no stack overflow; connection strings stay",
          "[fuzz]") {
  const std::string path = "/x/p.yaml";
  const std::string name(200000, 'a');
  const Manifest m = parse_manifest(
      "crs: EPSG:4547\nlayers:\n  units: " + name + ":x\n  zones: " + name + ".shp\n", path);
  CHECK(m.find("units")->resolved == name + ":x");
  CHECK(m.find("zones")->resolved == "/x/" + name + ".shp");
  // What counts as a connection string: a letter, then letters, digits or _, then ':'.
  const Manifest c = parse_manifest(
      "crs: EPSG:4547\nlayers:\n  a: \"PG:dbname=x\"\n  b: \"GPKG_2:f.gpkg\"\n  c: \"C:x\"\n"
      "  d: \"1A:x\"\n  e: \"A-B:x\"\n",
      path);
  CHECK(c.find("a")->resolved == "PG:dbname=x");
  CHECK(c.find("b")->resolved == "GPKG_2:f.gpkg");
  CHECK(c.find("c")->resolved == "/x/C:x");
  CHECK(c.find("d")->resolved == "/x/1A:x");
  CHECK(c.find("e")->resolved == "/x/A-B:x");
}
