// Synthetic basin-plan generator for benchmarks and large-plan tests.
//
// Writes a clean plan of any size (an exact coverage of units nested in L3/L2/L1 basins, a
// plan-area boundary, townships drawn independently of the units, rivers, zones and optional
// point sites) plus its plan.yaml manifest (DESIGN.md section 4) and a generated.json summary.
// Deterministic for a seed. Uses GDAL/OGR and GEOS directly, never the basinkit library.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace basinkit::bench {

struct GeneratorOptions {
  int units = 1000;            // approx number of control units (100 .. 10000+)
  int vertices_per_edge = 20;  // interior vertices on each wiggled shared edge (150 -> ~6M at 10k)
  int townships = 0;           // 0 = units/50 (>= 4)
  int sites = 0;               // point sites to write (0 = none)
  std::uint64_t seed = 1;
  std::string format = "GPKG";  // "GPKG" (one plan.gpkg with layers) or "ESRI Shapefile"

  // Jurisdiction defects to inject (DESIGN.md section 5), recorded in GeneratedPlan::injected
  // and generated.json. All 0 (the default) writes exactly the plan written without them.
  // Exclaves and enclaves are cut as holes from interior townships (one host each; fewer are
  // injected when the plan has too few interior townships).
  int inject_exclaves = 0;           // a round part of another township fills a host's hole
  int inject_enclaves = 0;           // a new township fills a host's hole
  int inject_wrong_managers = 0;     // units managed by the township farthest from them
  int inject_unknown_townships = 0;  // units whose township code names no township

  // Drainage network (docs/network.md). With `network`, units get a DOWNSTREAM field (each
  // unit drains to an edge neighbour, towards the main river and along it east; one outlet
  // where it leaves the plan), the rivers layer a stream per unit (CLASS 'stream', drawn
  // along that graph), a `sections` layer holds `sections` monitoring sections at unit
  // outlets on the streams (the outlet unit's first, so every unit drains through one),
  // and OUT_DIR/monitoring.csv `monitoring_days` daily samples per section from 2026-01-01
  // (DO, CODMn, COD, BOD5, NH3-N, TP, TN in mg/L; 0 = no file). Off (the default) writes
  // exactly the plan written without it.
  bool network = false;
  int sections = 1000;
  int monitoring_days = 365;
};

// A detached part given to `township`, filling a hole of `host` (surrounded by it).
struct InjectedPart {
  std::string township, host;
  double area_m2 = 0;              // planar, EPSG:4547
  std::array<double, 2> centre{};  // a point inside the part
};

struct InjectedManager {
  std::string unit, township;  // the unit and the wrong (far away) township it now names
  std::string majority;        // the township holding most of the unit
};

struct InjectedUnknown {
  std::string unit, township;  // the unit and the code naming no township
};

struct InjectedDefects {
  std::vector<InjectedPart> exclaves;  // `township` gets a part inside `host`
  std::vector<InjectedPart> enclaves;  // `township` is a new township inside `host`
  std::vector<InjectedManager> wrong_managers;
  std::vector<InjectedUnknown> unknown_townships;
};

struct GeneratedPlan {
  std::string manifest_path;  // OUT_DIR/plan.yaml
  std::string rules_path;     // OUT_DIR/rules.yaml: a demo-shaped rule list for this plan
  int units = 0, l3 = 0, l2 = 0, l1 = 0, townships = 0, sites = 0;
  double plan_area_m2 = 0;    // planar area of the boundary polygon in EPSG:4547
  std::int64_t vertices = 0;  // vertices of the units layer (closing vertices included)
  // Extras for benchmarks.
  int counties = 0, rivers = 0, zones = 0;
  int nx = 0, ny = 0;              // unit grid (units == nx * ny)
  double cell_m = 0;               // nominal cell size
  std::array<double, 4> extent{};  // plan extent: min x, min y, max x, max y (EPSG:4547)
  std::string sites_source;  // relative to OUT_DIR ("plan.gpkg" or "sites.shp"); empty if none
  std::string sites_layer;   // "sites"
  InjectedDefects injected;  // empty unless GeneratorOptions::inject_* were set
  // With GeneratorOptions::network:
  std::string outlet_unit;      // code of the unit whose water leaves the plan
  int sections = 0;             // monitoring sections written
  std::string monitoring_path;  // OUT_DIR/monitoring.csv; empty if none
  std::int64_t monitoring_rows = 0;
};

// Generates the plan into out_dir (created if missing; existing plan files are overwritten).
// Throws std::runtime_error on failure.
GeneratedPlan generate_plan(const std::string& out_dir, const GeneratorOptions& options);

}  // namespace basinkit::bench
