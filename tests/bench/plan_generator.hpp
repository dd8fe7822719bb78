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

namespace basinkit::bench {

struct GeneratorOptions {
  int units = 1000;            // approx number of control units (100 .. 10000+)
  int vertices_per_edge = 20;  // interior vertices on each wiggled shared edge (150 -> ~6M at 10k)
  int townships = 0;           // 0 = units/50 (>= 4)
  int sites = 0;               // point sites to write (0 = none)
  std::uint64_t seed = 1;
  std::string format = "GPKG";  // "GPKG" (one plan.gpkg with layers) or "ESRI Shapefile"
};

struct GeneratedPlan {
  std::string manifest_path;  // OUT_DIR/plan.yaml
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
};

// Generates the plan into out_dir (created if missing; existing plan files are overwritten).
// Throws std::runtime_error on failure.
GeneratedPlan generate_plan(const std::string& out_dir, const GeneratorOptions& options);

}  // namespace basinkit::bench
