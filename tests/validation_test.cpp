#include <basinkit/error.hpp>
#include <basinkit/validate.hpp>
#include <basinkit/waivers.hpp>

#include <catch2/catch.hpp>

#include <geos_c.h>

#include <algorithm>

#include "defect_injector.hpp"
#include "plan_builder.hpp"
#include "plan_generator.hpp"

using namespace basinkit;
using namespace basinkit::test;

namespace {

// A clean three-level plan: plan area 0..200 × 0..100; L1 A | B split at x = 100;
// one L2 and one L3 per L1; units 50 m wide strips.
PlanBuilder clean_plan() {
  PlanBuilder b;
  b.boundary(box(0, 0, 200, 100))
      .basin("A", 1, "", box(0, 0, 100, 100), "甲")
      .basin("B", 1, "", box(100, 0, 200, 100), "乙")
      .basin("A1", 2, "A", box(0, 0, 100, 100))
      .basin("B1", 2, "B", box(100, 0, 200, 100))
      .basin("A11", 3, "A1", box(0, 0, 100, 100), "甲一一")
      .basin("B11", 3, "B1", box(100, 0, 200, 100))
      .unit("U1", "A11", "T1", box(0, 0, 50, 100), "单元一")
      .unit("U2", "A11", "T1", box(50, 0, 100, 100), "单元二")
      .unit("U3", "B11", "T2", box(100, 0, 150, 100))
      .unit("U4", "B11", "T2", box(150, 0, 200, 100))
      .township("T1", "C1", box(0, 0, 100, 100), "甲镇")
      .township("T2", "C1", box(100, 0, 200, 100), "乙镇");
  return b;
}

std::vector<const Finding*> of_type(const ValidationResult& r, FindingType t) {
  std::vector<const Finding*> out;
  for (const auto& f : r.findings)
    if (f.type == t) out.push_back(&f);
  return out;
}

ValidationResult run(const PlanBuilder& b, std::set<CheckGroup> only = {}) {
  TempDir dir;
  const Plan plan = b.load(dir);
  ValidateOptions o;
  o.only = std::move(only);
  return validate(plan, o);
}

bool inside(const Finding& f, double x0, double y0, double x1, double y1) {
  return f.location && (*f.location)[0] > x0 && (*f.location)[0] < x1 && (*f.location)[1] > y0 &&
         (*f.location)[1] < y1;
}

}  // namespace

TEST_CASE("A clean plan has no hierarchy or coverage finding", "[validation]") {
  const auto r = run(clean_plan(), {CheckGroup::hierarchy, CheckGroup::coverage});
  CHECK(r.findings.empty());
  CHECK(r.skipped.empty());
}

TEST_CASE("A gap between units is one gap of their L3, not repeated above", "[validation]") {
  PlanBuilder b = clean_plan();
  // U2 shrunk: 60..100 instead of 50..100 leaves a 10 m × 100 m hole inside A11.
  PlanBuilder p;
  p.boundary(box(0, 0, 200, 100))
      .basin("A", 1, "", box(0, 0, 100, 100))
      .basin("B", 1, "", box(100, 0, 200, 100))
      .basin("A1", 2, "A", box(0, 0, 100, 100))
      .basin("B1", 2, "B", box(100, 0, 200, 100))
      .basin("A11", 3, "A1", box(0, 0, 100, 100), "甲一一")
      .basin("B11", 3, "B1", box(100, 0, 200, 100))
      .unit("U1", "A11", "T1", box(0, 0, 50, 100))
      .unit("U2", "A11", "T1", box(60, 0, 100, 100))
      .unit("U3", "B11", "T2", box(100, 0, 150, 100))
      .unit("U4", "B11", "T2", box(150, 0, 200, 100));
  const auto r = run(p);
  const auto gaps = of_type(r, FindingType::gap);
  REQUIRE(gaps.size() == 1);
  CHECK(gaps[0]->codes == std::vector<std::string>{"A11"});
  CHECK(gaps[0]->names == std::vector<std::string>{"甲一一"});
  CHECK(gaps[0]->layer == "units");
  CHECK(*gaps[0]->area_m2 == Approx(1000));
  CHECK(inside(*gaps[0], 50, 0, 60, 100));
  CHECK(gaps[0]->message.find("死角盲区") != std::string::npos);
  CHECK(r.findings.size() == 1);
}

TEST_CASE("A gap along the plan outline is a gap of the plan area with no codes", "[validation]") {
  PlanBuilder p;
  p.boundary(box(0, 0, 200, 100))
      .basin("A", 1, "", box(0, 0, 100, 100))
      .basin("B", 1, "", box(100, 0, 190, 100));
  const auto r = run(p, {CheckGroup::coverage});
  const auto gaps = of_type(r, FindingType::gap);
  REQUIRE(gaps.size() == 1);
  CHECK(gaps[0]->codes.empty());
  CHECK(*gaps[0]->area_m2 == Approx(1000));
  CHECK(inside(*gaps[0], 190, 0, 200, 100));
}

TEST_CASE("A thin gap is a sliver naming its neighbours; a tiny one is nothing", "[validation]") {
  PlanBuilder p;
  p.boundary(box(0, 0, 200, 100))
      .basin("A", 1, "", box(0, 0, 99.8, 100))  // 0.2 m wide gap, 20 m²: a sliver
      .basin("B", 1, "", box(100, 0, 200, 100))
      .basin("C", 1, "", box(200, 0, 300, 100));  // outside the plan: outside_parent
  const auto r = run(p, {CheckGroup::coverage});
  const auto slivers = of_type(r, FindingType::sliver);
  REQUIRE(slivers.size() == 1);
  CHECK(slivers[0]->severity == Severity::warning);
  CHECK(slivers[0]->codes == std::vector<std::string>{"A", "B"});
  CHECK(*slivers[0]->area_m2 == Approx(20));
  CHECK(of_type(r, FindingType::gap).empty());
  const auto outside = of_type(r, FindingType::outside_parent);
  REQUIRE(outside.size() == 1);
  CHECK(outside[0]->codes == std::vector<std::string>{"C"});
  CHECK(*outside[0]->area_m2 == Approx(10000));

  PlanBuilder tiny;
  tiny.boundary(box(0, 0, 200, 100))
      .basin("A", 1, "", box(0, 0, 100, 100))
      .basin("B", 1, "", "POLYGON ((100 0, 200 0, 200 100, 100.5 100, 100.5 99, 100 99, 100 0))");
  CHECK(run(tiny, {CheckGroup::coverage}).findings.empty());  // 0.5 m² < min_area_m2
}

TEST_CASE("Overlapping units give one overlap per piece with the shared area", "[validation]") {
  PlanBuilder p;
  p.boundary(box(0, 0, 100, 100))
      .basin("A", 1, "", box(0, 0, 100, 100))
      .unit("U1", "A", "T", box(0, 0, 60, 100))
      .unit("U2", "A", "T", box(50, 0, 100, 100));
  const auto r = run(p, {CheckGroup::coverage});
  const auto overlaps = of_type(r, FindingType::overlap);
  REQUIRE(overlaps.size() == 1);
  CHECK(overlaps[0]->codes == std::vector<std::string>{"U1", "U2"});
  CHECK(*overlaps[0]->area_m2 == Approx(1000));
  CHECK(inside(*overlaps[0], 50, 0, 60, 100));
  CHECK(r.findings.size() == 1);
}

TEST_CASE("Overlaps between features of different parents are found", "[validation]") {
  PlanBuilder p = clean_plan();
  PlanBuilder q;
  q.boundary(box(0, 0, 200, 100))
      .basin("A", 1, "", box(0, 0, 100, 100))
      .basin("B", 1, "", box(100, 0, 200, 100))
      .unit("U1", "A", "T1", box(0, 0, 110, 100))  // reaches 10 m into B
      .unit("U3", "B", "T2", box(100, 0, 200, 100));
  const auto r = run(q, {CheckGroup::coverage});
  const auto overlaps = of_type(r, FindingType::overlap);
  REQUIRE(overlaps.size() == 1);
  CHECK(overlaps[0]->codes == std::vector<std::string>{"U1", "U3"});
  const auto outside = of_type(r, FindingType::outside_parent);
  REQUIRE(outside.size() == 1);
  CHECK(outside[0]->codes == std::vector<std::string>{"U1", "A"});
  CHECK(*outside[0]->area_m2 == Approx(1000));
}

TEST_CASE("Overlapping L3s tiled exactly by their units are reported once, at unit level",
          "[validation]") {
  PlanBuilder p;
  p.basin("A", 1, "", box(0, 0, 100, 100))
      .basin("A1", 2, "A", box(0, 0, 60, 100))
      .basin("A2", 2, "A", box(50, 0, 100, 100))
      .unit("U1", "A1", "T", box(0, 0, 60, 100))
      .unit("U2", "A2", "T", box(50, 0, 100, 100));
  const auto r = run(p, {CheckGroup::coverage});
  const auto overlaps = of_type(r, FindingType::overlap);
  REQUIRE(overlaps.size() == 1);
  CHECK(overlaps[0]->codes == std::vector<std::string>{"U1", "U2"});
  CHECK(*overlaps[0]->area_m2 == Approx(1000));
  CHECK(std::find(r.skipped.begin(), r.skipped.end(),
                  "gap and outside_parent of level 1: no boundary layer (plan area)") !=
        r.skipped.end());
}

TEST_CASE("allowed_gaps remove what they cover from gaps", "[validation]") {
  PlanBuilder p;
  p.boundary(box(0, 0, 100, 100))
      .basin("A", 1, "", box(0, 0, 80, 100))
      .allowed_gap(box(80, 0, 100, 50));
  const auto r = run(p, {CheckGroup::coverage});
  const auto gaps = of_type(r, FindingType::gap);
  REQUIRE(gaps.size() == 1);
  CHECK(*gaps[0]->area_m2 == Approx(1000));
  CHECK(inside(*gaps[0], 80, 50, 100, 100));
}

TEST_CASE("Hierarchy: duplicate codes, missing parents, level mismatches, empty parents",
          "[validation]") {
  PlanBuilder p;
  p.basin("A", 1, "", box(0, 0, 100, 100))
      .basin("E", 1, "", box(100, 0, 200, 100), "空流域")
      .basin("A1", 2, "A", box(0, 0, 100, 100))
      .basin("X1", 2, "NOPE", box(0, 0, 1, 1))
      .basin("Y1", 2, "", box(0, 0, 1, 1))
      .unit("U1", "A1", "T", box(0, 0, 50, 100))
      .unit("U1", "A1", "T", box(50, 0, 100, 100))
      .unit("U9", "A", "T", box(0, 0, 1, 1));
  const auto r = run(p, {CheckGroup::hierarchy});
  const auto dup = of_type(r, FindingType::duplicate_code);
  REQUIRE(dup.size() == 1);
  CHECK(dup[0]->codes == std::vector<std::string>{"U1"});
  CHECK(*dup[0]->count == 2);
  const auto missing = of_type(r, FindingType::missing_parent);
  REQUIRE(missing.size() == 2);
  CHECK(missing[0]->codes == std::vector<std::string>{"X1"});
  CHECK(missing[1]->codes == std::vector<std::string>{"Y1"});
  const auto mismatch = of_type(r, FindingType::level_mismatch);
  REQUIRE(mismatch.size() == 1);
  CHECK(mismatch[0]->codes == std::vector<std::string>{"U9", "A"});
  const auto empty = of_type(r, FindingType::empty_parent);
  std::vector<std::string> empty_codes;
  for (const auto* f : empty) empty_codes.push_back(f->codes[0]);
  CHECK(empty_codes == std::vector<std::string>{"E", "X1", "Y1"});
  CHECK(empty[0]->severity == Severity::warning);
}

TEST_CASE("code_prefix warns only when the manifest asks", "[validation]") {
  PlanBuilder p;
  p.basin("A", 1, "", box(0, 0, 100, 100)).basin("B1", 2, "A", box(0, 0, 100, 100));
  CHECK(of_type(run(p, {CheckGroup::hierarchy}), FindingType::code_prefix).empty());
  p.option("code_prefix: true");
  const auto r = run(p, {CheckGroup::hierarchy});
  const auto prefix = of_type(r, FindingType::code_prefix);
  REQUIRE(prefix.size() == 1);
  CHECK(prefix[0]->codes == std::vector<std::string>{"B1", "A"});
}

TEST_CASE("An invalid geometry is reported, repaired, and checked further", "[validation]") {
  PlanBuilder p;
  // U2 is a bow-tie: invalid; repaired by MakeValid it covers two triangles of 50..100.
  p.boundary(box(0, 0, 100, 100))
      .basin("A", 1, "", box(0, 0, 100, 100))
      .unit("U1", "A", "T", box(0, 0, 50, 100))
      .unit("U2", "A", "T", "POLYGON ((50 0, 100 100, 100 0, 50 100, 50 0))")
      .unit("U3", "A", "T", "");
  const auto r = run(p, {CheckGroup::hierarchy, CheckGroup::coverage});
  const auto invalid = of_type(r, FindingType::invalid_geometry);
  REQUIRE(invalid.size() == 2);
  CHECK(invalid[0]->codes == std::vector<std::string>{"U2"});
  CHECK(invalid[0]->detail->find("Self-intersection") != std::string::npos);
  CHECK(invalid[1]->codes == std::vector<std::string>{"U3"});
  CHECK(invalid[1]->detail->find("null") != std::string::npos);
  // The repaired bow-tie (two triangles meeting at 75,50) leaves two triangular gaps
  // in the 50..100 strip, top and bottom, 1250 m² each.
  const auto gaps = of_type(r, FindingType::gap);
  REQUIRE(gaps.size() == 2);
  CHECK(*gaps[0]->area_m2 == Approx(1250));
  CHECK(*gaps[1]->area_m2 == Approx(1250));
}

TEST_CASE("Asking --only for a group whose layers are absent is bad input", "[validation]") {
  PlanBuilder p;
  p.township("T1", "C1", box(0, 0, 10, 10));
  TempDir dir;
  const Plan plan = p.load(dir);
  ValidateOptions o;
  o.only = {CheckGroup::coverage};
  CHECK_THROWS_AS(validate(plan, o), InputError);
  o.only = {};
  const auto r = validate(plan, o);
  CHECK_FALSE(r.skipped.empty());
}

TEST_CASE("Waivers mark matching findings and report unmatched waivers", "[validation]") {
  TempDir dir;
  write_text(dir / "w.yaml",
             "- type: gap\n  codes: [A11]\n  reason: 水库淹没区\n"
             "- type: overlap\n  codes: [X, Y]\n  reason: 不存在\n");
  const auto waivers = read_waivers(dir / "w.yaml");
  REQUIRE(waivers.size() == 2);
  CHECK(waivers[1].line == 4);
  std::vector<Finding> findings(1);
  findings[0].type = FindingType::gap;
  findings[0].codes = {"A11"};
  const auto unused = apply_waivers(findings, waivers);
  CHECK(findings[0].waived == std::optional<std::string>("水库淹没区"));
  REQUIRE(unused.size() == 1);
  CHECK(unused[0].codes == std::vector<std::string>{"X", "Y"});
  CHECK(summarize(findings).waived == 1);
  CHECK(summarize(findings).errors == 0);

  write_text(dir / "bad.yaml", "- type: gapp\n  codes: [A]\n  reason: x\n");
  CHECK_THROWS_WITH(read_waivers(dir / "bad.yaml"),
                    Catch::Contains("bad.yaml:1") && Catch::Contains("gapp"));
  write_text(dir / "noreason.yaml", "- type: gap\n  codes: [A]\n");
  CHECK_THROWS_WITH(read_waivers(dir / "noreason.yaml"), Catch::Contains("reason"));
}

TEST_CASE("Real WBD basins: South Fork Eel tiles exactly, Big-Navarro-Garcia lacks its other HU10s",
          "[validation]") {
  // tests/data/watersheds: HU8 > HU10 > HU12 of the USGS Watershed Boundary Dataset; the
  // file holds only the Navarro River HU10 of HU8 18010108, so the rest of that HU8 is a
  // gap, and nothing else is wrong (codes nest: code_prefix is on and silent).
  const Plan plan = load_plan(data_path("watersheds/wbd_navarro_eel.yaml"));
  CHECK(plan.levels() == std::vector<int>{1, 2, 3});
  const auto r = validate(plan, {});
  REQUIRE(r.findings.size() == 1);
  const Finding& gap = r.findings[0];
  CHECK(gap.type == FindingType::gap);
  CHECK(gap.codes == std::vector<std::string>{"18010108"});
  CHECK(gap.names == std::vector<std::string>{"Big-Navarro-Garcia"});
  CHECK(gap.layer == "basins_l2");
  CHECK(*gap.area_m2 / 1e6 == Approx(3334.63).epsilon(1e-4));
  // Independent check: the HU8 minus the Navarro River HU10, straight from GEOS.
  const Basin* hu8 = nullptr;
  const Basin* navarro = nullptr;
  for (const auto& b : plan.basins) {
    if (b.code == "18010108") hu8 = &b;
    if (b.code == "1801010804") navarro = &b;
  }
  REQUIRE(hu8);
  REQUIRE(navarro);
  GEOSContextHandle_t h = GEOS_init_r();
  GEOSGeometry* rest = GEOSDifference_r(h, hu8->geometry.get(), navarro->geometry.get());
  double area = 0;
  GEOSArea_r(h, rest, &area);
  GEOSGeom_destroy_r(h, rest);
  GEOS_finish_r(h);
  CHECK(*gap.area_m2 == Approx(area).epsilon(1e-6));
}

TEST_CASE(
    "Every defect injected into a generated plan is found, with GEOS's areas, and nothing else",
    "[validation]") {
  TempDir dir;
  bench::GeneratorOptions options;
  options.units = 600;
  options.vertices_per_edge = 12;
  const bench::GeneratedPlan g = bench::generate_plan(dir.path(), options);
  const std::vector<bench::ExpectedFinding> expected = bench::inject_coverage_defects(g);
  const Plan plan = load_plan(g.manifest_path);
  ValidateOptions vo;
  vo.only = {CheckGroup::hierarchy, CheckGroup::coverage};
  const ValidationResult r = validate(plan, vo);

  std::vector<bool> matched(r.findings.size(), false);
  for (const auto& e : expected) {
    INFO(e.type << " " << (e.codes.empty() ? "[]" : e.codes[0]));
    bool found = false;
    for (size_t i = 0; i < r.findings.size(); ++i) {
      const Finding& f = r.findings[i];
      if (matched[i] || to_string(f.type) != e.type || f.codes != e.codes) continue;
      found = matched[i] = true;
      if (e.area_m2 > 0) {
        REQUIRE(f.area_m2);
        CHECK(*f.area_m2 == Approx(e.area_m2).epsilon(1e-6));
      }
      break;
    }
    CHECK(found);
  }
  for (size_t i = 0; i < r.findings.size(); ++i) {
    INFO(to_string(r.findings[i].type) << ": " << r.findings[i].message);
    CHECK(matched[i]);
  }
}
