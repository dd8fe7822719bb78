#pragma once
// `basinkit validate`: the plan's boundary conflicts as findings (DESIGN.md section 5).
//
//   basinkit::Plan plan = basinkit::load_plan("plan.yaml");
//   basinkit::ValidationResult r = basinkit::validate(plan, {});
//   for (const auto& f : r.findings) std::cout << to_string(f.type) << ' ' << f.message;

#include <basinkit/findings.hpp>
#include <basinkit/plan.hpp>

#include <functional>
#include <set>
#include <string>
#include <vector>

namespace basinkit {

/// Groups of checks, as `--only` names them.
/// `network` runs only on plans that say how their water flows (has_network()).
enum class CheckGroup { hierarchy, coverage, jurisdiction, network };

/// Progress of a long run (validate, check_rules), for a progress bar: the stage being
/// run ("coverage of level-2 basins", "jurisdiction: units", …) and the fraction of that
/// stage done. Stages come one after the other; each starts at 0, rises (never falls, at
/// most once per whole percent) and, unless the run throws, ends at exactly 1. Called
/// from the calling thread or from a worker, never from two threads at once; it must
/// not throw, and should return quickly (the workers wait for it). The library draws
/// nothing itself: the `basinkit` tool draws a bar on stderr.
using ProgressFn = std::function<void(const std::string& stage, double fraction)>;

struct ValidateOptions {
  /// DEFAULT empty = every group.
  std::set<CheckGroup> only;
  /// DEFAULT 0 = all cores.
  int threads = 0;
  /// DEFAULT none: no progress reported.
  ProgressFn progress;
};

struct ValidationResult {
  std::vector<Finding> findings;  ///< sorted by report_order
  /// Checks not run because their layers are absent, e.g. "coverage: no units layer".
  std::vector<std::string> skipped;
};

/// Runs the checks. Throws InputError when `only` asks for a group whose layers are all
/// absent (exit 2); bad geometry never throws (it is a finding).
ValidationResult validate(const Plan& plan, const ValidateOptions& options);

/// The township and county codes a finding names, for roll-ups per township/county
/// (fills `townships` and `counties` of each finding from units and townships it codes).
void attribute_to_townships(const Plan& plan, std::vector<Finding>& findings);

}  // namespace basinkit
