// basinkit-generate-plan OUT_DIR [--units N] [--vertices-per-edge K] [--townships T]
//                        [--sites S] [--seed X] [--format gpkg|shp]
//                        [--network [--sections N] [--monitoring-days D]]
// Writes a synthetic, clean basin plan (plan.yaml + layers + generated.json) into OUT_DIR.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <string>

#include "plan_generator.hpp"

int main(int argc, char** argv) {
  basinkit::bench::GeneratorOptions options;
  std::string out_dir;
  std::string format = "gpkg";
  CLI::App app{"Generate a synthetic basin plan (exact coverage) for basinkit benchmarks"};
  app.add_option("OUT_DIR", out_dir, "output directory (created if missing)")->required();
  app.add_option("--units", options.units, "approximate number of control units")
      ->check(CLI::Range(4, 10000000));
  app.add_option("--vertices-per-edge", options.vertices_per_edge,
                 "interior vertices on each wiggled edge")
      ->check(CLI::Range(0, 100000));
  app.add_option("--townships", options.townships, "approximate number of townships (0 = units/50)")
      ->check(CLI::Range(0, 1000000));
  app.add_option("--sites", options.sites, "number of point sites to write")
      ->check(CLI::Range(0, 200000000));
  app.add_option("--seed", options.seed, "random seed");
  app.add_flag("--network", options.network,
               "units drain to a downstream unit; streams, monitoring sections and a year of "
               "daily monitoring (monitoring.csv)");
  app.add_option("--sections", options.sections, "monitoring sections with --network")
      ->check(CLI::Range(1, 10000000));
  app.add_option("--monitoring-days", options.monitoring_days,
                 "daily monitoring rows per section from 2026-01-01 (0 = none)")
      ->check(CLI::Range(0, 100000));
  app.add_option("--format", format, "gpkg or shp")
      ->check(CLI::IsMember({"gpkg", "shp", "GPKG", "ESRI Shapefile"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  options.format = (format == "shp" || format == "ESRI Shapefile") ? "ESRI Shapefile" : "GPKG";

  try {
    const auto start = std::chrono::steady_clock::now();
    const basinkit::bench::GeneratedPlan plan = basinkit::bench::generate_plan(out_dir, options);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fmt::print("{}\n", plan.manifest_path);
    fmt::print("  units      {} ({} x {} grid, {} m cells), {} vertices\n", plan.units, plan.nx,
               plan.ny, plan.cell_m, plan.vertices);
    fmt::print("  basins     L1 {}, L2 {}, L3 {}\n", plan.l1, plan.l2, plan.l3);
    fmt::print("  townships  {} in {} counties\n", plan.townships, plan.counties);
    fmt::print("  rivers {}, zones {}, sites {}{}\n", plan.rivers, plan.zones, plan.sites,
               plan.sites > 0 ? fmt::format(" ({} layer {})", plan.sites_source, plan.sites_layer)
                              : std::string());
    if (!plan.outlet_unit.empty())
      fmt::print("  network    outlet {}, {} sections, {} monitoring rows{}\n", plan.outlet_unit,
                 plan.sections, plan.monitoring_rows,
                 plan.monitoring_path.empty() ? "" : " (" + plan.monitoring_path + ")");
    fmt::print("  plan area  {:.3f} km2, extent [{:.1f}, {:.1f}, {:.1f}, {:.1f}] EPSG:4547\n",
               plan.plan_area_m2 / 1e6, plan.extent[0], plan.extent[1], plan.extent[2],
               plan.extent[3]);
    fmt::print("  generated in {:.2f} s\n", seconds);
    return 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "basinkit-generate-plan: {}\n", e.what());
    return 3;
  }
}
