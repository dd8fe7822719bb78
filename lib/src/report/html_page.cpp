// What the findings page and the screening page share: see html_page.hpp.
#include "report/html_page.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace basinkit::report::html {

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

std::string script_json(const Json& j) {
  // '<' only occurs inside JSON strings, where \u003c means the same: no "</script>" and
  // no "<!--" can reach the HTML parser.
  const std::string text = dump(j);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<')
      out += "\\u003c";
    else
      out += c;
  }
  return out;
}

// ---- Extents and SVG --------------------------------------------------------------------

Extent Bounds::empty_extent() {
  constexpr double inf = std::numeric_limits<double>::infinity();
  return {inf, inf, -inf, -inf};
}

bool Bounds::empty() const { return !(e[0] <= e[2] && e[1] <= e[3]); }

void Bounds::add(const Extent& x) {
  for (double v : x)
    if (!std::isfinite(v)) return;
  e = {std::min(e[0], x[0]), std::min(e[1], x[1]), std::max(e[2], x[2]), std::max(e[3], x[3])};
}

void Bounds::add(double x, double y) { add(Extent{x, y, x, y}); }

SvgMap::SvgMap(const Extent& extent) : x0_(extent[0]), y0_(extent[3]) {
  const double span = std::max(extent[2] - extent[0], extent[3] - extent[1]);
  tolerance_ = span > 0 ? span / 3000 : 1;  // about a pixel of a large screen
}

std::string SvgMap::path(const GEOSGeometry* g) const {
  if (!g) return "";
  GEOSContextHandle_t h = geos::context();
  geos::GeometryPtr simple(GEOSTopologyPreserveSimplify_r(h, g, tolerance_));
  std::string d;
  append(simple ? simple.get() : g, d);
  return d;
}

std::array<double, 2> SvgMap::at(double x, double y) const { return {x - x0_, y0_ - y}; }

std::string SvgMap::view_box(const Extent& extent) const {
  const auto top_left = at(extent[0], extent[3]);
  const double w = std::max(1.0, extent[2] - extent[0]), h = std::max(1.0, extent[3] - extent[1]);
  const double margin = std::max(w, h) / 100;
  return fmt::format("{:.0f} {:.0f} {:.0f} {:.0f}", top_left[0] - margin, top_left[1] - margin,
                     w + 2 * margin, h + 2 * margin);
}

double SvgMap::marker_radius(const Extent& extent) {
  const double span = std::max(extent[2] - extent[0], extent[3] - extent[1]);
  return std::max(1.0, std::round(span / 250));
}

void SvgMap::append(const GEOSGeometry* g, std::string& d) const {
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

void SvgMap::append_line(const GEOSGeometry* line, bool closed, std::string& d) const {
  GEOSContextHandle_t h = geos::context();
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, line);
  unsigned n = 0;
  if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &n) || n < 2) return;
  std::string part;
  for (unsigned i = 0; i < n; ++i) {
    double x = 0, y = 0;
    GEOSCoordSeq_getXY_r(h, seq, i, &x, &y);
    if (!std::isfinite(x) || !std::isfinite(y)) return;  // SVG cannot draw it: leave it out
    const auto p = at(x, y);
    part += fmt::format("{}{:.0f} {:.0f}", i == 0 ? "M" : "L", p[0], p[1]);
  }
  d += part;
  if (closed) d += "Z";
}

Bounds plan_bounds(const Plan& plan) {
  Bounds b;
  for (const auto& u : plan.units) b.add(u.geometry.extent());
  for (const auto& t : plan.townships) b.add(t.geometry.extent());
  for (const auto& x : plan.basins) b.add(x.geometry.extent());
  for (const auto& r : plan.layer("rivers")) b.add(r.geometry.extent());
  return b;
}

void write_map_start(std::ostream& out, const std::string& view_box) {
  out << "<svg id=\"map\" viewBox=\"" << view_box
      << "\" preserveAspectRatio=\"xMidYMid meet\" xmlns=\"http://www.w3.org/2000/svg\">\n";
}

void write_plan_layers(std::ostream& out, const SvgMap& svg, const Plan& plan) {
  out << "<g class=\"units\">";
  for (const auto& u : plan.units)
    if (!u.geometry.is_empty())
      out << "<path d=\"" << svg.path(u.geometry.get()) << "\"><title>" << escape(u.code) << ' '
          << escape(u.name) << "</title></path>";
  out << "</g>\n<g class=\"townships\">";
  for (const auto& t : plan.townships)
    if (!t.geometry.is_empty()) out << "<path d=\"" << svg.path(t.geometry.get()) << "\"/>";
  out << "</g>\n<g class=\"rivers\">";
  for (const auto& r : plan.layer("rivers"))
    if (!r.geometry.is_empty()) out << "<path d=\"" << svg.path(r.geometry.get()) << "\"/>";
  out << "</g>\n";
}

namespace {

constexpr const char* kStyle = R"(
body{font-family:sans-serif;margin:1em;color:#222}
h1{font-size:150%;margin:.2em 0}
#layout{display:flex;gap:1em;align-items:flex-start}
#map{width:70vw;height:70vh;border:1px solid #999;background:#f4f8fb;cursor:grab;touch-action:none}
#details{flex:1;font-size:90%;border:1px solid #ccc;padding:.5em;min-height:4em;max-height:70vh;overflow:auto}
#details pre{white-space:pre-wrap;margin:0}
.units path{fill:#e8efe0;stroke:#8a9a7b;stroke-width:1;vector-effect:non-scaling-stroke}
.townships path{fill:none;stroke:#555;stroke-width:1.5;stroke-dasharray:4 3;vector-effect:non-scaling-stroke}
.rivers path{fill:none;stroke:#2b7bd3;stroke-width:2;vector-effect:non-scaling-stroke}
[data-i]{cursor:pointer}
#map .selected{stroke:#000;stroke-width:4;vector-effect:non-scaling-stroke}
tr.selected{background:#ffe9a8}
table{border-collapse:collapse;margin:.5em 0;font-size:90%}
td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
.hint{color:#666;font-size:85%}
pre{white-space:pre-wrap;overflow-wrap:anywhere}
)";

// Zoom with the wheel, pan by dragging, double-click for the full view, click for details.
constexpr const char* kScript = R"(
(function(){
var svg=document.getElementById('map'),vb=svg.viewBox.baseVal,home=[vb.x,vb.y,vb.width,vb.height];
function pt(e){var r=svg.getBoundingClientRect();return{x:vb.x+(e.clientX-r.left)/r.width*vb.width,y:vb.y+(e.clientY-r.top)/r.height*vb.height};}
svg.addEventListener('wheel',function(e){e.preventDefault();var p=pt(e),k=e.deltaY>0?1.25:0.8;
vb.x=p.x-(p.x-vb.x)*k;vb.y=p.y-(p.y-vb.y)*k;vb.width*=k;vb.height*=k;},{passive:false});
var drag=null,moved=false;
svg.addEventListener('pointerdown',function(e){drag={x:e.clientX,y:e.clientY};moved=false;});
window.addEventListener('pointerup',function(){drag=null;});
window.addEventListener('pointermove',function(e){if(!drag)return;var r=svg.getBoundingClientRect();
var dx=e.clientX-drag.x,dy=e.clientY-drag.y;if(Math.abs(dx)+Math.abs(dy)>3)moved=true;
vb.x-=dx/r.width*vb.width;vb.y-=dy/r.height*vb.height;drag={x:e.clientX,y:e.clientY};});
svg.addEventListener('dblclick',function(){vb.x=home[0];vb.y=home[1];vb.width=home[2];vb.height=home[3];});
var marked=[];
function show(i){marked.forEach(function(el){el.classList.remove('selected');});
marked=Array.prototype.slice.call(document.querySelectorAll("#map [data-i='"+i+"'],#items tr[data-i='"+i+"']"));
marked.forEach(function(el){el.classList.add('selected');});
var d=document.getElementById('details');d.textContent='';d.appendChild(BASINKIT.details(i));}
svg.addEventListener('click',function(e){if(moved)return;var t=e.target.closest('[data-i]');
if(t)show(+t.getAttribute('data-i'));});
var items=document.getElementById('items');
if(items)items.addEventListener('click',function(e){var t=e.target.closest('tr[data-i]');
if(t)show(+t.getAttribute('data-i'));});
BASINKIT.show=show;
document.documentElement.setAttribute('data-ready','1');
})();
)";

}  // namespace

void write_page_head(std::ostream& out, const std::string& title, const char* page_style) {
  out << "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">\n<title>"
      << escape(title) << "</title>\n<style>" << kStyle << page_style << "</style></head><body>\n";
}

void write_provenance(std::ostream& out, const Provenance& provenance) {
  out << "<h2>Provenance</h2>\n<pre>" << escape(provenance_json(provenance).dump(2)) << "</pre>\n";
}

const char* map_script() { return kScript; }

}  // namespace basinkit::report::html
