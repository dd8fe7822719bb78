// basinkit assess PLAN --monitoring FILE: section water-quality assessment and who answers
// for it (分断面考核, docs/assessment.md).
#include <basinkit/assessment.hpp>

#include <fmt/format.h>

#include <iostream>
#include <utility>

#include "cli_common.hpp"

namespace basinkit::cli {
namespace {

struct AssessCliOptions : PlanOptions {
  std::string monitoring;
  std::string period;
  std::string config;
  std::string output;
};

void print_summary(const Plan& plan, const AssessmentResult& r) {
  fmt::print("{}: assessment {}, {} sections: {} green, {} yellow, {} red, {} without data\n",
             plan.manifest.name.empty() ? plan.manifest.path : plan.manifest.name, r.period.label,
             r.sections.size(), r.green, r.yellow, r.red, r.no_data);
  for (const SectionAssessment& s : r.sections) {
    const std::vector<std::string> over = over_target_labels(s);
    fmt::print("  {:<8} {:<12} target {:<4} class {:<4} {:<7} {}\n", s.code, s.river,
               s.target ? to_string(*s.target) : "–", s.klass ? to_string(*s.klass) : "–",
               s.warning ? to_string(*s.warning) : "no data", fmt::join(over, " "));
  }
  for (const SectionAssessment& s : r.sections) {
    if (!s.cross_boundary) continue;
    const CrossBoundary& c = *s.cross_boundary;
    fmt::print("  cross-boundary {} {} → {}: {}\n", s.code, c.upstream_county,
               c.downstream_county.empty() ? "?" : c.downstream_county,
               c.payer.empty()
                   ? std::string("no payment")
                   : fmt::format("{} pays {} {:g} {}", c.payer, c.payee, c.amount, r.currency));
  }
  for (const auto& [code, t] : r.by_county)
    fmt::print("  county {} {}: {} green, {} yellow, {} red, {:.2f} km² under a red section\n",
               code, t.name, t.green, t.yellow, t.red, t.red_area_m2 / 1e6);
}

}  // namespace

void register_assess(CLI::App& app, Action& action) {
  auto options = std::make_shared<AssessCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "assess", "section water-quality assessment (GB 3838-2002) and responsibility");
  add_plan_options(*cmd, *options);
  cmd->add_option("--monitoring", options->monitoring,
                  "monitoring rows: CSV, XLSX, GPKG (section, date, parameters)")
      ->required();
  cmd->add_option("--period", options->period,
                  "2026-10 (month), 2026 (year) or 2026-01..2026-06; default: the latest month "
                  "in the data");
  cmd->add_option("--config", options->config, "assessment config (YAML)")
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", options->output,
                  "write the report: .json .csv .xlsx .gpkg .html (by extension)");
  cmd->callback([&action, options] {
    action = [options] {
      if (!options->output.empty()) check_assessment_report_path(options->output);
      // The config and the period are checked before the plan is loaded.
      PreparedAssessment prepared =
          prepare_assessment({options->monitoring, options->period, options->config});
      const Plan plan = load(*options);
      const Assessment assessment = run_assessment(plan, std::move(prepared), command_line());
      const AssessmentReport& report = assessment.report();
      if (!options->output.empty()) write_assessment_report(report, options->output);
      if (options->format == "json")
        write_assessment_json(report, std::cout);
      else
        print_summary(plan, assessment.result());
      return kOk;
    };
  });
}

}  // namespace basinkit::cli
