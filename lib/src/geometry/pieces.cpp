#include "geometry/pieces.hpp"

#include <string>

namespace basinkit::geos {
namespace {

void collect_polygons(GEOSContextHandle_t h, const GEOSGeometry* g,
                      std::vector<GEOSGeometry*>& out) {
  const int type = GEOSGeomTypeId_r(h, g);
  if (type == GEOS_POLYGON) {
    if (!GEOSisEmpty_r(h, g)) out.push_back(GEOSGeom_clone_r(h, g));
    return;
  }
  if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
    const int n = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; ++i) collect_polygons(h, GEOSGetGeometryN_r(h, g, i), out);
  }
}

}  // namespace

GeometryPtr polygonal_part(const GEOSGeometry* g) {
  if (!g) return nullptr;
  GEOSContextHandle_t h = context();
  std::vector<GEOSGeometry*> polygons;
  collect_polygons(h, g, polygons);
  if (polygons.empty()) return nullptr;
  if (polygons.size() == 1) return GeometryPtr(polygons[0]);
  return GeometryPtr(GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polygons.data(),
                                                 static_cast<unsigned>(polygons.size())));
}

std::vector<GeometryPtr> split_pieces(const GEOSGeometry* g) {
  std::vector<GeometryPtr> out;
  if (!g) return out;
  std::vector<GEOSGeometry*> polygons;
  collect_polygons(context(), g, polygons);
  for (GEOSGeometry* p : polygons) out.emplace_back(p);
  return out;
}

bool is_thin(const GEOSGeometry* piece, double tolerance_m) {
  if (tolerance_m <= 0) return false;
  GEOSContextHandle_t h = context();
  GeometryPtr circle(GEOSMaximumInscribedCircle_r(h, piece, tolerance_m / 100));
  if (!circle) return false;  // GEOS failed: treat as not thin, i.e. report it
  double radius = 0;
  if (GEOSGeomGetLength_r(h, circle.get(), &radius) != 1) return false;
  return 2 * radius < tolerance_m;
}

std::array<double, 2> point_inside(const GEOSGeometry* piece) {
  GEOSContextHandle_t h = context();
  GeometryPtr p(GEOSPointOnSurface_r(h, piece));
  std::array<double, 2> xy{0, 0};
  if (p && !GEOSisEmpty_r(h, p.get())) {
    GEOSGeomGetX_r(h, p.get(), &xy[0]);
    GEOSGeomGetY_r(h, p.get(), &xy[1]);
  }
  return xy;
}

double area_of(const GEOSGeometry* g) {
  double a = 0;
  if (g) GEOSArea_r(context(), g, &a);
  return a;
}

GeometryPtr repaired(const GEOSGeometry* g, std::string* reason, std::array<double, 2>* where) {
  GEOSContextHandle_t h = context();
  char* why = nullptr;
  GEOSGeometry* location = nullptr;
  const char valid = GEOSisValidDetail_r(h, g, 0, &why, &location);
  if (valid == 1) return nullptr;
  if (reason) *reason = why ? why : "invalid (GEOS could not say why)";
  if (where && location) {
    GEOSGeomGetX_r(h, location, &(*where)[0]);
    GEOSGeomGetY_r(h, location, &(*where)[1]);
  }
  GEOSFree_r(h, why);
  if (location) GEOSGeom_destroy_r(h, location);
  GEOSMakeValidParams* params = GEOSMakeValidParams_create_r(h);
  GEOSMakeValidParams_setMethod_r(h, params, GEOS_MAKE_VALID_LINEWORK);
  GeometryPtr fixed(GEOSMakeValidWithParams_r(h, g, params));
  GEOSMakeValidParams_destroy_r(h, params);
  GeometryPtr polygons = polygonal_part(fixed.get());
  // Nothing polygonal left (a collapsed ring): an empty polygon, never the invalid input.
  return polygons ? std::move(polygons) : GeometryPtr(GEOSGeom_createEmptyPolygon_r(h));
}

}  // namespace basinkit::geos
