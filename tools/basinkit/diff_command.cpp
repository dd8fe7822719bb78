// basinkit diff OLD NEW: what changed between two revisions of a plan, and whether the
// revision fixed or brought findings (docs/diff.md).
#include <basinkit/plan_diff.hpp>

#include <fmt/format.h>

#include <iostream>

#include "cli_common.hpp"
#include "progress_bar.hpp"

namespace basinkit::cli {
namespace {

struct DiffCliOptions {
  std::string old_plan;
  std::string new_plan;
  bool allow_network = false;
  std::string format = "text";
  bool quiet = false;
  std::string output;
  std::string fail_on = "never";
  double tolerance_m = 1.0;
  double same_pct = 95;
  double split_pct = 5;
  bool no_findings = false;
  int threads = 0;
};

void print_summary(const PlanPair& plans, const PlanDiff& d) {
  fmt::print("{} → {}: {} changes", plans.old_plan.manifest.path, plans.new_plan.manifest.path,
             d.changes.size());
  if (d.findings_compared)
    fmt::print("; findings: {} resolved, {} new ({} errors), {} unchanged", d.resolved.size(),
               d.added.size(), d.new_errors(), d.unchanged.size());
  fmt::print("\n");
  for (const auto& [type, n] : d.by_change) fmt::print("  {:<22}{:>6}\n", type, n);
  constexpr size_t kShown = 30;
  size_t shown = 0;
  for (const PlanChange& c : d.changes) {
    if (shown++ == kShown) {
      fmt::print("  … write the whole report with -o diff.json|.csv|.xlsx|.gpkg|.html\n");
      break;
    }
    fmt::print("  [{}] {}\n", to_string(c.type), c.message);
  }
  for (const auto& [status, findings] : {std::pair{"resolved", &d.resolved}, {"new", &d.added}})
    for (const Finding& f : *findings)
      fmt::print("  finding {} [{}] {}: {}\n", status, to_string(f.severity), to_string(f.type),
                 f.message);
  if (!d.by_county.empty()) {
    fmt::print("by county (changes, findings resolved/new/unchanged):");
    for (const auto& [code, t] : d.by_county)
      fmt::print("  {} {} {}/{}/{}", code, t.changes, t.resolved, t.added, t.unchanged);
    fmt::print("\n");
  }
}

}  // namespace

void register_diff(CLI::App& app, Action& action) {
  auto o = std::make_shared<DiffCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "diff", "what changed between two revisions of a plan (units, townships, basins, findings)");
  cmd->add_option("OLD", o->old_plan, "the earlier plan manifest (YAML)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("NEW", o->new_plan, "the revised plan manifest (YAML); its CRS is used")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_flag("--allow-network", o->allow_network,
                "allow URLs and network /vsi* sources in the manifests");
  cmd->add_option("--format", o->format, "output on stdout: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_flag("-q,--quiet", o->quiet, "no progress output");
  cmd->add_option("-o,--output", o->output,
                  "write the report: .json .csv .xlsx .gpkg .html (by extension)");
  cmd->add_option("--fail-on", o->fail_on,
                  "exit 1 when the revision brings new error findings (new-error)")
      ->check(CLI::IsMember({"new-error", "never"}));
  cmd->add_option("--tolerance-m", o->tolerance_m,
                  "boundary moves narrower than this are digitising noise (metres, default 1)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--same-pct", o->same_pct,
                  "recoded: overlap at least this % of the old and the new feature (default 95)")
      ->check(CLI::Range(0.0, 100.0));
  cmd->add_option("--split-pct", o->split_pct,
                  "split/merged: each part at least this % of the whole (default 5)")
      ->check(CLI::Range(0.0, 100.0));
  cmd->add_flag("--no-findings", o->no_findings, "compare features only, do not validate");
  cmd->add_option("--threads", o->threads, "worker threads (0 = all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([&action, o] {
    action = [o] {
      if (!o->output.empty()) check_diff_report_path(o->output);
      ProgressBar bar(o->quiet);
      bar.message("reading the plans");
      LoadOptions lo;
      lo.allow_network = o->allow_network;
      const PlanPair plans = load_plan_pair(o->old_plan, o->new_plan, lo);
      DiffOptions options;
      options.tolerance_m = o->tolerance_m;
      options.same_share = o->same_pct / 100;
      options.split_share = o->split_pct / 100;
      options.findings = !o->no_findings;
      options.threads = o->threads;
      options.progress = bar.stages();
      const PlanDiff d = diff_plans(plans.old_plan, plans.new_plan, options);
      bar.finish();
      DiffReport report;
      report.diff = &d;
      report.provenance = diff_provenance(plans.old_plan, plans.new_plan, command_line());
      report.old_plan = &plans.old_plan;
      report.new_plan = &plans.new_plan;
      if (!o->output.empty()) write_diff_report(report, o->output);
      if (o->format == "json")
        write_diff_json(report, std::cout);
      else
        print_summary(plans, d);
      return o->fail_on == "new-error" && d.new_errors() > 0 ? kFindings : kOk;
    };
  });
}

}  // namespace basinkit::cli
