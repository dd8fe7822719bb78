#pragma once
// Coordinates: the working CRS, points given by users, and GCJ-02.
//
// GCJ-02 is the obfuscated datum of Chinese web maps (AMap, Tencent). It is not a CRS
// PROJ knows; basinkit converts it with the published forward formula and inverts that
// by iteration, to well under a metre (DESIGN.md section 9).

#include <memory>
#include <string>

namespace basinkit {

struct LonLat {
  double lon = 0;
  double lat = 0;
};

/// WGS-84 → GCJ-02 (the published forward formula; identity outside China).
LonLat wgs84_to_gcj02(LonLat wgs);
/// GCJ-02 → WGS-84, iterated until the forward transform of the result is within
/// 1e-9° of the input (DESIGN.md section 9: one step errs by up to 3 m).
LonLat gcj02_to_wgs84(LonLat gcj);

/// True for the names basinkit accepts for GCJ-02: "GCJ02", "GCJ-02" (any case).
bool is_gcj02(const std::string& srs);

/// Transforms points from a user-given CRS into a plan's working CRS. x is the easting or
/// longitude, y the northing or latitude, whatever the CRS's official axis order.
class PointTransform {
 public:
  /// `from`: any PROJ/OGR definition ("EPSG:4326", WKT, proj string) or "GCJ02".
  /// Throws InputError when either CRS cannot be understood.
  PointTransform(const std::string& from, const std::string& working_crs);
  ~PointTransform();
  PointTransform(PointTransform&&) noexcept;
  PointTransform& operator=(PointTransform&&) noexcept;

  /// Transforms in place; throws InputError when the point cannot be transformed.
  void apply(double& x, double& y) const;
  /// Human description, e.g. "GCJ-02 → WGS 84 (iterative) → EPSG:4547".
  const std::string& description() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace basinkit
