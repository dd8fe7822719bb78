// The HTML page of a plan diff: one self-contained offline file (html_page.hpp). The map
// draws the NEW plan (units, townships, rivers), the OLD units' boundaries over it as
// dashed outlines, the changed areas coloured by change type and the resolved and new
// findings as marks; a click shows the item's JSON. Tables: changes by type, by county
// and township (changes and finding statuses), every change and every finding that moved.
#include <basinkit/plan_diff.hpp>

#include <fmt/format.h>

#include <fstream>

#include "diff/diff_report.hpp"
#include "report/html_page.hpp"

namespace basinkit::report {
namespace {

using html::escape;

constexpr const char* kStyle = R"(
.old-units path{fill:none;stroke:#b2182b;stroke-width:1;stroke-dasharray:3 3;vector-effect:non-scaling-stroke}
.changes path,.changes circle,.findings circle{fill-opacity:.55;stroke-width:2;vector-effect:non-scaling-stroke}
.added{fill:#1a9641;stroke:#1a9641}.removed{fill:#d7191c;stroke:#d7191c}
.recoded{fill:#1f78b4;stroke:#1f78b4}.split{fill:#984ea3;stroke:#984ea3}
.merged{fill:#009688;stroke:#009688}.reshaped{fill:#ff7f00;stroke:#ff7f00}
.reassigned{fill:#a65628;stroke:#a65628}.reparented{fill:#808000;stroke:#808000}
.attribute{fill:#999;stroke:#777}
.findings .resolved{fill:#1a9641;stroke:#0b5d25}.findings .new{fill:#d7191c;stroke:#8c0d0f}
.legend span{display:inline-block;width:1em;height:.8em;margin:0 .2em 0 .8em;border:1px solid #555}
.legend .added{background:#1a9641}.legend .removed{background:#d7191c}
.legend .recoded{background:#1f78b4}.legend .split{background:#984ea3}
.legend .merged{background:#009688}.legend .reshaped{background:#ff7f00}
.legend .reassigned{background:#a65628}.legend .reparented{background:#808000}
.legend .attribute{background:#999}.legend .resolved{background:#1a9641}
.legend .new{background:#d7191c}
)";

constexpr const char* kDetails = R"(
var BASINKIT={details:function(i){var p=document.createElement('pre');
p.textContent=JSON.stringify(ITEMS[i],null,2);return p;}};
)";

/// One thing drawn and listed: a change or a finding that moved.
struct Item {
  const char* cls;  // CSS class: change type or finding status
  const Geometry* geometry;
  std::optional<std::array<double, 2>> location;
};

void write_map(std::ostream& out, const DiffReport& report, const std::vector<Item>& items,
               size_t first_finding) {
  html::Bounds bounds;
  if (report.new_plan) bounds = html::plan_bounds(*report.new_plan);
  if (report.old_plan) {
    const html::Bounds old = html::plan_bounds(*report.old_plan);
    if (!old.empty()) bounds.add(old.e);
  }
  if (bounds.empty()) bounds.add({0, 0, 1, 1});
  const html::SvgMap svg(bounds.e);
  html::write_map_start(out, svg.view_box(bounds.e));
  if (report.new_plan) html::write_plan_layers(out, svg, *report.new_plan);
  out << "<g class=\"old-units\">";
  if (report.old_plan)
    for (const auto& u : report.old_plan->units)
      if (!u.geometry.is_empty())
        out << "<path d=\"" << svg.path(u.geometry.get()) << "\"><title>" << escape(u.code) << ' '
            << escape(u.name) << "</title></path>";
  out << "</g>\n<g class=\"changes\">";
  const double radius = html::SvgMap::marker_radius(bounds.e);
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    if (i == first_finding) out << "</g>\n<g class=\"findings\">";
    const std::string d =
        it.geometry && !it.geometry->is_empty() ? svg.path(it.geometry->get()) : "";
    const bool finding = i >= first_finding;
    if (!d.empty() && !finding) {
      out << fmt::format("<path class=\"{}\" data-i=\"{}\" d=\"{}\"/>", it.cls, i, d);
    } else if (it.location) {
      const auto p = svg.at((*it.location)[0], (*it.location)[1]);
      out << fmt::format(
          "<circle class=\"{}\" data-i=\"{}\" cx=\"{:.0f}\" cy=\"{:.0f}\" r=\"{:.0f}\"/>", it.cls,
          i, p[0], p[1], radius);
    }
  }
  out << "</g>\n</svg>\n";
}

void write_tally(std::ostream& out, const char* title,
                 const std::map<std::string, DiffTally>& tally) {
  out << "<h2>" << title << "</h2>\n<table><tr><th>code</th><th>name</th><th>changes</th>"
      << "<th>findings resolved</th><th>new</th><th>new errors</th><th>unchanged</th></tr>\n";
  for (const auto& [code, t] : tally)
    out << fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        escape(code), escape(t.name), t.changes, t.resolved, t.added, t.new_errors, t.unchanged);
  out << "</table>\n";
}

}  // namespace

void write_diff_html(const DiffReport& report, const std::string& path) {
  const PlanDiff& d = *report.diff;
  // Changes first, then resolved and new findings (unchanged ones are only counted).
  std::vector<Item> items;
  Json all = Json::array();
  for (const PlanChange& c : d.changes) {
    items.push_back({to_string(c.type), &c.geometry, c.location});
    all.push_back(change_json(c));
  }
  const size_t first_finding = items.size();
  for (const auto& [status, findings] : {std::pair{"resolved", &d.resolved}, {"new", &d.added}})
    for (const Finding& f : *findings) {
      items.push_back({status, &f.geometry, f.location});
      Json j = finding_json(f);
      j["status"] = status;
      all.push_back(std::move(j));
    }

  std::ofstream out = open_output(path);
  const std::string name = report.new_plan ? report.new_plan->manifest.name : "";
  html::write_page_head(out, "basinkit diff" + (name.empty() ? "" : " — " + name), kStyle);
  out << "<h1>basinkit diff" << (name.empty() ? "" : " — " + escape(name)) << "</h1>\n<p>"
      << d.changes.size() << " changes";
  if (d.findings_compared)
    out << "; findings: " << d.resolved.size() << " resolved, " << d.added.size() << " new ("
        << d.new_errors() << " errors), " << d.unchanged.size() << " unchanged";
  out << ". Working CRS " << escape(report.provenance.working_crs)
      << " (the new plan's); areas are planar.</p>\n<p class=\"legend\">Old units: dashed red."
      << "<span class=\"added\"></span>added<span class=\"removed\"></span>removed"
      << "<span class=\"recoded\"></span>recoded<span class=\"split\"></span>split"
      << "<span class=\"merged\"></span>merged<span class=\"reshaped\"></span>reshaped"
      << "<span class=\"reassigned\"></span>reassigned<span class=\"reparented\"></span>"
      << "reparented<span class=\"attribute\"></span>attribute · findings: "
      << "<span class=\"resolved\"></span>resolved<span class=\"new\"></span>new</p>\n";
  out << "<div id=\"layout\">\n";
  write_map(out, report, items, first_finding);
  out << "<div id=\"details\">Click a change on the map. <span class=\"hint\">Wheel: zoom, "
         "drag: pan, double-click: whole plan.</span></div>\n</div>\n";
  out << "<h2>By change</h2>\n<table><tr><th>change</th><th>count</th></tr>\n";
  for (const auto& [type, n] : d.by_change)
    out << "<tr><td>" << escape(type) << "</td><td>" << n << "</td></tr>\n";
  out << "</table>\n";
  write_tally(out, "By county", d.by_county);
  write_tally(out, "By township", d.by_township);
  out << "<h2>Changes and findings</h2>\n<table id=\"items\"><tr><th>#</th><th>change</th>"
         "<th>layer</th><th>old codes</th><th>new codes</th><th>message</th></tr>\n";
  auto codes = [](const std::vector<std::string>& v) {
    return escape(fmt::format("{}", fmt::join(v, ", ")));
  };
  for (size_t i = 0; i < items.size(); ++i) {
    if (i < first_finding) {
      const PlanChange& c = d.changes[i];
      out << fmt::format(
          "<tr data-i=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
          "</tr>\n",
          i, i, to_string(c.type), escape(c.layer), codes(c.old_codes), codes(c.new_codes),
          escape(c.message));
    } else {
      const Json& j = all[i];
      const bool resolved = j["status"] == "resolved";
      const std::string fcodes = codes(j["codes"].get<std::vector<std::string>>());
      out << fmt::format(
          "<tr data-i=\"{}\"><td>{}</td><td>finding {} ({})</td><td>{}</td><td>{}</td><td>{}</td>"
          "<td>{}</td></tr>\n",
          i, i, items[i].cls, escape(j["type"].get<std::string>()),
          escape(j["layer"].get<std::string>()), resolved ? fcodes : "", resolved ? "" : fcodes,
          escape(j["message"].get<std::string>()));
    }
  }
  out << "</table>\n";
  html::write_provenance(out, report.provenance);
  out << "<script>var ITEMS=" << html::script_json(all) << ";\n"
      << kDetails << html::map_script() << "</script>\n</body></html>\n";
  finish_output(out, path);
}

}  // namespace basinkit::report
