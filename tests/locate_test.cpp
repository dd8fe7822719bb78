#include <basinkit/locate.hpp>
#include <basinkit/plan.hpp>

#include <catch2/catch.hpp>

#include "fixtures.hpp"

using namespace basinkit;
using namespace basinkit::test;

namespace {

/// Units written in the order B, C, A so that "smallest code" differs from input order.
std::string write_plan(const TempDir& dir, bool with_boundary) {
  write_layer(dir / "p.gpkg", {"GPKG",
                               "units",
                               "EPSG:4547",
                               {"code", "basin", "township"},
                               {{{"B", "L", "T2"}, box(10, 0, 20, 10)},
                                {{"C", "L", "T2"}, box(0, 10, 20, 20)},
                                {{"A", "L", "T1"}, box(0, 0, 10, 10)}}});
  write_layer(dir / "p.gpkg",
              {"GPKG",
               "townships",
               "EPSG:4547",
               {"code", "county"},
               {{{"T2", "C2"}, box(10, 0, 20, 20)}, {{"T1", "C1"}, box(0, 0, 10, 20)}}});
  write_layer(dir / "p.gpkg", {"GPKG",
                               "basins",
                               "EPSG:4547",
                               {"code", "level", "parent"},
                               {{{"L", "1", ""}, box(0, 0, 20, 20)}}});
  write_layer(dir / "p.gpkg", {"GPKG", "boundary", "EPSG:4547", {}, {{{}, box(0, 0, 20, 20)}}});
  std::string manifest =
      "crs: EPSG:4547\nlayers:\n  units: { source: p.gpkg, layer: units }\n"
      "  townships: { source: p.gpkg, layer: townships }\n"
      "  basins: { source: p.gpkg, layer: basins }\n";
  if (with_boundary) manifest += "  boundary: { source: p.gpkg, layer: boundary }\n";
  write_text(dir / "plan.yaml", manifest);
  return dir / "plan.yaml";
}

}  // namespace

TEST_CASE("A point inside a unit names the unit, its manager, township, county and basins") {
  TempDir dir;
  const Plan plan = load_plan(write_plan(dir, true));
  const Location loc = Locator(plan).locate(15, 5);
  CHECK(loc.unit == std::optional<std::string>("B"));
  CHECK(loc.manager == std::optional<std::string>("T2"));
  CHECK(loc.township == std::optional<std::string>("T2"));
  CHECK(loc.county == std::optional<std::string>("C2"));
  CHECK(loc.basins.at(1) == std::optional<std::string>("L"));
  CHECK_FALSE(loc.outside_plan);
}

TEST_CASE("Manager and township differ on interleaved territory") {
  TempDir dir;
  const Plan plan = load_plan(write_plan(dir, true));
  const Location loc = Locator(plan).locate(5, 15);  // unit C (manager T2) in township T1
  CHECK(loc.unit == std::optional<std::string>("C"));
  CHECK(loc.manager == std::optional<std::string>("T2"));
  CHECK(loc.township == std::optional<std::string>("T1"));
}

TEST_CASE("A point on a shared border is located in the unit with the smallest code") {
  TempDir dir;
  const Plan plan = load_plan(write_plan(dir, true));
  const Locator locator(plan);
  CHECK(locator.locate(10, 5).unit == std::optional<std::string>("A"));   // A | B
  CHECK(locator.locate(15, 10).unit == std::optional<std::string>("B"));  // B | C
  CHECK(locator.locate(10, 10).unit == std::optional<std::string>("A"));  // A, B, C corner
  CHECK(locator.locate(10, 15).township == std::optional<std::string>("T1"));
}

TEST_CASE("A point outside the plan gets nulls and outside_plan") {
  for (bool with_boundary : {true, false}) {
    TempDir dir;
    const Plan plan = load_plan(write_plan(dir, with_boundary));
    const Location loc = Locator(plan).locate(100, 100);
    CHECK_FALSE(loc.unit);
    CHECK_FALSE(loc.township);
    CHECK_FALSE(loc.basins.at(1));
    CHECK(loc.outside_plan);
  }
}
