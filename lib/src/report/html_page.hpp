#pragma once
// Internal: what the two HTML pages share (the findings page of validate / rules check,
// html_writer.cpp, and the screening page, html_screening.cpp): escaping, the plan drawn
// as SVG (units, townships, rivers, simplified for display), the style, the map's script
// (zoom, pan, click for details) and the page's head and provenance. See
// docs/architecture.md, "HTML reports".
//
// Map coordinates are the working CRS's, shifted to an origin (the top-left corner of the
// plan's extent) and flipped (SVG's y grows downwards), rounded to whole metres: the page
// stays small and the numbers short. Geometries are simplified with GEOS's
// topology-preserving simplifier to about a pixel of a large screen (span / 3000).
//
// The script expects, before it, `var BASINKIT={details:function(i){return Node;}}`:
// a click on a map element (or a table row, in a table with id "items") carrying
// `data-i="i"` shows `BASINKIT.details(i)` in the element with id "details" and marks
// the element `selected`. When the script has run to its end, it sets
// `data-ready="1"` on the <html> element (the browser test waits for it).

#include <basinkit/geometry.hpp>
#include <basinkit/plan.hpp>
#include <basinkit/report.hpp>

#include <array>
#include <ostream>
#include <string>

#include "geometry/geos_context.hpp"
#include "report/report_common.hpp"

namespace basinkit::report::html {

/// `text` with & < > " ' escaped (element text and attribute values).
std::string escape(const std::string& text);

/// Compact JSON that is safe inside a <script> element (every '<' written "\u003c").
std::string script_json(const Json& j);

/// An extent [minx, miny, maxx, maxy]; empty() when nothing was added.
struct Bounds {
  Extent e = empty_extent();
  static Extent empty_extent();
  bool empty() const;
  void add(const Extent& x);  ///< ignores NaN extents (null or empty geometries)
  void add(double x, double y);
};

/// Working-CRS geometries as SVG: path data, positions, the viewBox.
class SvgMap {
 public:
  /// Origin at the top-left corner of `extent`, simplification to span / 3000.
  explicit SvgMap(const Extent& extent);
  /// Path data of `g` simplified for display, rings closed with Z ("" when nothing is
  /// left: empty geometries, points, non-finite coordinates).
  std::string path(const GEOSGeometry* g) const;
  /// A working-CRS position in map coordinates.
  std::array<double, 2> at(double x, double y) const;
  /// The viewBox attribute's value showing `extent` (with a small margin).
  std::string view_box(const Extent& extent) const;
  /// A marker radius that reads well at the full view of `extent`.
  static double marker_radius(const Extent& extent);

 private:
  void append(const GEOSGeometry* g, std::string& d) const;
  void append_line(const GEOSGeometry* line, bool closed, std::string& d) const;
  double x0_, y0_, tolerance_;
};

/// The extent of the plan's units, townships, basins and rivers.
Bounds plan_bounds(const Plan& plan);

/// `<svg id="map" viewBox=…>` and the plan's layers as groups `units` (one path per unit
/// with a <title> "code name"), `townships` and `rivers`; empty geometries are left out.
void write_map_start(std::ostream& out, const std::string& view_box);
void write_plan_layers(std::ostream& out, const SvgMap& svg, const Plan& plan);

/// `<!DOCTYPE html>` … `<body>`: the shared style plus `page_style`.
void write_page_head(std::ostream& out, const std::string& title, const char* page_style);
/// The provenance as the pages show it (a heading and the JSON, indented).
void write_provenance(std::ostream& out, const Provenance& provenance);
/// The map's script: zoom with the wheel, pan by dragging, double-click for the full
/// view, click for details (see above). Written inside the page's <script> element after
/// the page's own `var BASINKIT=…`.
const char* map_script();

}  // namespace basinkit::report::html
