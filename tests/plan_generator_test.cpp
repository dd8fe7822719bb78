// The synthetic plans every benchmark and large-plan test uses: exact coverages, nested
// exactly, and clean for validation.
#include <basinkit/info.hpp>
#include <basinkit/network.hpp>
#include <basinkit/plan.hpp>
#include <basinkit/screening.hpp>
#include <basinkit/screening_report.hpp>
#include <basinkit/validate.hpp>

#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <geos_c.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "generated_screening.hpp"
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
  const test::GeneratedScreening g(dir, options);
  SiteReader reader(g.sites, g.plan.working_crs);
  ScreeningSummary summary;
  const auto n = screen_stream(
      g.screener, reader, [&](const Site&, const SiteResult& r) { summary.add(r.verdict); }, {});
  CHECK(n == 500);
  CHECK(summary.sites == 500);
  CHECK(summary.prohibited + summary.restricted + summary.permitted > 0);
}

TEST_CASE(
    "A generated plan with a network drains every unit, through touching units and "
    "without cycles, to one outlet, with sections on its streams and daily monitoring",
    "[generator][network]") {
  test::TempDir dir;
  bench::GeneratorOptions options;
  options.units = 300;
  options.vertices_per_edge = 6;
  options.network = true;
  options.sections = 40;
  options.monitoring_days = 40;
  const bench::GeneratedPlan g = bench::generate_plan(dir.path(), options);
  REQUIRE(g.sections == 40);

  // Read back with OGR, independently of basinkit.
  GDALDatasetUniquePtr ds(
      GDALDataset::Open((dir.path() + "/plan.gpkg").c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  REQUIRE(ds);
  std::map<std::string, std::string> down;
  std::map<std::string, std::unique_ptr<OGRGeometry>> unit;
  for (const auto& f : ds->GetLayerByName("units")) {
    const std::string code = f->GetFieldAsString("UNIT_CODE");
    down[code] = f->GetFieldAsString("DOWNSTREAM");
    unit[code].reset(f->GetGeometryRef()->clone());
  }
  REQUIRE(static_cast<int>(down.size()) == g.units);
  std::vector<std::string> outlets;
  for (const auto& [code, to] : down) {
    if (to.empty()) {
      outlets.push_back(code);
      continue;
    }
    REQUIRE(down.count(to) == 1);
    // Neighbours share an edge: their intersection is a line, not a corner point.
    std::unique_ptr<OGRGeometry> shared(unit[code]->Intersection(unit[to].get()));
    CHECK((shared && shared->getDimension() == 1));
  }
  CHECK(outlets == std::vector<std::string>{g.outlet_unit});
  for (const auto& [code, to] : down) {
    std::string at = code;
    std::size_t steps = 0;
    while (!down[at].empty() && steps <= down.size()) {
      at = down[at];
      ++steps;
    }
    CHECK(at == g.outlet_unit);  // no cycle: the walk ends, at the outlet
  }

  // Sections: on their unit's stream, inside the unit, one per unit, the outlet's among them.
  std::map<std::string, std::unique_ptr<OGRGeometry>> stream;
  for (const auto& f : ds->GetLayerByName("rivers"))
    if (std::string(f->GetFieldAsString("CLASS")) == "stream")
      stream[f->GetFieldAsString("NAME")].reset(f->GetGeometryRef()->clone());
  CHECK(static_cast<int>(stream.size()) == g.units);
  std::set<std::string> closed;
  for (const auto& f : ds->GetLayerByName("sections")) {
    const std::string u = f->GetFieldAsString("UNIT");
    const OGRGeometry* point = f->GetGeometryRef();
    REQUIRE(unit.count(u) == 1);
    CHECK(point->Within(unit[u].get()));
    CHECK(point->Distance(stream.at(std::string(f->GetFieldAsString("RIVER"))).get()) < 1e-6);
    CHECK(std::string(f->GetFieldAsString("RIVER")) == u + "出流");
    const std::string target = f->GetFieldAsString("TARGET");
    CHECK((target == "II" || target == "III" || target == "IV"));
    CHECK(closed.insert(u).second);
  }
  CHECK(closed.size() == 40);
  CHECK(closed.count(g.outlet_unit) == 1);

  // A year's monitoring shape: 40 days from 2026-01-01 for each section.
  std::ifstream csv(g.monitoring_path);
  std::string line, first, last;
  std::getline(csv, line);
  CHECK(line ==
        "section,date,DO (mg/L),CODMn (mg/L),COD (mg/L),BOD5 (mg/L),NH3-N (mg/L),TP (mg/L),TN "
        "(mg/L)");
  std::int64_t rows = 0;
  while (std::getline(csv, line)) {
    if (rows == 0) first = line.substr(0, line.find(',', 7));
    last = line.substr(0, line.find(',', 7));
    ++rows;
  }
  CHECK(rows == 40 * 40);
  CHECK(rows == g.monitoring_rows);
  CHECK(first == "S00001,2026-01-01");
  CHECK(last == "S00040,2026-02-09");
}

TEST_CASE(
    "A clean generated plan with a network has no network findings, and its sections' "
    "incremental catchments hold every unit once",
    "[generator][network]") {
  test::TempDir dir;
  bench::GeneratorOptions options;
  options.units = 300;
  options.vertices_per_edge = 6;
  options.network = true;
  options.sections = 40;
  options.monitoring_days = 0;
  const bench::GeneratedPlan g = bench::generate_plan(dir.path(), options);
  const Plan plan = load_plan(g.manifest_path);
  ValidateOptions vo;
  vo.only = {CheckGroup::network};
  const ValidationResult r = validate(plan, vo);
  CHECK(r.findings.empty());

  const DrainageNetwork network = build_network(plan);
  CHECK(network.source() == NetworkSource::attribute);
  REQUIRE(network.sections().size() == 40);
  CHECK(network.unassessed_units().empty());
  std::vector<int> times(plan.units.size(), 0);
  for (const auto& catchment : network.incremental_catchments())
    for (std::size_t u : catchment) ++times[u];
  CHECK(std::count(times.begin(), times.end(), 1) == static_cast<long>(plan.units.size()));
  // The outlet's section takes what no other section does; the outlet drains nowhere.
  const auto outlet = network.find_unit(g.outlet_unit);
  REQUIRE(outlet);
  CHECK(network.downstream(*outlet).empty());
  CHECK(network.upstream(*outlet).size() == plan.units.size());
}
