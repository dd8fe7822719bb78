// basinkit's benchmark workloads (DESIGN.md section 10). Each returns its row; run each in
// a child (bench_util.hpp in_child) so that its peak RSS is its own.
#pragma once

#include <basinkit/validate.hpp>

#include <map>
#include <set>
#include <string>

#include "bench_util.hpp"

namespace basinkit::bench {

/// Sites in an OGR source: the generated plan's sites layer, or a copy of part of it.
struct SitesFile {
  std::string path, layer;
  std::int64_t count = 0;
};

/// load_plan + validate (`only` empty = every group).
Row bench_validate(const std::string& workload, const std::string& manifest,
                   const std::set<CheckGroup>& only, int threads);

/// load_plan, then every site read through SiteReader (the GDAL reading alone).
Row bench_read(const std::string& workload, const std::string& manifest, const SitesFile& sites);

/// load_plan, then the unit (Locator, one per thread) of every site, read in chunks.
Row bench_locate(const std::string& workload, const std::string& manifest, const SitesFile& sites,
                 int threads);

/// load_plan + read_rules, then Screener, SiteReader, screen_stream and the JSON report
/// written to /dev/null.
Row bench_screen(const std::string& workload, const std::string& manifest, const SitesFile& sites,
                 const std::string& rules_path, int threads);

/// load_plan + read_rules, then list_rules_by_unit for every unit (一单元一清单) and its
/// JSON report written to /dev/null.
Row bench_rules_list(const std::string& workload, const std::string& manifest,
                     const std::string& rules_path, int threads);

/// load_plan, then build_network and every section's incremental catchment (区间).
Row bench_trace(const std::string& workload, const std::string& manifest);

/// load_plan + build_network, then read_monitoring and assess over `period` ("2026").
Row bench_assess(const std::string& workload, const std::string& manifest,
                 const std::string& monitoring, const std::string& period);

/// Rule files written by the bench into `dir`: the demo-shaped list (1 km river rule on
/// C26, drinking-water and red-line zone rules, a unit glob rule, a chemical-park permit)
std::string write_river_rules(const std::string& dir);

/// The three rules of issue 13's screen at the limit, each in a file of its own and all
/// together: `unit: ["*"]` (restrict), `near: {layer: rivers, within_m: 1000}` (prohibit),
/// `in: {layer: zones}` (prohibit). Keys "all", "unit", "river", "zone", "river_zone"
/// (all but the unit rule) → file path.
std::map<std::string, std::string> write_limit_rules(const std::string& dir);

/// The yardstick: a plain GEOS-C loop, no basinkit — the units read with OGR, a GEOS
/// STRtree over them, and on `threads` threads the units holding each site (prepared
/// geometries, one set per thread, point-in-polygon), the sites read with OGR first.
Row bench_geos_loop(const std::string& workload, const std::string& manifest,
                    const SitesFile& sites, int threads);

/// The near test alone, as a library call: for every site, is a main river within 1 km
/// (the rule's feature set, its segment index), sites read through SiteReader; beside
/// PostGIS's `EXISTS (… ST_DWithin …)` on subdivided rivers.
Row bench_near(const std::string& workload, const std::string& manifest, const SitesFile& sites,
               int threads);

/// Copies the first `count` features of `layer` of `source` into DIR/sites<count>.gpkg
/// (reused when present).
SitesFile first_sites(const std::string& source, const std::string& layer, std::int64_t count,
                      const std::string& dir);

}  // namespace basinkit::bench
