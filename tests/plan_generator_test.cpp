// The synthetic plans every benchmark and large-plan test uses: exact coverages, nested
// exactly, and clean for validation.
#include <basinkit/info.hpp>
#include <basinkit/plan.hpp>
#include <basinkit/screening.hpp>
#include <basinkit/screening_report.hpp>
#include <basinkit/validate.hpp>

#include <catch2/catch.hpp>

#include <geos_c.h>

#include <vector>

#include "fixtures.hpp"
#include "plan_generator.hpp"

using namespace basinkit;

namespace {

/// Area of the union of the units, computed by GEOS from scratch.
double union_area(const Plan& plan) {
  GEOSContextHandle_t h = GEOS_init_r();
  std::vector<GEOSGeometry*> parts;
  for (const auto& u : plan.units) parts.push_back(GEOSGeom_clone_r(h, u.geometry.get()));
  GEOSGeometry* all = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts.data(),
                                                  static_cast<unsigned>(parts.size()));
  GEOSGeometry* merged = GEOSUnaryUnion_r(h, all);
  double area = 0;
  GEOSArea_r(h, merged, &area);
  GEOSGeom_destroy_r(h, merged);
  GEOSGeom_destroy_r(h, all);
  GEOS_finish_r(h);
  return area;
}

void check_clean_plan(int units) {
  test::TempDir dir;
  bench::GeneratorOptions options;
  options.units = units;
  options.vertices_per_edge = 10;
  const bench::GeneratedPlan g = bench::generate_plan(dir.path(), options);
  const Plan plan = load_plan(g.manifest_path);
  REQUIRE(static_cast<int>(plan.units.size()) == g.units);
  CHECK(plan.levels() == std::vector<int>{1, 2, 3});

  // Exact coverage, by GEOS: the units' union is the plan area, and their areas add up
  // to it (no overlap).
  const PlanSummary info = summarize(plan);
  const double plan_area = info.layers.at("boundary").area_m2;
  CHECK(plan_area == Approx(g.plan_area_m2).epsilon(1e-12));
  CHECK(info.layers.at("units").area_m2 == Approx(plan_area).epsilon(1e-9));
  CHECK(union_area(plan) == Approx(plan_area).epsilon(1e-9));
  for (int level : {1, 2, 3})
    CHECK(info.levels.at(level).area_m2 == Approx(plan_area).epsilon(1e-9));

  ValidateOptions vo;
  vo.only = {CheckGroup::hierarchy, CheckGroup::coverage};
  const ValidationResult r = validate(plan, vo);
  CHECK(r.findings.empty());
}

}  // namespace

TEST_CASE("Generated plans of 100 and 1000 units are exact coverages and validate clean",
          "[generator]") {
  check_clean_plan(100);
  check_clean_plan(1000);
}

TEST_CASE("A generated plan of 10000 units is an exact coverage and validates clean",
          "[generator][large]") {
  check_clean_plan(10000);
}

TEST_CASE("A generated plan comes with a demo-shaped rule list that compiles against it",
          "[generator]") {
  test::TempDir dir;
  bench::GeneratorOptions options;
  options.units = 100;
  options.sites = 500;
  const bench::GeneratedPlan g = bench::generate_plan(dir.path(), options);
  const Plan plan = load_plan(g.manifest_path);
  const Screener screener(plan, {read_rules(g.rules_path)});
  SiteSource source;
  source.path = dir.path() + "/" + g.sites_source;
  source.layer = g.sites_layer;
  SiteReader reader(source, plan.working_crs);
  ScreeningSummary summary;
  const auto n = screen_stream(
      screener, reader, [&](const Site&, const SiteResult& r) { summary.add(r.verdict); }, {});
  CHECK(n == 500);
  CHECK(summary.sites == 500);
  CHECK(summary.prohibited + summary.restricted + summary.permitted > 0);
}
