// The HTML report of findings: one self-contained file that works offline (no web tiles,
// no CDN): a map drawn from the data itself as SVG (plan units, townships and rivers
// simplified for display, findings on top, zoom and pan, a click shows a finding's
// details), tables of counts by type, county and township (who must fix what), and every
// finding. The map, style and script are shared with the screening page (html_page.hpp).
#include <basinkit/error.hpp>
#include <basinkit/report.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "report/html_page.hpp"
#include "report/report_common.hpp"

namespace basinkit::report {
namespace {

using html::escape;

void write_map(std::ostream& out, const FindingReport& report) {
  html::Bounds bounds;
  if (report.plan) bounds = html::plan_bounds(*report.plan);
  for (const Finding& f : *report.findings) {
    bounds.add(f.geometry.extent());
    if (f.location) bounds.add((*f.location)[0], (*f.location)[1]);
  }
  if (bounds.empty()) bounds.add({0, 0, 1, 1});
  const html::SvgMap svg(bounds.e);
  html::write_map_start(out, svg.view_box(bounds.e));
  if (report.plan) html::write_plan_layers(out, svg, *report.plan);
  out << "<g class=\"findings\">";
  const double radius = html::SvgMap::marker_radius(bounds.e);
  size_t i = 0;
  for (const Finding& f : *report.findings) {
    const char* cls = f.waived ? "waived" : to_string(f.severity);
    const std::string d = f.geometry.is_empty() ? "" : svg.path(f.geometry.get());
    const int type =
        f.geometry.is_null() ? -1 : GEOSGeomTypeId_r(geos::context(), f.geometry.get());
    if (!d.empty() && type != GEOS_POINT) {
      out << fmt::format("<path class=\"{}\" data-i=\"{}\" d=\"{}\"/>", cls, i, d);
    } else if (f.location) {
      const auto p = svg.at((*f.location)[0], (*f.location)[1]);
      out << fmt::format(
          "<circle class=\"{}\" data-i=\"{}\" cx=\"{:.0f}\" cy=\"{:.0f}\" r=\"{:.0f}\"/>", cls, i,
          p[0], p[1], radius);
    }
    ++i;
  }
  out << "</g>\n</svg>\n";
}

void write_tally(std::ostream& out, const char* title, const std::map<std::string, Tally>& tally) {
  out << "<h2>" << title << "</h2>\n<table><tr><th>code</th><th>name</th><th>errors</th>"
      << "<th>warnings</th><th>area m²</th></tr>\n";
  for (const auto& [code, t] : tally)
    out << fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1f}</td></tr>\n",
                       escape(code), escape(t.name), t.errors, t.warnings, t.area_m2);
  out << "</table>\n";
}

constexpr const char* kStyle = R"(
.findings path,.findings circle{stroke-width:2;vector-effect:non-scaling-stroke}
.findings .error{fill:#d7301f;fill-opacity:.6;stroke:#d7301f}
.findings .warning{fill:#fc8d59;fill-opacity:.6;stroke:#e66101}
.findings .waived{fill:#999;fill-opacity:.4;stroke:#777;stroke-width:1}
)";

// A finding's details: its JSON object, as the JSON report has it.
constexpr const char* kDetails = R"(
var BASINKIT={details:function(i){var p=document.createElement('pre');
p.textContent=JSON.stringify(FINDINGS[i],null,2);return p;}};
)";

}  // namespace

void write_html_file(const FindingReport& report, const std::string& path) {
  std::ofstream out = open_output(path);
  const FindingSummary& s = report.summary;
  const std::string plan_name = report.plan ? report.plan->manifest.name : "";
  html::write_page_head(out, "basinkit report" + (plan_name.empty() ? "" : " — " + plan_name),
                        kStyle);
  out << "<h1>basinkit report" << (plan_name.empty() ? "" : " — " + escape(plan_name))
      << "</h1>\n<p>" << s.errors << " errors, " << s.warnings << " warnings, " << s.waived
      << " waived. Working CRS " << escape(report.working_crs) << "; areas are planar.</p>\n";
  out << "<div id=\"layout\">\n";
  write_map(out, report);
  out << "<div id=\"details\">Click a finding on the map. <span class=\"hint\">Wheel: zoom, "
         "drag: pan, double-click: whole plan.</span></div>\n</div>\n";
  out << "<h2>By type</h2>\n<table><tr><th>type</th><th>findings</th></tr>\n";
  for (const auto& [type, n] : s.by_type)
    out << "<tr><td>" << escape(type) << "</td><td>" << n << "</td></tr>\n";
  out << "</table>\n";
  if (!s.skipped.empty()) {
    out << "<p>Skipped: ";
    for (const auto& k : s.skipped) out << escape(k) << "; ";
    out << "</p>\n";
  }
  write_tally(out, "By county", s.by_county);
  write_tally(out, "By township", s.by_township);
  out << "<h2>Findings</h2>\n<table id=\"findings\"><tr><th>#</th><th>type</th><th>severity</th>"
         "<th>codes</th><th>area m²</th><th>message</th><th>waived</th></tr>\n";
  Json all = Json::array();
  size_t i = 0;
  for (const Finding& f : *report.findings) {
    std::string codes;
    for (const auto& c : f.codes) codes += (codes.empty() ? "" : ", ") + c;
    out << fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        i++, to_string(f.type), to_string(f.severity), escape(codes),
        f.area_m2 ? fmt::format("{:.1f}", *f.area_m2) : "", escape(f.message),
        escape(f.waived.value_or("")));
    all.push_back(finding_json(f));
  }
  out << "</table>\n";
  html::write_provenance(out, report.provenance);
  out << "<script>var FINDINGS=" << html::script_json(all) << ";\n"
      << kDetails << html::map_script() << "</script>\n</body></html>\n";
  finish_output(out, path);
}

}  // namespace basinkit::report
