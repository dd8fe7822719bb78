#include "jurisdiction/pieces.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace basinkit::jurisdiction {
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

GeometryPtr valid_polygonal(const GEOSGeometry* g) {
  GEOSContextHandle_t h = geos::context();
  if (!g || GEOSisEmpty_r(h, g) != 0) return nullptr;
  GeometryPtr repaired;
  const GEOSGeometry* source = g;
  if (GEOSisValid_r(h, g) != 1) {
    GEOSMakeValidParams* params = GEOSMakeValidParams_create_r(h);
    if (!params) return nullptr;
    GEOSMakeValidParams_setMethod_r(h, params, GEOS_MAKE_VALID_LINEWORK);
    GEOSMakeValidParams_setKeepCollapsed_r(h, params, 0);
    repaired.reset(GEOSMakeValidWithParams_r(h, g, params));
    GEOSMakeValidParams_destroy_r(h, params);
    if (!repaired) return nullptr;
    source = repaired.get();
  }
  const int type = GEOSGeomTypeId_r(h, source);
  if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) {
    if (repaired) return repaired;
    return clone(source);
  }
  return multipolygon_of(polygons_of(source));
}

std::vector<const GEOSGeometry*> polygons_of(const GEOSGeometry* g) {
  std::vector<const GEOSGeometry*> out;
  collect_polygons(geos::context(), g, out);
  return out;
}

double area_of(const GEOSGeometry* g) {
  double a = 0;
  if (!g || GEOSArea_r(geos::context(), g, &a) != 1) return 0;
  return a;
}

bool is_thin(const GEOSGeometry* polygon, double tolerance_m) {
  if (!(tolerance_m > 0) || !polygon) return false;
  GEOSContextHandle_t h = geos::context();
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
  GEOSContextHandle_t h = geos::context();
  GeometryPtr point(GEOSPointOnSurface_r(h, g));
  if (!point || GEOSisEmpty_r(h, point.get()) != 0) return p;
  GEOSGeomGetX_r(h, point.get(), &p[0]);
  GEOSGeomGetY_r(h, point.get(), &p[1]);
  return p;
}

GeometryPtr multipolygon_of(const std::vector<const GEOSGeometry*>& polygons) {
  if (polygons.empty()) return nullptr;
  GEOSContextHandle_t h = geos::context();
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

GeometryPtr clone(const GEOSGeometry* g) {
  return GeometryPtr(g ? GEOSGeom_clone_r(geos::context(), g) : nullptr);
}

std::string area_text(double area_m2) {
  if (area_m2 >= 1e6) return fmt::format("{:.2f} 平方公里", area_m2 / 1e6);
  if (area_m2 >= 1e4) return fmt::format("{:.2f} 公顷", area_m2 / 1e4);
  return fmt::format("{:.1f} 平方米", area_m2);
}

std::string label(const std::string& code, const std::string& name) {
  return name.empty() ? code : code + "（" + name + "）";
}

}  // namespace basinkit::jurisdiction
