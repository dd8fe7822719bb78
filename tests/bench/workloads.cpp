#include "workloads.hpp"

#include <basinkit/assessment.hpp>
#include <basinkit/locate.hpp>
#include <basinkit/network.hpp>
#include <basinkit/plan.hpp>
#include <basinkit/report.hpp>
#include <basinkit/rules.hpp>
#include <basinkit/screening.hpp>
#include <basinkit/screening_report.hpp>
#include <basinkit/unit_lists.hpp>

#include <fmt/format.h>
#include <gdal_priv.h>
#include <gdal_utils.h>
#include <geos_c.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <thread>

#include "screening/compiled_rules.hpp"

namespace basinkit::bench {
namespace {

int thread_count(int threads) {
  return threads > 0 ? threads
                     : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

/// Items [0, items) in `n` contiguous parts, part k handled by part(k, begin, end) on a
/// thread of its own (part 0 on this one); the sum of what the parts return.
template <typename Part>
std::int64_t on_threads(size_t items, int n, Part&& part) {
  std::vector<std::int64_t> sums(static_cast<size_t>(n), 0);
  auto run = [&](int k) {
    sums[static_cast<size_t>(k)] =
        part(k, items * static_cast<size_t>(k) / static_cast<size_t>(n),
             items * static_cast<size_t>(k + 1) / static_cast<size_t>(n));
  };
  std::vector<std::thread> workers;
  for (int k = 1; k < n; ++k) workers.emplace_back(run, k);
  run(0);
  for (auto& w : workers) w.join();
  std::int64_t total = 0;
  for (std::int64_t v : sums) total += v;
  return total;
}

SiteSource source_of(const SitesFile& sites) {
  SiteSource s;
  s.path = sites.path;
  s.layer = sites.layer;
  return s;
}

/// An empty row of `tool` for `workload`.
Row new_row(const std::string& workload, const char* tool = "basinkit") {
  Row row;
  row.workload = workload;
  row.tool = tool;
  return row;
}

/// Closes a row whose work began at `work_start` (its load_s already set): work and wall
/// time, then the process's peak memory and CPU so far.
void finish(Row& row, Clock::time_point work_start) {
  row.work_s = seconds_since(work_start);
  row.wall_s = row.load_s + row.work_s;
  row.peak_mib = peak_rss_mib();
  row.cpu_s = cpu_seconds();
}

}  // namespace

Row bench_validate(const std::string& workload, const std::string& manifest,
                   const std::set<CheckGroup>& only, int threads) {
  Row row = new_row(workload);
  const auto t0 = Clock::now();
  const Plan plan = load_plan(manifest);
  row.load_s = seconds_since(t0);
  const auto t1 = Clock::now();
  ValidateOptions options;
  options.threads = threads;
  options.only = only;
  const ValidationResult r = validate(plan, options);
  finish(row, t1);
  std::int64_t errors = 0;
  for (const auto& f : r.findings) errors += f.severity == Severity::error;
  row.note = fmt::format("{} units, {} townships; errors {} / findings {}", plan.units.size(),
                         plan.townships.size(), errors, r.findings.size());
  return row;
}

Row bench_read(const std::string& workload, const std::string& manifest, const SitesFile& sites) {
  Row row = new_row(workload);
  const auto t0 = Clock::now();
  const Plan plan = load_plan(manifest);
  row.load_s = seconds_since(t0);
  const auto t1 = Clock::now();
  SiteReader reader(source_of(sites), plan.working_crs);
  std::vector<std::string> errors;
  for (;;) {
    const std::vector<Site> chunk = reader.next(4096, &errors);
    if (chunk.empty()) break;
    row.sites += static_cast<std::int64_t>(chunk.size());
  }
  finish(row, t1);
  row.note = fmt::format("load_plan {:.2f} s, SiteReader (all sites, one thread) {:.2f} s",
                         row.load_s, row.work_s);
  return row;
}

Row bench_locate(const std::string& workload, const std::string& manifest, const SitesFile& sites,
                 int threads) {
  Row row = new_row(workload);
  const auto t0 = Clock::now();
  const Plan plan = load_plan(manifest);
  row.load_s = seconds_since(t0);
  const auto t1 = Clock::now();
  const int n = thread_count(threads);
  // One locator for all threads: point queries share it, as the Screener's do.
  const Locator locator(plan);
  SiteReader reader(source_of(sites), plan.working_crs);
  std::vector<std::string> errors;
  std::int64_t in_units = 0;
  for (;;) {
    const std::vector<Site> chunk = reader.next(4096, &errors);
    if (chunk.empty()) break;
    row.sites += static_cast<std::int64_t>(chunk.size());
    in_units += on_threads(chunk.size(), n, [&](int, size_t begin, size_t end) {
      std::int64_t found = 0;
      for (size_t i = begin; i < end; ++i)
        found += locator.locate(chunk[i].geometry).unit.has_value();
      return found;
    });
  }
  finish(row, t1);
  row.note = fmt::format("{} threads; {} of {} sites in a unit", n, in_units, row.sites);
  return row;
}

Row bench_screen(const std::string& workload, const std::string& manifest, const SitesFile& sites,
                 const std::string& rules_path, int threads) {
  Row row = new_row(workload);
  const auto t0 = Clock::now();
  const Plan plan = load_plan(manifest);
  std::vector<RuleFile> files;
  files.push_back(read_rules(rules_path));
  row.load_s = seconds_since(t0);
  const auto t1 = Clock::now();
  const Screener screener(plan, std::move(files));
  const double compile_s = seconds_since(t1);
  // As `basinkit screen` does; load_plan has hashed the plan's files while it read them.
  const auto t2 = Clock::now();
  const Provenance provenance = plan_provenance(plan, "basinkit-bench screen");
  const double provenance_s = seconds_since(t2);
  std::ofstream devnull("/dev/null", std::ios::binary);
  std::unique_ptr<ScreeningWriter> writer = json_screening_writer(devnull, provenance, plan);
  SiteReader reader(source_of(sites), plan.working_crs);
  ScreeningSummary summary;
  StreamOptions options;
  options.threads = threads;
  row.sites = screen_stream(
      screener, reader,
      [&](const Site& site, const SiteResult& r) {
        summary.add(r.verdict);
        writer->write(site, r);
      },
      options);
  writer->finish(summary);
  finish(row, t1);
  row.note = fmt::format(
      "{} threads; compile {:.2f} s, provenance {:.2f} s; {} prohibited, {} "
      "restricted, {} permitted",
      thread_count(threads), compile_s, provenance_s, summary.prohibited, summary.restricted,
      summary.permitted);
  return row;
}

Row bench_rules_list(const std::string& workload, const std::string& manifest,
                     const std::string& rules_path, int threads) {
  Row row = new_row(workload);
  const auto t0 = Clock::now();
  const Plan plan = load_plan(manifest);
  const std::vector<RuleFile> files = {read_rules(rules_path)};
  row.load_s = seconds_since(t0);
  const auto t1 = Clock::now();
  UnitListOptions options;
  options.threads = threads;
  const UnitLists lists = list_rules_by_unit(plan, files, options);
  const double list_s = seconds_since(t1);
  UnitListReport report;
  report.lists = &lists;
  report.plan = &plan;
  std::ofstream devnull("/dev/null", std::ios::binary);
  write_unit_lists_json(report, devnull);
  finish(row, t1);
  size_t listed = 0, whole = 0;
  for (const UnitList& u : lists.units)
    for (const ListedRule& l : u.rules) {
      ++listed;
      whole += l.whole_unit;
    }
  row.note = fmt::format("{} threads; lists {:.2f} s; {} units, {} rules listed ({} whole-unit)",
                         thread_count(threads), list_s, lists.units.size(), listed, whole);
  return row;
}

Row bench_trace(const std::string& workload, const std::string& manifest) {
  Row row = new_row(workload);
  const auto t0 = Clock::now();
  const Plan plan = load_plan(manifest);
  row.load_s = seconds_since(t0);
  const auto t1 = Clock::now();
  const DrainageNetwork network = build_network(plan);
  const double network_s = seconds_since(t1);
  const auto t2 = Clock::now();
  const std::vector<std::vector<std::size_t>> catchments = network.incremental_catchments();
  const double catchments_s = seconds_since(t2);
  finish(row, t1);
  std::size_t in_catchments = 0;
  for (const auto& c : catchments) in_catchments += c.size();
  row.note = fmt::format(
      "{} units, {} sections: network {:.3f} s, all incremental catchments {:.3f} s; {} units "
      "in them",
      plan.units.size(), network.sections().size(), network_s, catchments_s, in_catchments);
  return row;
}

Row bench_assess(const std::string& workload, const std::string& manifest,
                 const std::string& monitoring, const std::string& period) {
  Row row = new_row(workload);
  const auto t0 = Clock::now();
  const Plan plan = load_plan(manifest);
  row.load_s = seconds_since(t0);
  const auto t1 = Clock::now();
  const DrainageNetwork network = build_network(plan);
  const double network_s = seconds_since(t1);
  const auto t2 = Clock::now();
  const AssessmentConfig config = default_assessment_config();
  std::set<std::string> codes;
  for (const MonitoringSection& s : network.sections()) codes.insert(s.code);
  const MonitoringData data = read_monitoring(monitoring, config, codes);
  const double read_s = seconds_since(t2);
  const auto t3 = Clock::now();
  const AssessmentResult r = assess(plan, network, data, parse_period(period), config);
  const double assess_s = seconds_since(t3);
  finish(row, t1);
  row.note = fmt::format(
      "{} sections, {} samples: network {:.3f} s, reading {:.3f} s, assessment {:.3f} s; green "
      "{}, yellow {}, red {}",
      r.sections.size(), data.samples.size(), network_s, read_s, assess_s, r.green, r.yellow,
      r.red);
  return row;
}

std::string write_river_rules(const std::string& dir) {
  const std::string path = (std::filesystem::path(dir) / "bench_river_rules.yaml").string();
  write_file(path, R"(# basinkit-bench: every site, within 1 km of a main river?
name: bench river rule
level: city
rules:
  - id: R-1
    list: negative
    effect: prohibit
    title: within 1 km of the main river
    basis: bench
    scope:
      near: { layer: rivers, where: "CLASS = 'main'", within_m: 1000 }
)");
  return path;
}

std::map<std::string, std::string> write_limit_rules(const std::string& dir) {
  const std::map<std::string, std::string> rules = {{"unit", R"(  - id: R-UNIT
    list: negative
    effect: restrict
    title: every unit
    basis: bench
    scope: { unit: ["*"] }
)"},
                                                    {"river", R"(  - id: R-RIVER
    list: negative
    effect: prohibit
    title: within 1 km of a river
    basis: bench
    scope: { near: { layer: rivers, within_m: 1000 } }
)"},
                                                    {"zone", R"(  - id: R-ZONE
    list: negative
    effect: prohibit
    title: in a zone
    basis: bench
    scope: { in: { layer: zones } }
)"}};
  std::map<std::string, std::string> paths;
  auto write = [&](const std::string& key, const std::string& text) {
    paths[key] = (std::filesystem::path(dir) / fmt::format("bench_limit_{}.yaml", key)).string();
    write_file(paths[key], "name: bench " + key + "\nlevel: city\nrules:\n" + text);
  };
  for (const auto& [key, rule] : rules) write(key, rule);
  write("all", rules.at("unit") + rules.at("river") + rules.at("zone"));
  write("river_zone", rules.at("river") + rules.at("zone"));  // what the unit rule adds to
  return paths;
}

Row bench_geos_loop(const std::string& workload, const std::string& manifest,
                    const SitesFile& sites, int threads) {
  Row row = new_row(workload, "GEOS-C loop");
  const auto t0 = Clock::now();
  GDALAllRegister();
  const std::string gpkg = (std::filesystem::path(manifest).parent_path() / "plan.gpkg").string();
  GEOSContextHandle_t h = GEOS_init_r();
  std::vector<GEOSGeometry*> units;
  {
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open(gpkg.c_str(), GDAL_OF_VECTOR));
    if (!ds) throw std::runtime_error("cannot open " + gpkg);
    OGRLayer* layer = ds->GetLayerByName("units");
    std::vector<unsigned char> wkb;
    for (auto& f : *layer) {
      const OGRGeometry* g = f->GetGeometryRef();
      if (!g) continue;
      wkb.resize(static_cast<size_t>(g->WkbSize()));
      g->exportToWkb(wkbNDR, wkb.data());
      units.push_back(GEOSGeomFromWKB_buf_r(h, wkb.data(), wkb.size()));
    }
  }
  GEOSSTRtree* tree = GEOSSTRtree_create_r(h, 10);
  for (size_t i = 0; i < units.size(); ++i)
    GEOSSTRtree_insert_r(h, tree, units[i], reinterpret_cast<void*>(i));
  row.load_s = seconds_since(t0);
  const auto t1 = Clock::now();
  std::vector<double> xy;
  {
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open(sites.path.c_str(), GDAL_OF_VECTOR));
    if (!ds) throw std::runtime_error("cannot open " + sites.path);
    for (auto& f : *ds->GetLayerByName(sites.layer.c_str())) {
      const OGRGeometry* g = f->GetGeometryRef();
      if (!g || wkbFlatten(g->getGeometryType()) != wkbPoint) continue;
      xy.push_back(g->toPoint()->getX());
      xy.push_back(g->toPoint()->getY());
    }
  }
  row.sites = static_cast<std::int64_t>(xy.size() / 2);
  {  // GEOS builds the tree on the first query: before the threads share it.
    GEOSGeometry* probe = GEOSGeom_createPointFromXY_r(h, 0, 0);
    GEOSSTRtree_query_r(
        h, tree, probe, [](void*, void*) {}, nullptr);
    GEOSGeom_destroy_r(h, probe);
  }
  const int n = thread_count(threads);
  const std::int64_t in_units = on_threads(xy.size() / 2, n, [&](int, size_t begin, size_t end) {
    GEOSContextHandle_t c = GEOS_init_r();
    std::vector<const GEOSPreparedGeometry*> prepared(units.size(), nullptr);
    struct Query {
      GEOSContextHandle_t c;
      const std::vector<GEOSGeometry*>* units;
      std::vector<const GEOSPreparedGeometry*>* prepared;
      GEOSGeometry* point;
      bool hit;
    } q{c, &units, &prepared, nullptr, false};
    std::int64_t found = 0;
    for (size_t i = begin; i < end; ++i) {
      q.point = GEOSGeom_createPointFromXY_r(c, xy[2 * i], xy[2 * i + 1]);
      q.hit = false;
      GEOSSTRtree_query_r(
          c, tree, q.point,
          [](void* item, void* data) {
            auto* q = static_cast<Query*>(data);
            const size_t u = reinterpret_cast<size_t>(item);
            if (q->hit) return;
            if (!(*q->prepared)[u]) (*q->prepared)[u] = GEOSPrepare_r(q->c, (*q->units)[u]);
            q->hit = GEOSPreparedIntersects_r(q->c, (*q->prepared)[u], q->point) == 1;
          },
          &q);
      found += q.hit;
      GEOSGeom_destroy_r(c, q.point);
    }
    for (const GEOSPreparedGeometry* p : prepared)
      if (p) GEOSPreparedGeom_destroy_r(c, p);
    GEOS_finish_r(c);
    return found;
  });
  finish(row, t1);
  GEOSSTRtree_destroy_r(h, tree);
  for (GEOSGeometry* g : units) GEOSGeom_destroy_r(h, g);
  GEOS_finish_r(h);
  row.note = fmt::format("{} threads; {} of {} sites in a unit (OGR read, STRtree, prepared)", n,
                         in_units, row.sites);
  return row;
}

Row bench_near(const std::string& workload, const std::string& manifest, const SitesFile& sites,
               int threads) {
  Row row = new_row(workload);
  const auto t0 = Clock::now();
  const Plan plan = load_plan(manifest);
  std::vector<RuleFile> files;
  files.push_back(read_rules(write_river_rules(std::filesystem::path(manifest).parent_path())));
  const screening::CompiledRules compiled(plan, files);  // the rule's rivers and their index
  const screening::FeatureSet& rivers = *compiled.sets().front();
  row.load_s = seconds_since(t0);
  const auto t1 = Clock::now();
  const int n = thread_count(threads);
  SiteReader reader(source_of(sites), plan.working_crs);
  std::vector<std::string> errors;
  std::int64_t total = 0;
  double test_s = 0;
  GEOSContextHandle_t h = geos::context();
  for (;;) {
    const std::vector<Site> chunk = reader.next(65536, &errors);
    if (chunk.empty()) break;
    row.sites += static_cast<std::int64_t>(chunk.size());
    std::vector<double> xy(2 * chunk.size());
    for (size_t i = 0; i < chunk.size(); ++i) {
      GEOSGeomGetX_r(h, chunk[i].geometry.get(), &xy[2 * i]);
      GEOSGeomGetY_r(h, chunk[i].geometry.get(), &xy[2 * i + 1]);
    }
    const auto tested = Clock::now();
    total += on_threads(chunk.size(), n, [&](int, size_t begin, size_t end) {
      std::int64_t near = 0;
      for (size_t i = begin; i < end; ++i)
        near += rivers.within(nullptr, &xy[2 * i], 1000, nullptr).hit;
      return near;
    });
    test_s += seconds_since(tested);  // the test alone, to set beside PostGIS's query
  }
  finish(row, t1);
  row.note = fmt::format(
      "{} threads; FeatureSet::within of every site (no locate, no report): the test "
      "{:.2f} s, reading the sites the rest; {} within 1 km of a main river",
      n, test_s, total);
  return row;
}

SitesFile first_sites(const std::string& source, const std::string& layer, std::int64_t count,
                      const std::string& dir) {
  SitesFile out;
  out.path = (std::filesystem::path(dir) / fmt::format("sites{}.gpkg", count)).string();
  out.layer = "sites";
  out.count = count;
  if (std::filesystem::exists(out.path)) return out;
  GDALAllRegister();
  GDALDatasetH src = GDALOpenEx(source.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
  if (!src) throw std::runtime_error("cannot open " + source);
  const std::string limit = std::to_string(count);
  const char* argv[] = {"-f",   "GPKG",  "-limit",      limit.c_str(),
                        "-nln", "sites", layer.c_str(), nullptr};
  GDALVectorTranslateOptions* options =
      GDALVectorTranslateOptionsNew(const_cast<char**>(argv), nullptr);
  const std::string tmp = out.path + ".tmp.gpkg";
  int error = 0;
  GDALDatasetH dst = GDALVectorTranslate(tmp.c_str(), nullptr, 1, &src, options, &error);
  GDALVectorTranslateOptionsFree(options);
  GDALClose(src);
  if (!dst || error) throw std::runtime_error("cannot write " + tmp);
  GDALClose(dst);
  std::filesystem::rename(tmp, out.path);
  return out;
}

}  // namespace basinkit::bench
