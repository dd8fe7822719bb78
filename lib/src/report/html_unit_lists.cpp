// The HTML report of unit lists: one self-contained file (no script needed, nothing
// fetched), an index, then a page per unit for printing (html_unit_lists.hpp). The
// escaping, SVG paths, page head and provenance are shared with the other pages
// (html_page.hpp).
#include <fmt/format.h>

#include <fstream>

#include "report/html_page.hpp"
#include "report/html_unit_lists.hpp"
#include "report/report_common.hpp"

namespace basinkit::report {
namespace {

using html::escape;

constexpr const char* kStyle = R"(
section.unit{break-after:page;page-break-after:always;margin-top:1.5em}
#index{break-after:page;page-break-after:always}
.head{display:flex;gap:1em;align-items:flex-start;justify-content:space-between}
svg.unitmap{width:12cm;height:9cm;flex:none;border:1px solid #999;background:#f4f8fb}
.legend{list-style:none;padding:0}.legend li{margin:.15em 0}
.swatch{display:inline-block;width:1.2em;height:.8em;margin-right:.4em;vertical-align:middle;opacity:.7}
.swatch.prohibit{background:#d7191c}.swatch.restrict{background:#ff7f00}
.swatch.encourage{background:#1a9641}.swatch.permit{background:#607d8b}
svg.unitmap .unit{fill:#e8efe0;stroke:#333;stroke-width:2;vector-effect:non-scaling-stroke}
svg.unitmap path{fill-rule:evenodd}
svg.unitmap .prohibit{fill:#d7191c;fill-opacity:.45;stroke:#d7191c;stroke-width:1;vector-effect:non-scaling-stroke}
svg.unitmap .restrict{fill:#ff7f00;fill-opacity:.45;stroke:#ff7f00;stroke-width:1;vector-effect:non-scaling-stroke}
svg.unitmap .encourage{fill:#1a9641;fill-opacity:.45;stroke:#1a9641;stroke-width:1;vector-effect:non-scaling-stroke}
svg.unitmap .permit{fill:#607d8b;fill-opacity:.45;stroke:#607d8b;stroke-width:1;vector-effect:non-scaling-stroke}
td.prohibit{color:#b2182b;font-weight:bold}td.restrict{color:#d95f02;font-weight:bold}
td.encourage{color:#1a9641;font-weight:bold}td.permit{color:#455a64;font-weight:bold}
.whole{font-weight:bold}
h3{clear:none;margin:.6em 0 .2em}
table.list{width:100%}
@media print{body{margin:0;font-size:10pt}h2{margin-top:0}}
)";

std::string km2_text(double m2) { return fmt::format("{:.3f} km²", m2 / 1e6); }

/// "whole unit", "23.4 % of the unit", "<0.1 % of the unit".
std::string coverage_text(const ListedRule& l) {
  if (l.whole_unit) return "whole unit";
  if (l.share < 0.0005) return "<0.1 % of the unit";
  return fmt::format("{:.1f} % of the unit", 100 * l.share);
}

void write_list(std::ostream& out, const UnitList& u, RuleList which, const char* heading) {
  out << "<h3>" << heading << "</h3>\n";
  bool any = false;
  for (const ListedRule& l : u.rules) any |= l.rule->list == which;
  if (!any) {
    out << "<p class=\"hint\">No rule of this list applies in the unit.</p>\n";
    return;
  }
  out << "<table class=\"list\"><tr><th>effect</th><th>rule</th><th>title</th><th>where in the "
         "unit</th><th>applies to</th><th>basis</th><th>file</th></tr>\n";
  for (const ListedRule& l : u.rules) {
    if (l.rule->list != which) continue;
    const Rule& rule = *l.rule;
    std::string what = escape(applies_to_text(rule.applies_to));
    const std::string unless = unless_text(rule);
    if (!unless.empty()) what += "<br>" + escape(unless);
    if (!rule.condition.empty()) what += "<br>condition: " + escape(rule.condition);
    std::string where =
        fmt::format("<span class=\"{}\">{}</span><br>{}<br>{}", l.whole_unit ? "whole" : "",
                    escape(coverage_text(l)), km2_text(l.area_m2), escape(scope_text(rule)));
    if (l.unless_area_m2)
      where += *l.unless_area_m2 > 0
                   ? fmt::format("<br>exception's place: {}", km2_text(*l.unless_area_m2))
                   : std::string("<br>exception's place: not in this unit");
    out << fmt::format(
        "<tr><td class=\"{0}\">{0}</td><td>{1}</td><td>{2}</td><td>{3}</td><td>{4}</td>"
        "<td>{5}</td><td>{6}</td></tr>\n",
        to_string(rule.effect), escape(rule.id), escape(rule.title), where, what,
        escape(rule.basis), escape(l.file->path));
  }
  out << "</table>\n";
}

/// What the map shows: each drawn rule's colour and share, then the whole-unit rules.
void write_legend(std::ostream& out, const UnitList& u) {
  out << "<ul class=\"legend\">";
  std::string whole;
  for (const ListedRule& l : u.rules) {
    if (l.whole_unit) {
      whole += (whole.empty() ? "" : ", ") + escape(l.rule->id);
      continue;
    }
    out << fmt::format("<li><span class=\"swatch {}\"></span>{} {}: {}</li>",
                       to_string(l.rule->effect), escape(l.rule->id), escape(l.rule->title),
                       escape(coverage_text(l)));
  }
  if (!whole.empty()) out << "<li class=\"whole\">Whole unit: " << whole << "</li>";
  out << "</ul>\n";
}

void write_map(std::ostream& out, const UnitList& u) {
  if (u.geometry.is_null() || u.geometry.is_empty()) return;
  const Extent e = u.geometry.extent();
  const html::SvgMap svg(e);
  out << "<svg class=\"unitmap\" viewBox=\"" << svg.view_box(e)
      << "\" preserveAspectRatio=\"xMidYMid meet\" xmlns=\"http://www.w3.org/2000/svg\">"
      << "<path class=\"unit\" d=\"" << svg.path(u.geometry.get()) << "\"/>";
  // Rules covering the whole unit are not drawn (they would hide the others; the legend
  // names them). Positive lists under negative ones, prohibit on top.
  for (Effect effect : {Effect::permit, Effect::encourage, Effect::restrict, Effect::prohibit})
    for (const ListedRule& l : u.rules)
      if (l.rule->effect == effect && !l.whole_unit && !l.piece.is_null())
        out << "<path class=\"" << to_string(effect) << "\" d=\"" << svg.path(l.piece.get())
            << "\"><title>" << escape(l.rule->id) << ' ' << escape(l.rule->title)
            << "</title></path>";
  out << "</svg>\n";
}

}  // namespace

void write_unit_lists_html(const UnitListReport& report, const std::string& path) {
  std::ofstream out = open_output(path);
  const std::string plan_name = report.plan ? report.plan->manifest.name : "";
  const std::string title = "一单元一清单" + (plan_name.empty() ? "" : " — " + plan_name);
  html::write_page_head(out, title, kStyle);
  const std::vector<UnitList>& units = report.lists->units;
  out << "<div id=\"index\"><h1>" << escape(title) << "</h1>\n<p>" << units.size()
      << " control units, " << report.lists->rules
      << " rules. Areas are planar, in the working CRS "
      << escape(report.plan ? report.plan->working_crs : "")
      << ". A rule is listed when its scope covers a part of the unit that is not a sliver; "
         "“whole unit” when it covers all of it but slivers and no exception's place lies "
         "in it.</p>\n";
  for (const std::string& s : report.lists->skipped) out << "<p>Skipped: " << escape(s) << "</p>\n";
  out << "<table><tr><th>county</th><th>township</th><th>unit</th><th>name</th><th>area</th>"
         "<th>negative</th><th>positive</th></tr>\n";
  for (const UnitList& u : units) {
    size_t negative = 0;
    for (const ListedRule& l : u.rules) negative += l.rule->list == RuleList::negative;
    out << fmt::format(
        "<tr><td>{}</td><td>{}</td><td><a href=\"#u-{}\">{}</a></td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td></tr>\n",
        escape(u.county_name.empty() ? u.county : u.county_name),
        escape(u.township_name.empty() ? u.township : u.township_name), escape(u.code),
        escape(u.code), escape(u.name), km2_text(u.area_m2), negative, u.rules.size() - negative);
  }
  out << "</table>\n</div>\n";
  for (const UnitList& u : units) {
    out << "<section class=\"unit\" id=\"u-" << escape(u.code) << "\">\n<h2>" << escape(u.code)
        << ' ' << escape(u.name) << "</h2>\n";
    out << "<div class=\"head\"><div>";
    out << "<p>Managed by " << escape(u.township) << ' ' << escape(u.township_name);
    if (!u.county.empty()) out << ", county " << escape(u.county) << ' ' << escape(u.county_name);
    out << ". Area " << km2_text(u.area_m2) << ".</p>\n";
    write_legend(out, u);
    out << "</div>";
    write_map(out, u);
    out << "</div>\n";
    if (!u.error.empty()) out << "<p>" << escape(u.error) << "</p>\n";
    write_list(out, u, RuleList::negative, "负面清单 (negative list)");
    write_list(out, u, RuleList::positive, "正面清单 (positive list)");
    out << "</section>\n";
  }
  html::write_provenance(out, report.provenance);
  out << "</body></html>\n";
  finish_output(out, path);
}

}  // namespace basinkit::report
