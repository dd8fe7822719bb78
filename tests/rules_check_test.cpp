#include <basinkit/error.hpp>
#include <basinkit/rules_check.hpp>

#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <geos_c.h>

#include <algorithm>
#include <memory>

#include "geometry/geos_context.hpp"
#include "plan_builder.hpp"

using namespace basinkit;
using namespace basinkit::test;

namespace {

// Plan area 0..10000 × -3000..3000 (EPSG:4547 coordinates offset to near Jingmen); one
// basin HJ; units U1 | U2 split at x = 5000, in townships T1 (county C1) and T2 (C2).
// The main river runs along y = 0 from x = 0 to x = 5000 and ends inside the plan, so
// its 1 km buffer has a round end. Zones: PARK crosses the river's end; FAR is a park
// 5 km from the river; WS is a water source disjoint from both.
constexpr double OX = kJingmenX, OY = kJingmenY;
const auto at = near_jingmen_box;

PlanBuilder check_plan() {
  PlanBuilder b;
  b.boundary(at(0, -3000, 10000, 3000))
      .basin("HJ", 1, "", at(0, -3000, 10000, 3000))
      .unit("U1", "HJ", "T1", at(0, -3000, 5000, 3000), "一号单元")
      .unit("U2", "HJ", "T2", at(5000, -3000, 10000, 3000), "二号单元")
      .township("T1", "C1", at(0, -3000, 5000, 3000))
      .township("T2", "C2", at(5000, -3000, 10000, 3000))
      .layer("rivers", {"name", "class"},
             {{{"汉江", "main"}, fmt::format("LINESTRING ({} {}, {} {})", OX, OY, OX + 5000, OY)}})
      .layer("zones", {"code", "kind"},
             {{{"PARK", "chemical_park"}, at(4500, -400, 5800, 600)},
              {{"FAR", "chemical_park"}, at(8000, 1500, 9000, 2500)},
              {{"WS", "drinking_water"}, at(1000, -2500, 2000, -1500)}});
  return b;
}

/// A rule file: a header and the rules given (YAML list items).
std::string rules_text(const std::string& items) {
  return "name: 测试清单\nlevel: city\nrules:\n" + items;
}

const char* kBan = R"(
  - id: N-1KM
    list: negative
    effect: prohibit
    title: 干流1公里内禁止新建化工
    basis: 《长江保护法》第二十六条
    scope: { near: { layer: rivers, where: "class = 'main'", within_m: 1000 } }
    applies_to: { industry: [C26], action: [new, expand] }
)";

const char* kPermitInParks = R"(
  - id: P-PARK
    list: positive
    effect: permit
    title: 化工园区允许化工
    basis: 园区规划
    scope: { in: { layer: zones, where: "kind = 'chemical_park'" } }
    applies_to: { industry: [C2614, C2631], action: [new] }
)";

struct Run {
  TempDir dir;
  Plan plan;
  RulesCheckResult result;
  explicit Run(const std::string& rules, std::vector<std::string> industries = {})
      : plan(check_plan().load(dir)) {
    RulesCheckOptions o;
    o.industries = std::move(industries);
    result = check_rules(plan, {parse_rules(rules, dir / "rules.yaml")}, o);
  }
  std::vector<const Finding*> of_type(FindingType t) const {
    std::vector<const Finding*> out;
    for (const auto& f : result.findings)
      if (f.type == t) out.push_back(&f);
    return out;
  }
};

// The independent computations below call GEOS directly (reentrant API).
using GeomPtr = geos::GeometryPtr;
GEOSContextHandle_t h() { return geos::context(); }
GeomPtr wkt(const std::string& text) {
  GEOSWKTReader* reader = GEOSWKTReader_create_r(h());
  GEOSGeometry* g = GEOSWKTReader_read_r(h(), reader, text.c_str());
  GEOSWKTReader_destroy_r(h(), reader);
  return GeomPtr(g);
}
GeomPtr own(GEOSGeometry* g) { return GeomPtr(g); }
double area(const GEOSGeometry* g) {
  double a = 0;
  GEOSArea_r(h(), g, &a);
  return a;
}

}  // namespace

TEST_CASE("A prohibit and a permit on overlapping scopes are a contradiction with GEOS's overlap",
          "[rules-check]") {
  const Run run(rules_text(std::string(kBan) + kPermitInParks));
  const auto found = run.of_type(FindingType::contradiction);
  REQUIRE(found.size() == 1);
  const Finding& f = *found[0];
  CHECK(f.severity == Severity::error);
  CHECK(f.codes == std::vector<std::string>{"N-1KM", "P-PARK"});
  CHECK(f.layer == run.dir / "rules.yaml");
  CHECK(f.message.find("干流1公里内禁止新建化工") != std::string::npos);
  CHECK(f.message.find("化工园区允许化工") != std::string::npos);
  CHECK(*f.detail == "industry: C2614, C2631; action: new");
  // Independent overlay: the river's buffer (16 segments per quarter circle, as
  // documented) ∩ the park ∩ the plan area.
  const GeomPtr river = wkt(fmt::format("LINESTRING ({} {}, {} {})", OX, OY, OX + 5000, OY));
  const GeomPtr buffer = own(GEOSBuffer_r(h(), river.get(), 1000, 16));
  const GeomPtr park = wkt(at(4500, -400, 5800, 600));
  const GeomPtr plan_area = wkt(at(0, -3000, 10000, 3000));
  const GeomPtr a = own(GEOSIntersection_r(h(), buffer.get(), park.get()));
  const GeomPtr expected = own(GEOSIntersection_r(h(), a.get(), plan_area.get()));
  REQUIRE(f.area_m2);
  CHECK(*f.area_m2 == Approx(area(expected.get())).epsilon(1e-6));
  // The round end is there: more than the straight band (500 × 1000), less than the box.
  CHECK(*f.area_m2 > 500 * 1000);
  CHECK(*f.area_m2 < 1300 * 1000);
  REQUIRE_FALSE(f.geometry.is_null());
  CHECK(f.geometry.area() == Approx(*f.area_m2));
  REQUIRE(f.location);
  CHECK((*f.location)[0] > OX + 4500);
  CHECK((*f.location)[0] < OX + 5800);
  CHECK(run.of_type(FindingType::empty_scope).empty());
}

TEST_CASE("An unless scope is subtracted from the prohibition before looking for contradictions",
          "[rules-check]") {
  const std::string parks_exempt = std::string(kBan) +
                                   "    unless: { scope: { in: { layer: zones, where: \"kind = "
                                   "'chemical_park'\" } } }\n" +
                                   kPermitInParks;
  CHECK(Run(rules_text(parks_exempt)).of_type(FindingType::contradiction).empty());

  // An exception for part of the common projects only (C2614, not C2631) leaves the
  // contradiction for the others, over the whole overlap.
  const std::string partly = std::string(kBan) +
                             "    unless:\n"
                             "      scope: { in: { layer: zones, where: \"kind = "
                             "'chemical_park'\" } }\n"
                             "      applies_to: { industry: [C2614] }\n" +
                             kPermitInParks;
  const Run run(rules_text(partly));
  REQUIRE(run.of_type(FindingType::contradiction).size() == 1);
  CHECK(*run.of_type(FindingType::contradiction)[0]->area_m2 > 500 * 1000);

  // An exception comparing attributes never exempts every project.
  const std::string by_attr = std::string(kBan) +
                              "    unless:\n"
                              "      scope: { in: { layer: zones, where: \"kind = "
                              "'chemical_park'\" } }\n"
                              "      applies_to: { attr: [{ field: cap_swap, op: '=', value: "
                              "'yes' }] }\n" +
                              kPermitInParks;
  CHECK(Run(rules_text(by_attr)).of_type(FindingType::contradiction).size() == 1);
}

TEST_CASE("Rules on disjoint industries, actions or places do not contradict", "[rules-check]") {
  auto permit = [](const std::string& industry, const std::string& action,
                   const std::string& where) {
    return fmt::format(R"(
  - id: P-X
    list: positive
    effect: encourage
    title: 鼓励
    basis: 规划
    scope: {{ in: {{ layer: zones, where: "{}" }} }}
    applies_to: {{ industry: [{}], action: [{}] }}
)",
                       where, industry, action);
  };
  const std::string park = "kind = 'chemical_park'";
  CHECK(Run(rules_text(kBan + permit("C25", "new", park)))
            .of_type(FindingType::contradiction)
            .empty());
  CHECK(Run(rules_text(kBan + permit("C2614", "relocate", park)))
            .of_type(FindingType::contradiction)
            .empty());
  CHECK(Run(rules_text(kBan + permit("C2614", "new", "code = 'FAR'")))
            .of_type(FindingType::contradiction)
            .empty());
  // C (every manufacturing code) and C26 intersect; an encouragement contradicts too.
  const Run wide(rules_text(kBan + permit("C", "expand", park)));
  REQUIRE(wide.of_type(FindingType::contradiction).size() == 1);
  CHECK(wide.of_type(FindingType::contradiction)[0]->message.find("鼓励规则 P-X") !=
        std::string::npos);
  // A restriction is not a prohibition: no contradiction with a permit.
  std::string restrict_rule = kBan;
  restrict_rule.replace(restrict_rule.find("prohibit"), 8, "restrict");
  CHECK(
      Run(rules_text(restrict_rule + kPermitInParks)).of_type(FindingType::contradiction).empty());
}

TEST_CASE("A rule whose scope is empty in the plan is an empty_scope", "[rules-check]") {
  const Run run(rules_text(R"(
  - id: E-WHERE
    list: negative
    effect: prohibit
    title: 选不中任何区域
    basis: 无
    scope: { in: { layer: zones, where: "kind = 'volcano'" } }
  - id: E-NEAR
    list: negative
    effect: restrict
    title: 不存在的河流附近
    basis: 无
    scope: { near: { layer: rivers, where: "class = 'canal'", within_m: 500 } }
  - id: E-ALL
    list: negative
    effect: prohibit
    title: 两个互不相交的区域
    basis: 无
    scope: { all: [ { in: { layer: zones, where: "code = 'PARK'" } },
                    { in: { layer: zones, where: "code = 'WS'" } } ] }
  - id: E-NOT
    list: positive
    effect: permit
    title: 规划范围以外
    basis: 无
    scope: { not: { basin: [HJ] } }
  - id: E-UNLESS
    list: negative
    effect: prohibit
    title: 例外包含全部项目
    basis: 无
    applies_to: { industry: [C2614], action: [new] }
    unless: { applies_to: { industry: [C26] } }
  - id: E-INSIDE
    list: negative
    effect: prohibit
    title: 例外范围覆盖整个范围
    basis: 无
    scope: { unit: [U1] }
    unless: { scope: { township: [T1] } }
  - id: OK-1
    list: negative
    effect: prohibit
    title: 正常规则
    basis: 无
    scope: { all: [ { unit: ['U*'] }, { not: { in: { layer: zones, where: "code = 'WS'" } } } ] }
    unless: { applies_to: { industry: [C26] } }
)"));
  const auto found = run.of_type(FindingType::empty_scope);
  std::vector<std::string> codes;
  for (const Finding* f : found) codes.push_back(f->codes.at(0));
  CHECK(codes ==
        std::vector<std::string>{"E-ALL", "E-INSIDE", "E-NEAR", "E-NOT", "E-UNLESS", "E-WHERE"});
  for (const Finding* f : found) {
    CHECK(f->severity == Severity::warning);
    CHECK(f->layer == run.dir / "rules.yaml");
    CHECK(f->area_m2.value_or(-1) < 1);
    const std::string& m = f->message;
    const std::string& id = f->codes[0];
    INFO(id << ": " << m);
    CHECK(m.find(id) != std::string::npos);
    if (id == "E-WHERE") CHECK(m.find("kind = 'volcano' 未选中任何要素") != std::string::npos);
    if (id == "E-NEAR") CHECK(m.find("`near` rivers") != std::string::npos);
    if (id == "E-ALL") CHECK(m.find("互不重叠") != std::string::npos);
    if (id == "E-NOT") CHECK(m.find("`not`") != std::string::npos);
    if (id == "E-UNLESS") CHECK(m.find("全部项目") != std::string::npos);
    if (id == "E-INSIDE") CHECK(m.find("例外范围") != std::string::npos);
  }
  CHECK(run.result.skipped.empty());
}

TEST_CASE("A unit where an industry meets no rule is a blind_spot", "[rules-check]") {
  const Run run(rules_text(R"(
  - id: N-U1
    list: negative
    effect: restrict
    title: 一号单元限制化工
    basis: 无
    scope: { unit: [U1] }
    applies_to: { industry: [C26] }
  - id: N-PARKS
    list: negative
    effect: prohibit
    title: 远园区内禁止有色冶炼
    basis: 无
    scope: { in: { layer: zones, where: "code = 'FAR'" } }
    applies_to: { industry: [C32] }
)"),
                {"C2614", "C38", "C3211"});
  const auto found = run.of_type(FindingType::blind_spot);
  std::vector<std::pair<std::string, std::string>> got;
  for (const Finding* f : found) got.emplace_back(f->codes.at(0), f->detail.value_or(""));
  // C2614: U1 has N-U1; U2 has nothing. C38: no rule anywhere. C3211: N-PARKS in U2.
  const std::vector<std::pair<std::string, std::string>> want = {
      {"U1", "C38"}, {"U1", "C3211"}, {"U2", "C2614"}, {"U2", "C38"}};
  CHECK(got.size() == want.size());
  for (const auto& w : want) CHECK(std::count(got.begin(), got.end(), w) == 1);
  for (const Finding* f : found) {
    CHECK(f->severity == Severity::warning);
    CHECK(f->layer == "units");
    CHECK(f->message.find(f->codes[0]) != std::string::npos);
    CHECK(f->message.find(*f->detail) != std::string::npos);
    CHECK(f->area_m2.value_or(0) == Approx(5000.0 * 6000));
    CHECK(f->townships == std::vector<std::string>{f->codes[0] == "U1" ? "T1" : "T2"});
  }
  // Sorted by unit, then in the order the industries were given.
  REQUIRE(found.size() == 4);
  CHECK(found[0]->codes[0] == "U1");
  CHECK(found[3]->codes[0] == "U2");
}

TEST_CASE("A rule without scope or with a plan-wide scope leaves no blind spot", "[rules-check]") {
  const Run run(rules_text(R"(
  - id: N-ALL
    list: negative
    effect: restrict
    title: 全域限制
    basis: 无
    applies_to: { attr: [{ field: water_m3_d, op: '>', value: 500 }] }
)"),
                {"C38"});
  CHECK(run.result.findings.empty());
}

TEST_CASE("rules check rejects a rule naming an unknown layer, with file, line and id",
          "[rules-check]") {
  TempDir dir;
  const Plan plan = check_plan().load(dir);
  const RuleFile file = parse_rules(rules_text(R"(
  - id: BAD-1
    list: negative
    effect: prohibit
    title: 湖泊
    basis: 无
    scope: { in: { layer: lakes } }
)"),
                                    dir / "bad.yaml");
  try {
    check_rules(plan, {file}, {});
    FAIL("no InputError");
  } catch (const InputError& e) {
    const std::string what = e.what();
    CHECK(what.find("bad.yaml:10:") != std::string::npos);
    CHECK(what.find("BAD-1") != std::string::npos);
    CHECK(what.find("lakes") != std::string::npos);
  }
}

TEST_CASE(
    "The demo rules: no contradiction (the 1 km ban exempts the chemical parks), C38 blind "
    "spots in the Changjiang units",
    "[rules-check]") {
  const Plan plan = load_plan(std::string(BASINKIT_SOURCE_DIR) + "/data/shapefiles/plan.yaml");
  const std::string rules_path = std::string(BASINKIT_SOURCE_DIR) + "/data/shapefiles/rules.yaml";
  RulesCheckOptions o;
  o.industries = {"C26", "C38"};
  const RulesCheckResult r = check_rules(plan, {read_rules(rules_path)}, o);
  CHECK(r.skipped.empty());
  std::vector<std::string> blind;
  for (const Finding& f : r.findings) {
    CHECK(f.type == FindingType::blind_spot);
    CHECK(*f.detail == "C38");  // C26 meets N-CP-001 (C2612, no scope) everywhere
    blind.push_back(f.codes.at(0));
  }
  // The 20 units outside the HJ basin (all CJ units): N-SL-001 (basin HJ) and every zone
  // rule for C lie in HJ, and no rule for C38 has a plan-wide scope.
  CHECK(blind.size() == 20);
  for (const auto& code : blind) CHECK(code.rfind("CJ", 0) == 0);

  // Without its `unless`, the 1 km ban contradicts the chemical-park permit, by exactly
  // the part of the parks within 1 km of the main river (GEOS overlay).
  std::string text = read_text(rules_path);
  const std::string unless =
      "    unless:\n      scope: { in: { layer: zones, where: \"KIND = 'chemical_park'\" } }\n";
  REQUIRE(text.find(unless) != std::string::npos);
  text.erase(text.find(unless), unless.size());
  const RulesCheckResult without = check_rules(plan, {parse_rules(text, rules_path)}, {});
  REQUIRE(without.findings.size() == 1);
  const Finding& f = without.findings[0];
  CHECK(f.type == FindingType::contradiction);
  CHECK(f.codes == std::vector<std::string>{"N-HJ-001", "P-HG-001"});

  std::vector<GEOSGeometry*> rivers, parks;
  for (const auto& river : plan.layer("rivers"))
    if (river.attributes.at("class") == "main")
      rivers.push_back(GEOSGeom_clone_r(h(), river.geometry.get()));
  for (const auto& zone : plan.layer("zones"))
    if (zone.attributes.at("kind") == "chemical_park")
      parks.push_back(GEOSGeom_clone_r(h(), zone.geometry.get()));
  REQUIRE_FALSE(rivers.empty());
  REQUIRE_FALSE(parks.empty());
  const GeomPtr river_set = own(GEOSGeom_createCollection_r(
      h(), GEOS_GEOMETRYCOLLECTION, rivers.data(), static_cast<unsigned>(rivers.size())));
  const GeomPtr park_set = own(GEOSGeom_createCollection_r(
      h(), GEOS_GEOMETRYCOLLECTION, parks.data(), static_cast<unsigned>(parks.size())));
  const GeomPtr buffer = own(GEOSBuffer_r(h(), river_set.get(), 1000, 16));
  const GeomPtr park_area = own(GEOSUnaryUnion_r(h(), park_set.get()));
  const GeomPtr boundary = own(GEOSGeom_clone_r(h(), plan.layer("boundary").at(0).geometry.get()));
  const GeomPtr near = own(GEOSIntersection_r(h(), buffer.get(), park_area.get()));
  const GeomPtr expected = own(GEOSIntersection_r(h(), near.get(), boundary.get()));
  CHECK(*f.area_m2 == Approx(area(expected.get())).epsilon(1e-6));
  CHECK(*f.area_m2 > 1000);
}
