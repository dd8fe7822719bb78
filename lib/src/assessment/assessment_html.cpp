// The assessment page: one self-contained offline file (docs/architecture.md, "HTML
// reports"): the plan drawn from the data, each red section's incremental catchment
// shaded, sections as circles coloured by warning (click for the parameters), then the
// sections, counties, townships and compensation as tables.
#include <basinkit/assessment.hpp>

#include <fmt/format.h>

#include <fstream>

#include "assessment/assessment_report.hpp"
#include "report/html_page.hpp"

namespace basinkit::assessment {
namespace {

using report::html::escape;

std::string warning_class(const SectionAssessment& s) {
  return s.warning ? basinkit::to_string(*s.warning) : "no-data";
}

void write_map(std::ostream& out, const AssessmentReport& report) {
  const AssessmentResult& r = *report.result;
  report::html::Bounds bounds;
  if (report.plan) bounds = report::html::plan_bounds(*report.plan);
  for (const auto& s : r.sections)
    if (s.has_location) bounds.add(s.location[0], s.location[1]);
  if (bounds.empty()) bounds.add({0, 0, 1, 1});
  const report::html::SvgMap svg(bounds.e);
  report::html::write_map_start(out, svg.view_box(bounds.e));
  if (report.plan) {
    report::html::write_plan_layers(out, svg, *report.plan);
    std::map<std::string, const ControlUnit*> units;
    for (const auto& u : report.plan->units) units.emplace(u.code, &u);
    out << "<g class=\"catchments\">";
    for (size_t i = 0; i < r.sections.size(); ++i) {
      const SectionAssessment& s = r.sections[i];
      if (s.warning != Warning::red) continue;
      for (const auto& code : s.units) {
        const auto u = units.find(code);
        if (u == units.end() || u->second->geometry.is_empty()) continue;
        out << fmt::format("<path data-i=\"{}\" d=\"{}\"><title>{} → {}</title></path>", i,
                           svg.path(u->second->geometry.get()), escape(code), escape(s.code));
      }
    }
    out << "</g>\n";
  }
  out << "<g class=\"sections\">";
  const double radius = report::html::SvgMap::marker_radius(bounds.e) * 1.5;
  for (size_t i = 0; i < r.sections.size(); ++i) {
    const SectionAssessment& s = r.sections[i];
    if (!s.has_location) continue;
    const auto p = svg.at(s.location[0], s.location[1]);
    out << fmt::format(
        "<circle class=\"{}\" data-i=\"{}\" cx=\"{:.0f}\" cy=\"{:.0f}\" r=\"{:.0f}\"><title>{} "
        "{}</title></circle>",
        warning_class(s), i, p[0], p[1], radius, escape(s.code), escape(s.name));
  }
  out << "</g>\n</svg>\n";
}

void write_tally(std::ostream& out, const char* title,
                 const std::map<std::string, ResponsibilityTally>& tallies) {
  out << "<h2>" << title << "</h2>\n<table><tr><th>code</th><th>name</th><th>green</th>"
      << "<th>yellow</th><th>red</th><th>no data</th><th>area under a red section km²</th>"
      << "<th>sections</th></tr>\n";
  for (const auto& [code, t] : tallies)
    out << fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.2f}</td>"
        "<td>{}</td></tr>\n",
        escape(code), escape(t.name), t.green, t.yellow, t.red, t.no_data, t.red_area_m2 / 1e6,
        escape(report::joined(t.sections)));
  out << "</table>\n";
}

constexpr const char* kStyle = R"(
.catchments path{fill:#d7191c;fill-opacity:.35;stroke:#d7191c;stroke-width:1;vector-effect:non-scaling-stroke}
.sections circle{stroke:#222;stroke-width:1.5;vector-effect:non-scaling-stroke}
.green{fill:#1a9641}.yellow{fill:#ffbf00}.red{fill:#d7191c}.no-data{fill:#bbb}
td.green,td.yellow,td.red,td.no-data{color:#000;fill:none}
td.green{background:#a6dba0}td.yellow{background:#ffe08a}td.red{background:#f4a5a5}
)";

// A section's details, built as DOM text: heading, verdict, parameters, responsibility.
// Four columns (the role beside the class, the multiple as the over-target mark) so
// that the table fits the details panel beside the map.
constexpr const char* kDetails = R"(
var BASINKIT={details:function(i){var s=SECTIONS[i],d=document.createElement('div');
function line(tag,text){var e=document.createElement(tag);e.textContent=text;d.appendChild(e);return e;}
line('h3',s.code+' '+s.name);
line('p',(s.river||'')+' · '+(s.kind||'')+' · target '+(s.target||'–')+' · class '+(s.class||'no data')+
 (s.status?' ('+s.status+')':'')+' · '+(s.warning||'no data')+' · '+s.samples+' rows');
var t=document.createElement('table'),h=t.insertRow();
['parameter','mean','class','over target (超标倍数)'].forEach(function(x){var c=document.createElement('th');c.textContent=x;h.appendChild(c);});
s.parameters.forEach(function(p){var r=t.insertRow();
[p.parameter+' '+p.name,p.mean+' '+p.unit,(p.class||'–')+(p.role==='in_class'?'':' ('+p.role.replace('_',' ')+')'),
 p.over_target?(p.multiple===null?'yes':p.multiple):''].forEach(function(x){r.insertCell().textContent=x;});});
d.appendChild(t);
line('p','units: '+s.units.join(', '));
line('p','townships: '+s.townships.join(', ')+' · counties: '+s.counties.join(', '));
if(s.cross_boundary){var c=s.cross_boundary;line('p','cross-boundary: '+c.upstream_county+' → '+(c.downstream_county||'?')+
 (c.payer?' · '+c.payer+' pays '+c.payee+' '+c.amount+' '+c.currency:' · no payment'));}
return d;}};
)";

}  // namespace

void write_html(const AssessmentReport& report, const std::string& path) {
  const AssessmentResult& r = *report.result;
  std::ofstream out = report::open_output(path);
  const std::string plan_name = report.plan ? report.plan->manifest.name : "";
  const std::string title =
      "basinkit assessment " + r.period.label + (plan_name.empty() ? "" : " — " + plan_name);
  report::html::write_page_head(out, title, kStyle);
  out << "<h1>" << escape(title) << "</h1>\n<p>" << r.sections.size() << " sections: " << r.green
      << " green, " << r.yellow << " yellow, " << r.red << " red, " << r.no_data
      << " without data. Classes by GB 3838-2002, single-factor method on the period mean; "
         "areas are planar.</p>\n<div id=\"layout\">\n";
  write_map(out, report);
  out << "<div id=\"details\">Click a section on the map or in the table. <span "
         "class=\"hint\">Wheel: zoom, drag: pan, double-click: whole plan. Shaded: the "
         "incremental catchments of red sections.</span></div>\n</div>\n";
  out << "<h2>Sections</h2>\n<table id=\"items\"><tr><th>code</th><th>name</th><th>river</th>"
         "<th>kind</th><th>target</th><th>class</th><th>warning</th><th>over target</th>"
         "<th>townships</th><th>counties</th></tr>\n";
  report::Json all = report::Json::array();
  for (size_t i = 0; i < r.sections.size(); ++i) {
    const SectionAssessment& s = r.sections[i];
    const std::vector<std::string> over = over_target_labels(s);
    out << fmt::format(
        "<tr data-i=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        i, escape(s.code), escape(s.name), escape(s.river), escape(s.kind),
        s.target ? to_string(*s.target) : "–", s.klass ? to_string(*s.klass) : "–",
        warning_class(s), warning_class(s), escape(report::joined(over)),
        escape(report::joined(s.townships)), escape(report::joined(s.counties)));
    all.push_back(section_json(s, r.currency));
  }
  out << "</table>\n";
  write_tally(out, "By county", r.by_county);
  write_tally(out, "By township", r.by_township);
  out << "<h2>Cross-boundary sections (横向生态补偿)</h2>\n<table><tr><th>section</th>"
         "<th>upstream county</th><th>downstream county</th><th>classes vs target</th>"
         "<th>payer</th><th>payee</th><th>amount</th></tr>\n";
  for (const SectionAssessment& s : r.sections) {
    if (!s.cross_boundary) continue;
    const CrossBoundary& c = *s.cross_boundary;
    out << fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:+}</td><td>{}</td><td>{}</td><td>{} {}</td>"
        "</tr>\n",
        escape(s.code), escape(c.upstream_county), escape(c.downstream_county), c.class_difference,
        escape(c.payer), escape(c.payee), c.amount, escape(r.currency));
  }
  out << "</table>\n";
  report::html::write_provenance(out, report.provenance);
  out << "<script>var SECTIONS=" << report::html::script_json(all) << ";\n"
      << kDetails << report::html::map_script() << "</script>\n</body></html>\n";
  report::finish_output(out, path);
}

}  // namespace basinkit::assessment
