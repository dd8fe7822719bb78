// basinkit screen PLAN --rules R (--sites SRC | --at X,Y ...): "may this project be built
// here, and why?" (DESIGN.md sections 6 and 7).
#include <basinkit/crs.hpp>
#include <basinkit/screening.hpp>
#include <basinkit/screening_report.hpp>

#include <fmt/format.h>
#include <unistd.h>

#include <future>
#include <iostream>

#include "cli_common.hpp"
#include "database_output.hpp"
#include "progress_bar.hpp"

namespace basinkit::cli {
namespace {

struct ScreenOptions : PlanOptions {
  std::vector<std::string> rules;
  std::string sites, layer, srs, at, industry, action, output, fail_on = "never";
  std::vector<std::string> fields, attrs;
  DatabaseOutputOptions database;
  int threads = 0;
};

/// "k=v" pairs into a map; throws CLI::ValidationError naming the option.
std::map<std::string, std::string> pairs(const std::vector<std::string>& items,
                                         const std::string& option) {
  std::map<std::string, std::string> out;
  for (const auto& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw CLI::ValidationError(option, "expected NAME=VALUE, got '" + item + "'");
    out[item.substr(0, eq)] = item.substr(eq + 1);
  }
  return out;
}

void explain(const Plan& plan, const SiteResult& r) {
  fmt::print("verdict:  {}\n", to_string(r.verdict));
  if (!r.error.empty()) fmt::print("error:    {}\n", r.error);
  const Location& l = r.location;
  fmt::print("location: unit {} (managed by {}), township {}, county {}{}\n", l.unit.value_or("-"),
             l.manager.value_or("-"), l.township.value_or("-"), l.county.value_or("-"),
             l.outside_plan ? ", outside the plan area" : "");
  for (const auto& [level, code] : l.basins)
    fmt::print("          L{} basin {}\n", level, code.value_or("-"));
  (void)plan;
  for (const AppliedRule& a : r.rules) {
    fmt::print("- [{}] {} {}\n  依据: {}\n", to_string(a.rule->effect), a.rule->id, a.rule->title,
               a.rule->basis);
    if (!a.rule->condition.empty()) fmt::print("  条件: {}\n", a.rule->condition);
    const Evidence& e = a.evidence;
    if (e.distance_m) fmt::print("  distance: {:.1f} m\n", *e.distance_m);
    if (e.overlap_m2) fmt::print("  overlap: {:.1f} m²\n", *e.overlap_m2);
    if (e.unit) fmt::print("  unit: {}\n", *e.unit);
    if (e.zone) fmt::print("  in: {}\n", *e.zone);
    fmt::print("  file: {}\n", a.file);
  }
  if (r.rules.empty()) fmt::print("no rule of the lists applies\n");
  if (!r.missing.empty()) fmt::print("missing attributes: {}\n", fmt::join(r.missing, ", "));
}

}  // namespace

void register_screen(CLI::App& app, Action& action) {
  auto o = std::make_shared<ScreenOptions>();
  CLI::App* cmd = app.add_subcommand("screen", "screen project sites against rule lists");
  add_plan_options(*cmd, *o);
  cmd->add_option("--rules", o->rules, "rule file (repeat for province, city, county lists)")
      ->required()
      ->check(CLI::ExistingFile);
  auto* sites =
      cmd->add_option("--sites", o->sites, "sites: any OGR source, CSV/XLSX with lon/lat columns");
  cmd->add_option("--layer", o->layer, "layer of --sites when it has several");
  cmd->add_option("--fields", o->fields, "site field names, e.g. id=XMBH,industry=HYDM,action=JSXZ")
      ->delimiter(',');
  auto* at = cmd->add_option("--at", o->at, "one site at X,Y (lon,lat by default)");
  cmd->add_option("--industry", o->industry, "GB/T 4754 code of the --at site, e.g. C2614");
  cmd->add_option("--action", o->action, "new | expand | rebuild | relocate (--at site)")
      ->check(CLI::IsMember({"new", "expand", "rebuild", "relocate"}));
  cmd->add_option("--attr", o->attrs, "attribute of the --at site, NAME=VALUE (repeatable)");
  cmd->add_option("--srs", o->srs, "CRS of --at or --sites (any PROJ/OGR definition, or GCJ02)");
  cmd->add_option("-o,--output", o->output,
                  "report: .json .csv .geojson .gpkg .xlsx .html (by extension), or PG:…");
  add_database_output_options(*cmd, o->database);
  cmd->add_option("--fail-on", o->fail_on, "exit 1 on a prohibited (or restricted) site")
      ->check(CLI::IsMember({"prohibited", "restricted", "never"}));
  cmd->add_option("--threads", o->threads, "worker threads (0 = all cores)")
      ->check(CLI::NonNegativeNumber);
  sites->excludes(at);
  cmd->callback([&action, o, sites, at] {
    action = [o, sites, at] {
      if (sites->count() == 0 && at->count() == 0)
        throw CLI::ValidationError("screen", "give --sites SRC or --at X,Y");
      const auto database = database_output(o->output, o->database);
      if (!database && !o->output.empty()) check_screening_report_path(o->output);
      const std::map<std::string, std::string> attrs = pairs(o->attrs, "--attr");
      SiteSource source;
      source.fields = pairs(o->fields, "--fields");
      // Progress only for a list of sites (one site, --at, is quick), and not over JSON
      // streamed to the same terminal.
      ProgressBar bar(o->quiet || at->count() > 0 ||
                      (o->format == "json" && isatty(STDOUT_FILENO) == 1));
      // The SHA-256 of the rule and sites files (a tenth of a second for a million sites)
      // while the plan loads, which hashes its own files. A database: no SHA-256.
      const bool listed = sites->count() > 0;
      std::future<std::vector<std::string>> digests = std::async(std::launch::async, [o, listed] {
        std::vector<std::string> d;
        for (const auto& path : o->rules) d.push_back(sha256_of_file(path));
        if (listed) d.push_back(sha256_of_file(o->sites));
        return d;
      });
      bar.message("reading the plan");
      const Plan plan = load(*o);
      std::vector<RuleFile> files;
      for (const auto& path : o->rules) files.push_back(read_rules(path));
      bar.message("compiling the rules");
      const Screener screener(plan, std::move(files));

      Provenance provenance = plan_provenance(plan, command_line());
      const std::vector<std::string> digest = digests.get();
      for (size_t i = 0; i < o->rules.size(); ++i)
        provenance.inputs.push_back({"rules", o->rules[i], "", digest[i], "", ""});
      if (listed)  // the password of a database hidden in reports
        provenance.inputs.push_back({"sites", o->sites, o->layer, digest.back(), "", ""});
      std::unique_ptr<ScreeningWriter> writer;
      if (database)
        writer = open_screening_report(*database, provenance, plan);
      else if (!o->output.empty())
        writer = open_screening_report(o->output, provenance, plan);
      std::unique_ptr<ScreeningWriter> stdout_writer;
      if (o->format == "json") stdout_writer = json_screening_writer(std::cout, provenance, plan);
      ScreeningSummary summary;
      auto emit = [&](const Site& site, const SiteResult& r) {
        summary.add(r.verdict);
        if (writer) writer->write(site, r);
        if (stdout_writer) stdout_writer->write(site, r);
      };

      if (at->count() > 0) {
        XY p = parse_xy(o->at);
        PointTransform(o->srs.empty() ? "EPSG:4326" : o->srs, plan.working_crs).apply(p.x, p.y);
        Site site;
        site.id = "1";
        site.industry = o->industry;
        site.action = o->action;
        site.attributes = attrs;
        site.geometry = Geometry::from_wkt(fmt::format("POINT ({:.17g} {:.17g})", p.x, p.y));
        const SiteResult r = screener.screen(site);
        emit(site, r);
        if (!writer && !stdout_writer) explain(plan, r);
      } else {
        source.path = o->sites;
        source.layer = o->layer;
        source.srs = o->srs;
        source.allow_network = o->allow_network;
        source.attributes = compared_attributes(screener.files());
        SiteReader reader(source, plan.working_crs);
        StreamOptions so;
        so.threads = o->threads;
        const std::int64_t total = reader.count();  // -1 when the source cannot tell
        bar.count("screened", 0, total, "sites");
        if (bar.shown())
          so.progress = [&bar, total](std::int64_t n) { bar.count("screened", n, total, "sites"); };
        screen_stream(screener, reader, emit, so);
        bar.finish();
        if (!stdout_writer)
          fmt::print(
              "{} sites: {} prohibited, {} restricted, {} encouraged, {} permitted, {} unlisted\n",
              summary.sites, summary.prohibited, summary.restricted, summary.encouraged,
              summary.permitted, summary.unlisted);
      }
      if (writer) writer->finish(summary);
      if (stdout_writer) stdout_writer->finish(summary);
      const bool fail = (o->fail_on == "prohibited" && summary.prohibited > 0) ||
                        (o->fail_on == "restricted" && summary.prohibited + summary.restricted > 0);
      return fail ? kFindings : kOk;
    };
  });
}

}  // namespace basinkit::cli
