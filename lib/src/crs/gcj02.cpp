// GCJ-02 ("Mars coordinates"): the published forward formula, on the Krasovsky
// ellipsoid, and its inverse by fixed-point iteration.
#include <basinkit/crs.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace basinkit {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kA = 6378245.0;                // Krasovsky 1940 semi-major axis
constexpr double kEE = 0.00669342162296594323;  // its first eccentricity squared
// Iterate the inverse until the forward image is this close (degrees; ~0.1 mm).
constexpr double kInverseTolerance = 1e-9;
constexpr int kMaxIterations = 30;

bool outside_china(LonLat p) {
  return p.lon < 72.004 || p.lon > 137.8347 || p.lat < 0.8293 || p.lat > 55.8271;
}

double shift_lat(double x, double y) {
  double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::abs(x));
  r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(y * kPi) + 40.0 * std::sin(y / 3.0 * kPi)) * 2.0 / 3.0;
  r += (160.0 * std::sin(y / 12.0 * kPi) + 320.0 * std::sin(y * kPi / 30.0)) * 2.0 / 3.0;
  return r;
}

double shift_lon(double x, double y) {
  double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::abs(x));
  r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(x * kPi) + 40.0 * std::sin(x / 3.0 * kPi)) * 2.0 / 3.0;
  r += (150.0 * std::sin(x / 12.0 * kPi) + 300.0 * std::sin(x / 30.0 * kPi)) * 2.0 / 3.0;
  return r;
}

}  // namespace

LonLat wgs84_to_gcj02(LonLat wgs) {
  if (outside_china(wgs)) return wgs;
  double dlat = shift_lat(wgs.lon - 105.0, wgs.lat - 35.0);
  double dlon = shift_lon(wgs.lon - 105.0, wgs.lat - 35.0);
  const double rad_lat = wgs.lat / 180.0 * kPi;
  double magic = std::sin(rad_lat);
  magic = 1 - kEE * magic * magic;
  const double sqrt_magic = std::sqrt(magic);
  dlat = (dlat * 180.0) / ((kA * (1 - kEE)) / (magic * sqrt_magic) * kPi);
  dlon = (dlon * 180.0) / (kA / sqrt_magic * std::cos(rad_lat) * kPi);
  return {wgs.lon + dlon, wgs.lat + dlat};
}

LonLat gcj02_to_wgs84(LonLat gcj) {
  LonLat wgs = gcj;
  for (int i = 0; i < kMaxIterations; ++i) {
    const LonLat image = wgs84_to_gcj02(wgs);
    const double dlon = image.lon - gcj.lon;
    const double dlat = image.lat - gcj.lat;
    if (std::abs(dlon) < kInverseTolerance && std::abs(dlat) < kInverseTolerance) break;
    wgs.lon -= dlon;
    wgs.lat -= dlat;
  }
  return wgs;
}

bool is_gcj02(const std::string& srs) {
  std::string s;
  for (char c : srs)
    if (c != '-' && c != '_' && c != ' ')
      s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s == "GCJ02";
}

}  // namespace basinkit
