// The drainage network: unit graph, sections, incremental catchments and traces.
#include <basinkit/error.hpp>
#include <basinkit/network.hpp>
#include <basinkit/validate.hpp>

#include <gdal_priv.h>
#include <geos_c.h>
#include <ogrsf_frmts.h>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <memory>
#include <set>

#include "plan_builder.hpp"

using namespace basinkit;
using basinkit::test::data_path;
using basinkit::test::FixtureFeature;
using basinkit::test::PlanBuilder;
using basinkit::test::TempDir;

namespace {

constexpr double kX0 = 400000, kY0 = 3400000, kSide = 1000;

/// The square of column `col`, row `row` (row 0 at the top) of a 1 km grid.
std::string square(int col, int row) {
  const double x = kX0 + col * kSide, y = kY0 - row * kSide;
  return fmt::format("POLYGON(({0} {1},{2} {1},{2} {3},{0} {3},{0} {1}))", x, y, x + kSide,
                     y - kSide);
}
std::string centre(int col, int row) {
  return fmt::format("POINT({} {})", kX0 + (col + 0.5) * kSide, kY0 - (row + 0.5) * kSide);
}

/// A B C      A→B→E, D→E, E→F, C→F, F→OCEAN (a declared outlet).
/// D E F      Sections S1 in E, S2 in F. T1 manages A, B, D (county K1); T2 C, E, F (K2).
PlanBuilder grid_plan(const std::map<std::string, std::string>& downstream_override = {}) {
  std::map<std::string, std::string> down = {{"A", "B"}, {"B", "E"}, {"C", "F"},
                                             {"D", "E"}, {"E", "F"}, {"F", "OCEAN"}};
  for (const auto& [k, v] : downstream_override) down[k] = v;
  const std::map<std::string, std::pair<int, int>> cells = {
      {"A", {0, 0}}, {"B", {1, 0}}, {"C", {2, 0}}, {"D", {0, 1}}, {"E", {1, 1}}, {"F", {2, 1}}};
  std::vector<FixtureFeature> units;
  for (const auto& [code, cell] : cells)
    units.push_back({{code, "单元" + code, "L3",
                      (code == "A" || code == "B" || code == "D") ? "T1" : "T2", down[code]},
                     square(cell.first, cell.second)});
  PlanBuilder plan;
  plan.layer("units", {"code", "name", "basin", "township", "downstream"}, units,
             "outlets: [OCEAN]")
      .township("T1", "K1", square(0, 0))
      .township("T2", "K2", square(2, 0))
      .layer("sections", {"code", "name", "target"},
             {{{"S1", "一号断面", "III"}, centre(1, 1)}, {{"S2", "二号断面", "II"}, centre(2, 1)}});
  return plan;
}

/// A point of the grid in cell units (x to the east, y down from the top row's edge).
std::string at(double cx, double cy) {
  return fmt::format("{} {}", kX0 + cx * kSide, kY0 - cy * kSide);
}

/// The grid's units without `downstream`, and rivers digitised downstream: A→B→C then
/// south into F; a tributary D→E joining it in F. Sections: S1 20 m off the river in F,
/// S9 in D 566 m from any river, S7 outside the plan. A drinking-water zone on the river in B.
PlanBuilder river_plan(const std::string& units_extra_field = "") {
  const std::map<std::string, std::pair<int, int>> cells = {
      {"A", {0, 0}}, {"B", {1, 0}}, {"C", {2, 0}}, {"D", {0, 1}}, {"E", {1, 1}}, {"F", {2, 1}}};
  std::vector<FixtureFeature> units;
  for (const auto& [code, cell] : cells) {
    FixtureFeature f{{code, "单元" + code, "L3", cell.first < 2 ? "T1" : "T2"},
                     square(cell.first, cell.second)};
    if (!units_extra_field.empty()) f.values.push_back(code == "B" ? "E" : "");
    units.push_back(f);
  }
  std::vector<std::string> fields = {"code", "name", "basin", "township"};
  if (!units_extra_field.empty()) fields.push_back(units_extra_field);
  PlanBuilder plan;
  plan.layer("units", fields, units)
      .township("T1", "K1", square(0, 0))
      .township("T2", "K2", square(2, 0))
      .layer("rivers", {"name"},
             {{{"干流"},
               fmt::format("LINESTRING({},{},{})", at(0.5, 0.5), at(2.5, 0.5), at(2.5, 1.5))},
              {{"支流"}, fmt::format("LINESTRING({},{})", at(0.5, 1.5), at(2.5, 1.2))}},
             "direction: downstream")
      .layer("sections", {"code", "name"},
             {{{"S1", "一号断面"}, fmt::format("POINT({})", at(2.52, 1.4))},
              {{"S9", "九号断面"}, fmt::format("POINT({})", at(0.1, 1.9))},
              {{"S7", "七号断面"}, fmt::format("POINT({})", at(-5, 0.5))}})
      .layer("zones", {"code", "name", "kind"},
             {{{"Z1", "水源地", "drinking_water"},
               fmt::format("POLYGON(({0},{1},{2},{3},{0}))", at(1.4, 0.4), at(1.6, 0.4),
                           at(1.6, 0.6), at(1.4, 0.6))}});
  return plan;
}

ValidationResult network_findings(const Plan& plan) {
  ValidateOptions only;
  only.only = {CheckGroup::network};
  return validate(plan, only);
}

std::vector<const Finding*> of_type(const ValidationResult& r, FindingType type) {
  std::vector<const Finding*> out;
  for (const Finding& f : r.findings)
    if (f.type == type) out.push_back(&f);
  return out;
}

std::set<std::string> codes(const Plan& plan, const std::vector<std::size_t>& units) {
  std::set<std::string> out;
  for (std::size_t u : units) out.insert(plan.units[u].code);
  return out;
}

/// Pairs of text fields of a layer of tests/data/watersheds/network.gpkg, read with OGR
/// alone (not through basinkit), for independent checks.
std::vector<std::pair<std::string, std::string>> field_pairs(const char* layer, const char* a,
                                                             const char* b) {
  GDALDatasetUniquePtr ds(GDALDataset::Open(data_path("watersheds/network.gpkg").c_str(),
                                            GDAL_OF_VECTOR | GDAL_OF_READONLY));
  REQUIRE(ds);
  OGRLayer* l = ds->GetLayerByName(layer);
  REQUIRE(l);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& f : *l) {
    std::string first = f->GetFieldAsString(a);  // copied: OGR reuses the buffer
    out.emplace_back(std::move(first), f->GetFieldAsString(b));
  }
  return out;
}

double line_length(const Geometry& g) {
  GEOSContextHandle_t h = GEOS_init_r();
  double length = 0;
  GEOSLength_r(h, g.get(), &length);
  GEOS_finish_r(h);
  return length;
}

/// Upstream sets by breadth-first search over (code, downstream code) pairs.
std::map<std::string, std::set<std::string>> upstream_by_bfs(
    const std::vector<std::pair<std::string, std::string>>& links) {
  std::map<std::string, std::vector<std::string>> inflows;
  for (const auto& [code, down] : links) inflows[down].push_back(code);
  std::map<std::string, std::set<std::string>> out;
  for (const auto& [start, unused] : links) {
    std::set<std::string>& seen = out[start];
    std::vector<std::string> queue{start};
    seen.insert(start);
    for (std::size_t i = 0; i < queue.size(); ++i)
      for (const auto& up : inflows[queue[i]])
        if (seen.insert(up).second) queue.push_back(up);
  }
  return out;
}

}  // namespace

TEST_CASE("attribute network: links, upstream, downstream and main stem", "[network]") {
  TempDir dir;
  const Plan plan = grid_plan().load(dir);
  const DrainageNetwork net = build_network(plan);
  CHECK(net.source() == NetworkSource::attribute);
  const std::size_t a = *net.find_unit("A"), e = *net.find_unit("E"), f = *net.find_unit("F");
  CHECK(codes(plan, net.downstream(a)) == std::set<std::string>{"B"});
  CHECK(net.downstream(f).empty());  // OCEAN is not a unit: an outlet
  CHECK(codes(plan, net.inflows(e)) == std::set<std::string>{"B", "D"});
  CHECK(codes(plan, net.upstream(e)) == std::set<std::string>{"A", "B", "D", "E"});
  CHECK(codes(plan, net.upstream(f)).size() == 6);
  CHECK(codes(plan, net.downstream_units(a)) == std::set<std::string>{"A", "B", "E", "F"});
  std::vector<std::string> stem;
  for (const DownstreamStep& step : net.downstream_path(a)) {
    stem.push_back(plan.units[step.unit].code);
    CHECK_FALSE(step.distance_m);  // no rivers to measure along
  }
  CHECK(stem == std::vector<std::string>{"A", "B", "E", "F"});
  CHECK_FALSE(net.find_unit("OCEAN"));
}

TEST_CASE("sections close their unit; incremental catchments stop at other sections", "[network]") {
  TempDir dir;
  const Plan plan = grid_plan().load(dir);
  const DrainageNetwork net = build_network(plan);
  REQUIRE(net.sections().size() == 2);
  const std::size_t s1 = *net.find_section("S1"), s2 = *net.find_section("S2");
  CHECK(net.sections()[s1].target == "III");
  CHECK(plan.units[*net.sections()[s1].unit].code == "E");
  CHECK_FALSE(net.sections()[s1].snap_distance_m);  // no rivers
  CHECK(codes(plan, net.incremental_catchment(s1)) == std::set<std::string>{"A", "B", "D", "E"});
  CHECK(codes(plan, net.incremental_catchment(s2)) == std::set<std::string>{"C", "F"});
  CHECK(codes(plan, net.upstream_of_section(s2)).size() == 6);
  const auto all = net.incremental_catchments();
  CHECK(all[s1] == net.incremental_catchment(s1));
  CHECK(all[s2] == net.incremental_catchment(s2));
  CHECK(net.unassessed_units().empty());
}

TEST_CASE("units draining past no section are unassessed", "[network]") {
  TempDir dir;
  // C leaves the plan directly: it reaches no section.
  const Plan plan = grid_plan({{"C", ""}}).load(dir);
  const DrainageNetwork net = build_network(plan);
  CHECK(codes(plan, net.unassessed_units()) == std::set<std::string>{"C"});
}

TEST_CASE("walks stop on a cycle", "[network]") {
  TempDir dir;
  const Plan plan = grid_plan({{"E", "B"}}).load(dir);  // B→E→B
  const DrainageNetwork net = build_network(plan);
  const std::size_t a = *net.find_unit("A");
  CHECK(net.downstream_path(a).size() == 3);  // A, B, E, then B again: stop
  CHECK(codes(plan, net.downstream_units(a)) == std::set<std::string>{"A", "B", "E"});
  CHECK(codes(plan, net.upstream(*net.find_unit("B"))) ==
        std::set<std::string>{"A", "B", "D", "E"});
}

TEST_CASE("trace from a unit, a section and a point", "[network]") {
  TempDir dir;
  const Plan plan = grid_plan().load(dir);
  const DrainageNetwork net = build_network(plan);

  TraceQuery up;
  up.section = "S1";
  up.direction = TraceDirection::upstream;
  TraceResult r = trace(plan, net, up);
  CHECK(r.units == std::vector<std::string>{"A", "B", "D", "E"});
  CHECK(r.sections.empty());  // the section itself is not listed
  CHECK(r.townships == std::vector<std::string>{"T1", "T2"});
  CHECK(r.counties == std::vector<std::string>{"K1", "K2"});
  CHECK(r.area_km2 == Approx(4.0));

  TraceQuery down;
  down.point = std::array<double, 2>{kX0 + 500, kY0 - 500};  // in A
  r = trace(plan, net, down);
  CHECK(r.from_kind == "point");
  CHECK(r.from_code == "A");
  CHECK(r.units == std::vector<std::string>{"A", "B", "E", "F"});
  CHECK(r.sections == std::vector<std::string>{"S1", "S2"});
  REQUIRE(r.path.size() == 4);
  CHECK(r.path[2].sections.size() == 1);

  TraceQuery outside;
  outside.point = std::array<double, 2>{kX0 - 5000, kY0};
  r = trace(plan, net, outside);
  CHECK(r.location.outside_plan);
  CHECK(r.units.empty());

  TraceQuery unknown;
  unknown.unit = "Z9";
  CHECK_THROWS_WITH(trace(plan, net, unknown), Catch::Contains("'Z9'"));
}

TEST_CASE("real WBD HU12: upstream sets equal a search over TOHUC; no network findings",
          "[network]") {
  const Plan plan = load_plan(data_path("watersheds/wbd_network.yaml"));
  REQUIRE(plan.units.size() == 46);
  const DrainageNetwork net = build_network(plan);
  CHECK(net.source() == NetworkSource::attribute);
  const auto expected = upstream_by_bfs(field_pairs("wbd_hu12", "HUC12", "TOHUC"));
  REQUIRE(expected.size() == 46);
  for (std::size_t u = 0; u < plan.units.size(); ++u) {
    INFO(plan.units[u].code);
    CHECK(codes(plan, net.upstream(u)) == expected.at(plan.units[u].code));
  }
  // The Lower Navarro River gathers the nine Navarro HU12s 180101080401..409.
  const auto navarro = codes(plan, net.upstream(*net.find_unit("180101080409")));
  CHECK(navarro.size() == 9);
  CHECK(*navarro.begin() == "180101080401");
  // Every TOHUC outside the extract is a declared outlet, every HU12 touches its TOHUC.
  ValidateOptions only_network;
  only_network.only = {CheckGroup::network};
  const ValidationResult r = validate(plan, only_network);
  CHECK(r.findings.empty());
  CHECK(r.skipped == std::vector<std::string>{"network: sections: no sections layer"});
}

TEST_CASE("real HydroBASINS level 9: the area upstream of each basin is its UP_AREA within 1 %",
          "[network]") {
  const Plan plan = load_plan(data_path("watersheds/hydrobasins_network.yaml"));
  REQUIRE(plan.units.size() == 5);
  const DrainageNetwork net = build_network(plan);
  std::map<std::string, double> published;
  for (const auto& [id, up_area] : field_pairs("hydrobasins_lev09", "HYBAS_ID", "UP_AREA"))
    published[id] = std::stod(up_area);
  for (std::size_t u = 0; u < plan.units.size(); ++u) {
    double km2 = 0;  // EPSG:3310 is an equal-area projection: planar areas are true areas
    for (std::size_t up : net.upstream(u)) km2 += plan.units[up].geometry.area() / 1e6;
    INFO(plan.units[u].code);
    CHECK(km2 == Approx(published.at(plan.units[u].code)).epsilon(0.01));
  }
  // The outlet basin gathers all five; NEXT_DOWN 0 is the sea.
  CHECK(net.upstream(*net.find_unit("7090013880")).size() == 5);
  CHECK(net.downstream(*net.find_unit("7090013880")).empty());
}

TEST_CASE(
    "real NHDPlus catchments: the graph from flowline geometry equals the FromNode/ToNode "
    "graph",
    "[network]") {
  const Plan plan = load_plan(data_path("watersheds/nhdplus_network.yaml"));
  REQUIRE(plan.units.size() == 62);
  const DrainageNetwork net = build_network(plan);
  CHECK(net.source() == NetworkSource::rivers);
  // The node graph, read with OGR alone: COMID → the COMIDs whose FromNode is its ToNode;
  // each flowline's catchment has the flowline's COMID as its featureid.
  const auto from = field_pairs("nhdplus_flowlines", "COMID", "FromNode");
  const auto to = field_pairs("nhdplus_flowlines", "COMID", "ToNode");
  std::map<std::string, std::set<std::string>> expected;
  for (const auto& [comid, node] : to)
    for (const auto& [next, next_from] : from)
      if (next_from == node) expected[comid].insert(next);
  std::size_t links = 0;
  for (std::size_t u = 0; u < plan.units.size(); ++u) {
    INFO(plan.units[u].code);
    CHECK(codes(plan, net.downstream(u)) == expected[plan.units[u].code]);
    links += net.downstream(u).size();
  }
  CHECK(links == 61);  // a tree: every catchment but the outlet drains to one other

  // Along the main stem, the river distance to the outlet is the length of the flowlines
  // of the catchments passed (each catchment's flowline has its featureid as COMID).
  const auto path = net.downstream_path(*net.find_unit("5329375"));
  REQUIRE(path.size() == 9);
  double length = 0;
  for (const DownstreamStep& step : path)
    for (const PlanFeature& line : plan.layer("rivers"))
      if (line.attributes.count("comid") &&
          line.attributes.at("comid") == plan.units[step.unit].code)
        length += line_length(line.geometry);
  REQUIRE(path.back().distance_m);
  CHECK(*path.back().distance_m == Approx(length).epsilon(0.01));
}

TEST_CASE("validate: cycles, unknown and non-adjacent downstreams, unassessed units", "[network]") {
  TempDir dir;
  SECTION("clean grid: no network finding") {
    CHECK(network_findings(grid_plan().load(dir)).findings.empty());
  }
  SECTION("a cycle") {
    const auto r = network_findings(grid_plan({{"E", "B"}}).load(dir));
    const auto found = of_type(r, FindingType::network_cycle);
    REQUIRE(found.size() == 1);
    CHECK(found[0]->codes == std::vector<std::string>{"B", "E"});
    CHECK(found[0]->townships == std::vector<std::string>{"T1", "T2"});
  }
  SECTION("a unit draining to itself") {
    const auto r = network_findings(grid_plan({{"C", "C"}}).load(dir));
    const auto found = of_type(r, FindingType::network_cycle);
    REQUIRE(found.size() == 1);
    CHECK(found[0]->codes == std::vector<std::string>{"C"});
  }
  SECTION("an unknown code; the declared outlet is fine") {
    const auto r = network_findings(grid_plan({{"C", "OCEANX"}}).load(dir));
    const auto found = of_type(r, FindingType::downstream_unknown);
    REQUIRE(found.size() == 1);
    CHECK(found[0]->codes == std::vector<std::string>{"C", "OCEANX"});
    CHECK(found[0]->message.find("OCEANX") != std::string::npos);
    // C leaves the plan without a section now.
    const auto blind = of_type(r, FindingType::unassessed_units);
    REQUIRE(blind.size() == 1);
    CHECK(blind[0]->codes == std::vector<std::string>{"C"});
    CHECK(*blind[0]->area_m2 == Approx(1e6));
    CHECK(blind[0]->townships == std::vector<std::string>{"T2"});
  }
  SECTION("a downstream unit that does not touch") {
    const auto r = network_findings(grid_plan({{"A", "C"}}).load(dir));
    const auto found = of_type(r, FindingType::downstream_not_adjacent);
    REQUIRE(found.size() == 1);
    CHECK(found[0]->codes == std::vector<std::string>{"A", "C"});
    CHECK(*found[0]->distance_m == Approx(1000));
  }
}

TEST_CASE("river network: units linked where the rivers leave them, sections snapped",
          "[network]") {
  TempDir dir;
  const Plan plan = river_plan().load(dir);
  const DrainageNetwork net = build_network(plan);
  CHECK(net.source() == NetworkSource::rivers);
  std::map<std::string, std::set<std::string>> links;
  for (std::size_t u = 0; u < plan.units.size(); ++u)
    links[plan.units[u].code] = codes(plan, net.downstream(u));
  CHECK(links ==
        std::map<std::string, std::set<std::string>>{
            {"A", {"B"}}, {"B", {"C"}}, {"C", {"F"}}, {"D", {"E"}}, {"E", {"F"}}, {"F", {}}});
  // S1 snapped onto the river (20 m), in F; S9 too far from any river; S7 outside.
  const MonitoringSection& s1 = net.sections()[*net.find_section("S1")];
  CHECK(s1.snapped);
  CHECK(*s1.snap_distance_m == Approx(20).margin(1e-6));
  CHECK(s1.x == Approx(kX0 + 2500));
  CHECK(codes(plan, net.incremental_catchment(*net.find_section("S1"))) ==
        std::set<std::string>{"A", "B", "C", "E", "F"});
  // The main stem from A with river distances and the drinking-water zone in B.
  const auto path = net.downstream_path(*net.find_unit("A"));
  REQUIRE(path.size() == 4);
  const double expected_km[] = {0.5, 1.5, 2.5, 3.0};
  for (std::size_t i = 0; i < 4; ++i) {
    REQUIRE(path[i].distance_m);
    CHECK(*path[i].distance_m == Approx(expected_km[i] * 1000).margin(15));
  }
  CHECK(path[1].drinking_water_zones.size() == 1);
  CHECK(path[0].drinking_water_zones.empty());

  const auto r = network_findings(plan);
  const auto off = of_type(r, FindingType::section_off_river);
  REQUIRE(off.size() == 2);  // S7 (outside, far from rivers) and S9
  CHECK(off[1]->codes == std::vector<std::string>{"S9"});
  CHECK(*off[1]->distance_m == Approx(400 * std::sqrt(2.0)));  // to the tributary's source
  const auto outside = of_type(r, FindingType::section_outside_plan);
  REQUIRE(outside.size() == 1);
  CHECK(outside[0]->codes == std::vector<std::string>{"S7"});
  CHECK(of_type(r, FindingType::unassessed_units).empty());
}

TEST_CASE("downstream attribute and rivers that disagree", "[network]") {
  TempDir dir;
  // B says E; its river runs on into C. The attribute is the graph.
  const Plan plan = river_plan("downstream").load(dir);
  const DrainageNetwork net = build_network(plan);
  CHECK(net.source() == NetworkSource::attribute);
  const auto r = network_findings(plan);
  const auto found = of_type(r, FindingType::downstream_conflict);
  // A and C (empty attribute: outlets) disagree with their rivers too; B names E.
  std::set<std::string> at_fault;
  for (const Finding* f : found) at_fault.insert(f->codes.front());
  CHECK(at_fault == std::set<std::string>{"A", "B", "C", "D", "E"});
  for (const Finding* f : found)
    if (f->codes.front() == "B") CHECK(f->codes == std::vector<std::string>{"B", "C"});
}
