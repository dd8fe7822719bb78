// basinkit validate PLAN: the plan's boundary conflicts as a report (DESIGN.md sec. 5, 7).
#include <basinkit/report.hpp>
#include <basinkit/validate.hpp>
#include <basinkit/waivers.hpp>

#include <fmt/format.h>

#include <iostream>
#include <map>

#include "cli_common.hpp"
#include "database_output.hpp"
#include "progress_bar.hpp"

namespace basinkit::cli {
namespace {

struct ValidateCliOptions : PlanOptions {
  std::vector<std::string> only;
  std::string output;
  DatabaseOutputOptions database;
  std::string fail_on = "error";
  std::string waivers;
  int threads = 0;
};

void print_summary(const Plan& plan, const ValidationResult& r, const FindingSummary& s) {
  fmt::print("{}: {} errors, {} warnings{}\n",
             plan.manifest.name.empty() ? plan.manifest.path : plan.manifest.name, s.errors,
             s.warnings, s.waived ? fmt::format(", {} waived", s.waived) : "");
  for (const auto& [type, n] : s.by_type) fmt::print("  {:<22}{:>6}\n", type, n);
  for (const auto& skipped : r.skipped) fmt::print("  skipped: {}\n", skipped);
  constexpr size_t kShown = 20;
  size_t shown = 0;
  for (const Finding& f : r.findings) {
    if (f.waived || (f.severity != Severity::error && shown >= kShown / 2)) continue;
    if (shown++ == kShown) {
      fmt::print("  … write the whole report with -o report.json|.csv|.gpkg|.geojson\n");
      break;
    }
    fmt::print("  [{}] {}: {}\n", to_string(f.severity), to_string(f.type), f.message);
  }
  if (!s.by_county.empty()) {
    fmt::print("by county:");
    for (const auto& [code, t] : s.by_county)
      fmt::print("  {} {}E/{}W", code, t.errors, t.warnings);
    fmt::print("\n");
  }
}

}  // namespace

void register_validate(CLI::App& app, Action& action) {
  auto options = std::make_shared<ValidateCliOptions>();
  CLI::App* cmd = app.add_subcommand("validate", "check the plan for boundary conflicts");
  add_plan_options(*cmd, *options);
  cmd->add_option("--only", options->only, "run only these check groups")
      ->check(CLI::IsMember({"hierarchy", "coverage", "jurisdiction", "network"}))
      ->delimiter(',');
  cmd->add_option(
      "-o,--output", options->output,
      "write the report: .json .csv .geojson .gpkg .xlsx .html (by extension), or PG:…");
  add_database_output_options(*cmd, options->database);
  cmd->add_option("--fail-on", options->fail_on,
                  "exit 1 when a finding at or above this severity is not waived")
      ->check(CLI::IsMember({"error", "warning", "never"}));
  cmd->add_option("--waivers", options->waivers,
                  "YAML list of accepted findings {type, codes, reason}")
      ->check(CLI::ExistingFile);
  cmd->add_option("--threads", options->threads, "worker threads (0 = all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([&action, options] {
    action = [options] {
      const auto database = database_output(options->output, options->database);
      if (!database && !options->output.empty()) check_report_path(options->output);
      const std::vector<Waiver> waivers =
          options->waivers.empty() ? std::vector<Waiver>{} : read_waivers(options->waivers);
      ProgressBar bar(options->quiet);
      bar.message("reading the plan");
      const Plan plan = load(*options);
      ValidateOptions vo;
      vo.threads = options->threads;
      vo.progress = bar.stages();
      for (const auto& g : options->only)
        vo.only.insert(g == "hierarchy"      ? CheckGroup::hierarchy
                       : g == "coverage"     ? CheckGroup::coverage
                       : g == "jurisdiction" ? CheckGroup::jurisdiction
                                             : CheckGroup::network);
      ValidationResult result = validate(plan, vo);
      bar.finish();
      for (const Waiver& unused : apply_waivers(result.findings, waivers))
        fmt::print(stderr, "basinkit: warning: {}:{}: waiver for {} [{}] matches no finding\n",
                   options->waivers, unused.line, to_string(unused.type),
                   fmt::join(unused.codes, ", "));
      FindingReport report;
      report.findings = &result.findings;
      report.summary = summarize(result.findings);
      report.summary.skipped = result.skipped;
      report.provenance = plan_provenance(plan, command_line());
      report.working_crs = plan.working_crs;
      report.plan = &plan;
      if (database)
        write_report(report, *database);
      else if (!options->output.empty())
        write_report(report, options->output);
      if (options->format == "json")
        write_json(report, std::cout);
      else
        print_summary(plan, result, report.summary);
      const FindingSummary& s = report.summary;
      const bool fail = (options->fail_on == "error" && s.errors > 0) ||
                        (options->fail_on == "warning" && s.errors + s.warnings > 0);
      return fail ? kFindings : kOk;
    };
  });
}

}  // namespace basinkit::cli
