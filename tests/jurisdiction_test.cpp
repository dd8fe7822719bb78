// Jurisdiction checks (DESIGN.md section 5): units against townships, exclaves, enclaves.
#include <basinkit/findings.hpp>
#include <basinkit/plan.hpp>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <geos_c.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "fixtures.hpp"
#include "geometry/geos_context.hpp"
#include "jurisdiction/jurisdiction.hpp"
#include "plan_generator.hpp"

using namespace basinkit;
using namespace basinkit::test;

namespace {

struct Feature {
  std::string code, name, extra, wkt;  // extra: a unit's township, a township's county
};

/// Writes the units and townships given (a layer is left out when its list is empty)
/// and runs the jurisdiction checks on the plan.
std::vector<Finding> run(const std::vector<Feature>& units, const std::vector<Feature>& towns,
                         double tolerance_m = 0.5) {
  TempDir dir;
  std::string manifest = fmt::format("crs: EPSG:4547\ntolerance_m: {}\nlayers:\n", tolerance_m);
  if (!units.empty()) {
    FixtureLayer layer{"GPKG", "units", "EPSG:4547", {"code", "name", "basin", "township"}};
    for (const auto& u : units) layer.features.push_back({{u.code, u.name, "L3", u.extra}, u.wkt});
    write_layer(dir / "p.gpkg", layer);
    manifest += "  units: { source: p.gpkg, layer: units }\n";
  }
  if (!towns.empty()) {
    FixtureLayer layer{"GPKG", "townships", "EPSG:4547", {"code", "name", "county"}};
    for (const auto& t : towns) layer.features.push_back({{t.code, t.name, t.extra}, t.wkt});
    write_layer(dir / "p.gpkg", layer);
    manifest += "  townships: { source: p.gpkg, layer: townships }\n";
  }
  write_text(dir / "plan.yaml", manifest);
  const Plan plan = load_plan(dir / "plan.yaml");
  return check_jurisdiction(plan, 0, {});
}

std::vector<const Finding*> of_type(const std::vector<Finding>& all, FindingType type) {
  std::vector<const Finding*> out;
  for (const auto& f : all)
    if (f.type == type) out.push_back(&f);
  return out;
}

const Finding* find(const std::vector<Finding>& all, FindingType type,
                    const std::vector<std::string>& codes) {
  for (const auto& f : all)
    if (f.type == type && f.codes == codes) return &f;
  return nullptr;
}

/// Whether `f`'s location lies inside its geometry.
bool location_inside(const Finding& f) {
  if (!f.location || f.geometry.is_null()) return false;
  const auto [x, y] = *f.location;
  const Extent e = f.geometry.extent();
  return x >= e[0] && x <= e[2] && y >= e[1] && y <= e[3];
}

// Two townships side by side, of two counties: T1 = [0,100]x[0,100], T2 = [100,200]x[0,100].
const std::vector<Feature> kTwoTowns = {
    {"T1", "一号镇", "C1", box(0, 0, 100, 100)},
    {"T2", "二号镇", "C2", box(100, 0, 200, 100)},
};

}  // namespace

// ------------------------------------------------------------------ exclaves and enclaves

TEST_CASE("An exclave filling a hole of its host is surrounded by the host", "[jurisdiction]") {
  const auto found = run({}, {
                                 {"A", "甲镇", "C1",
                                  "POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0), "
                                  "(40 40, 60 40, 60 60, 40 60, 40 40))"},
                                 {"B", "乙镇", "C1",
                                  "MULTIPOLYGON (((100 0, 200 0, 200 100, 100 100, 100 0)), "
                                  "((40 40, 60 40, 60 60, 40 60, 40 40)))"},
                             });
  REQUIRE(of_type(found, FindingType::exclave).size() == 1);
  const Finding& f = *find(found, FindingType::exclave, {"B"});
  CHECK(f.severity == Severity::warning);
  CHECK(f.layer == "townships");
  CHECK(f.names == std::vector<std::string>{"乙镇"});
  CHECK(f.surrounded_by == std::optional<std::string>("A"));
  CHECK(f.area_m2.value() == Approx(400));
  CHECK(location_inside(f));
  CHECK((*f.location)[0] > 40);
  CHECK((*f.location)[0] < 60);
  CHECK(f.townships == std::vector<std::string>{"B", "A"});
  CHECK(f.counties == std::vector<std::string>{"C1"});
  CHECK(f.message == "乡镇 B（乙镇）有一块 400.0 平方米的飞地与其主体不相连，四周为乡镇 A（甲镇）");
  CHECK(of_type(found, FindingType::enclave).empty());
}

TEST_CASE("An island exclave touching no township is surrounded by no one", "[jurisdiction]") {
  const auto found = run({}, {
                                 {"A", "甲镇", "C1", box(0, 0, 100, 100)},
                                 {"B", "乙镇", "C1",
                                  "MULTIPOLYGON (((100 0, 200 0, 200 100, 100 100, 100 0)), "
                                  "((300 300, 310 300, 310 310, 300 310, 300 300)))"},
                             });
  const Finding* f = find(found, FindingType::exclave, {"B"});
  REQUIRE(f);
  CHECK_FALSE(f->surrounded_by.has_value());
  CHECK(f->area_m2.value() == Approx(100));
  CHECK(f->townships == std::vector<std::string>{"B"});
  CHECK(f->message.find("不被单一乡镇包围") != std::string::npos);
}

TEST_CASE("An exclave touching two townships is surrounded by no one", "[jurisdiction]") {
  // B's detached part fills a notch cut from both A (below) and C (above).
  const auto found = run({}, {
                                 {"A", "甲镇", "C1",
                                  "POLYGON ((0 0, 100 0, 100 100, 60 100, 60 90, 40 90, 40 100, "
                                  "0 100, 0 0))"},
                                 {"C", "丙镇", "C1",
                                  "POLYGON ((0 100, 40 100, 40 110, 60 110, 60 100, 100 100, "
                                  "100 200, 0 200, 0 100))"},
                                 {"B", "乙镇", "C2",
                                  "MULTIPOLYGON (((100 0, 200 0, 200 200, 100 200, 100 0)), "
                                  "((40 90, 60 90, 60 110, 40 110, 40 90)))"},
                             });
  REQUIRE(of_type(found, FindingType::exclave).size() == 1);
  const Finding* f = find(found, FindingType::exclave, {"B"});
  REQUIRE(f);
  CHECK_FALSE(f->surrounded_by.has_value());
  CHECK(f->area_m2.value() == Approx(400));
}

TEST_CASE("A township lying inside one other is an enclave", "[jurisdiction]") {
  const auto found = run({}, {
                                 {"A", "甲镇", "C1",
                                  "POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0), "
                                  "(20 20, 30 20, 30 30, 20 30, 20 20))"},
                                 {"E", "戊镇", "C2", box(20, 20, 30, 30)},
                                 {"B", "乙镇", "C1", box(100, 0, 200, 100)},
                             });
  REQUIRE(of_type(found, FindingType::enclave).size() == 1);
  const Finding& f = *find(found, FindingType::enclave, {"E"});
  CHECK(f.severity == Severity::warning);
  CHECK(f.surrounded_by == std::optional<std::string>("A"));
  CHECK(f.area_m2.value() == Approx(100));
  CHECK(location_inside(f));
  CHECK(f.townships == std::vector<std::string>{"E", "A"});
  CHECK(f.counties == std::vector<std::string>{"C2", "C1"});
  CHECK(f.message == "乡镇 E（戊镇）整体位于乡镇 A（甲镇）之内，四周只与该乡镇相邻");
  CHECK(of_type(found, FindingType::exclave).empty());
}

TEST_CASE("A township at the plan outline or touching two others is no enclave", "[jurisdiction]") {
  // E is bordered only by A, but its western side is the plan outline.
  const auto found = run({}, {
                                 {"A", "甲镇", "C1",
                                  "POLYGON ((0 0, 100 0, 100 100, 0 100, 0 30, 10 30, 10 20, "
                                  "0 20, 0 0))"},
                                 {"E", "戊镇", "C1", box(0, 20, 10, 30)},
                                 {"B", "乙镇", "C1", box(100, 0, 200, 100)},
                             });
  CHECK(of_type(found, FindingType::enclave).empty());
  CHECK(of_type(found, FindingType::exclave).empty());
}

TEST_CASE("A township's parts touching at a point are separate parts", "[jurisdiction]") {
  const auto found =
      run({}, {{"A", "甲镇", "C1",
                "MULTIPOLYGON (((0 0, 10 0, 10 10, 0 10, 0 0)), ((10 10, 12 10, 12 12, 10 12, "
                "10 10)))"}});
  const Finding* f = find(found, FindingType::exclave, {"A"});
  REQUIRE(f);
  CHECK(f->area_m2.value() == Approx(4));
}

// ------------------------------------------------------------------ units and townships

TEST_CASE("Interleaved territory: area, share, manager and majority township", "[jurisdiction]") {
  const auto found = run(
      {
          {"U1", "一号单元", "T1", box(0, 0, 120, 50)},      // 20 x 50 in T2
          {"U2", "二号单元", "T1", box(0, 50, 100.3, 100)},  // a 0.3 m strip in T2: thin
          {"U3", "三号单元", "T1", box(90, 60, 200, 70)},    // mostly in T2
      },
      kTwoTowns);
  const Finding* u1 = find(found, FindingType::interleaved, {"U1", "T2"});
  REQUIRE(u1);
  CHECK(u1->severity == Severity::warning);
  CHECK(u1->layer == "units");
  CHECK(u1->names == std::vector<std::string>{"一号单元", "二号镇"});
  CHECK(u1->area_m2.value() == Approx(1000).epsilon(1e-12));
  CHECK(u1->share.value() == Approx(1000.0 / 6000.0).epsilon(1e-12));
  CHECK(u1->manager == std::optional<std::string>("T1"));
  CHECK(u1->majority_township == std::optional<std::string>("T1"));
  CHECK(location_inside(*u1));
  CHECK((*u1->location)[0] > 100);
  CHECK(u1->townships == std::vector<std::string>{"T1", "T2"});
  CHECK(u1->counties == std::vector<std::string>{"C1", "C2"});
  CHECK(u1->message ==
        "单元 U1（一号单元）有 1000.0 平方米位于乡镇 T2（二号镇），非其管理乡镇 T1（一号镇）"
        "（占单元面积的 16.7%）");

  // A strip 0.3 m wide is thin at tolerance 0.5 m: no finding at all.
  CHECK_FALSE(find(found, FindingType::interleaved, {"U2", "T2"}));
  CHECK_FALSE(find(found, FindingType::crosses_county, {"U2", "C1"}));

  const Finding* u3 = find(found, FindingType::interleaved, {"U3", "T2"});
  REQUIRE(u3);
  CHECK(u3->area_m2.value() == Approx(1000));
  CHECK(u3->share.value() == Approx(1000.0 / 1100.0));
  CHECK(u3->majority_township == std::optional<std::string>("T2"));
  CHECK_FALSE(find(found, FindingType::unit_outside_manager, {"U3", "T1"}));
}

TEST_CASE("Thinness follows the manifest's tolerance", "[jurisdiction]") {
  const std::vector<Feature> units = {{"U2", "二号单元", "T1", box(0, 50, 100.3, 100)}};
  CHECK(of_type(run(units, kTwoTowns, 0.5), FindingType::interleaved).empty());
  CHECK(of_type(run(units, kTwoTowns, 0.2), FindingType::interleaved).size() == 1);
}

TEST_CASE("A unit sharing no area with its manager is outside its manager", "[jurisdiction]") {
  const auto found = run({{"U4", "四号单元", "T1", box(150, 80, 190, 95)}}, kTwoTowns);
  const Finding* f = find(found, FindingType::unit_outside_manager, {"U4", "T1"});
  REQUIRE(f);
  CHECK(f->severity == Severity::error);
  CHECK(f->names == std::vector<std::string>{"四号单元", "一号镇"});
  CHECK(f->area_m2.value() == Approx(600));
  CHECK(location_inside(*f));
  CHECK(f->townships == std::vector<std::string>{"T1"});
  CHECK(f->message.find("其大部分位于乡镇 T2（二号镇）") != std::string::npos);
  const Finding* i = find(found, FindingType::interleaved, {"U4", "T2"});
  REQUIRE(i);
  CHECK(i->share.value() == Approx(1.0));
  CHECK(i->majority_township == std::optional<std::string>("T2"));
}

TEST_CASE("An unknown township code is unknown_township, not unit_outside_manager",
          "[jurisdiction]") {
  const auto found = run({{"U5", "五号单元", "T9", box(10, 10, 20, 20)}}, kTwoTowns);
  const Finding* f = find(found, FindingType::unknown_township, {"U5", "T9"});
  REQUIRE(f);
  CHECK(f->severity == Severity::error);
  CHECK(f->message ==
        "单元 U5（五号单元）的管理乡镇代码 T9 不在乡镇图层中，其大部分位于乡镇 T1（一号镇）");
  CHECK(f->townships == std::vector<std::string>{"T1"});
  CHECK(of_type(found, FindingType::unit_outside_manager).empty());
  CHECK(of_type(found, FindingType::interleaved).empty());
}

TEST_CASE("A unit spanning townships of two counties crosses counties", "[jurisdiction]") {
  const auto found = run({{"U1", "一号单元", "T1", box(0, 0, 120, 50)}}, kTwoTowns);
  const Finding* f = find(found, FindingType::crosses_county, {"U1", "C1", "C2"});
  REQUIRE(f);
  CHECK(f->severity == Severity::warning);
  CHECK(f->area_m2.value() == Approx(1000));
  CHECK(f->counties == std::vector<std::string>{"C1", "C2"});
  CHECK(location_inside(*f));

  // Same townships in one county: no finding.
  std::vector<Feature> one_county = kTwoTowns;
  one_county[1].extra = "C1";
  CHECK(of_type(run({{"U1", "一号单元", "T1", box(0, 0, 120, 50)}}, one_county),
                FindingType::crosses_county)
            .empty());
}

TEST_CASE("A unit with disconnected parts is multipart; touching at a point counts",
          "[jurisdiction]") {
  const auto found = run(
      {
          {"U6", "六号单元", "T1",
           "MULTIPOLYGON (((0 0, 10 0, 10 10, 0 10, 0 0)), ((10 10, 30 10, 30 30, 10 30, 10 10)))"},
          {"U7", "七号单元", "T1", box(50, 50, 60, 60)},
      },
      kTwoTowns);
  const auto multi = of_type(found, FindingType::unit_multipart);
  REQUIRE(multi.size() == 1);
  CHECK(multi[0]->codes == std::vector<std::string>{"U6"});
  CHECK(multi[0]->area_m2.value() == Approx(100));  // the parts besides the largest
  CHECK(location_inside(*multi[0]));
  CHECK(multi[0]->message.find("由 2 个互不相连的部分组成") != std::string::npos);
}

TEST_CASE("Units alone: only unit_multipart is checked", "[jurisdiction]") {
  const auto found =
      run({{"U6", "", "T1",
            "MULTIPOLYGON (((0 0, 10 0, 10 10, 0 10, 0 0)), ((20 0, 30 0, 30 10, 20 10, 20 0)))"}},
          {});
  REQUIRE(found.size() == 1);
  CHECK(found[0].type == FindingType::unit_multipart);
  CHECK(found[0].message.rfind("单元 U6由 2 个", 0) == 0);
}

TEST_CASE("Bad unit geometry never throws: null is skipped, a bow-tie is checked repaired",
          "[jurisdiction]") {
  std::vector<Finding> found;
  REQUIRE_NOTHROW(found = run(
                      {
                          {"U8", "", "T1", ""},
                          {"U9", "", "T1", "POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))"},
                      },
                      kTwoTowns));
  CHECK(find(found, FindingType::unit_multipart, {"U9"}));
  for (const auto& f : found) CHECK(f.codes[0] != "U8");
}

// ------------------------------------------------------------------ real data

TEST_CASE("Real Hubei county exclaves are found, with their hosts and areas", "[jurisdiction]") {
  // AMap 2020 county layer (GCJ-02) used as a township layer; EPSG:4547 (CM 114E) is off by
  // < 0.1% in area around Jingmen (112-113.5E), where the pinned exclaves lie.
  TempDir dir;
  write_text(dir / "plan.yaml",
             fmt::format("crs: EPSG:4547\nlayers:\n  townships: {{ source: {}, layer: "
                         "hubei_districts, srs: GCJ02,\n    fields: {{ code: adcode, name: name, "
                         "county: ctadcode }} }}\n",
                         data_path("china_admin/hubei_districts_amap2020_gcj02.gpkg")));
  const Plan plan = load_plan(dir / "plan.yaml");
  const auto found = check_jurisdiction(plan, 0, {});
  auto exclaves_of = [&](const std::string& code) {
    std::vector<const Finding*> out;
    for (const Finding* f : of_type(found, FindingType::exclave))
      if (f->codes == std::vector<std::string>{code}) out.push_back(f);
    std::sort(out.begin(), out.end(),
              [](const Finding* a, const Finding* b) { return *a->area_m2 > *b->area_m2; });
    return out;
  };
  auto ha = [](const Finding* f) { return *f->area_m2 / 1e4; };

  // 沙洋县 (420822): one part inside 当阳市 (420582), two inside 潜江市 (429005).
  const auto shayang = exclaves_of("420822");
  REQUIRE(shayang.size() == 3);
  CHECK(shayang[0]->surrounded_by == std::optional<std::string>("420582"));
  CHECK(ha(shayang[0]) == Approx(97.4).margin(1.0));
  CHECK(shayang[1]->surrounded_by == std::optional<std::string>("429005"));
  CHECK(ha(shayang[1]) == Approx(36.3).margin(0.5));
  CHECK(shayang[2]->surrounded_by == std::optional<std::string>("429005"));
  CHECK(ha(shayang[2]) == Approx(13.6).margin(0.3));
  CHECK(shayang[0]->counties == std::vector<std::string>{"420800", "420500"});
  CHECK(shayang[0]->message.find("沙洋县") != std::string::npos);
  CHECK(shayang[0]->message.find("当阳市") != std::string::npos);

  // 京山市 (420882): one part inside 天门市 (429006).
  const auto jingshan = exclaves_of("420882");
  REQUIRE(jingshan.size() == 1);
  CHECK(jingshan[0]->surrounded_by == std::optional<std::string>("429006"));
  CHECK(ha(jingshan[0]) == Approx(13.7).margin(0.3));

  // 天门市 (429006): a part inside 汉川市 (420984), and one between 钟祥市 and 沙洋县,
  // surrounded by no single township.
  const auto tianmen = exclaves_of("429006");
  REQUIRE(tianmen.size() == 2);
  CHECK(tianmen[0]->surrounded_by == std::optional<std::string>("420984"));
  CHECK(ha(tianmen[0]) == Approx(93.0).margin(1.0));
  CHECK_FALSE(tianmen[1]->surrounded_by.has_value());
  CHECK(ha(tianmen[1]) == Approx(65.4).margin(1.0));
  // ... it borders both 钟祥市 (420881) and 沙洋县 (420822).
  GEOSContextHandle_t h = geos::context();
  for (const Township& t : plan.townships) {
    if (t.code != "420881" && t.code != "420822") continue;
    double d = -1;
    REQUIRE(GEOSDistance_r(h, tianmen[1]->geometry.get(), t.geometry.get(), &d) == 1);
    CHECK(d < plan.manifest.tolerance_m);
  }

  CHECK(of_type(found, FindingType::exclave).size() == 43);
  CHECK(of_type(found, FindingType::enclave).empty());
}

// ------------------------------------------------------------------ generated plans

namespace {

/// Interleaved areas by brute force: every (unit, township) pair overlaid with GEOS, no
/// index and no prepared geometry; pieces under min_area_m2 or thin dropped.
std::map<std::pair<std::string, std::string>, double> brute_force_interleaved(const Plan& plan) {
  GEOSContextHandle_t h = geos::context();
  const double tol = plan.manifest.tolerance_m;
  std::map<std::pair<std::string, std::string>, double> out;
  for (const ControlUnit& u : plan.units) {
    for (const Township& t : plan.townships) {
      if (t.code == u.township) continue;
      geos::GeometryPtr inter(GEOSIntersection_r(h, u.geometry.get(), t.geometry.get()));
      REQUIRE(inter);
      const int n = GEOSGetNumGeometries_r(h, inter.get());
      for (int i = 0; i < n; ++i) {
        const GEOSGeometry* piece = GEOSGetGeometryN_r(h, inter.get(), i);
        if (GEOSGeomTypeId_r(h, piece) != GEOS_POLYGON) continue;
        double area = 0;
        GEOSArea_r(h, piece, &area);
        if (area < plan.manifest.min_area_m2) continue;
        geos::GeometryPtr radius(GEOSMaximumInscribedCircle_r(h, piece, tol / 100));
        double r = 0;
        GEOSGeomGetLength_r(h, radius.get(), &r);
        if (2 * r < tol) continue;
        out[{u.code, t.code}] += area;
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("Every defect injected into a generated plan is found", "[jurisdiction]") {
  TempDir dir;
  bench::GeneratorOptions options;
  options.units = 300;
  options.vertices_per_edge = 6;
  options.townships = 30;
  options.seed = 7;
  options.inject_exclaves = 3;
  options.inject_enclaves = 2;
  options.inject_wrong_managers = 3;
  options.inject_unknown_townships = 2;
  const bench::GeneratedPlan generated = bench::generate_plan(dir.path(), options);
  const auto& injected = generated.injected;
  REQUIRE(injected.exclaves.size() == 3);
  REQUIRE(injected.enclaves.size() == 2);
  REQUIRE(injected.wrong_managers.size() == 3);
  REQUIRE(injected.unknown_townships.size() == 2);
  CHECK(read_text(dir / "generated.json").find("\"injected\"") != std::string::npos);

  const Plan plan = load_plan(generated.manifest_path);
  const auto found = check_jurisdiction(plan, 0, {});
  for (const auto& e : injected.exclaves) {
    INFO("exclave of " << e.township << " in " << e.host);
    const Finding* hit = nullptr;
    for (const Finding* f : of_type(found, FindingType::exclave))
      if (f->codes == std::vector<std::string>{e.township} &&
          std::abs(*f->area_m2 - e.area_m2) < 1e-6 * e.area_m2)
        hit = f;
    REQUIRE(hit);
    CHECK(hit->surrounded_by == std::optional<std::string>(e.host));
  }
  for (const auto& e : injected.enclaves) {
    INFO("enclave " << e.township << " in " << e.host);
    const Finding* f = find(found, FindingType::enclave, {e.township});
    REQUIRE(f);
    CHECK(f->surrounded_by == std::optional<std::string>(e.host));
    CHECK(f->area_m2.value() == Approx(e.area_m2).epsilon(1e-9));
  }
  for (const auto& m : injected.wrong_managers) {
    INFO("unit " << m.unit << " managed by " << m.township);
    CHECK(find(found, FindingType::unit_outside_manager, {m.unit, m.township}));
    const Finding* i = find(found, FindingType::interleaved, {m.unit, m.majority});
    REQUIRE(i);
    CHECK(i->majority_township == std::optional<std::string>(m.majority));
    CHECK(i->manager == std::optional<std::string>(m.township));
  }
  for (const auto& u : injected.unknown_townships) {
    INFO("unit " << u.unit << " names " << u.township);
    CHECK(find(found, FindingType::unknown_township, {u.unit, u.township}));
  }
  // Nothing else is outside its manager or unknown.
  CHECK(of_type(found, FindingType::unit_outside_manager).size() == injected.wrong_managers.size());
  CHECK(of_type(found, FindingType::unknown_township).size() == injected.unknown_townships.size());
}

TEST_CASE("Interleaved areas match a brute-force GEOS overlay", "[jurisdiction]") {
  TempDir dir;
  bench::GeneratorOptions options;
  options.units = 300;
  options.vertices_per_edge = 8;
  options.townships = 30;
  options.seed = 11;
  options.inject_exclaves = 2;
  options.inject_enclaves = 1;
  const bench::GeneratedPlan generated = bench::generate_plan(dir.path(), options);
  const Plan plan = load_plan(generated.manifest_path);
  const auto found = check_jurisdiction(plan, 0, {});

  std::map<std::pair<std::string, std::string>, double> ours;
  for (const Finding* f : of_type(found, FindingType::interleaved)) {
    CHECK(f->share.value() > 0);
    CHECK(f->share.value() <= 1 + 1e-12);
    ours[{f->codes[0], f->codes[1]}] = *f->area_m2;
  }
  const auto expected = brute_force_interleaved(plan);
  REQUIRE(expected.size() > 100);
  REQUIRE(ours.size() == expected.size());
  for (const auto& [key, area] : expected) {
    INFO(key.first << " in " << key.second);
    REQUIRE(ours.count(key));
    CHECK(std::abs(ours[key] - area) <= 1e-6 * area);
  }
}

// A benchmark, not run by default:
//   ./build-jur/tests/basinkit_tests "[.jurisdiction-bench]"
// BASINKIT_BENCH_UNITS / BASINKIT_BENCH_TOWNSHIPS / BASINKIT_BENCH_VERTICES (per edge) change
// the plan's size (default 10000 / 1000 / 20).
TEST_CASE("Benchmark: jurisdiction checks on a generated plan", "[.jurisdiction-bench]") {
  TempDir dir;
  bench::GeneratorOptions options;
  const char* units = std::getenv("BASINKIT_BENCH_UNITS");
  const char* towns = std::getenv("BASINKIT_BENCH_TOWNSHIPS");
  options.units = units ? std::atoi(units) : 10000;
  options.townships = towns ? std::atoi(towns) : 1000;
  if (const char* v = std::getenv("BASINKIT_BENCH_VERTICES"))
    options.vertices_per_edge = std::atoi(v);
  options.inject_exclaves = 20;
  options.inject_enclaves = 20;
  options.inject_wrong_managers = 20;
  options.inject_unknown_townships = 20;
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  const bench::GeneratedPlan generated = bench::generate_plan(dir.path(), options);
  auto t1 = Clock::now();
  const Plan plan = load_plan(generated.manifest_path);
  auto t2 = Clock::now();
  const auto found = check_jurisdiction(plan, 0, {});
  auto t3 = Clock::now();
  auto s = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  std::map<std::string, int> by_type;
  for (const auto& f : found) ++by_type[to_string(f.type)];
  fmt::print(
      "{} units ({} vertices), {} townships: generate {:.2f} s, load {:.2f} s, "
      "check_jurisdiction {:.2f} s\n",
      plan.units.size(), generated.vertices, plan.townships.size(), s(t0, t1), s(t1, t2),
      s(t2, t3));
  for (const auto& [type, n] : by_type) fmt::print("  {} {}\n", type, n);
  CHECK(by_type["enclave"] >= 20);
}
