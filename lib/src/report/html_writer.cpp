// The HTML report: one self-contained file that works offline (no web tiles, no CDN): a
// map drawn from the data itself as SVG (plan units, townships and rivers simplified for
// display, findings on top, zoom and pan, a click shows a finding's details), tables of
// counts by type, county and township (who must fix what), and every finding.
#include <basinkit/error.hpp>
#include <basinkit/report.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <limits>

#include "geometry/geos_context.hpp"
#include "report/report_common.hpp"

namespace basinkit::report {
namespace {

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// JSON safe inside a <script> element.
std::string script_json(const Json& j) {
  std::string text = dump(j);
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<' && i + 1 < text.size() && text[i + 1] == '/') {
      out += "<\\/";
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

/// SVG path data of a geometry (rings closed with Z), coordinates relative to the map's
/// origin, rounded to the display resolution.
class SvgPaths {
 public:
  SvgPaths(std::array<double, 4> extent) : extent_(extent) {
    const double span = std::max(extent[2] - extent[0], extent[3] - extent[1]);
    tolerance_ = span > 0 ? span / 3000 : 1;  // about a pixel of a large screen
  }
  const std::array<double, 4>& extent() const { return extent_; }

  /// Path data of `g` simplified for display ("" when nothing is left).
  std::string path(const GEOSGeometry* g) const {
    GEOSContextHandle_t h = geos::context();
    geos::GeometryPtr simple(GEOSTopologyPreserveSimplify_r(h, g, tolerance_));
    std::string d;
    append(simple ? simple.get() : g, d);
    return d;
  }
  /// A point's position in map coordinates.
  std::array<double, 2> at(double x, double y) const { return {x - extent_[0], extent_[3] - y}; }

 private:
  void append(const GEOSGeometry* g, std::string& d) const {
    GEOSContextHandle_t h = geos::context();
    const int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_POLYGON) {
      append_line(GEOSGetExteriorRing_r(h, g), true, d);
      for (int i = 0; i < GEOSGetNumInteriorRings_r(h, g); ++i)
        append_line(GEOSGetInteriorRingN_r(h, g, i), true, d);
    } else if (type == GEOS_LINESTRING || type == GEOS_LINEARRING) {
      append_line(g, false, d);
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_MULTILINESTRING ||
               type == GEOS_GEOMETRYCOLLECTION) {
      for (int i = 0; i < GEOSGetNumGeometries_r(h, g); ++i) append(GEOSGetGeometryN_r(h, g, i), d);
    }
  }
  void append_line(const GEOSGeometry* line, bool closed, std::string& d) const {
    GEOSContextHandle_t h = geos::context();
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, line);
    unsigned n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &n) || n < 2) return;
    for (unsigned i = 0; i < n; ++i) {
      double x = 0, y = 0;
      GEOSCoordSeq_getXY_r(h, seq, i, &x, &y);
      const auto p = at(x, y);
      d += fmt::format("{}{:.0f} {:.0f}", i == 0 ? "M" : "L", p[0], p[1]);
    }
    if (closed) d += "Z";
  }
  std::array<double, 4> extent_;
  double tolerance_;
};

std::array<double, 4> extent_of(const FindingReport& report) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  std::array<double, 4> e{inf, inf, -inf, -inf};
  auto add = [&](const Extent& x) {
    if (std::isnan(x[0])) return;
    e = {std::min(e[0], x[0]), std::min(e[1], x[1]), std::max(e[2], x[2]), std::max(e[3], x[3])};
  };
  if (report.plan) {
    for (const auto& u : report.plan->units) add(u.geometry.extent());
    for (const auto& t : report.plan->townships) add(t.geometry.extent());
    for (const auto& b : report.plan->basins) add(b.geometry.extent());
  }
  if (report.findings)
    for (const Finding& f : *report.findings) {
      add(f.geometry.extent());
      if (f.location) add({(*f.location)[0], (*f.location)[1], (*f.location)[0], (*f.location)[1]});
    }
  if (!std::isfinite(e[0])) e = {0, 0, 1, 1};
  return e;
}

void write_map(std::ostream& out, const FindingReport& report) {
  const SvgPaths svg(extent_of(report));
  const auto& e = svg.extent();
  const double w = std::max(1.0, e[2] - e[0]), h = std::max(1.0, e[3] - e[1]);
  out << fmt::format(
      "<svg id=\"map\" viewBox=\"0 0 {:.0f} {:.0f}\" preserveAspectRatio=\"xMidYMid meet\" "
      "xmlns=\"http://www.w3.org/2000/svg\">\n",
      w, h);
  if (report.plan) {
    out << "<g class=\"units\">";
    for (const auto& u : report.plan->units)
      if (!u.geometry.is_empty())
        out << "<path d=\"" << svg.path(u.geometry.get()) << "\"><title>" << escape(u.code) << ' '
            << escape(u.name) << "</title></path>";
    out << "</g>\n<g class=\"townships\">";
    for (const auto& t : report.plan->townships)
      if (!t.geometry.is_empty()) out << "<path d=\"" << svg.path(t.geometry.get()) << "\"/>";
    out << "</g>\n<g class=\"rivers\">";
    for (const auto& r : report.plan->layer("rivers"))
      if (!r.geometry.is_empty()) out << "<path d=\"" << svg.path(r.geometry.get()) << "\"/>";
    out << "</g>\n";
  }
  out << "<g class=\"findings\">";
  const double radius = std::max(w, h) / 250;
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
body{font-family:sans-serif;margin:1em;color:#222}
#layout{display:flex;gap:1em;align-items:flex-start}
#map{width:70vw;height:70vh;border:1px solid #999;background:#f4f8fb;cursor:grab}
#details{flex:1;font-size:90%;white-space:pre-wrap;border:1px solid #ccc;padding:.5em;min-height:4em}
.units path{fill:#e8efe0;stroke:#8a9a7b;stroke-width:1;vector-effect:non-scaling-stroke}
.townships path{fill:none;stroke:#555;stroke-width:1.5;stroke-dasharray:4 3;vector-effect:non-scaling-stroke}
.rivers path{fill:none;stroke:#2b7bd3;stroke-width:2;vector-effect:non-scaling-stroke}
.findings .error{fill:#d7301f;fill-opacity:.6;stroke:#d7301f;stroke-width:2;vector-effect:non-scaling-stroke;cursor:pointer}
.findings .warning{fill:#fc8d59;fill-opacity:.6;stroke:#e66101;stroke-width:2;vector-effect:non-scaling-stroke;cursor:pointer}
.findings .waived{fill:#999;fill-opacity:.4;stroke:#777;stroke-width:1;vector-effect:non-scaling-stroke;cursor:pointer}
table{border-collapse:collapse;margin:.5em 0;font-size:90%}
td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
)";

// Zoom with the wheel, pan by dragging, click a finding for its details.
constexpr const char* kScript = R"(
(function(){
var svg=document.getElementById('map');var vb=svg.viewBox.baseVal;
function pt(e){var r=svg.getBoundingClientRect();return{x:vb.x+(e.clientX-r.left)/r.width*vb.width,y:vb.y+(e.clientY-r.top)/r.height*vb.height};}
svg.addEventListener('wheel',function(e){e.preventDefault();var p=pt(e),k=e.deltaY>0?1.25:0.8;
vb.x=p.x-(p.x-vb.x)*k;vb.y=p.y-(p.y-vb.y)*k;vb.width*=k;vb.height*=k;},{passive:false});
var drag=null;svg.addEventListener('mousedown',function(e){drag={x:e.clientX,y:e.clientY};});
window.addEventListener('mouseup',function(){drag=null;});
svg.addEventListener('mousemove',function(e){if(!drag)return;var r=svg.getBoundingClientRect();
vb.x-=(e.clientX-drag.x)/r.width*vb.width;vb.y-=(e.clientY-drag.y)/r.height*vb.height;drag={x:e.clientX,y:e.clientY};});
svg.addEventListener('click',function(e){var i=e.target.getAttribute('data-i');if(i===null)return;
document.getElementById('details').textContent=JSON.stringify(FINDINGS[+i],null,2);});
})();
)";

}  // namespace

void write_html_file(const FindingReport& report, const std::string& path) {
  std::ofstream out = open_output(path);
  const FindingSummary& s = report.summary;
  out << "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">\n<title>basinkit "
         "report</title>\n<style>"
      << kStyle << "</style></head><body>\n";
  out << "<h1>basinkit report</h1>\n<p>" << s.errors << " errors, " << s.warnings << " warnings, "
      << s.waived << " waived. Working CRS " << escape(report.working_crs)
      << "; areas are planar.</p>\n";
  out << "<div id=\"layout\">\n";
  write_map(out, report);
  out << "<div id=\"details\">Click a finding on the map.</div>\n</div>\n";
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
  out << "</table>\n<h2>Provenance</h2>\n<pre>"
      << escape(provenance_json(report.provenance).dump(2))
      << "</pre>\n<script>var FINDINGS=" << script_json(all) << ";\n"
      << kScript << "</script>\n</body></html>\n";
  finish_output(out, path);
}

}  // namespace basinkit::report
