#pragma once
// An owned GEOS geometry, the one geometry type of the public API.
//
// basinkit does all robust geometry with GEOS through its C API (DESIGN.md section 3);
// this handle owns a GEOSGeometry and frees it, so no GEOS header leaks into programs
// that link basinkit. Coordinates are in the plan's working CRS (metres, x = easting).

#include <array>
#include <string>

struct GEOSGeom_t;  // from geos_c.h

namespace basinkit {

/// Axis-aligned extent [minx, miny, maxx, maxy]; all NaN when empty.
using Extent = std::array<double, 4>;

class Geometry {
 public:
  Geometry() = default;
  /// Takes ownership of `g` (may be null).
  explicit Geometry(GEOSGeom_t* g) noexcept : g_(g) {}
  ~Geometry();
  Geometry(Geometry&& o) noexcept : g_(o.g_) { o.g_ = nullptr; }
  Geometry& operator=(Geometry&& o) noexcept;
  Geometry(const Geometry&) = delete;
  Geometry& operator=(const Geometry&) = delete;

  /// Reads WKT; throws InputError on bad text.
  static Geometry from_wkt(const std::string& wkt);

  Geometry clone() const;
  bool is_null() const noexcept { return g_ == nullptr; }
  bool is_empty() const;
  /// Planar area in the working CRS (m²); 0 for null, lines and points.
  double area() const;
  Extent extent() const;
  std::string wkt(int decimals = 3) const;

  const GEOSGeom_t* get() const noexcept { return g_; }
  GEOSGeom_t* release() noexcept {
    GEOSGeom_t* g = g_;
    g_ = nullptr;
    return g;
  }

 private:
  GEOSGeom_t* g_ = nullptr;
};

}  // namespace basinkit
