// The HTML page of screening results (DESIGN.md section 7, `screen -o result.html`): one
// self-contained file that works offline. The plan (units, townships, rivers) drawn as SVG
// as on the findings page (html_page.hpp), the sites on top coloured by verdict — the
// prohibited drawn last, so that no other site hides them — zoom, pan, and a click on a
// site (or its table row) shows its verdict, location and every applicable rule with
// title, effect, legal basis, condition and evidence. Then counts by verdict, county and
// township, a table of every site, the rules applied, and the provenance.
//
// Streaming: a screening report is written site by site and never held whole in memory.
// The page, though, wants the counts on top and each site in three places (its mark on the
// map, its table row, its record for the details), so each site's three parts go to
// temporary files (spools, unlinked as soon as they are created, in TMPDIR or /tmp) and
// finish() copies them into the page in order. Kept in memory: the rules applied (one
// entry per rule), counts per county and township, and the names of units, townships and
// counties. The plan is drawn into a spool when the writer is opened and not kept.
//
// Size: the plan as on the findings page (simplified to about a pixel of a large screen;
// about 1.2 MB for a 10k-unit plan of 6M vertices), plus 0.5-1 KB per site (mark, row,
// record): a page for up to tens of thousands of sites.

#include "report/html_screening.hpp"

#include <basinkit/error.hpp>

#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <utility>

#include "report/html_page.hpp"
#include "report/report_common.hpp"

namespace basinkit::report {
namespace {

using html::escape;

/// A temporary file written now and read back once: created on first use, unlinked at once
/// (the open stream keeps it until the spool is destroyed, even when the program dies).
class Spool {
 public:
  explicit Spool(std::string report_path) : report_path_(std::move(report_path)) {}

  std::ostream& out() {
    if (!file_.is_open()) open();
    return file_;
  }

  /// Copies what was written to `to`; InputError naming the report when anything failed.
  void copy_to(std::ostream& to) {
    if (!file_.is_open()) return;
    file_.flush();
    if (!file_) fail("cannot write a temporary file");
    if (file_.tellp() <= 0) return;
    file_.seekg(0);
    to << file_.rdbuf();
    if (!to) fail("cannot copy a temporary file into the report");
  }

 private:
  void open() {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
    if (ec) dir = "/tmp";
    std::string name = (dir / "basinkit-html-XXXXXX").string();
    const int fd = mkstemp(name.data());
    if (fd < 0)
      fail(fmt::format("cannot create a temporary file in {}: {}", dir.string(),
                       std::strerror(errno)));
    file_.open(name, std::ios::in | std::ios::out | std::ios::trunc | std::ios::binary);
    ::close(fd);
    ::unlink(name.c_str());
    if (!file_) fail(fmt::format("cannot open the temporary file {}", name));
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(what + " for the HTML report", Where(report_path_));
  }

  std::string report_path_;
  std::fstream file_;
};

constexpr size_t kVerdicts = 5;
/// Verdicts in drawing order: the last is drawn on top.
constexpr std::array<Verdict, kVerdicts> kDrawOrder = {Verdict::unlisted, Verdict::permitted,
                                                       Verdict::encouraged, Verdict::restricted,
                                                       Verdict::prohibited};
/// Verdicts in reading order (the summary's order).
constexpr std::array<Verdict, kVerdicts> kReadOrder = {Verdict::prohibited, Verdict::restricted,
                                                       Verdict::encouraged, Verdict::permitted,
                                                       Verdict::unlisted};

size_t index_of(Verdict v) { return static_cast<size_t>(v); }

const char* chinese(Verdict v) {
  switch (v) {
    case Verdict::prohibited:
      return "禁止";
    case Verdict::restricted:
      return "限制";
    case Verdict::encouraged:
      return "鼓励";
    case Verdict::permitted:
      return "允许";
    case Verdict::unlisted:
      return "未列入清单";
  }
  return "";
}

/// Counts per verdict (indexed by Verdict).
using Counts = std::array<std::int64_t, kVerdicts>;

Json code_json(const std::optional<std::string>& code) {
  return code ? Json(*code) : Json(nullptr);
}

std::string code_text(const std::optional<std::string>& code) { return code ? *code : "—"; }

Json evidence_json(const Evidence& e) {
  Json j = Json::object();
  if (e.distance_m) j["distance_m"] = rounded(*e.distance_m, kMetricDecimals);
  if (e.overlap_m2) j["overlap_m2"] = rounded(*e.overlap_m2, kMetricDecimals);
  if (e.unit) j["unit"] = *e.unit;
  if (e.zone) j["zone"] = *e.zone;
  return j;
}

/// Code → name of plan features (units, townships, counties).
template <typename Features>
std::map<std::string, std::string> names_of(const Features& features) {
  std::map<std::string, std::string> names;
  for (const auto& f : features)
    if (!f.code.empty()) names.emplace(f.code, f.name);
  return names;
}

constexpr const char* kStyle = R"(
.sites circle,.sites path{stroke-width:1;vector-effect:non-scaling-stroke}
#map .sites circle{stroke:#fff}
#map .sites path{stroke-width:3;fill-opacity:.7}
#map .sites path.line{fill:none}
.prohibited{fill:#d7301f;stroke:#d7301f;background:#d7301f}
.restricted{fill:#fc8d59;stroke:#fc8d59;background:#fc8d59}
.encouraged{fill:#1a9850;stroke:#1a9850;background:#1a9850}
.permitted{fill:#4575b4;stroke:#4575b4;background:#4575b4}
.unlisted{fill:#9e9e9e;stroke:#9e9e9e;background:#9e9e9e}
#map .sites .selected{stroke:#000;stroke-width:4}
.swatch{display:inline-block;width:.9em;height:.9em;border-radius:50%;vertical-align:middle;margin-right:.3em}
.verdict{color:#fff;padding:0 .3em;border-radius:.2em;white-space:nowrap}
#details h3{margin:.2em 0}
#details .rule{border-left:4px solid #ccc;padding-left:.5em;margin:.5em 0}
#details .rule.prohibit{border-color:#d7301f}
#details .rule.restrict{border-color:#fc8d59}
#details .rule.encourage{border-color:#1a9850}
#details .rule.permit{border-color:#4575b4}
#details p{margin:.2em 0}
.error{color:#b00}
)";

// A site's details, built as DOM text (never as markup: ids and attributes come from the
// input). SITES[i] = {id, industry, action, verdict, location, rules: [[rule, evidence]],
// missing, error?}; RULES[rule] = {id, file, effect, title, basis, condition}.
constexpr const char* kDetails = R"(
var VERDICT={prohibited:'禁止 prohibited',restricted:'限制 restricted',encouraged:'鼓励 encouraged',permitted:'允许 permitted',unlisted:'未列入清单 unlisted'};
var EFFECT={prohibit:'禁止 prohibit',restrict:'限制 restrict',encourage:'鼓励 encourage',permit:'允许 permit'};
var BASINKIT={details:function(i){
var s=SITES[i],box=document.createElement('div');
function add(parent,tag,text,cls){var e=document.createElement(tag);e.textContent=text;if(cls)e.className=cls;parent.appendChild(e);return e;}
function named(kind,code){if(code===null||code===undefined)return '—';var n=NAMES[kind][code];return n?code+' '+n:code;}
add(box,'h3','site '+s.id);
add(box,'span',VERDICT[s.verdict],'verdict '+s.verdict);
if(s.industry||s.action)add(box,'p','industry '+(s.industry||'—')+' · action '+(s.action||'—'));
var l=s.location;
add(box,'p','unit: '+named('units',l.unit));
add(box,'p','manager: '+named('townships',l.manager));
add(box,'p','township: '+named('townships',l.township));
add(box,'p','county: '+named('counties',l.county));
add(box,'p','basins: '+Object.keys(l.basins).map(function(k){return 'L'+k+' '+(l.basins[k]||'—');}).join(' · '));
if(l.outside_plan)add(box,'p','outside the plan area','error');
if(s.error)add(box,'p','error: '+s.error,'error');
s.rules.forEach(function(a){var r=RULES[a[0]],e=a[1],d=add(box,'div','','rule '+r.effect);
add(d,'b','['+EFFECT[r.effect]+'] '+r.id);add(d,'p',r.title);
add(d,'p','依据 legal basis: '+r.basis);
if(r.condition)add(d,'p','条件 condition: '+r.condition);
var ev=[];if(typeof e.distance_m=='number')ev.push('distance '+e.distance_m.toFixed(1)+' m');
if(typeof e.overlap_m2=='number')ev.push('overlap '+e.overlap_m2.toFixed(1)+' m²');
if('unit' in e)ev.push('unit '+e.unit);if('zone' in e)ev.push('in '+e.zone);
if(ev.length)add(d,'p','evidence: '+ev.join(', '));
add(d,'p','file: '+r.file,'hint');});
if(!s.rules.length)add(box,'p','No rule of the lists applies.');
if(s.missing.length)add(box,'p','missing attributes: '+s.missing.join(', '),'error');
return box;}};
)";

class HtmlWriter final : public ScreeningWriter {
 public:
  HtmlWriter(const std::string& path, const Provenance& provenance, const Plan& plan)
      : out_(open_output(path)),
        path_(path),
        provenance_(provenance),
        plan_name_(plan.manifest.name),
        working_crs_(plan.working_crs.empty() ? provenance.working_crs : plan.working_crs),
        levels_(plan.levels()),
        unit_names_(names_of(plan.units)),
        township_names_(names_of(plan.townships)),
        county_names_(names_of(plan.layer("counties"))),
        plan_map_(path),
        marks_{Spool(path), Spool(path), Spool(path), Spool(path), Spool(path)},
        rows_(path),
        records_(path) {
    const html::Bounds bounds = html::plan_bounds(plan);
    if (!bounds.empty()) {
      view_ = bounds;  // the plan's extent: a site far outside does not shrink the plan
      svg_.emplace(bounds.e);
      radius_ = std::round(1.5 * html::SvgMap::marker_radius(bounds.e));  // sites stand out
      html::write_plan_layers(plan_map_.out(), *svg_, plan);
    }
  }

  void write(const Site& site, const SiteResult& result) override {
    const size_t i = sites_++;
    const std::string& id = result.id.empty() ? site.id : result.id;
    const Location& at = result.location;
    ++by_county_[code_text(at.county)][index_of(result.verdict)];
    ++by_township_[code_text(at.township)][index_of(result.verdict)];
    if (result.error.empty()) draw(i, site, result.verdict);

    // The table row: verdict, location, rule titles and legal basis.
    const char* verdict = to_string(result.verdict);
    std::ostream& row = rows_.out();
    row << fmt::format(
        "<tr data-i=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><span class=\"verdict "
        "{}\">{} {}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>",
        i, i, escape(id), escape(site.industry), escape(site.action), verdict,
        chinese(result.verdict), verdict, escape(code_text(at.unit)), escape(code_text(at.manager)),
        escape(code_text(at.township)), escape(code_text(at.county)));
    for (const AppliedRule& a : result.rules)
      if (a.rule)
        row << "<div>[" << to_string(a.rule->effect) << "] " << escape(a.rule->id) << ' '
            << escape(a.rule->title) << "</div>";
    if (!result.error.empty()) row << "<div class=\"error\">" << escape(result.error) << "</div>";
    row << "</td><td>";
    for (const AppliedRule& a : result.rules)
      if (a.rule) row << "<div>" << escape(a.rule->basis) << "</div>";
    row << "</td></tr>\n";

    // The record behind the details.
    Json rules = Json::array();
    for (const AppliedRule& a : result.rules)
      if (a.rule) rules.push_back(Json::array({rule_index(a), evidence_json(a.evidence)}));
    Json basins = Json::object();
    for (int level : levels_) {
      const auto it = at.basins.find(level);
      basins[std::to_string(level)] = it == at.basins.end() ? Json(nullptr) : code_json(it->second);
    }
    Json record = {{"id", id},
                   {"industry", site.industry},
                   {"action", site.action},
                   {"verdict", verdict},
                   {"location",
                    {{"unit", code_json(at.unit)},
                     {"manager", code_json(at.manager)},
                     {"township", code_json(at.township)},
                     {"county", code_json(at.county)},
                     {"basins", std::move(basins)},
                     {"outside_plan", at.outside_plan}}},
                   {"rules", std::move(rules)},
                   {"missing", result.missing}};
    if (!result.error.empty()) record["error"] = result.error;
    records_.out() << (i == 0 ? "" : ",\n") << html::script_json(record);
  }

  void finish(const ScreeningSummary& summary) override {
    std::ostream& out = out_;
    const std::string title = "basinkit screening" + (plan_name_.empty() ? "" : " — " + plan_name_);
    html::write_page_head(out, title, kStyle);
    out << "<h1>" << escape(title) << "</h1>\n<p>" << summary.sites << " sites: ";
    for (Verdict v : kReadOrder)
      out << fmt::format("<span class=\"swatch {}\"></span>{} {} {}{}", to_string(v),
                         count_of(summary, v), chinese(v), to_string(v),
                         v == Verdict::unlisted ? "." : ", ");
    out << " Working CRS " << escape(working_crs_) << ".</p>\n<div id=\"layout\">\n";
    write_map(out);
    out << "<div id=\"details\">Click a site on the map or in the table. <span class=\"hint\">"
           "Wheel: zoom, drag: pan, double-click: whole plan.</span></div>\n</div>\n";
    out << "<h2>Sites</h2>\n<table id=\"items\"><tr><th>#</th><th>id</th><th>industry</th>"
           "<th>action</th><th>verdict</th><th>unit</th><th>manager</th><th>township</th>"
           "<th>county</th><th>rules</th><th>legal basis 依据</th></tr>\n";
    rows_.copy_to(out);
    out << "</table>\n<h2>Rules applied</h2>\n<table id=\"rules\"><tr><th>rule</th><th>file</th>"
           "<th>effect</th><th>sites</th><th>title</th><th>legal basis 依据</th>"
           "<th>condition 条件</th></tr>\n";
    Json rules = Json::array();
    for (const RuleInfo& r : rules_) {
      out << fmt::format(
          "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></"
          "tr>\n",
          escape(r.rule.id), escape(r.file), to_string(r.rule.effect), r.sites,
          escape(r.rule.title), escape(r.rule.basis), escape(r.rule.condition));
      rules.push_back({{"id", r.rule.id},
                       {"file", r.file},
                       {"effect", to_string(r.rule.effect)},
                       {"title", r.rule.title},
                       {"basis", r.rule.basis},
                       {"condition", r.rule.condition}});
    }
    out << "</table>\n";
    write_tally(out, "By county", by_county_, county_names_);
    write_tally(out, "By township (whose territory holds the site)", by_township_, township_names_);
    html::write_provenance(out, provenance_);
    Json names = {
        {"units", unit_names_}, {"townships", township_names_}, {"counties", county_names_}};
    out << "<script>var RULES=" << html::script_json(rules)
        << ";\nvar NAMES=" << html::script_json(names) << ";\nvar SITES=[";
    records_.copy_to(out);
    out << "];\n" << kDetails << html::map_script() << "</script>\n</body></html>\n";
    finish_output(out_, path_);
  }

 private:
  static std::int64_t count_of(const ScreeningSummary& s, Verdict v) {
    switch (v) {
      case Verdict::prohibited:
        return s.prohibited;
      case Verdict::restricted:
        return s.restricted;
      case Verdict::encouraged:
        return s.encouraged;
      case Verdict::permitted:
        return s.permitted;
      case Verdict::unlisted:
        return s.unlisted;
    }
    return 0;
  }

  /// The site's mark on the map: a circle for a point (or a shape too small to draw), its
  /// simplified shape otherwise; nothing for an empty geometry.
  void draw(size_t i, const Site& site, Verdict verdict) {
    if (site.geometry.is_null() || site.geometry.is_empty()) return;
    GEOSContextHandle_t h = geos::context();
    const GEOSGeometry* g = site.geometry.get();
    if (!svg_) {  // a plan without geometry: the map is the sites'
      svg_.emplace(site.geometry.extent());
      radius_ = 50;
      sites_view_ = true;
    }
    if (sites_view_) view_.add(site.geometry.extent());
    const int dimension = GEOSGeom_getDimensions_r(h, g);
    std::string d = dimension > 0 ? svg_->path(g) : "";
    const char* cls = to_string(verdict);
    std::ostream& mark = marks_[index_of(verdict)].out();
    if (!d.empty()) {
      mark << fmt::format("<path class=\"{}{}\" data-i=\"{}\" d=\"{}\"/>", cls,
                          dimension == 1 ? " line" : "", i, d);
      return;
    }
    geos::GeometryPtr point(GEOSPointOnSurface_r(h, g));
    double x = 0, y = 0;
    if (!point || !GEOSGeomGetX_r(h, point.get(), &x) || !GEOSGeomGetY_r(h, point.get(), &y) ||
        !std::isfinite(x) || !std::isfinite(y))
      return;
    const auto p = svg_->at(x, y);
    mark << fmt::format(
        "<circle class=\"{}\" data-i=\"{}\" cx=\"{:.0f}\" cy=\"{:.0f}\" r=\"{:.0f}\"/>", cls, i,
        p[0], p[1], radius_);
  }

  void write_map(std::ostream& out) {
    if (view_.empty()) view_.add({0, 0, 1, 1});
    const html::SvgMap fallback(view_.e);
    const html::SvgMap& svg = svg_ ? *svg_ : fallback;
    html::write_map_start(out, svg.view_box(view_.e));
    plan_map_.copy_to(out);
    out << "<g class=\"sites\">";
    for (Verdict v : kDrawOrder) {
      out << "<g>";
      marks_[index_of(v)].copy_to(out);
      out << "</g>";
    }
    out << "</g>\n</svg>\n";
  }

  static void write_tally(std::ostream& out, const char* title,
                          const std::map<std::string, Counts>& tally,
                          const std::map<std::string, std::string>& names) {
    out << "<h2>" << title << "</h2>\n<table><tr><th>code</th><th>name</th><th>sites</th>";
    for (Verdict v : kReadOrder) out << "<th>" << to_string(v) << "</th>";
    out << "</tr>\n";
    for (const auto& [code, counts] : tally) {
      const auto name = names.find(code);
      std::int64_t total = 0;
      for (auto n : counts) total += n;
      out << "<tr><td>" << escape(code) << "</td><td>"
          << escape(name == names.end() ? "" : name->second) << "</td><td>" << total << "</td>";
      for (Verdict v : kReadOrder) out << "<td>" << counts[index_of(v)] << "</td>";
      out << "</tr>\n";
    }
    out << "</table>\n";
  }

  /// The index of the applied rule in RULES (added on first sight), counting its sites.
  size_t rule_index(const AppliedRule& a) {
    const auto [it, added] = rule_indexes_.try_emplace({a.file, a.rule->id}, rules_.size());
    if (added) rules_.push_back({*a.rule, a.file, 0});
    ++rules_[it->second].sites;
    return it->second;
  }

  /// A rule applied to some site: its text (a copy: the writer may outlive the rules).
  struct RuleInfo {
    Rule rule;
    std::string file;
    std::int64_t sites = 0;
  };

  std::ofstream out_;
  std::string path_;
  Provenance provenance_;
  std::string plan_name_, working_crs_;
  std::vector<int> levels_;
  std::map<std::string, std::string> unit_names_, township_names_, county_names_;
  std::optional<html::SvgMap> svg_;
  html::Bounds view_;
  double radius_ = 50;
  bool sites_view_ = false;  ///< the view is the sites' extent (the plan has no geometry)
  Spool plan_map_;
  std::array<Spool, kVerdicts> marks_;
  Spool rows_, records_;
  size_t sites_ = 0;
  std::map<std::string, Counts> by_county_, by_township_;
  std::map<std::pair<std::string, std::string>, size_t> rule_indexes_;
  std::vector<RuleInfo> rules_;
};

}  // namespace

std::unique_ptr<ScreeningWriter> open_html_screening_report(const std::string& path,
                                                            const Provenance& provenance,
                                                            const Plan& plan) {
  return std::make_unique<HtmlWriter>(path, provenance, plan);
}

}  // namespace basinkit::report
