#include "geometry/pieces.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace basinkit::geos {
namespace {

void collect_polygons(GEOSContextHandle_t h, const GEOSGeometry* g,
                      std::vector<const GEOSGeometry*>& out) {
  if (!g) return;
  const int type = GEOSGeomTypeId_r(h, g);
  if (type == GEOS_POLYGON) {
    if (GEOSisEmpty_r(h, g) == 0) out.push_back(g);
    return;
  }
  if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
    const int n = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; ++i) collect_polygons(h, GEOSGetGeometryN_r(h, g, i), out);
  }
}

// Radius of the largest inscribed circle found to `tolerance`; the circle found is a
// real one, so the result never exceeds the true radius. NaN on failure.
double inscribed_radius(GEOSContextHandle_t h, const GEOSGeometry* polygon, double tolerance) {
  GeometryPtr line(GEOSMaximumInscribedCircle_r(h, polygon, tolerance));
  double length = 0;
  if (!line || GEOSGeomGetLength_r(h, line.get(), &length) != 1)
    return std::numeric_limits<double>::quiet_NaN();
  return length;
}

}  // namespace

std::vector<const GEOSGeometry*> polygons_of(const GEOSGeometry* g) {
  std::vector<const GEOSGeometry*> out;
  collect_polygons(context(), g, out);
  return out;
}

GeometryPtr polygonal_part(const GEOSGeometry* g) {
  const std::vector<const GEOSGeometry*> polygons = polygons_of(g);
  if (polygons.size() == 1) return clone(polygons[0]);
  return multipolygon_of(polygons);
}

std::vector<GeometryPtr> split_pieces(const GEOSGeometry* g) {
  std::vector<GeometryPtr> out;
  for (const GEOSGeometry* p : polygons_of(g)) out.push_back(clone(p));
  return out;
}

GeometryPtr multipolygon_of(const std::vector<const GEOSGeometry*>& polygons) {
  if (polygons.empty()) return nullptr;
  GEOSContextHandle_t h = context();
  std::vector<GEOSGeometry*> parts;
  parts.reserve(polygons.size());
  for (const GEOSGeometry* p : polygons) {
    GEOSGeometry* c = GEOSGeom_clone_r(h, p);
    if (!c) {
      for (GEOSGeometry* q : parts) GEOSGeom_destroy_r(h, q);
      return nullptr;
    }
    parts.push_back(c);
  }
  GEOSGeometry* multi = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts.data(),
                                                    static_cast<unsigned>(parts.size()));
  if (!multi)  // the collection did not take ownership
    for (GEOSGeometry* q : parts) GEOSGeom_destroy_r(h, q);
  return GeometryPtr(multi);
}

GeometryPtr union_of(const std::vector<const GEOSGeometry*>& parts) {
  GEOSContextHandle_t h = context();
  std::vector<GEOSGeometry*> clones;
  for (const GEOSGeometry* g : parts)
    if (g) clones.push_back(GEOSGeom_clone_r(h, g));
  if (clones.empty()) return nullptr;
  GeometryPtr collection(GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, clones.data(),
                                                     static_cast<unsigned>(clones.size())));
  return polygonal_part(GeometryPtr(GEOSUnaryUnion_r(h, collection.get())).get());
}

GeometryPtr clone(const GEOSGeometry* g) {
  return GeometryPtr(g ? GEOSGeom_clone_r(context(), g) : nullptr);
}

bool is_thin(const GEOSGeometry* polygon, double tolerance_m) {
  if (!(tolerance_m > 0) || !polygon) return false;
  GEOSContextHandle_t h = context();
  const double fine = tolerance_m / 100;
  // Coarse pass: a radius found with a loose tolerance is a lower bound; when it already
  // exceeds half the tolerance by more than the fine tolerance, the fine pass would too.
  const double coarse = std::max(fine, 0.05 * std::sqrt(area_of(polygon)));
  if (coarse > fine) {
    const double r = inscribed_radius(h, polygon, coarse);
    if (std::isnan(r)) return false;
    if (2 * r >= tolerance_m + 2 * fine) return false;
  }
  const double r = inscribed_radius(h, polygon, fine);
  if (std::isnan(r)) return false;
  return 2 * r < tolerance_m;
}

std::array<double, 2> point_inside(const GEOSGeometry* g) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  std::array<double, 2> p{nan, nan};
  if (!g) return p;
  GEOSContextHandle_t h = context();
  GeometryPtr point(GEOSPointOnSurface_r(h, g));
  if (!point || GEOSisEmpty_r(h, point.get()) != 0) return p;
  GEOSGeomGetX_r(h, point.get(), &p[0]);
  GEOSGeomGetY_r(h, point.get(), &p[1]);
  return p;
}

double area_of(const GEOSGeometry* g) {
  double a = 0;
  if (!g || GEOSArea_r(context(), g, &a) != 1) return 0;
  return a;
}

GeometryPtr repaired(const GEOSGeometry* g, std::string* reason, std::array<double, 2>* where) {
  GEOSContextHandle_t h = context();
  char* why = nullptr;
  GEOSGeometry* location = nullptr;
  if (GEOSisValidDetail_r(h, g, 0, &why, &location) == 1) return nullptr;
  if (reason) *reason = why ? why : "invalid (GEOS could not say why)";
  if (where && location) {
    GEOSGeomGetX_r(h, location, &(*where)[0]);
    GEOSGeomGetY_r(h, location, &(*where)[1]);
  }
  GEOSFree_r(h, why);
  if (location) GEOSGeom_destroy_r(h, location);
  GEOSMakeValidParams* params = GEOSMakeValidParams_create_r(h);
  GEOSMakeValidParams_setMethod_r(h, params, GEOS_MAKE_VALID_LINEWORK);
  GEOSMakeValidParams_setKeepCollapsed_r(h, params, 0);
  GeometryPtr fixed(GEOSMakeValidWithParams_r(h, g, params));
  GEOSMakeValidParams_destroy_r(h, params);
  GeometryPtr polygons = polygonal_part(fixed.get());
  // Nothing polygonal left (a collapsed ring): an empty polygon, never the invalid input.
  return polygons ? std::move(polygons) : GeometryPtr(GEOSGeom_createEmptyPolygon_r(h));
}

GeometryPtr valid_polygonal(const GEOSGeometry* g) {
  GEOSContextHandle_t h = context();
  if (!g || GEOSisEmpty_r(h, g) != 0) return nullptr;
  GeometryPtr fixed = repaired(g, nullptr, nullptr);
  GeometryPtr out = fixed ? std::move(fixed) : polygonal_part(g);
  return out && GEOSisEmpty_r(h, out.get()) == 0 ? std::move(out) : nullptr;
}

}  // namespace basinkit::geos
