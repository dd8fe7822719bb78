// Timing, peak memory and result rows of basinkit-bench (DESIGN.md section 10).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace basinkit::bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

/// One line of the results table.
struct Row {
  std::string workload;     ///< e.g. "unit of each of 1M points"
  std::string tool;         ///< "basinkit" or "PostGIS"
  double load_s = kNone;    ///< reading the plan (basinkit) or ogr2ogr + indexes (PostGIS)
  double work_s = kNone;    ///< the work itself; for basinkit it includes reading the sites
  double wall_s = kNone;    ///< what is compared: basinkit load + work, PostGIS work
  std::int64_t sites = 0;   ///< sites handled (0 = not a site workload)
  double peak_mib = kNone;  ///< peak resident memory of the process (PostGIS: the backend)
  double cpu_s = kNone;     ///< CPU time, all threads (PostGIS: backend + parallel workers)
  std::string note;         ///< e.g. "errors 0 / findings 0", "median of 3"
};

/// Peak resident memory of this process so far, MiB.
double peak_rss_mib();
/// CPU time (user + system, all threads) of this process so far, seconds.
double cpu_seconds();

/// Runs `work` in a child process (so that its peak RSS is its own) and returns its row;
/// a failed child gives a row whose note says so.
Row in_child(const std::string& workload, const std::function<Row()>& work);

/// Tab-separated form of a row (one line, no tabs or newlines inside fields) and back.
std::string serialize(const Row& row);
bool deserialize(const std::string& line, Row* row);

/// The results as one markdown table, with the ratios PostGIS / basinkit of wall and CPU
/// time for each workload both tools ran.
void print_table(const std::vector<Row>& rows);

}  // namespace basinkit::bench
