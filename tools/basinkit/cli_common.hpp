#pragma once
// Shared pieces of the CLI: options every subcommand takes, and how results print.
// Subcommands fill an options struct, call one library function and print.

#include <basinkit/locate.hpp>
#include <basinkit/plan.hpp>
#include <basinkit/report.hpp>
#include <basinkit/validate.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace basinkit::cli {

/// Exit statuses of DESIGN.md section 7.
enum Exit : int { kOk = 0, kFindings = 1, kBadInput = 2, kInternal = 3 };

/// Options common to the subcommands that read a plan.
struct PlanOptions {
  std::string plan;
  bool allow_network = false;
  std::string format = "text";  // text | json
  bool quiet = false;
};

/// Adds PLAN, --allow-network, --format and --quiet to `cmd`.
void add_plan_options(CLI::App& cmd, PlanOptions& o);

Plan load(const PlanOptions& o);

/// A parsed "X,Y" pair.
struct XY {
  double x = 0, y = 0;
};
/// Parses "X,Y" (also "X Y"); throws CLI::ValidationError.
XY parse_xy(const std::string& text);

nlohmann::json to_json(const Location& loc);

/// Registers a subcommand: `setup` declares options on the CLI::App and returns the
/// action run when that subcommand is chosen (its return value is the exit status).
using Action = std::function<int()>;
void register_info(CLI::App& app, Action& action);
void register_locate(CLI::App& app, Action& action);
void register_validate(CLI::App& app, Action& action);
void register_screen(CLI::App& app, Action& action);
void register_rules(CLI::App& app, Action& action);
void register_diff(CLI::App& app, Action& action);
void register_rules_list(CLI::App& rules, Action& action);  ///< `rules list`, under `rules`

/// The provenance of a report on `plan` and the rule files at `rule_paths` (role "rules").
Provenance rules_provenance(const Plan& plan, const std::vector<std::string>& rule_paths);
void register_trace(CLI::App& app, Action& action);
void register_assess(CLI::App& app, Action& action);

/// The command line as run (for report provenance); set once by main().
const std::string& command_line();
void set_command_line(int argc, char** argv);

}  // namespace basinkit::cli
