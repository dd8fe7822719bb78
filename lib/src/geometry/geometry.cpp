#include <basinkit/error.hpp>
#include <basinkit/geometry.hpp>

#include <cmath>
#include <limits>

#include "geometry/geos_context.hpp"

namespace basinkit {

Geometry::~Geometry() {
  if (g_) GEOSGeom_destroy_r(geos::context(), g_);
}

Geometry& Geometry::operator=(Geometry&& o) noexcept {
  if (this != &o) {
    if (g_) GEOSGeom_destroy_r(geos::context(), g_);
    g_ = o.g_;
    o.g_ = nullptr;
  }
  return *this;
}

Geometry Geometry::from_wkt(const std::string& wkt) {
  GEOSContextHandle_t h = geos::context();
  GEOSWKTReader* reader = GEOSWKTReader_create_r(h);
  GEOSGeometry* g = GEOSWKTReader_read_r(h, reader, wkt.c_str());
  GEOSWKTReader_destroy_r(h, reader);
  if (!g) throw InputError("cannot read WKT: " + geos::take_last_error());
  return Geometry(g);
}

Geometry Geometry::clone() const {
  return Geometry(g_ ? GEOSGeom_clone_r(geos::context(), g_) : nullptr);
}

bool Geometry::is_empty() const { return !g_ || GEOSisEmpty_r(geos::context(), g_) == 1; }

double Geometry::area() const {
  double a = 0;
  if (!g_ || GEOSArea_r(geos::context(), g_, &a) != 1) return 0;
  return a;
}

Extent Geometry::extent() const {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  Extent e{nan, nan, nan, nan};
  if (is_empty()) return e;
  GEOSContextHandle_t h = geos::context();
  GEOSGeom_getXMin_r(h, g_, &e[0]);
  GEOSGeom_getYMin_r(h, g_, &e[1]);
  GEOSGeom_getXMax_r(h, g_, &e[2]);
  GEOSGeom_getYMax_r(h, g_, &e[3]);
  return e;
}

std::string Geometry::wkt(int decimals) const {
  if (!g_) return "";
  GEOSContextHandle_t h = geos::context();
  GEOSWKTWriter* writer = GEOSWKTWriter_create_r(h);
  GEOSWKTWriter_setRoundingPrecision_r(h, writer, decimals);
  GEOSWKTWriter_setTrim_r(h, writer, 1);
  char* text = GEOSWKTWriter_write_r(h, writer, g_);
  std::string out = text ? text : "";
  GEOSFree_r(h, text);
  GEOSWKTWriter_destroy_r(h, writer);
  return out;
}

}  // namespace basinkit
