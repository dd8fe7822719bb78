// basinkit-bench: wall time and peak memory of basinkit's workloads on generated plans,
// side by side with PostGIS (DESIGN.md section 10, docs/performance.md). Each basinkit
// workload runs in a child process so that its peak RSS is its own. Run by hand or as a
// separate CI step; tests never assert timings.
//
//   basinkit-bench all --postgis            # everything, one table (docs/performance.md)
//   basinkit-bench validate --units 1000,10000
//   basinkit-bench screen --sites 100000,1000000 --threads 2
//   basinkit-bench locate --sites 1000000
//   basinkit-bench trace --units 10000 --sections 1000
//   basinkit-bench assess --units 10000 --sections 1000 --days 365
//   basinkit-bench rules-list --units 10000 --sites 0 --threads 2
//   basinkit-bench limit --sites 1000000     # issue 13's three rules, GEOS-C loop, near alone
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <malloc.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "plan_generator.hpp"
#include "workloads.hpp"

#ifndef BASINKIT_BENCH_DIR
#define BASINKIT_BENCH_DIR "tests/bench"
#endif

namespace {

using namespace basinkit::bench;
namespace fs = std::filesystem;

struct Options {
  std::vector<int> units = {1000, 10000};
  std::vector<std::int64_t> sites = {100000, 1000000};
  int vertices_per_edge = 150;
  int townships = 200;
  int threads = 0;
  int runs = 3;
  int sections = 1000;  // trace, assess: monitoring sections of the generated plan
  int days = 365;       // assess: daily monitoring rows per section
  bool postgis = false;
  std::string dir = (fs::temp_directory_path() / "basinkit-bench").string();
  std::string postgis_script = std::string(BASINKIT_BENCH_DIR) + "/postgis_bench.sh";
};

/// "1M", "100k", "10k" for labels.
std::string count_label(std::int64_t n) {
  if (n >= 1000000 && n % 1000000 == 0) return fmt::format("{}M", n / 1000000);
  if (n >= 1000 && n % 1000 == 0) return fmt::format("{}k", n / 1000);
  return std::to_string(n);
}

/// The generated plan of these options, reused when DIR/generated.json says it was
/// written with the same options (generation takes a while at 10k units and 1M sites).
GeneratedPlan plan_for(const Options& o, int units, std::int64_t sites) {
  const std::string out =
      fmt::format("{}/units{}-v{}-t{}-s{}", o.dir, units, o.vertices_per_edge, o.townships, sites);
  std::ifstream in(out + "/generated.json");
  std::stringstream text;
  text << in.rdbuf();
  const std::string json = text.str();
  const std::string options = fmt::format(
      "\"options\": {{\"units\": {}, \"vertices_per_edge\": {}, \"townships\": {}, "
      "\"sites\": {}}}",
      units, o.vertices_per_edge, o.townships, sites);
  std::smatch counts, vertices;
  if (json.find(options) != std::string::npos && json.find("\"seed\": 1,") != std::string::npos &&
      json.find("\"format\": \"GPKG\"") != std::string::npos &&
      std::regex_search(
          json, counts,
          std::regex(R"("counts": \{"units": (\d+).*"townships": (\d+).*"sites": (\d+)\})")) &&
      std::regex_search(json, vertices, std::regex(R"("vertices": \{"units": (\d+))")) &&
      fs::exists(out + "/rules.yaml")) {
    GeneratedPlan g;
    g.manifest_path = out + "/plan.yaml";
    g.rules_path = out + "/rules.yaml";
    g.units = std::stoi(counts[1]);
    g.townships = std::stoi(counts[2]);
    g.sites = std::stoi(counts[3]);
    g.vertices = std::stoll(vertices[1]);
    g.sites_source = "plan.gpkg";
    g.sites_layer = "sites";
    fmt::print(stderr, "reusing {} ({} units, {} vertices, {} sites)\n", out, g.units, g.vertices,
               g.sites);
    return g;
  }
  GeneratorOptions go;
  go.units = units;
  go.vertices_per_edge = o.vertices_per_edge;
  go.townships = o.townships;
  go.sites = static_cast<int>(sites);
  const auto t0 = Clock::now();
  GeneratedPlan g = generate_plan(out, go);
  fmt::print(stderr, "generated {} ({} units, {} vertices, {} sites) in {:.1f} s\n", out, g.units,
             g.vertices, g.sites, seconds_since(t0));
  return g;
}

/// The generated plan with a drainage network (sections and daily monitoring), reused when
/// its generated.json says it was written with the same options.
GeneratedPlan network_plan_for(const Options& o, int units) {
  const std::string out = fmt::format("{}/units{}-v{}-t{}-net{}-d{}", o.dir, units,
                                      o.vertices_per_edge, o.townships, o.sections, o.days);
  std::ifstream in(out + "/generated.json");
  std::stringstream text;
  text << in.rdbuf();
  const std::string json = text.str();
  std::smatch m;
  if (json.find(fmt::format("\"units\": {}, \"vertices_per_edge\": {}, \"townships\": {},", units,
                            o.vertices_per_edge, o.townships)) != std::string::npos &&
      std::regex_search(json, m,
                        std::regex(R"re("network": \{"outlet": "(\w+)", "sections": (\d+), .*)re"
                                   R"re("monitoring_rows": (\d+)\})re")) &&
      std::stoi(m[2]) == o.sections &&
      std::stoll(m[3]) == static_cast<std::int64_t>(o.sections) * o.days &&
      fs::exists(out + "/monitoring.csv")) {
    GeneratedPlan g;
    g.manifest_path = out + "/plan.yaml";
    g.units = units;
    g.outlet_unit = m[1];
    g.sections = o.sections;
    g.monitoring_path = out + "/monitoring.csv";
    g.monitoring_rows = std::stoll(m[3]);
    fmt::print(stderr, "reusing {} ({} sections, {} monitoring rows)\n", out, g.sections,
               g.monitoring_rows);
    return g;
  }
  GeneratorOptions go;
  go.units = units;
  go.vertices_per_edge = o.vertices_per_edge;
  go.townships = o.townships;
  go.network = true;
  go.sections = o.sections;
  go.monitoring_days = o.days;
  const auto t0 = Clock::now();
  GeneratedPlan g = generate_plan(out, go);
  fmt::print(stderr, "generated {} ({} units, {} sections, {} monitoring rows) in {:.1f} s\n", out,
             g.units, g.sections, g.monitoring_rows, seconds_since(t0));
  return g;
}

std::string plan_dir(const GeneratedPlan& g) { return fs::path(g.manifest_path).parent_path(); }

/// The sites of the largest plan: all of them, or the first `n` copied to a file of their own.
SitesFile sites_of(const GeneratedPlan& g, std::int64_t n) {
  if (n == g.sites) return {plan_dir(g) + "/" + g.sites_source, g.sites_layer, n};
  return first_sites(plan_dir(g) + "/" + g.sites_source, g.sites_layer, n, plan_dir(g));
}

std::string units_label(const GeneratedPlan& g) {
  return count_label((g.units + 500) / 1000 * 1000);
}

/// `big`, when given, is used for its own size (same units, plus a sites layer).
void run_validate(const Options& o, std::vector<Row>& rows, const GeneratedPlan* big = nullptr) {
  for (int n : o.units) {
    const GeneratedPlan g = big && n == o.units.back() ? *big : plan_for(o, n, 0);
    const std::string label =
        fmt::format("validate {} units, {} townships (all checks)", units_label(g), g.townships);
    rows.push_back(
        in_child(label, [&] { return bench_validate(label, g.manifest_path, {}, o.threads); }));
  }
}

void run_screen(const Options& o, const GeneratedPlan& g, std::vector<Row>& rows) {
  const std::string rules = g.rules_path;
  for (std::int64_t n : o.sites) {
    const SitesFile sites = sites_of(g, n);
    const std::string label = fmt::format("screen {} points, {} units (demo-shaped rules, JSON)",
                                          count_label(n), units_label(g));
    rows.push_back(in_child(
        label, [&] { return bench_screen(label, g.manifest_path, sites, rules, o.threads); }));
  }
}

void run_rules_list(const Options& o, const GeneratedPlan& g, std::vector<Row>& rows) {
  const std::string label =
      fmt::format("rules list: {} units' lists (demo-shaped rules, JSON)", units_label(g));
  rows.push_back(in_child(
      label, [&] { return bench_rules_list(label, g.manifest_path, g.rules_path, o.threads); }));
}

void run_locate(const Options& o, const GeneratedPlan& g, std::vector<Row>& rows) {
  for (std::int64_t n : o.sites) {
    const SitesFile sites = sites_of(g, n);
    const std::string label = fmt::format("unit of each of {} points", count_label(n));
    rows.push_back(
        in_child(label, [&] { return bench_locate(label, g.manifest_path, sites, o.threads); }));
  }
}

/// Issue 13's screen at the limit: the three rules together, without the unit rule, each
/// alone; the plain GEOS-C loop as the yardstick; the near test alone (library call).
void run_limit(const Options& o, const GeneratedPlan& g, std::vector<Row>& rows) {
  const std::int64_t n = o.sites.empty() ? g.sites : o.sites.back();
  const SitesFile sites = sites_of(g, n);
  const std::map<std::string, std::string> rules = write_limit_rules(plan_dir(g));
  const std::string s = count_label(n);
  const std::pair<const char*, const char*> screens[] = {
      {"all", "unit ['*'] + river 1 km + zone rules"},
      {"river_zone", "river 1 km + zone rules"},
      {"unit", "unit ['*'] rule alone"},
      {"river", "river 1 km rule alone"},
      {"zone", "zone rule alone"}};
  // One untimed screen first: the first workload of a run used to come out slowest (the
  // sites file and plan just written, caches and clocks cold), which skewed the rows that
  // are compared with each other.
  fmt::print(stderr, "warm-up: one untimed screen with all three rules\n");
  in_child("warm-up", [&] {
    return bench_screen("warm-up", g.manifest_path, sites, rules.at("all"), o.threads);
  });
  for (const auto& [key, what] : screens) {
    const std::string label = fmt::format("screen {} points, {} (JSON)", s, what);
    rows.push_back(in_child(label, [&, key = std::string(key)] {
      return bench_screen(label, g.manifest_path, sites, rules.at(key), o.threads);
    }));
  }
  const std::string loop = fmt::format("unit of each of {} points, plain GEOS-C loop", s);
  rows.push_back(
      in_child(loop, [&] { return bench_geos_loop(loop, g.manifest_path, sites, o.threads); }));
  const std::string near = fmt::format("{} points within 1 km of main rivers, test alone", s);
  rows.push_back(
      in_child(near, [&] { return bench_near(near, g.manifest_path, sites, o.threads); }));
}

/// Runs postgis_bench.sh on the plan and turns its RESULT lines into rows.
void run_postgis(const Options& o, const GeneratedPlan& g, const std::string& load_label,
                 const std::string& near_label, const std::string& overlaps_label,
                 const std::string& overlay_label, const std::string& locate_label,
                 std::vector<Row>& rows) {
  const std::string command =
      fmt::format("bash '{}' '{}' {}", o.postgis_script, plan_dir(g), o.runs);
  fmt::print(stderr, "running {}\n", command);
  std::fflush(stdout);
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) {
    std::string line(buffer);
    if (!line.empty() && line.back() == '\n') line.pop_back();
    if (line.rfind("RESULT\t", 0) != 0) continue;
    // RESULT <tab> key <tab> load_s <tab> work_s <tab> peak_mib <tab> cpu_s <tab> note
    std::vector<std::string> f;
    std::stringstream in(line);
    for (std::string field; std::getline(in, field, '\t');) f.push_back(field);
    if (f.size() < 7) continue;
    auto number = [](const std::string& v) { return v == "-" ? kNone : std::stod(v); };
    const std::string& key = f[1];
    Row parsed;
    parsed.load_s = number(f[2]);
    parsed.work_s = parsed.wall_s = number(f[3]);
    parsed.peak_mib = number(f[4]);
    parsed.cpu_s = number(f[5]);
    parsed.note = f[6];
    parsed.tool = "PostGIS";
    if (key == "load") {
      parsed.workload = load_label;
      parsed.wall_s = parsed.load_s;
    } else if (key == "unit_of_points") {
      parsed.workload = locate_label;
      parsed.sites = g.sites;
    } else if (key == "near_rivers") {
      parsed.workload = near_label;
      parsed.sites = g.sites;
    } else if (key == "screen") {
      parsed.workload = fmt::format("screen {} points, unit ['*'] + river 1 km + zone rules",
                                    count_label(g.sites));
      parsed.sites = g.sites;
    } else if (key == "overlaps") {
      parsed.workload = overlaps_label;
    } else if (key == "overlay") {
      parsed.workload = overlay_label;
    } else {
      parsed.workload = key;
    }
    rows.push_back(parsed);
  }
  if (pclose(pipe) != 0) fmt::print(stderr, "warning: {} failed\n", command);
}

void run_all(const Options& o, std::vector<Row>& rows) {
  const int big_units = o.units.empty() ? 10000 : o.units.back();
  const std::int64_t big_sites = o.sites.empty() ? 1000000 : o.sites.back();
  const GeneratedPlan big = plan_for(o, big_units, big_sites);
  const std::string u = units_label(big), s = count_label(big_sites);
  const std::string locate_label = fmt::format("unit of each of {} points", s);
  const std::string near_label = fmt::format("{} points within 1 km of main rivers", s);
  const std::string overlaps_label = fmt::format("overlaps among {} units", u);
  const std::string overlay_label =
      fmt::format("overlay {} units × {} townships", u, big.townships);

  const std::string load_label = fmt::format("load {}-unit plan + {} sites", u, s);
  rows.push_back(in_child(load_label, [&] {
    return bench_read(load_label, big.manifest_path, sites_of(big, big_sites));
  }));
  rows.push_back(in_child(locate_label, [&] {
    return bench_locate(locate_label, big.manifest_path, sites_of(big, big_sites), o.threads);
  }));
  const std::string river_rules = write_river_rules(plan_dir(big));
  rows.push_back(in_child(near_label, [&] {
    Row r = bench_screen(near_label, big.manifest_path, sites_of(big, big_sites), river_rules,
                         o.threads);
    r.note = "screen, one near rule on every site (+ unit of each); " + r.note;
    return r;
  }));
  run_screen(o, big, rows);
  run_rules_list(o, big, rows);
  rows.push_back(in_child(overlaps_label, [&] {
    return bench_validate(overlaps_label, big.manifest_path, {basinkit::CheckGroup::coverage},
                          o.threads);
  }));
  rows.push_back(in_child(overlay_label, [&] {
    return bench_validate(overlay_label, big.manifest_path, {basinkit::CheckGroup::jurisdiction},
                          o.threads);
  }));
  run_validate(o, rows, &big);
  run_limit(o, big, rows);
  if (o.postgis)
    run_postgis(o, big, load_label, near_label, overlaps_label, overlay_label, locate_label, rows);
}

}  // namespace

int main(int argc, char** argv) {
  // As tools/basinkit/main.cpp: keep freed chunks of sites in the heap.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  CLI::App app{"basinkit-bench: timings and peak memory on generated plans"};
  Options o;
  app.require_subcommand(1);
  auto common = [&](CLI::App* c) {
    c->add_option("--vertices-per-edge", o.vertices_per_edge, "wiggle vertices per shared edge");
    c->add_option("--townships", o.townships, "townships of generated plans (0 = units/50)");
    c->add_option("--threads", o.threads, "worker threads (0 = all cores)");
    c->add_option("--dir", o.dir, "where generated plans are written (reused if present)");
  };
  CLI::App* validate = app.add_subcommand("validate", "load + validate generated plans");
  validate->add_option("--units", o.units, "plan sizes (units)")->delimiter(',');
  common(validate);
  CLI::App* screen = app.add_subcommand("screen", "screen point sites (demo-shaped rules)");
  CLI::App* locate = app.add_subcommand("locate", "the unit of each point site");
  CLI::App* rules_list =
      app.add_subcommand("rules-list", "every unit's list of rules (demo-shaped rules)");
  CLI::App* limit = app.add_subcommand(
      "limit", "three-rule screen, each rule alone, the GEOS-C loop, the near test alone");
  CLI::App* all = app.add_subcommand("all", "every workload; with --postgis, PostGIS beside it");
  CLI::App* trace = app.add_subcommand(
      "trace", "every section's incremental catchment, on a generated plan with a network");
  CLI::App* assess = app.add_subcommand(
      "assess", "a year's assessment of every section, on a generated plan with a network");
  for (CLI::App* c : {trace, assess}) {
    c->add_option("--units", o.units, "plan size (units; the largest is used)")->delimiter(',');
    c->add_option("--sections", o.sections, "monitoring sections");
    c->add_option("--days", o.days, "daily monitoring rows per section (assess)");
    common(c);
  }
  for (CLI::App* c : {screen, locate, rules_list, limit, all}) {
    c->add_option("--units", o.units, "plan sizes (units); sites go in the largest")
        ->delimiter(',');
    c->add_option("--sites", o.sites, "site counts (the largest is generated)")->delimiter(',');
    common(c);
  }
  all->add_flag("--postgis", o.postgis, "also run postgis_bench.sh on the same files");
  all->add_option("--postgis-script", o.postgis_script, "path of postgis_bench.sh");
  all->add_option("--runs", o.runs, "PostGIS runs per query (median)");
  CLI11_PARSE(app, argc, argv);

  std::vector<Row> rows;
  try {
    if (validate->parsed()) {
      run_validate(o, rows);
    } else if (all->parsed()) {
      run_all(o, rows);
    } else if (trace->parsed() || assess->parsed()) {
      const GeneratedPlan g = network_plan_for(o, o.units.back());
      const std::string size = fmt::format("{} units, {} sections", units_label(g), g.sections);
      if (trace->parsed()) {
        const std::string label = "trace: every incremental catchment, " + size;
        rows.push_back(in_child(label, [&] { return bench_trace(label, g.manifest_path); }));
      } else {
        const std::string label =
            fmt::format("assess a year ({} days of daily data), {}", o.days, size);
        rows.push_back(in_child(label, [&] {
          return bench_assess(label, g.manifest_path, g.monitoring_path, "2026");
        }));
      }
    } else {
      const GeneratedPlan g = plan_for(o, o.units.back(), o.sites.empty() ? 0 : o.sites.back());
      if (screen->parsed()) run_screen(o, g, rows);
      if (locate->parsed()) run_locate(o, g, rows);
      if (rules_list->parsed()) run_rules_list(o, g, rows);
      if (limit->parsed()) run_limit(o, g, rows);
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  }
  print_table(rows);
  for (const Row& r : rows)
    if (r.note.rfind("FAILED", 0) == 0) return 1;
  return 0;
}
