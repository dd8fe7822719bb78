#include <basinkit/error.hpp>
#include <basinkit/screening.hpp>
#include <basinkit/unit_lists.hpp>

#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <gdal_priv.h>
#include <geos_c.h>
#include <ogrsf_frmts.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>
#include <sstream>

#include "geometry/envelope_index.hpp"
#include "geometry/geos_context.hpp"
#include "plan_builder.hpp"
#include "rules_check/scope_areas.hpp"
#include "screening/compiled_rules.hpp"

using namespace basinkit;
using namespace basinkit::test;

namespace {

// Plan area 0..10000 × -3000..3000 near Jingmen; units U1 | U2 split at x = 5000.
// Township T1 (county C1) stops 0.2 m short of x = 5000 and T2 (county C2) starts
// there: a 0.2 m sliver of U1 lies in T2, as digitising leaves them. The main river runs
// along y = 0 from x = 0 to x = 5000, so its 1 km buffer's round end reaches into U2.
// Zones: Z1 inside U1, PARK across the river's end in U2.
constexpr double OX = kJingmenX, OY = kJingmenY;
const auto at = near_jingmen_box;

PlanBuilder list_plan() {
  PlanBuilder b;
  b.boundary(at(0, -3000, 10000, 3000))
      .basin("HJ", 1, "", at(0, -3000, 10000, 3000))
      .unit("U1", "HJ", "T1", at(0, -3000, 5000, 3000), "一号单元")
      .unit("U2", "HJ", "T2", at(5000, -3000, 10000, 3000), "二号单元")
      .township("T1", "C1", at(0, -3000, 4999.8, 3000), "甲镇")
      .township("T2", "C2", at(4999.8, -3000, 10000, 3000), "乙镇")
      .layer("rivers", {"name", "class"},
             {{{"汉江", "main"}, fmt::format("LINESTRING ({} {}, {} {})", OX, OY, OX + 5000, OY)}})
      .layer("zones", {"code", "kind"},
             {{{"Z1", "drinking_water"}, at(1000, -1000, 3000, 1000)},
              {{"PARK", "chemical_park"}, at(5200, -400, 5800, 600)}});
  return b;
}

std::string rule(const std::string& id, const std::string& list, const std::string& effect,
                 const std::string& rest) {
  return fmt::format(
      "  - id: {}\n    list: {}\n    effect: {}\n    title: 规则{}\n    basis: 依据{}\n{}", id,
      list, effect, id, id, rest);
}

const std::string kRules =
    "name: 测试清单\nlevel: city\nrules:\n" +
    rule("P-ALL", "positive", "permit", "") +  // no scope: the whole plan area
    rule("E-Z1", "positive", "encourage",
         "    scope: { in: { layer: zones, where: \"kind = 'drinking_water'\" } }\n") +
    rule("N-1KM", "negative", "prohibit",
         "    scope: { near: { layer: rivers, where: \"class = 'main'\", within_m: 1000 } }\n"
         "    applies_to: { industry: [C26], action: [new, expand] }\n"
         "    unless: { scope: { in: { layer: zones, where: \"kind = 'chemical_park'\" } } }\n") +
    rule("R-T2", "negative", "restrict", "    scope: { township: ['T2'] }\n    condition: 论证\n") +
    rule("R-T1", "negative", "restrict", "    scope: { township: ['T1'] }\n") +
    rule("N-U2", "negative", "prohibit", "    scope: { unit: ['U2'] }\n");

struct Lists {
  TempDir dir;
  Plan plan;
  std::vector<RuleFile> files;
  UnitLists lists;
  explicit Lists(UnitListOptions o = {}, const std::string& rules = kRules)
      : plan(list_plan().load(dir)), files{parse_rules(rules, dir / "rules.yaml")} {
    lists = list_rules_by_unit(plan, files, o);
  }
  const UnitList& unit(const std::string& code) const {
    for (const UnitList& u : lists.units)
      if (u.code == code) return u;
    throw std::runtime_error("no list for unit " + code);
  }
  static const ListedRule* find(const UnitList& u, const std::string& id) {
    for (const ListedRule& l : u.rules)
      if (l.rule->id == id) return &l;
    return nullptr;
  }
  static std::vector<std::string> ids(const UnitList& u) {
    std::vector<std::string> out;
    for (const ListedRule& l : u.rules) out.push_back(l.rule->id);
    return out;
  }
};

GEOSContextHandle_t h() { return geos::context(); }
Geometry wkt(const std::string& text) { return Geometry::from_wkt(text); }
/// An independent GEOS result as a Geometry (owned), for its area().
Geometry own(GEOSGeometry* g) { return Geometry(g); }

}  // namespace

TEST_CASE("A unit's list has the rules whose scope covers part of it, with GEOS's areas",
          "[unit-lists]") {
  UnitListOptions o;
  o.pieces = true;
  const Lists run(o);
  REQUIRE(run.lists.units.size() == 2);
  const UnitList& u1 = run.unit("U1");
  const UnitList& u2 = run.unit("U2");
  CHECK(u1.area_m2 == Approx(5000.0 * 6000));
  CHECK(u1.township_name == "甲镇");
  CHECK(u1.county == "C1");

  // Negative list first (prohibit, restrict), then positive (encourage, permit); within
  // an effect in file order. R-T2 leaves only a 0.2 m sliver in U1: not listed there;
  // N-U2 only touches U1: not listed.
  CHECK(Lists::ids(u1) == std::vector<std::string>{"N-1KM", "R-T1", "E-Z1", "P-ALL"});
  CHECK(Lists::ids(u2) == std::vector<std::string>{"N-1KM", "N-U2", "R-T2", "P-ALL"});

  // Z1 lies inside U1: 4 km² of 30.
  const ListedRule* z1 = Lists::find(u1, "E-Z1");
  REQUIRE(z1);
  CHECK(z1->area_m2 == Approx(2000.0 * 2000));
  CHECK(z1->share == Approx(4.0 / 30));
  CHECK_FALSE(z1->whole_unit);
  CHECK(z1->piece.area() == Approx(z1->area_m2));

  // The river's buffer against an independent overlay (16 segments per quarter circle).
  const Geometry river = wkt(fmt::format("LINESTRING ({} {}, {} {})", OX, OY, OX + 5000, OY));
  const Geometry buffer = own(GEOSBuffer_r(h(), river.get(), 1000, 16));
  const Geometry park = wkt(at(5200, -400, 5800, 600));
  for (const UnitList* u : {&u1, &u2}) {
    const Geometry unit = wkt(u == &u1 ? at(0, -3000, 5000, 3000) : at(5000, -3000, 10000, 3000));
    const Geometry expected = own(GEOSIntersection_r(h(), unit.get(), buffer.get()));
    const ListedRule* near = Lists::find(*u, "N-1KM");
    REQUIRE(near);
    CHECK(near->area_m2 == Approx(expected.area()).epsilon(1e-9));
    CHECK(near->share == Approx(expected.area() / (5000.0 * 6000)).epsilon(1e-9));
    CHECK_FALSE(near->whole_unit);
    REQUIRE(near->unless_area_m2);
    const Geometry exempt = own(GEOSIntersection_r(h(), expected.get(), park.get()));
    CHECK(*near->unless_area_m2 == Approx(exempt.area()).margin(1e-6));
  }
  // The round end reaches into U2 (less than a half disc), the park is in U2 only.
  CHECK(Lists::find(u2, "N-1KM")->area_m2 > 0.4 * 3.14159 * 1000 * 1000);
  CHECK(Lists::find(u2, "N-1KM")->area_m2 < 0.5 * 3.14159 * 1000 * 1000);
  CHECK(*Lists::find(u1, "N-1KM")->unless_area_m2 == 0);
  CHECK(*Lists::find(u2, "N-1KM")->unless_area_m2 > 0);

  // Whole units: no scope (the plan area), the unit itself, the township but for a
  // 0.2 m sliver (thinner than tolerance_m = 0.5).
  CHECK(Lists::find(u1, "P-ALL")->whole_unit);
  CHECK(Lists::find(u2, "P-ALL")->whole_unit);
  CHECK(Lists::find(u2, "N-U2")->whole_unit);
  CHECK(Lists::find(u2, "R-T2")->whole_unit);
  const ListedRule* t1 = Lists::find(u1, "R-T1");
  REQUIRE(t1);
  CHECK(t1->whole_unit);
  CHECK(t1->area_m2 == Approx(4999.8 * 6000));
  CHECK(t1->share < 1);
  CHECK(u1.geometry.area() == Approx(u1.area_m2));
}

TEST_CASE("A sliver wider than tolerance_m is listed and keeps the unit from being whole",
          "[unit-lists]") {
  // T1 stops 2 m short of U1's edge: the 2 m strip is no sliver at tolerance 0.5.
  TempDir dir;
  PlanBuilder b = list_plan();
  b.township("T3", "C1", at(0, -3000, 4998, 3000));
  const Plan plan = b.load(dir);
  const std::vector<RuleFile> files = {
      parse_rules("name: x\nrules:\n" +
                      rule("R-T3", "negative", "restrict", "    scope: { township: ['T3'] }\n") +
                      rule("R-T2", "negative", "restrict", "    scope: { township: ['T2'] }\n"),
                  dir / "r.yaml")};
  const UnitLists lists = list_rules_by_unit(plan, files, {});
  const UnitList& u1 = lists.units.front();
  REQUIRE(u1.code == "U1");
  REQUIRE(Lists::find(u1, "R-T3"));
  CHECK_FALSE(Lists::find(u1, "R-T3")->whole_unit);
  CHECK(Lists::find(u1, "R-T3")->area_m2 == Approx(4998.0 * 6000));
  // T2 still covers only a 0.2 m strip of U1: R-T2 is not listed.
  CHECK_FALSE(Lists::find(u1, "R-T2"));
}

TEST_CASE("Units are selected by code or glob, managing township and county", "[unit-lists]") {
  const Lists run;
  auto codes = [&](const UnitListOptions& o) {
    std::vector<std::string> out;
    for (const UnitList& u : list_rules_by_unit(run.plan, run.files, o).units)
      out.push_back(u.code);
    return out;
  };
  UnitListOptions o;
  o.units = {"U*"};
  CHECK(codes(o) == std::vector<std::string>{"U1", "U2"});
  o.units = {"U2"};
  CHECK(codes(o) == std::vector<std::string>{"U2"});
  o = {};
  o.townships = {"T1"};
  CHECK(codes(o) == std::vector<std::string>{"U1"});
  o = {};
  o.counties = {"C2"};
  CHECK(codes(o) == std::vector<std::string>{"U2"});
  o.counties = {"C2", "C1"};  // several values: any of them
  CHECK(codes(o) == std::vector<std::string>{"U1", "U2"});
  o = {};
  o.units = {"X*"};
  CHECK_THROWS_WITH(codes(o), Catch::Contains("--unit 'X*' matches no unit"));
  o = {};
  o.units = {"U1"};
  o.counties = {"C2"};  // each matches, together nothing
  CHECK_THROWS_WITH(codes(o), Catch::Contains("matches no unit"));
  o = {};
  o.counties = {"C9"};
  CHECK_THROWS_AS(codes(o), InputError);
}

TEST_CASE("Conditions, exceptions and scopes are written as the rule file says them",
          "[unit-lists]") {
  const std::vector<RuleFile> files = {
      parse_rules("name: x\nrules:\n" + rule("N-1", "negative", "prohibit", R"(    scope:
      all: [{ basin: [HJ] }, { not: { county: ['420822'] } }]
    applies_to:
      industry: [C25, C26]
      action: [new, expand]
      attr: [{ field: water_m3_d, op: '>', value: 500 }, { field: kind, op: in, value: [a, b] }]
    unless:
      scope: { in: { layer: zones, where: "KIND = 'chemical_park'" } }
      applies_to: { industry: [D46] }
)") + rule("P-1", "positive", "permit", ""),
                  "r.yaml")};
  const Rule& r = files[0].rules[0];
  CHECK(applies_to_text(r.applies_to) ==
        "industry C25, C26; action new, expand; water_m3_d > 500; kind in ['a', 'b']");
  CHECK(unless_text(r) == "unless `in` zones where KIND = 'chemical_park'; industry D46");
  CHECK(scope_text(r) == "`all` [`basin` [HJ]; `not` [`county` [420822]]]");
  const Rule& p = files[0].rules[1];
  CHECK(applies_to_text(p.applies_to) == "every project");
  CHECK(unless_text(p).empty());
  CHECK(scope_text(p) == "whole plan area");
}

TEST_CASE("Unit lists are written as JSON, CSV, XLSX, GeoPackage and HTML", "[unit-lists]") {
  UnitListOptions o;
  o.pieces = true;
  const Lists run(o);
  UnitListReport report;
  report.lists = &run.lists;
  report.plan = &run.plan;
  report.provenance = plan_provenance(run.plan, "basinkit rules list");
  CHECK(unit_list_report_has_maps("x.HTML"));
  CHECK_FALSE(unit_list_report_has_maps("x.csv"));
  CHECK_THROWS_WITH(check_unit_list_report_path("x.geojson"),
                    Catch::Contains("unknown report format '.geojson'"));

  std::ostringstream json;
  write_unit_lists_json(report, json);
  const auto j = nlohmann::json::parse(json.str());
  CHECK(j["summary"]["units"] == 2);
  CHECK(j["summary"]["listed"] == 8);
  REQUIRE(j["units"].size() == 2);
  CHECK(j["units"][0]["code"] == "U1");
  CHECK(j["units"][0]["negative"].size() == 2);
  CHECK(j["units"][0]["positive"][1]["id"] == "P-ALL");
  CHECK(j["units"][0]["positive"][1]["whole_unit"] == true);
  CHECK(j["units"][0]["negative"][0]["unless"] == "unless `in` zones where kind = 'chemical_park'");

  const std::string csv = run.dir / "lists.csv";
  write_unit_lists(report, csv);
  const std::string text = read_text(csv);
  CHECK(text.rfind("\xEF\xBB\xBF"
                   "county,county_name,township",
                   0) == 0);
  CHECK(std::count(text.begin(), text.end(), '\n') == 1 + 8);
  CHECK(text.find("C2,,T2,乙镇,U2,二号单元,30.000000,negative,prohibit,N-U2") != std::string::npos);

  const std::string xlsx = run.dir / "lists.xlsx";
  write_unit_lists(report, xlsx);
  GDALDatasetUniquePtr book(GDALDataset::Open(xlsx.c_str(), GDAL_OF_VECTOR));
  REQUIRE(book);
  CHECK(book->GetLayerCount() == 2);  // a sheet per county
  CHECK(book->GetLayerByName("C1"));
  CHECK(book->GetLayerByName("C2"));

  const std::string gpkg = run.dir / "lists.gpkg";
  write_unit_lists(report, gpkg);
  GDALDatasetUniquePtr ds(GDALDataset::Open(gpkg.c_str(), GDAL_OF_VECTOR));
  REQUIRE(ds);
  REQUIRE(ds->GetLayerByName("scope_pieces"));
  CHECK(ds->GetLayerByName("scope_pieces")->GetFeatureCount() == 8);
  CHECK(ds->GetLayerByName("units")->GetFeatureCount() == 2);
  REQUIRE(ds->GetLayerByName("layer_styles"));
  CHECK(ds->GetLayerByName("layer_styles")->GetFeatureCount() == 1);

  const std::string html = run.dir / "lists.html";
  write_unit_lists(report, html);
  const std::string page = read_text(html);
  CHECK(page.find("break-after:page") != std::string::npos);
  CHECK(page.find("<section class=\"unit\" id=\"u-U1\">") != std::string::npos);
  CHECK(page.find("<section class=\"unit\" id=\"u-U2\">") != std::string::npos);
  CHECK(page.find("class=\"prohibit\"") != std::string::npos);
  auto count = [&](const std::string& what) {
    size_t n = 0;
    for (size_t at = page.find(what); at != std::string::npos; at = page.find(what, at + 1)) ++n;
    return n;
  };
  CHECK(count("http") == count("http://www.w3.org/2000/svg"));  // offline: SVG's namespace only
}

namespace {

/// A site of the rule's kind: its first industry and action, attributes that pass its
/// comparisons.
Site site_for(const Rule& rule, double x, double y) {
  Site s;
  s.id = "p";
  s.industry = rule.applies_to.industry.empty() ? "C2614" : rule.applies_to.industry.front();
  s.action = rule.applies_to.action.empty() ? "new" : rule.applies_to.action.front();
  for (const AttributeTest& t : rule.applies_to.attr) {
    const std::string& v = t.values.front();
    using Op = AttributeTest::Op;
    if (t.op == Op::gt || t.op == Op::ne)
      s.attributes[t.field] = t.numeric ? std::to_string(std::stod(v) + 1) : v + "z";
    else if (t.op == Op::lt)
      s.attributes[t.field] = t.numeric ? std::to_string(std::stod(v) - 1) : "";
    else
      s.attributes[t.field] = v;
  }
  s.geometry = Geometry(geos::make_point(x, y).release());
  return s;
}

}  // namespace

TEST_CASE("Every rule screening applies at random points of a demo unit is in its list",
          "[unit-lists]") {
  const std::string demo = std::string(BASINKIT_SOURCE_DIR) + "/data/shapefiles/";
  const Plan plan = load_plan(demo + "plan.yaml");
  const std::vector<RuleFile> files = {read_rules(demo + "rules.yaml")};
  const UnitLists lists = list_rules_by_unit(plan, files, {});
  REQUIRE(lists.units.size() == plan.units.size());
  REQUIRE(lists.skipped.empty());

  // Scope only: the same rules for every project, without exceptions.
  std::vector<RuleFile> scope_only = files;
  for (Rule& r : scope_only[0].rules) {
    r.applies_to = {};
    r.unless_scope.reset();
    r.unless_applies_to.reset();
  }
  const Screener by_scope(plan, scope_only);
  const Screener as_given(plan, files);

  // A miss is allowed only where the scope's edge is within slack: the slivers a list
  // leaves out (thinner than tolerance_m) and the chords of `near` buffers (16 segments
  // per quarter circle: 1 - cos(π/64) of the distance, 2.4 m at the demo's 2 km).
  const screening::CompiledRules compiled(plan, files);
  const rules_check::ScopeAreas areas(plan, compiled, 0);
  const double slack = plan.manifest.tolerance_m + 2000 * (1 - std::cos(3.14159265 / 64));
  auto near_edge = [&](const std::string& id, double x, double y) {
    for (const auto& c : compiled.rules())
      if (c.rule->id == id) {
        rules_check::Area a = c.rule->scope ? areas.area(*c.rule->scope, *c.scope, nullptr)
                                            : rules_check::clone(areas.plan());
        if (!a) return false;
        const geos::GeometryPtr edge(GEOSBoundary_r(h(), a.get()));
        const geos::GeometryPtr p = geos::make_point(x, y);
        double d = 0;
        GEOSDistance_r(h(), edge.get(), p.get(), &d);
        return d <= slack;
      }
    return false;
  };

  std::mt19937 random(14);
  size_t points = 0, applied = 0, whole_checked = 0;
  for (const UnitList& list : lists.units) {
    const ControlUnit& unit =
        *std::find_if(plan.units.begin(), plan.units.end(),
                      [&](const ControlUnit& u) { return u.code == list.code; });
    const geos::PreparedPtr inside = geos::prepare(unit.geometry.get());
    const auto e = geos::envelope(unit.geometry.get());
    std::uniform_real_distribution<double> rx(e[0], e[2]), ry(e[1], e[3]);
    for (int n = 0; n < 25;) {
      const double x = rx(random), y = ry(random);
      geos::GeometryPtr p = geos::make_point(x, y);
      if (GEOSPreparedContains_r(h(), inside.get(), p.get()) != 1) continue;
      ++n;
      ++points;
      Site site;
      site.id = "p";
      site.geometry = Geometry(p.release());
      for (const AppliedRule& a : by_scope.screen(site).rules) {
        ++applied;
        const bool listed = Lists::find(list, a.rule->id) != nullptr;
        INFO("unit " << list.code << ", rule " << a.rule->id << " at " << x << ", " << y);
        CHECK((listed || near_edge(a.rule->id, x, y)));
      }
      for (const ListedRule& l : list.rules) {
        if (!l.whole_unit) continue;
        ++whole_checked;
        const SiteResult r = as_given.screen(site_for(*l.rule, x, y));
        const bool applies = std::any_of(r.rules.begin(), r.rules.end(), [&](const AppliedRule& a) {
          return a.rule->id == l.rule->id;
        });
        INFO("unit " << list.code << ", whole-unit rule " << l.rule->id << " at " << x << ", "
                     << y);
        CHECK((applies || near_edge(l.rule->id, x, y)));
      }
    }
  }
  CHECK(points == 25 * plan.units.size());
  // The test saw rules at work: many applications, many whole-unit rules.
  CHECK(applied > points);
  CHECK(whole_checked > points);
}

TEST_CASE("A plan without control units has no lists: a clear error", "[unit-lists]") {
  TempDir dir;
  PlanBuilder b;
  b.boundary(at(0, 0, 1000, 1000)).township("T1", "C1", at(0, 0, 1000, 1000));
  const Plan plan = b.load(dir);
  REQUIRE(plan.units.empty());
  const std::vector<RuleFile> files = {
      parse_rules("name: x\nrules:\n" + rule("P-1", "positive", "permit", ""), "r.yaml")};
  CHECK_THROWS_WITH(list_rules_by_unit(plan, files, {}),
                    Catch::Contains("the plan has no control units"));
}
