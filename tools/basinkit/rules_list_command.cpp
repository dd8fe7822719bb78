// basinkit rules list PLAN --rules R: 一单元一清单, the access list of each control unit
// (docs/unit-lists.md): a short summary, or a report with -o, or JSON with --format json.
#include <basinkit/unit_lists.hpp>

#include <fmt/format.h>

#include <iostream>

#include "cli_common.hpp"
#include "progress_bar.hpp"

namespace basinkit::cli {
namespace {

struct RulesListCliOptions : PlanOptions {
  std::vector<std::string> rules;
  std::vector<std::string> units, townships, counties;
  std::string output;
  int threads = 0;
};

void print_summary(const UnitLists& lists) {
  constexpr size_t kShown = 20;
  fmt::print("{} units, {} rules\n", lists.units.size(), lists.rules);
  for (const auto& skipped : lists.skipped) fmt::print("  skipped: {}\n", skipped);
  size_t shown = 0;
  for (const UnitList& u : lists.units) {
    if (shown++ == kShown) {
      fmt::print("… write every list with -o lists.html|.xlsx|.csv|.json|.gpkg\n");
      break;
    }
    fmt::print("{} {} ({} {}) {:.3f} km²{}\n", u.code, u.name, u.township, u.township_name,
               u.area_m2 / 1e6, u.error.empty() ? "" : ": " + u.error);
    for (const ListedRule& l : u.rules)
      fmt::print("  {:<9} {} {}: {}\n", to_string(l.rule->effect), l.rule->id, l.rule->title,
                 l.whole_unit ? std::string("whole unit")
                              : fmt::format("{:.1f} % of the unit", 100 * l.share));
  }
}

}  // namespace

void register_rules_list(CLI::App& rules, Action& action) {
  auto o = std::make_shared<RulesListCliOptions>();
  CLI::App* cmd = rules.add_subcommand(
      "list", "the rules that apply in each control unit (一单元一清单), with their area");
  add_plan_options(*cmd, *o);
  cmd->add_option("--rules", o->rules, "rule file (repeat for province, city, county lists)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--unit", o->units, "unit codes or globs (HJ0101*), comma-separated")
      ->delimiter(',');
  cmd->add_option("--township", o->townships, "managing township codes, comma-separated")
      ->delimiter(',');
  cmd->add_option("--county", o->counties, "county codes, comma-separated")->delimiter(',');
  cmd->add_option("-o,--output", o->output,
                  "write the lists: .html .xlsx .csv .json .gpkg (by extension)");
  cmd->add_option("--threads", o->threads, "worker threads (0 = all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([&action, o] {
    action = [o] {
      if (!o->output.empty()) check_unit_list_report_path(o->output);
      std::vector<RuleFile> files;
      for (const auto& path : o->rules) files.push_back(read_rules(path));
      ProgressBar bar(o->quiet);
      bar.message("reading the plan");
      const Plan plan = load(*o);
      UnitListOptions options;
      options.units = o->units;
      options.townships = o->townships;
      options.counties = o->counties;
      options.pieces = !o->output.empty() && unit_list_report_has_maps(o->output);
      options.threads = o->threads;
      options.progress = bar.stages();
      const UnitLists lists = list_rules_by_unit(plan, files, options);
      bar.finish();
      UnitListReport report;
      report.lists = &lists;
      report.provenance = rules_provenance(plan, o->rules);
      report.plan = &plan;
      if (!o->output.empty()) write_unit_lists(report, o->output);
      if (o->format == "json")
        write_unit_lists_json(report, std::cout);
      else
        print_summary(lists);
      return kOk;
    };
  });
}

}  // namespace basinkit::cli
