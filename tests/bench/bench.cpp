// basinkit-bench: wall time and peak memory of basinkit's workloads on generated plans
// (DESIGN.md section 10). Each workload runs in a child process so that its peak RSS is
// its own. Run by hand or as a separate CI step; tests never assert timings.
//
//   basinkit-bench validate --units 1000,10000 --vertices-per-edge 150
#include <basinkit/plan.hpp>
#include <basinkit/validate.hpp>

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "plan_generator.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

/// Peak resident memory of this process so far, MiB.
double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

/// Runs `work` in a child process; its output lines go to stdout.
template <typename Work>
int in_child(Work work) {
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    int rc = 0;
    try {
      work();
    } catch (const std::exception& e) {
      fmt::print(stderr, "error: {}\n", e.what());
      rc = 1;
    }
    std::fflush(stdout);
    _exit(rc);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

void bench_validate(const std::string& manifest, const basinkit::bench::GeneratedPlan& g,
                    int threads) {
  const auto t0 = Clock::now();
  const basinkit::Plan plan = basinkit::load_plan(manifest);
  const double load_s = seconds_since(t0);
  const auto t1 = Clock::now();
  basinkit::ValidateOptions options;
  options.threads = threads;
  const basinkit::ValidationResult r = basinkit::validate(plan, options);
  const double validate_s = seconds_since(t1);
  std::int64_t errors = 0;
  for (const auto& f : r.findings) errors += f.severity == basinkit::Severity::error;
  fmt::print(
      "| validate | {:>6} | {:>9} | {:>8} | {:>7.2f} | {:>10.2f} | {:>8.2f} | {:>9.0f} | {:>6} / "
      "{:<6} |\n",
      g.units, g.vertices, g.townships, load_s, validate_s, load_s + validate_s, peak_rss_mib(),
      errors, r.findings.size());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"basinkit-bench: timings and peak memory on generated plans"};
  std::vector<int> units = {1000, 10000};
  int vertices_per_edge = 150;
  int threads = 0;
  std::string dir = (std::filesystem::temp_directory_path() / "basinkit-bench").string();
  app.require_subcommand(1);
  CLI::App* validate = app.add_subcommand("validate", "load + validate generated plans");
  validate->add_option("--units", units, "plan sizes (units)")->delimiter(',');
  validate->add_option("--vertices-per-edge", vertices_per_edge, "wiggle vertices per shared edge");
  validate->add_option("--threads", threads, "worker threads (0 = all cores)");
  validate->add_option("--dir", dir, "where generated plans are written (reused if present)");
  CLI11_PARSE(app, argc, argv);

  fmt::print(
      "| workload | units  | vertices  | towns    | load s  | validate s | total s  | peak MiB  | "
      "errors / findings |\n");
  fmt::print("|---|---|---|---|---|---|---|---|---|\n");
  int rc = 0;
  for (int n : units) {
    const std::string out = fmt::format("{}/units{}-v{}", dir, n, vertices_per_edge);
    basinkit::bench::GeneratorOptions go;
    go.units = n;
    go.vertices_per_edge = vertices_per_edge;
    go.townships = std::max(4, n / 50);
    const auto t0 = Clock::now();
    const basinkit::bench::GeneratedPlan g = basinkit::bench::generate_plan(out, go);
    fmt::print(stderr, "generated {} units ({} vertices) in {:.2f} s\n", g.units, g.vertices,
               seconds_since(t0));
    rc |= in_child([&] { bench_validate(g.manifest_path, g, threads); });
  }
  return rc;
}
