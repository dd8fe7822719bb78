#include <basinkit/crs.hpp>
#include <basinkit/error.hpp>
#include <basinkit/screening.hpp>

#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <gdal_priv.h>
#include <geos_c.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <limits>
#include <random>

#include "common/quiet_gdal.hpp"
#include "crs/srs.hpp"
#include "generated_screening.hpp"
#include "io/geometry_import.hpp"
#include "plan_builder.hpp"
#include "plan_generator.hpp"

using namespace basinkit;
using namespace basinkit::test;

namespace {

// Coordinates below are relative to (OX, OY), a place near Jingmen in EPSG:4547, so that
// GCJ-02 (which is the identity outside China) is really exercised.
constexpr double OX = kJingmenX, OY = kJingmenY;
const auto at = near_jingmen_box;
const auto line = near_jingmen_line;

// Plan area 0..10000 × -3000..3000; river along y = 0; two units split at x = 5000 in
// townships T1 (county C1) and T2 (county C2); a chemical park 6000..7000 × 100..600;
// a water zone 1000..2000 × 1000..2000.
PlanBuilder screening_plan() {
  PlanBuilder b;
  b.boundary(at(0, -3000, 10000, 3000))
      .basin("HJ", 1, "", at(0, -3000, 10000, 3000))
      .unit("U10", "HJ", "T1", at(0, -3000, 5000, 3000))
      .unit("U21", "HJ", "T2", at(5000, -3000, 10000, 3000))
      .township("T1", "C1", at(0, -3000, 5000, 3000))
      .township("T2", "C2", at(5000, -3000, 10000, 3000))
      .layer("rivers", {"name", "class"},
             {{{"汉江", "main"}, line(0, 0, 10000, 0)},
              {{"小河", "tributary"}, line(3000, -3000, 3000, -1000)}})
      .layer("zones", {"code", "kind"},
             {{{"CP1", "chemical_park"}, at(6000, 100, 7000, 600)},
              {{"WS1", "drinking_water"}, at(1000, 1000, 2000, 2000)}});
  return b;
}

const char* kRules = R"(name: 测试清单
level: city
rules:
  - id: N-1KM
    list: negative
    effect: prohibit
    title: 干流1公里内禁止新建化工
    basis: 《长江保护法》第二十六条
    scope: { near: { layer: rivers, where: "class = 'main'", within_m: 1000 } }
    applies_to: { industry: [C26], action: [new, expand] }
    unless: { scope: { in: { layer: zones, where: "kind = 'chemical_park'" } } }
  - id: P-PARK
    list: positive
    effect: encourage
    title: 化工园区鼓励化工
    basis: 园区规划
    scope: { in: { layer: zones, where: "kind = 'chemical_park'" } }
    applies_to: { industry: [C26] }
  - id: N-WATER
    list: negative
    effect: restrict
    title: 用水超500须论证
    basis: 《水法》
    applies_to: { attr: [{ field: water_m3_d, op: '>', value: 500 }] }
    condition: 开展水资源论证
  - id: N-WS
    list: negative
    effect: prohibit
    title: 水源地禁建
    basis: 《水污染防治法》
    scope: { in: { layer: zones, where: "kind = 'drinking_water'" } }
  - id: P-U1
    list: positive
    effect: permit
    title: U1x 单元允许农业
    basis: 规划
    scope: { all: [ { unit: ['U1*'] }, { not: { county: [C2] } } ] }
    applies_to: { industry: [A] }
)";

struct Fixture {
  TempDir dir;
  Plan plan;
  Screener screener;
  Fixture()
      : plan(screening_plan().load(dir)),
        screener(plan, {parse_rules(kRules, dir / "rules.yaml")}) {}
};

Site site_at(double x, double y, std::string industry = "C2614", std::string action = "new") {
  Site s;
  s.id = "s";
  s.industry = std::move(industry);
  s.action = std::move(action);
  s.geometry =
      Geometry::from_wkt("POINT (" + std::to_string(OX + x) + " " + std::to_string(OY + y) + ")");
  return s;
}

std::vector<std::string> ids(const SiteResult& r) {
  std::vector<std::string> out;
  for (const auto& a : r.rules) out.push_back(a.rule->id);
  return out;
}

}  // namespace

TEST_CASE("The distance threshold of a near rule is inclusive, in metres", "[screening]") {
  Fixture f;
  CHECK(f.screener.screen(site_at(4000, 999)).verdict == Verdict::prohibited);
  const SiteResult at = f.screener.screen(site_at(4000, 1000));
  CHECK(at.verdict == Verdict::prohibited);
  REQUIRE(at.rules.size() == 1);
  CHECK(*at.rules[0].evidence.distance_m == 1000);
  CHECK(at.rules[0].file == f.dir / "rules.yaml");
  CHECK(f.screener.screen(site_at(4000, 1001)).verdict == Verdict::unlisted);
  // The tributary is not `class = 'main'`.
  CHECK(f.screener.screen(site_at(3000, -1200)).verdict == Verdict::unlisted);
}

TEST_CASE("An unless scope lifts the ban; the park's positive rule then decides", "[screening]") {
  Fixture f;
  const SiteResult r = f.screener.screen(site_at(6500, 300));
  CHECK(r.verdict == Verdict::encouraged);
  CHECK(ids(r) == std::vector<std::string>{"P-PARK"});
  CHECK(r.rules[0].evidence.zone == std::optional<std::string>("CP1"));
}

TEST_CASE("Scopes are closed: a site on a zone's edge is in it", "[screening]") {
  Fixture f;
  CHECK(f.screener.screen(site_at(2000, 1500, "I6510")).verdict == Verdict::prohibited);
  CHECK(f.screener.screen(site_at(2000.001, 1500, "I6510")).verdict == Verdict::unlisted);
  // A parcel touching the zone's edge from outside: in scope, overlap 0.
  Site parcel = site_at(0, 0, "I6510");
  parcel.geometry = Geometry::from_wkt(at(2000, 1200, 2500, 1800));
  const SiteResult r = f.screener.screen(parcel);
  REQUIRE(ids(r) == std::vector<std::string>{"N-WS"});
  CHECK(*r.rules[0].evidence.overlap_m2 == 0);
  // A parcel half inside: the overlap area.
  parcel.geometry = Geometry::from_wkt(at(1500, 1200, 2500, 1800));
  CHECK(*f.screener.screen(parcel).rules[0].evidence.overlap_m2 == Approx(500.0 * 600));
}

TEST_CASE("applies_to: industry prefixes, actions and attribute comparisons", "[screening]") {
  Fixture f;
  CHECK(f.screener.screen(site_at(4000, 500, "C2614", "new")).verdict == Verdict::prohibited);
  CHECK(f.screener.screen(site_at(4000, 500, "C2714", "new")).verdict == Verdict::unlisted);
  CHECK(f.screener.screen(site_at(4000, 500, "C26", "rebuild")).verdict == Verdict::unlisted);
  Site s = site_at(9000, 2500, "I6510");
  s.attributes["water_m3_d"] = "800";
  const SiteResult wet = f.screener.screen(s);
  CHECK(wet.verdict == Verdict::restricted);
  CHECK(wet.missing.empty());
  s.attributes["water_m3_d"] = "90";  // numbers compare as numbers, not text ("90" > "500")
  CHECK(f.screener.screen(s).verdict == Verdict::unlisted);
  s.attributes.erase("water_m3_d");
  const SiteResult dry = f.screener.screen(s);
  CHECK(dry.verdict == Verdict::unlisted);
  CHECK(dry.missing == std::vector<std::string>{"water_m3_d"});
}

TEST_CASE("Verdict: prohibit wins over restrict, encourage and permit", "[screening]") {
  Fixture f;
  Site s = site_at(4000, 500, "C2614");
  s.attributes["water_m3_d"] = "800";
  const SiteResult r = f.screener.screen(s);
  CHECK(r.verdict == Verdict::prohibited);
  CHECK(ids(r) == std::vector<std::string>{"N-1KM", "N-WATER"});  // every applicable rule
}

TEST_CASE("Globs, county and not combine by their true/false answers", "[screening]") {
  Fixture f;
  CHECK(f.screener.screen(site_at(2500, -2500, "A0111")).verdict == Verdict::permitted);
  // U21 does not match U1*; on the U10|U21 border (x = 5000) the site touches both
  // units but also county C2, so `not county C2` fails.
  CHECK(f.screener.screen(site_at(7000, -2500, "A0111")).verdict == Verdict::unlisted);
  CHECK(f.screener.screen(site_at(5000, -2500, "A0111")).verdict == Verdict::unlisted);
}

TEST_CASE("A rule without scope applies in the plan area only", "[screening]") {
  Fixture f;
  Site s = site_at(20000, 0, "I6510");
  s.attributes["water_m3_d"] = "800";
  const SiteResult r = f.screener.screen(s);
  CHECK(r.location.outside_plan);
  CHECK_FALSE(r.location.unit);
  CHECK(r.verdict == Verdict::unlisted);
}

TEST_CASE("A polygon or line site is located where most of it lies", "[screening]") {
  Fixture f;
  Site parcel = site_at(0, 0, "I6510");
  parcel.geometry = Geometry::from_wkt(at(4800, 2000, 5600, 2500));  // 200 m in U10, 600 in U21
  const SiteResult r = f.screener.screen(parcel);
  CHECK(r.location.unit == std::optional<std::string>("U21"));
  CHECK(r.location.county == std::optional<std::string>("C2"));
  Site pipe = site_at(0, 0, "I6510");
  pipe.geometry = Geometry::from_wkt(line(4000, 2500, 5200, 2500));
  CHECK(f.screener.screen(pipe).location.unit == std::optional<std::string>("U10"));
}

TEST_CASE("A site without geometry is kept with an error", "[screening]") {
  Fixture f;
  Site s;
  s.id = "empty";
  const SiteResult r = f.screener.screen(s);
  CHECK(r.verdict == Verdict::unlisted);
  CHECK_FALSE(r.error.empty());
}

TEST_CASE("Rule files naming unknown layers, fields or codes are rejected with id and line",
          "[screening]") {
  TempDir dir;
  const Plan plan = screening_plan().load(dir);
  auto rules = [](const std::string& scope) {
    return "rules:\n  - id: R-BAD\n    list: negative\n    effect: prohibit\n    title: t\n"
           "    basis: b\n    scope: " +
           scope + "\n";
  };
  auto reject = [&](const std::string& scope, const std::string& why) {
    INFO(scope);
    CHECK_THROWS_WITH(
        Screener(plan, {parse_rules(rules(scope), "bad.yaml")}),
        Catch::Contains("bad.yaml:") && Catch::Contains("rule R-BAD") && Catch::Contains(why));
  };
  reject("{ in: { layer: lakes } }", "unknown layer 'lakes'");
  reject("{ near: { layer: rivers, where: \"CLAS = 'main'\", within_m: 10 } }", "CLAS");
  reject("{ basin: [YZ] }", "unknown basin 'YZ'");
  reject("{ unit: ['X*'] }", "unknown unit 'X*'");
  reject("{ township: [T9] }", "unknown township 'T9'");
  reject("{ county: [C9] }", "unknown county 'C9'");
}

TEST_CASE("Sites from a CSV keep codes as text and read 经度/纬度; bad rows stay in the output",
          "[screening]") {
  TempDir dir;
  const Plan plan = screening_plan().load(dir);
  // Points in EPSG:4547 given as lon/lat: convert two plan points to WGS 84 first.
  write_text(dir / "sites.csv",
             "id,industry,action,经度,纬度,code\n"
             "0001,C2614,new,114.0,31.0,0123\n"
             "0002,C2614,new,,31.0,0456\n");
  SiteSource source;
  source.path = dir / "sites.csv";
  SiteReader reader(source, plan.working_crs);
  std::vector<std::string> errors;
  const std::vector<Site> sites = reader.next(10, &errors);
  REQUIRE(sites.size() == 2);
  CHECK(sites[0].id == "0001");
  CHECK(sites[0].attributes.at("code") == "0123");
  CHECK(errors[0].empty());
  CHECK(sites[0].geometry.extent()[0] ==
        Approx(500000).margin(1));  // 114E is the central meridian of EPSG:4547
  CHECK(sites[1].geometry.is_null());
  CHECK(errors[1].find("bad coordinates") != std::string::npos);
  CHECK(reader.next(10, &errors).empty());
}

TEST_CASE("Point sites read straight to GEOS get the coordinates and errors of OGR's import",
          "[screening]") {
  // SiteReader builds a plain 2D point's GEOS point from its WKB or coordinate columns,
  // without an OGR geometry; anything else goes through io::import_geometry. Both must
  // give the same, bit for bit: compared here with import_geometry of OGR's own features,
  // reprojected from WGS 84 and from GCJ-02.
  TempDir dir;
  FixtureLayer layer;
  layer.layer = "sites";
  layer.srs = "EPSG:4326";
  layer.fields = {"id", "lon", "lat"};
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> lon(112.0, 114.0), lat(30.5, 31.5);
  std::string csv = "id,lon,lat\n";
  for (int i = 0; i < 300; ++i) {
    const std::string x = fmt::format("{:.17g}", lon(random)),
                      y = fmt::format("{:.17g}", lat(random));
    layer.features.push_back({{std::to_string(i), x, y}, fmt::format("POINT ({} {})", x, y)});
    csv += fmt::format("{},{},{}\n", i, x, y);
  }
  // Not plain 2D points: the general path, and its errors.
  layer.features.push_back({{"empty"}, "POINT EMPTY"});
  layer.features.push_back({{"z"}, "POINT Z (113 31 25)"});
  layer.features.push_back({{"line"}, "LINESTRING (113 31, 113.1 31.1)"});
  layer.features.push_back({{"none"}, ""});
  layer.features.push_back({{"far"}, "POINT (1e300 1e300)"});
  csv += "bad,113,\nfar,1e300,1e300\n";
  write_layer(dir / "sites.gpkg", layer);
  write_text(dir / "sites.csv", csv);

  for (const std::string srs : {"", "GCJ02"}) {
    for (const std::string file : {"sites.gpkg", "sites.csv"}) {
      INFO(file << " " << srs);
      SiteSource source;
      source.path = dir / file;
      source.srs = srs;
      SiteReader reader(source, "EPSG:4547");
      std::vector<std::string> errors;
      const std::vector<Site> sites = reader.next(1000, &errors);

      // The same features through OGR and import_geometry (quiet: PROJ says why "far" fails).
      const basinkit::QuietGdal quiet;
      const bool gcj = srs == "GCJ02";
      auto wgs84 = basinkit::crs::parse("EPSG:4326");
      auto working = basinkit::crs::working_crs("EPSG:4547");
      std::string how;
      auto transform = basinkit::crs::to_working(gcj ? nullptr : wgs84.get(), gcj, *working, &how);
      GDALDatasetUniquePtr ds(GDALDataset::Open((dir / file).c_str(), GDAL_OF_VECTOR));
      OGRLayer* features = ds->GetLayer(0);
      REQUIRE(sites.size() == static_cast<size_t>(features->GetFeatureCount()));
      size_t i = 0, points = 0;
      for (auto& f : *features) {
        INFO("site " << sites[i].id);
        std::unique_ptr<OGRGeometry> g;
        if (file == "sites.gpkg") {
          g.reset(f->StealGeometry());
        } else if (std::string(f->GetFieldAsString("lat")).empty()) {
          CHECK(errors[i].find("bad coordinates") != std::string::npos);
          CHECK(sites[i++].geometry.is_null());
          continue;
        } else {
          g = std::make_unique<OGRPoint>(f->GetFieldAsDouble("lon"), f->GetFieldAsDouble("lat"));
        }
        const auto want = basinkit::io::import_geometry(g.get(), basinkit::io::GeometryKind::any,
                                                        transform.get());
        REQUIRE(sites[i].geometry.is_null() == want.geometry.is_null());
        CHECK(errors[i] == want.issue.detail);
        if (!want.geometry.is_null()) {
          CHECK(sites[i].geometry.wkt(17) == want.geometry.wkt(17));
          ++points;
        }
        ++i;
      }
      CHECK(points >= 300);
      CHECK(i == sites.size());
    }
  }
}

TEST_CASE("A result or a chunk of sites reused for the next one holds nothing of the last",
          "[screening][reuse]") {
  Fixture f;
  // Sites whose results differ in every part: rules (several, one, none), evidence,
  // location (in a unit, outside the plan), missing attributes, errors, attributes set and
  // then absent.
  std::vector<Site> sites;
  sites.push_back(site_at(6500, 300));               // the park: N-1KM lifted, P-PARK
  sites.push_back(site_at(500, 500));                // near the river in U10: N-1KM
  sites.push_back(site_at(1500, 1500, "A", "new"));  // drinking water + P-U1
  sites.back().attributes["water_m3_d"] = "800";
  sites.push_back(site_at(20000, 20000));  // outside the plan
  sites.push_back(Site{});                 // no geometry
  sites.back().id = "empty";
  sites.push_back(site_at(7000, 2500, "A", "expand"));  // U21 in C2: no P-U1
  SiteResult reused;
  for (const Site& site : sites) {
    for (const Site& before : sites) {  // reused after every other result
      f.screener.screen(before, reused);
      f.screener.screen(site, reused);
      const SiteResult fresh = f.screener.screen(site);
      INFO(site.id << " after " << before.id);
      CHECK(reused.id == fresh.id);
      CHECK(reused.verdict == fresh.verdict);
      CHECK(ids(reused) == ids(fresh));
      for (size_t i = 0; i < std::min(reused.rules.size(), fresh.rules.size()); ++i) {
        CHECK(reused.rules[i].file == fresh.rules[i].file);
        CHECK(reused.rules[i].evidence.distance_m == fresh.rules[i].evidence.distance_m);
        CHECK(reused.rules[i].evidence.zone == fresh.rules[i].evidence.zone);
        CHECK(reused.rules[i].evidence.unit == fresh.rules[i].evidence.unit);
      }
      CHECK(reused.location.unit == fresh.location.unit);
      CHECK(reused.location.manager == fresh.location.manager);
      CHECK(reused.location.township == fresh.location.township);
      CHECK(reused.location.county == fresh.location.county);
      CHECK(reused.location.basins == fresh.location.basins);
      CHECK(reused.location.outside_plan == fresh.location.outside_plan);
      CHECK(reused.missing == fresh.missing);
      CHECK(reused.error == fresh.error);
    }
  }

  // A chunk of sites read over an earlier chunk: attributes of the earlier rows are gone.
  write_text(f.dir / "sites.csv",
             "id,industry,action,x,y,water_m3_d,note\n"
             "1,C26,new,1,2,800,a\n"
             "2,C26,new,3,4,,\n"
             "3,,,bad,4,5,b\n");
  SiteSource source;
  source.path = f.dir / "sites.csv";
  source.srs = f.plan.working_crs;
  SiteReader fresh_reader(source, f.plan.working_crs), reusing(source, f.plan.working_crs);
  std::vector<std::string> fresh_errors, errors;
  std::vector<Site> chunk;
  for (int k = 0; k < 3; ++k) {
    const std::vector<Site> fresh = fresh_reader.next(1, &fresh_errors);
    reusing.next(1, chunk, &errors);  // each row over the one before
    REQUIRE(chunk.size() == fresh.size());
    INFO(k);
    CHECK(chunk[0].id == fresh[0].id);
    CHECK(chunk[0].industry == fresh[0].industry);
    CHECK(chunk[0].attributes == fresh[0].attributes);
    CHECK(chunk[0].geometry.is_null() == fresh[0].geometry.is_null());
    CHECK(errors == fresh_errors);
  }
  reusing.next(1, chunk, &errors);
  CHECK(chunk.empty());
  CHECK(errors.empty());
}

TEST_CASE("A reader told which attributes to read reads only those; by default all of them",
          "[screening]") {
  TempDir dir;
  const Plan plan = screening_plan().load(dir);
  write_text(dir / "sites.csv",
             "id,industry,action,x,y,water_m3_d,note,投资\n"
             "1,C26,new,1,2,800,a,5\n"
             "2,C26,new,3,4,,b,\n");
  SiteSource source;
  source.path = dir / "sites.csv";
  source.srs = plan.working_crs;
  auto read = [&] {
    SiteReader reader(source, plan.working_crs);
    std::vector<std::string> errors;
    return reader.next(10, &errors);
  };
  const std::vector<Site> all = read();
  REQUIRE(all.size() == 2);
  CHECK(all[0].attributes ==
        std::map<std::string, std::string>{
            {"x", "1"}, {"y", "2"}, {"water_m3_d", "800"}, {"note", "a"}, {"投资", "5"}});
  source.attributes = std::set<std::string>{"water_m3_d", "投资", "not_a_field"};
  const std::vector<Site> some = read();
  REQUIRE(some.size() == 2);
  CHECK(some[0].attributes ==
        std::map<std::string, std::string>{{"water_m3_d", "800"}, {"投资", "5"}});
  std::map<std::string, std::string> expected;  // row 2: what reading all gives, of the two
  for (const auto& [name, value] : all[1].attributes)
    if (name == "water_m3_d" || name == "投资") expected[name] = value;
  CHECK(some[1].attributes == expected);
  CHECK(some[0].id == "1");  // id, industry, action and coordinates still read
  CHECK(some[0].industry == "C26");
  CHECK_FALSE(some[0].geometry.is_null());
  source.attributes = std::set<std::string>{};
  CHECK(read()[0].attributes.empty());
}

TEST_CASE("A site given in GCJ-02 gets the same verdict as the same place in WGS-84",
          "[screening]") {
  TempDir dir;
  const Plan plan = screening_plan().load(dir);
  const Screener screener(plan, {parse_rules(kRules, dir / "rules.yaml")});
  OGRSpatialReference working, wgs84;
  working.SetFromUserInput("EPSG:4547");
  wgs84.SetFromUserInput("EPSG:4326");
  working.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> to_wgs(
      OGRCreateCoordinateTransformation(&working, &wgs84));
  const double xs[] = {4000, 4000, 6500, 1500, 2500, 9000, 4000};
  const double ys[] = {500, 1500, 300, 1500, -2500, 2900, 990};
  std::string wgs = "id,industry,action,lon,lat\n", gcj = wgs;
  for (int i = 0; i < 7; ++i) {
    double lon = OX + xs[i], lat = OY + ys[i];
    to_wgs->Transform(1, &lon, &lat);
    const LonLat g = wgs84_to_gcj02({lon, lat});
    wgs += fmt::format("{},C2614,new,{:.9f},{:.9f}\n", i, lon, lat);
    gcj += fmt::format("{},C2614,new,{:.9f},{:.9f}\n", i, g.lon, g.lat);
  }
  write_text(dir / "wgs.csv", wgs);
  write_text(dir / "gcj.csv", gcj);
  auto screen_file = [&](const std::string& path, const std::string& srs) {
    SiteSource source;
    source.path = path;
    source.srs = srs;
    SiteReader reader(source, plan.working_crs);
    std::vector<SiteResult> results;
    screen_stream(screener, reader, [&](const Site&, const SiteResult& r) { results.push_back(r); },
                  {});
    return results;
  };
  const auto a = screen_file(dir / "wgs.csv", "EPSG:4326");
  const auto b = screen_file(dir / "gcj.csv", "GCJ02");
  REQUIRE(a.size() == 7);
  REQUIRE(b.size() == 7);
  for (int i = 0; i < 7; ++i) {
    INFO(i);
    CHECK(a[i].verdict == b[i].verdict);
    CHECK(ids(a[i]) == ids(b[i]));
    CHECK(a[i].location.unit == b[i].location.unit);
  }
  CHECK(a[0].verdict == Verdict::prohibited);
  CHECK(a[6].verdict == Verdict::prohibited);  // 990 m: GCJ-02 read as WGS-84 would be ~600 m off
}

TEST_CASE(
    "On a generated plan, verdicts and distances agree with GEOS at 999, 1000 and 1001 m "
    "and on zone edges",
    "[screening]") {
  TempDir dir;
  bench::GeneratorOptions options;
  options.units = 300;
  options.vertices_per_edge = 10;
  const bench::GeneratedPlan g = bench::generate_plan(dir.path(), options);
  const Plan plan = load_plan(g.manifest_path);
  const Screener screener(plan, {parse_rules(R"(rules:
  - { id: R-RIVER, list: negative, effect: prohibit, title: t, basis: b,
      scope: { near: { layer: rivers, where: "CLASS = 'main'", within_m: 1000 } },
      applies_to: { industry: [C26] } }
  - { id: R-WATER, list: negative, effect: restrict, title: t, basis: b,
      scope: { in: { layer: zones, where: "KIND = 'drinking_water'" } } }
)",
                                             dir / "r.yaml")});
  GEOSContextHandle_t h = GEOS_init_r();
  std::vector<const GEOSGeometry*> main_rivers, water_zones;
  for (const auto& r : plan.layer("rivers"))
    if (r.attributes.at("class") == "main") main_rivers.push_back(r.geometry.get());
  for (const auto& z : plan.layer("zones"))
    if (z.attributes.at("kind") == "drinking_water") water_zones.push_back(z.geometry.get());
  REQUIRE(!main_rivers.empty());
  REQUIRE(!water_zones.empty());

  // Sites: off the middle of river segments along their normal at 999/1000/1001 m, and
  // on (and next to) the vertices of the water zones.
  std::vector<std::array<double, 2>> points;
  for (const GEOSGeometry* river : main_rivers) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, river);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(h, seq, &n);
    for (unsigned i = 0; i + 1 < n; i += 7) {
      double x1, y1, x2, y2;
      GEOSCoordSeq_getXY_r(h, seq, i, &x1, &y1);
      GEOSCoordSeq_getXY_r(h, seq, i + 1, &x2, &y2);
      const double len = std::hypot(x2 - x1, y2 - y1);
      for (double d : {999.0, 1000.0, 1001.0})
        for (double side : {-1.0, 1.0})
          points.push_back({(x1 + x2) / 2 - side * d * (y2 - y1) / len,
                            (y1 + y2) / 2 + side * d * (x2 - x1) / len});
    }
  }
  for (const GEOSGeometry* zone : water_zones) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, GEOSGetExteriorRing_r(h, zone));
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(h, seq, &n);
    for (unsigned i = 0; i < n; i += 3) {
      double x, y;
      GEOSCoordSeq_getXY_r(h, seq, i, &x, &y);
      points.push_back({x, y});
      points.push_back({x + 0.01, y + 0.01});
    }
  }
  int in_range = 0, out_of_range = 0;
  for (const auto& p : points) {
    Site s;
    s.id = "p";
    s.industry = "C2614";
    s.action = "new";
    s.geometry = Geometry::from_wkt(fmt::format("POINT ({:.17g} {:.17g})", p[0], p[1]));
    double distance = std::numeric_limits<double>::infinity();
    for (const GEOSGeometry* river : main_rivers) {
      double d = 0;
      GEOSDistance_r(h, s.geometry.get(), river, &d);
      distance = std::min(distance, d);
    }
    bool in_water = false;
    for (const GEOSGeometry* zone : water_zones)
      in_water |= GEOSIntersects_r(h, s.geometry.get(), zone) == 1;
    const SiteResult r = screener.screen(s);
    const Verdict expected = distance <= 1000 ? Verdict::prohibited
                             : in_water       ? Verdict::restricted
                                              : Verdict::unlisted;
    INFO("site " << p[0] << " " << p[1] << " distance " << distance);
    CHECK(r.verdict == expected);
    if (distance <= 1000) {
      ++in_range;
      REQUIRE(r.rules.front().evidence.distance_m);
      CHECK(*r.rules.front().evidence.distance_m == distance);
    } else {
      ++out_of_range;
    }
  }
  GEOS_finish_r(h);
  CHECK(in_range > 20);
  CHECK(out_of_range > 20);
}

TEST_CASE("Sites from an XLSX sheet with 经度/纬度 columns are read as points, codes as text",
          "[screening]") {
  TempDir dir;
  const Plan plan = screening_plan().load(dir);
  FixtureLayer sheet;
  sheet.driver = "XLSX";
  sheet.layer = "项目";
  sheet.srs = "";
  sheet.fields = {"XMBH", "industry", "action", "经度", "纬度"};
  sheet.features = {{{"0007", "C2614", "new", "114.0", "31.0"}, ""},
                    {{"0008", "A0111", "new", "114.001", "31.001"}, ""}};
  write_layer(dir / "sites.xlsx", sheet);
  SiteSource source;
  source.path = dir / "sites.xlsx";
  source.fields = {{"id", "XMBH"}};
  SiteReader reader(source, plan.working_crs);
  std::vector<std::string> errors;
  const std::vector<Site> sites = reader.next(10, &errors);
  REQUIRE(sites.size() == 2);
  CHECK(sites[0].id == "0007");
  CHECK(sites[1].industry == "A0111");
  CHECK(errors[0].empty());
  CHECK(sites[0].geometry.extent()[0] == Approx(500000).margin(1));
}

TEST_CASE("The demo sites get the verdicts and rules of an independent evaluation", "[screening]") {
  // data/shapefiles/sites_expected.csv was computed by the demo build script with
  // Shapely from the same rules, without basinkit: a peer for every site and rule.
  const std::string demo = std::string(BASINKIT_SOURCE_DIR) + "/data/shapefiles/";
  const Plan plan = load_plan(demo + "plan.yaml");
  const Screener screener(plan, {read_rules(demo + "rules.yaml")});
  std::map<std::string, std::pair<std::string, std::string>> expected;  // id → verdict, rules
  const auto rows = parse_csv(read_text(demo + "sites_expected.csv"));
  for (size_t i = 1; i < rows.size(); ++i) expected[rows[i][0]] = {rows[i][1], rows[i][2]};
  REQUIRE(expected.size() == 196);
  SiteSource source;
  source.path = demo + "sites.gpkg";
  SiteReader reader(source, plan.working_crs);
  size_t compared = 0;
  screen_stream(screener, reader,
                [&](const Site& site, const SiteResult& r) {
                  INFO(site.id);
                  std::string rules;
                  for (const auto& a : r.rules) rules += (rules.empty() ? "" : ";") + a.rule->id;
                  CHECK(to_string(r.verdict) == expected.at(site.id).first);
                  CHECK(rules == expected.at(site.id).second);
                  ++compared;
                },
                {});
  CHECK(compared == 196);
}

namespace {

/// Expected answer of a code scope by GEOS: the smallest code among the features the site
/// intersects (closed), and for a polygon site the area inside them, summed in code order.
struct GeosAnswer {
  std::optional<std::string> code;
  double overlap_m2 = 0;
};

GeosAnswer geos_answer(GEOSContextHandle_t h, const GEOSGeometry* site,
                       std::vector<std::pair<std::string, const GEOSGeometry*>> features) {
  std::stable_sort(features.begin(), features.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  GeosAnswer out;
  for (const auto& [code, g] : features) {
    if (GEOSIntersects_r(h, site, g) != 1) continue;
    if (!out.code) out.code = code;
    GEOSGeometry* shared = GEOSIntersection_r(h, site, g);
    double a = 0;
    GEOSArea_r(h, shared, &a);
    GEOSGeom_destroy_r(h, shared);
    out.overlap_m2 += a;
  }
  return out;
}

}  // namespace

TEST_CASE(
    "On a generated plan, unit, township, county and basin scopes agree with GEOS on "
    "borders, vertices and inside, for points, lines and polygons",
    "[screening][code-scopes]") {
  TempDir dir;
  bench::GeneratorOptions options;
  options.units = 300;
  options.vertices_per_edge = 6;
  const bench::GeneratedPlan g = bench::generate_plan(dir.path(), options);
  const Plan plan = load_plan(g.manifest_path);
  // Scopes that cut through the plan: units whose code ends in an odd digit (a
  // checkerboard of borders between units in and out of scope), every other township,
  // one county, one basin of level 2 and one of level 3 (nested levels mixed).
  std::vector<std::string> townships;
  for (size_t i = 0; i < plan.townships.size(); i += 2) townships.push_back(plan.townships[i].code);
  const std::string county = plan.townships.front().county;
  std::string l2, l3;
  for (const Basin& b : plan.basins) {
    if (b.level == 2 && l2.empty()) l2 = b.code;
    if (b.level == 3) l3 = b.code;  // the last: elsewhere than the first L2 basin's
  }
  REQUIRE((!l2.empty() && !l3.empty()));
  std::string township_list;
  for (const auto& t : townships) township_list += (township_list.empty() ? "'" : ", '") + t + "'";
  const std::string rules = fmt::format(R"(rules:
  - {{ id: R-UNIT, list: negative, effect: restrict, title: t, basis: b,
      scope: {{ unit: ['*1', '*3', '*5', '*7', '*9'] }} }}
  - {{ id: R-TOWN, list: negative, effect: restrict, title: t, basis: b,
      scope: {{ township: [{}] }} }}
  - {{ id: R-COUNTY, list: negative, effect: restrict, title: t, basis: b,
      scope: {{ county: ['{}'] }} }}
  - {{ id: R-BASIN, list: negative, effect: restrict, title: t, basis: b,
      scope: {{ basin: ['{}', '{}'] }} }}
  - {{ id: R-NOT-UNIT, list: negative, effect: restrict, title: t, basis: b,
      scope: {{ not: {{ unit: ['*1', '*3', '*5', '*7', '*9'] }} }} }}
)",
                                        township_list, county, l2, l3);
  const Screener screener(plan, {parse_rules(rules, dir / "r.yaml")});

  // The features each scope stands for, as GEOS sees them.
  using Features = std::vector<std::pair<std::string, const GEOSGeometry*>>;
  Features unit_scope, town_scope, county_scope, basin_scope;
  for (const ControlUnit& u : plan.units) {
    const char last = u.code.back();
    if (last == '1' || last == '3' || last == '5' || last == '7' || last == '9')
      unit_scope.emplace_back(u.code, u.geometry.get());
  }
  for (const Township& t : plan.townships) {
    if (std::find(townships.begin(), townships.end(), t.code) != townships.end())
      town_scope.emplace_back(t.code, t.geometry.get());
    if (t.county == county) county_scope.emplace_back(t.code, t.geometry.get());
  }
  for (const Basin& b : plan.basins)
    if (b.code == l2 || b.code == l3) basin_scope.emplace_back(b.code, b.geometry.get());
  REQUIRE((unit_scope.size() > 50 && unit_scope.size() + 50 < plan.units.size()));

  GEOSContextHandle_t h = GEOS_init_r();
  // Points: vertices and edge midpoints of units and townships (shared borders, corners
  // where three units meet), points one millimetre off vertices, and the units' centres.
  std::vector<std::array<double, 2>> points;
  auto ring_points = [&](const GEOSGeometry* polygon, unsigned step) {
    const GEOSGeometry* ring = GEOSGetExteriorRing_r(h, polygon);
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(h, seq, &n);
    for (unsigned i = 0; i + 1 < n; i += step) {
      double x1, y1, x2, y2;
      GEOSCoordSeq_getXY_r(h, seq, i, &x1, &y1);
      GEOSCoordSeq_getXY_r(h, seq, i + 1, &x2, &y2);
      points.push_back({x1, y1});
      points.push_back({(x1 + x2) / 2, (y1 + y2) / 2});
      points.push_back({x1 + 0.001, y1 - 0.001});
    }
  };
  auto first_polygon = [&](const GEOSGeometry* geom) {
    return GEOSGeomTypeId_r(h, geom) == GEOS_MULTIPOLYGON ? GEOSGetGeometryN_r(h, geom, 0) : geom;
  };
  for (size_t i = 0; i < plan.units.size(); i += 3) {
    ring_points(first_polygon(plan.units[i].geometry.get()), 5);
    double cx, cy;
    GEOSGeometry* c = GEOSGetCentroid_r(h, plan.units[i].geometry.get());
    GEOSGeomGetX_r(h, c, &cx);
    GEOSGeomGetY_r(h, c, &cy);
    GEOSGeom_destroy_r(h, c);
    points.push_back({cx, cy});
  }
  for (const Township& t : plan.townships) ring_points(first_polygon(t.geometry.get()), 40);

  auto check = [&](const Site& s, bool polygon) {
    const SiteResult r = screener.screen(s);
    const GEOSGeometry* site = s.geometry.get();
    const GeosAnswer unit = geos_answer(h, site, unit_scope),
                     town = geos_answer(h, site, town_scope),
                     cnty = geos_answer(h, site, county_scope),
                     basin = geos_answer(h, site, basin_scope);
    std::map<std::string, Evidence> got;
    for (const AppliedRule& a : r.rules) got[a.rule->id] = a.evidence;
    CHECK(got.count("R-UNIT") == (unit.code ? 1u : 0u));
    CHECK(got.count("R-NOT-UNIT") == (unit.code ? 0u : 1u));
    CHECK(got.count("R-TOWN") == (town.code ? 1u : 0u));
    CHECK(got.count("R-COUNTY") == (cnty.code ? 1u : 0u));
    CHECK(got.count("R-BASIN") == (basin.code ? 1u : 0u));
    if (unit.code && got.count("R-UNIT")) {
      CHECK(got["R-UNIT"].unit == unit.code);
      if (polygon) CHECK(got["R-UNIT"].overlap_m2 == unit.overlap_m2);
    }
    if (town.code && got.count("R-TOWN")) CHECK(got["R-TOWN"].zone == town.code);
    if (cnty.code && got.count("R-COUNTY")) CHECK(got["R-COUNTY"].zone == cnty.code);
    if (basin.code && got.count("R-BASIN")) {
      CHECK(got["R-BASIN"].zone == basin.code);
      if (polygon) CHECK(got["R-BASIN"].overlap_m2 == basin.overlap_m2);
    }
  };
  int on_border_in_scope = 0;
  for (const auto& p : points) {
    Site s;
    s.id = "p";
    s.geometry = Geometry::from_wkt(fmt::format("POINT ({:.17g} {:.17g})", p[0], p[1]));
    INFO("point " << fmt::format("{:.17g} {:.17g}", p[0], p[1]));
    check(s, false);
    // A border point located in a unit out of scope but touching one in scope.
    const SiteResult r = screener.screen(s);
    const GeosAnswer unit = geos_answer(h, s.geometry.get(), unit_scope);
    if (unit.code && r.location.unit && *r.location.unit != *unit.code) ++on_border_in_scope;
  }
  CHECK(on_border_in_scope > 10);
  // Lines and polygons around every 25th point: across borders and corners.
  for (size_t i = 0; i < points.size(); i += 25) {
    const double x = points[i][0], y = points[i][1];
    INFO("around " << fmt::format("{:.17g} {:.17g}", x, y));
    Site square;
    square.id = "a";
    square.geometry = Geometry::from_wkt(fmt::format(
        "POLYGON (({0:.17g} {1:.17g}, {2:.17g} {1:.17g}, {2:.17g} {3:.17g}, {0:.17g} {3:.17g}, "
        "{0:.17g} {1:.17g}))",
        x - 150, y - 150, x + 150, y + 150));
    check(square, true);
    Site pipe;
    pipe.id = "l";
    pipe.geometry = Geometry::from_wkt(fmt::format("LINESTRING ({:.17g} {:.17g}, {:.17g} {:.17g})",
                                                   x - 300, y + 20, x + 300, y - 20));
    check(pipe, false);
  }
  GEOS_finish_r(h);
}

TEST_CASE("A unit scope is exact where units overlap: the located unit is only one of them",
          "[screening][code-scopes]") {
  // U10 and U21 overlap on 4000..6000 (a plan with a coverage defect): a point there is
  // located in U10 (the smaller code) but lies in U21 too.
  TempDir dir;
  PlanBuilder b;
  b.boundary(at(0, -3000, 10000, 3000))
      .basin("HJ", 1, "", at(0, -3000, 10000, 3000))
      .unit("U10", "HJ", "T1", at(0, -3000, 6000, 3000))
      .unit("U21", "HJ", "T1", at(4000, -3000, 10000, 3000))
      .township("T1", "C1", at(0, -3000, 10000, 3000));
  const Plan plan = b.load(dir);
  const Screener screener(plan, {parse_rules(R"(rules:
  - { id: R-U21, list: negative, effect: prohibit, title: t, basis: b, scope: { unit: [U21] } }
)",
                                             dir / "r.yaml")});
  auto verdict_at = [&](double x, double y) {
    const SiteResult r = screener.screen(site_at(x, y));
    if (!r.rules.empty()) CHECK(r.rules.front().evidence.unit == std::optional<std::string>("U21"));
    return r.verdict;
  };
  for (double y : {-2500.0, 0.0, 1234.5, 2999.0}) {
    CHECK(verdict_at(3000, y) == Verdict::unlisted);
    CHECK(verdict_at(3999.99, y) == Verdict::unlisted);
    CHECK(verdict_at(4000, y) == Verdict::prohibited);  // U21's border, inside U10
    CHECK(verdict_at(4500, y) == Verdict::prohibited);
    CHECK(verdict_at(5999, y) == Verdict::prohibited);
    CHECK(verdict_at(8000, y) == Verdict::prohibited);
  }
  CHECK(screener.screen(site_at(4500, 0)).location.unit == std::optional<std::string>("U10"));
}

TEST_CASE("screen_stream gives each site, in input order, what Screener::screen gives it alone",
          "[screening][stream]") {
  // 3,000 sites in chunks of 1,000 on 2 workers: the workers take runs of sites along the
  // chunk's curve, the sink gets them back in input order.
  TempDir dir;
  bench::GeneratorOptions options;
  options.units = 200;
  options.sites = 3000;
  const GeneratedScreening g(dir, options);
  const Screener& screener = g.screener;
  std::vector<std::string> site_ids;
  std::vector<SiteResult> results;
  StreamOptions stream;
  stream.threads = 2;
  stream.chunk_size = 1000;
  SiteReader reader(g.sites, g.plan.working_crs);
  CHECK(screen_stream(
            screener, reader,
            [&](const Site& site, const SiteResult& r) {
              site_ids.push_back(site.id);
              results.push_back(r);
            },
            stream) == 3000);
  // The same sites read in one go, in the reader's order, and screened one by one.
  SiteReader again(g.sites, g.plan.working_crs);
  const std::vector<Site> sites = again.next(5000, nullptr);
  REQUIRE(sites.size() == 3000);
  REQUIRE(results.size() == 3000);
  size_t with_rules = 0;
  for (size_t i = 0; i < sites.size(); ++i) {
    INFO(sites[i].id);
    CHECK(site_ids[i] == sites[i].id);
    const SiteResult alone = screener.screen(sites[i]);
    CHECK(results[i].id == alone.id);
    CHECK(results[i].verdict == alone.verdict);
    CHECK(ids(results[i]) == ids(alone));
    CHECK(results[i].location.unit == alone.location.unit);
    CHECK(results[i].location.township == alone.location.township);
    with_rules += !alone.rules.empty();
  }
  CHECK(with_rules > 0);
}
