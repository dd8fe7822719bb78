// basinkit rules check PLAN --rules R: the quality of rule lists (负面清单精准性) as a
// findings report: empty_scope, contradiction, blind_spot (DESIGN.md sections 6 and 7).
#include <basinkit/report.hpp>
#include <basinkit/rules_check.hpp>

#include <fmt/format.h>

#include <iostream>

#include "cli_common.hpp"
#include "database_output.hpp"
#include "progress_bar.hpp"

namespace basinkit::cli {
namespace {

struct RulesCheckCliOptions : PlanOptions {
  std::vector<std::string> rules;
  std::vector<std::string> industries;
  std::string output;
  DatabaseOutputOptions database;
  std::string fail_on = "error";
  int threads = 0;
};

void print_summary(const std::vector<RuleFile>& files, const RulesCheckResult& r,
                   const FindingSummary& s) {
  size_t rules = 0;
  for (const RuleFile& f : files) rules += f.rules.size();
  fmt::print("{} rules in {} files: {} errors, {} warnings\n", rules, files.size(), s.errors,
             s.warnings);
  for (const auto& [type, n] : s.by_type) fmt::print("  {:<22}{:>6}\n", type, n);
  for (const auto& skipped : r.skipped) fmt::print("  skipped: {}\n", skipped);
  constexpr size_t kShown = 20;
  size_t shown = 0;
  for (const Finding& f : r.findings) {
    if (shown++ == kShown) {
      fmt::print("  … write the whole report with -o report.json|.csv|.gpkg|.geojson\n");
      break;
    }
    fmt::print("  [{}] {}: {}\n", to_string(f.severity), to_string(f.type), f.message);
  }
}

}  // namespace

void register_rules(CLI::App& app, Action& action) {
  auto o = std::make_shared<RulesCheckCliOptions>();
  CLI::App* rules = app.add_subcommand("rules", "work on rule lists (正负面清单)");
  rules->require_subcommand(1);
  CLI::App* cmd =
      rules->add_subcommand("check", "check rule lists: empty scopes, contradictions, blind spots");
  add_plan_options(*cmd, *o);
  cmd->add_option("--rules", o->rules, "rule file (repeat for province, city, county lists)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--industry", o->industries,
                  "GB/T 4754 codes to look for blind spots, e.g. C26,C38")
      ->delimiter(',');
  cmd->add_option(
      "-o,--output", o->output,
      "write the report: .json .csv .geojson .gpkg .xlsx .html (by extension), or PG:…");
  add_database_output_options(*cmd, o->database);
  cmd->add_option("--fail-on", o->fail_on, "exit 1 when a finding at or above this severity")
      ->check(CLI::IsMember({"error", "warning", "never"}));
  cmd->add_option("--threads", o->threads, "worker threads (0 = all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([&action, o] {
    action = [o] {
      const auto database = database_output(o->output, o->database);
      if (!database && !o->output.empty()) check_report_path(o->output);
      std::vector<RuleFile> files;
      for (const auto& path : o->rules) files.push_back(read_rules(path));
      ProgressBar bar(o->quiet);
      bar.message("reading the plan");
      const Plan plan = load(*o);
      RulesCheckOptions options;
      for (const auto& code : o->industries)
        if (!code.empty()) options.industries.push_back(code);
      options.threads = o->threads;
      options.progress = bar.stages();
      const RulesCheckResult result = check_rules(plan, files, options);
      bar.finish();
      FindingReport report;
      report.findings = &result.findings;
      report.summary = summarize(result.findings);
      report.summary.skipped = result.skipped;
      report.provenance = rules_provenance(plan, o->rules);
      report.working_crs = plan.working_crs;
      report.plan = &plan;
      if (database)
        write_report(report, *database);
      else if (!o->output.empty())
        write_report(report, o->output);
      if (o->format == "json")
        write_json(report, std::cout);
      else
        print_summary(files, result, report.summary);
      const FindingSummary& s = report.summary;
      const bool fail = (o->fail_on == "error" && s.errors > 0) ||
                        (o->fail_on == "warning" && s.errors + s.warnings > 0);
      return fail ? kFindings : kOk;
    };
  });
  register_rules_list(*rules, action);
}

}  // namespace basinkit::cli
