#include "io/geometry_import.hpp"

#include <ogr_geometry.h>

#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "geometry/geos_context.hpp"

namespace basinkit::io {
namespace {

void add_issue(GeometryIssue& issue, const char* kind, const std::string& detail) {
  if (issue.kind.empty()) issue.kind = kind;
  issue.detail += issue.detail.empty() ? detail : "; " + detail;
}

bool all_finite(const OGRGeometry* g) {
  const auto type = wkbFlatten(g->getGeometryType());
  if (OGR_GT_IsSubClassOf(type, wkbGeometryCollection)) {
    const auto* c = g->toGeometryCollection();
    for (int i = 0; i < c->getNumGeometries(); ++i)
      if (!all_finite(c->getGeometryRef(i))) return false;
    return true;
  }
  if (OGR_GT_IsSubClassOf(type, wkbCurvePolygon)) {
    for (const OGRCurve* ring : *g->toCurvePolygon())
      if (!all_finite(ring)) return false;
    return true;
  }
  if (type == wkbPoint) {
    const auto* p = g->toPoint();
    return p->IsEmpty() || (std::isfinite(p->getX()) && std::isfinite(p->getY()));
  }
  if (OGR_GT_IsSubClassOf(type, wkbCurve)) {
    if (const auto* line = dynamic_cast<const OGRSimpleCurve*>(g)) {
      for (int i = 0; i < line->getNumPoints(); ++i)
        if (!std::isfinite(line->getX(i)) || !std::isfinite(line->getY(i))) return false;
    }
  }
  return true;
}

bool matches(OGRwkbGeometryType type, GeometryKind kind) {
  switch (kind) {
    case GeometryKind::polygon:
      return type == wkbPolygon || type == wkbMultiPolygon;
    case GeometryKind::line:
      return type == wkbLineString || type == wkbMultiLineString;
    case GeometryKind::point:
      return type == wkbPoint || type == wkbMultiPoint;
    case GeometryKind::any:
      return true;
  }
  return false;
}

const char* kind_name(GeometryKind kind) {
  switch (kind) {
    case GeometryKind::polygon:
      return "a polygon";
    case GeometryKind::line:
      return "a line";
    case GeometryKind::point:
      return "a point";
    case GeometryKind::any:
      return "a geometry";
  }
  return "";
}

/// Closes open rings and drops empty or collapsed rings and polygons, which GEOS 3.11
/// rejects or mishandles. Returns false when nothing is left.
bool clean_polygon(OGRPolygon* poly, GeometryIssue& issue) {
  bool keep = true;
  std::vector<int> drop;
  for (int i = 0; i < 1 + poly->getNumInteriorRings(); ++i) {
    OGRLinearRing* ring = i == 0 ? poly->getExteriorRing() : poly->getInteriorRing(i - 1);
    if (!ring || ring->IsEmpty()) {
      add_issue(issue, "empty", i == 0 ? "empty polygon part" : "empty hole");
      if (i == 0)
        keep = false;
      else
        drop.push_back(i - 1);
      continue;
    }
    if (!ring->get_IsClosed()) {
      add_issue(issue, "unclosed_ring",
                fmt::format("ring not closed (first point {:.3f} {:.3f}), closed on reading",
                            ring->getX(0), ring->getY(0)));
      ring->closeRings();
    }
    if (ring->getNumPoints() < 4) {
      add_issue(issue, "collapsed_ring",
                fmt::format("ring with {} points collapsed, dropped", ring->getNumPoints()));
      if (i == 0)
        keep = false;
      else
        drop.push_back(i - 1);
    }
  }
  for (auto it = drop.rbegin(); it != drop.rend(); ++it) poly->removeRing(*it + 1);
  return keep;
}

/// Returns false when nothing polygonal is left.
bool clean_polygonal(OGRGeometry* g, GeometryIssue& issue) {
  if (wkbFlatten(g->getGeometryType()) == wkbPolygon) return clean_polygon(g->toPolygon(), issue);
  auto* multi = g->toMultiPolygon();
  for (int i = multi->getNumGeometries() - 1; i >= 0; --i)
    if (!clean_polygon(multi->getGeometryRef(i), issue)) multi->removeGeometry(i);
  return !multi->IsEmpty();
}

/// A line or ring's vertices straight into a GEOS sequence: one copy of the doubles, not
/// a WKB buffer written and parsed again (the parsing was 18 % of reading a plan).
GEOSCoordSequence* sequence_of(const OGRSimpleCurve& curve, std::vector<double>& xy) {
  const int n = curve.getNumPoints();
  if (n == 0) return GEOSCoordSeq_create_r(geos::context(), 0, 2);  // no buffer to point into
  xy.resize(2 * static_cast<size_t>(n));
  curve.getPoints(xy.data(), 2 * sizeof(double), xy.data() + 1, 2 * sizeof(double));
  return GEOSCoordSeq_copyFromBuffer_r(geos::context(), xy.data(), static_cast<unsigned>(n), 0, 0);
}

/// Destroys what GEOS has not taken; null.
GEOSGeometry* discard(std::vector<GEOSGeometry*>& parts) {
  for (GEOSGeometry* p : parts) GEOSGeom_destroy_r(geos::context(), p);
  parts.clear();
  return nullptr;
}

/// A polygon as GEOS builds it from WKB (GEOS owns the rings from the call on, failed or
/// not); null when a ring is not one GEOS accepts (unclosed or too short: a polygon layer
/// cleans those first, a layer of any geometry does not).
GEOSGeometry* polygon_of(const OGRPolygon& polygon, std::vector<double>& xy) {
  GEOSContextHandle_t h = geos::context();
  std::vector<GEOSGeometry*> rings;
  for (const OGRLinearRing* ring : polygon) {
    GEOSCoordSequence* seq = sequence_of(*ring, xy);
    GEOSGeometry* r = seq ? GEOSGeom_createLinearRing_r(h, seq) : nullptr;
    if (!r) return discard(rings);
    rings.push_back(r);
  }
  if (rings.empty()) return nullptr;
  return GEOSGeom_createPolygon_r(h, rings.front(), rings.data() + 1,
                                  static_cast<unsigned>(rings.size() - 1));
}

}  // namespace

GEOSGeometry* geometry_from_vertices(const OGRGeometry& g) {
  GEOSContextHandle_t h = geos::context();
  std::vector<double> xy;
  std::vector<GEOSGeometry*> parts;
  switch (wkbFlatten(g.getGeometryType())) {
    case wkbPolygon:
      return polygon_of(*g.toPolygon(), xy);
    case wkbMultiPolygon:
      for (const OGRPolygon* p : *g.toMultiPolygon()) {
        GEOSGeometry* part = polygon_of(*p, xy);
        if (!part) return discard(parts);
        parts.push_back(part);
      }
      return GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts.data(),
                                         static_cast<unsigned>(parts.size()));
    case wkbLineString: {
      if (g.toLineString()->getNumPoints() < 2) return nullptr;
      GEOSCoordSequence* seq = sequence_of(*g.toLineString(), xy);
      return seq ? GEOSGeom_createLineString_r(h, seq) : nullptr;
    }
    case wkbMultiLineString:
      for (const OGRLineString* line : *g.toMultiLineString()) {
        GEOSCoordSequence* seq = line->getNumPoints() >= 2 ? sequence_of(*line, xy) : nullptr;
        GEOSGeometry* part = seq ? GEOSGeom_createLineString_r(h, seq) : nullptr;
        if (!part) return discard(parts);
        parts.push_back(part);
      }
      return GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, parts.data(),
                                         static_cast<unsigned>(parts.size()));
    default:
      return nullptr;
  }
}

ImportedGeometry import_geometry(OGRGeometry* g, GeometryKind kind,
                                 OGRCoordinateTransformation* to_working) {
  ImportedGeometry out;
  if (!g) {
    add_issue(out.issue, "null", "the feature has no geometry");
    return out;
  }
  std::unique_ptr<OGRGeometry> linear;
  if (g->hasCurveGeometry()) {
    linear.reset(g->getLinearGeometry());
    g = linear.get();
  }
  g->flattenTo2D();
  const auto type = wkbFlatten(g->getGeometryType());
  if (!matches(type, kind)) {
    add_issue(
        out.issue, "wrong_type",
        fmt::format("{} where {} was expected", OGRGeometryTypeToName(type), kind_name(kind)));
    return out;
  }
  if (g->IsEmpty()) {
    add_issue(out.issue, "empty", "the geometry is empty");
    return out;
  }
  if (!all_finite(g)) {
    add_issue(out.issue, "nan", "a coordinate is NaN or infinite");
    return out;
  }
  if (kind == GeometryKind::polygon && !clean_polygonal(g, out.issue)) return out;
  if (to_working) {  // without one, the coordinates were checked above and are unchanged
    if (g->transform(to_working) != OGRERR_NONE) {
      add_issue(out.issue, "transform_failed", "the geometry could not be reprojected");
      return out;
    }
    if (!all_finite(g)) {
      add_issue(out.issue, "transform_failed", "reprojection gave NaN or infinite coordinates");
      return out;
    }
  }
  GEOSGeometry* geos_geom = nullptr;
  if (wkbFlatten(g->getGeometryType()) == wkbPoint) {
    // A million point sites a run: straight to GEOS, without a WKB buffer.
    const auto* p = g->toPoint();
    geos_geom = GEOSGeom_createPointFromXY_r(geos::context(), p->getX(), p->getY());
  } else if ((geos_geom = geometry_from_vertices(*g)) == nullptr) {
    geos::take_last_error();  // a direct attempt's failure: the WKB reader will say its own
    std::vector<unsigned char> wkb(g->WkbSize());
    g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    geos_geom = GEOSGeomFromWKB_buf_r(geos::context(), wkb.data(), wkb.size());
  }
  if (!geos_geom) {
    add_issue(out.issue, "unreadable", "GEOS cannot read it: " + geos::take_last_error());
    return out;
  }
  out.geometry = Geometry(geos_geom);
  return out;
}

}  // namespace basinkit::io
