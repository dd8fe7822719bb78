#include "validation/edge_chain.hpp"

#include <algorithm>
#include <tuple>

#include "geometry/geos_context.hpp"

namespace basinkit::validation {

void EdgeChain::add(const GEOSGeometry* g, int sign, int owner) {
  if (!g) return;
  GEOSContextHandle_t h = geos::context();
  const int type = GEOSGeomTypeId_r(h, g);
  if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
    for (int i = 0; i < GEOSGetNumGeometries_r(h, g); ++i)
      add(GEOSGetGeometryN_r(h, g, i), sign, owner);
    return;
  }
  if (type != GEOS_POLYGON || GEOSisEmpty_r(h, g)) return;
  add_ring(GEOSGetExteriorRing_r(h, g), false, sign, owner);
  for (int i = 0; i < GEOSGetNumInteriorRings_r(h, g); ++i)
    add_ring(GEOSGetInteriorRingN_r(h, g, i), true, sign, owner);
}

void EdgeChain::add_ring(const GEOSGeometry* ring, bool hole, int sign, int owner) {
  GEOSContextHandle_t h = geos::context();
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, ring);
  unsigned int n = 0;
  if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &n) || n < 2) return;
  buffer_.resize(2 * static_cast<size_t>(n));
  if (!GEOSCoordSeq_copyToBuffer_r(h, seq, buffer_.data(), 0, 0)) return;
  const double* p = buffer_.data();
  double twice_area = 0;
  for (unsigned i = 0; i + 1 < n; ++i)
    twice_area += p[2 * i] * p[2 * i + 3] - p[2 * i + 2] * p[2 * i + 1];
  // Shells counter-clockwise, holes clockwise: flip the sign of a ring drawn the other way.
  const bool ccw = twice_area > 0;
  const int s = (ccw != hole) ? sign : -sign;
  for (unsigned i = 0; i + 1 < n; ++i) {
    double x1 = p[2 * i], y1 = p[2 * i + 1], x2 = p[2 * i + 2], y2 = p[2 * i + 3];
    if (x1 == x2 && y1 == y2) continue;  // repeated point
    int seg_sign = s;
    if (std::tie(x2, y2) < std::tie(x1, y1)) {
      std::swap(x1, x2);
      std::swap(y1, y2);
      seg_sign = -seg_sign;
    }
    segments_.push_back({x1, y1, x2, y2, seg_sign, owner});
  }
}

std::vector<int> EdgeChain::unmatched_owners() {
  auto key = [](const Segment& s) { return std::tie(s.x1, s.y1, s.x2, s.y2); };
  std::sort(segments_.begin(), segments_.end(),
            [&](const Segment& a, const Segment& b) { return key(a) < key(b); });
  std::vector<int> owners;
  for (size_t i = 0; i < segments_.size();) {
    size_t j = i;
    int net = 0;
    while (j < segments_.size() && key(segments_[j]) == key(segments_[i]))
      net += segments_[j++].sign;
    if (net != 0)
      for (size_t k = i; k < j; ++k) owners.push_back(segments_[k].owner);
    i = j;
  }
  std::sort(owners.begin(), owners.end());
  owners.erase(std::unique(owners.begin(), owners.end()), owners.end());
  return owners;
}

}  // namespace basinkit::validation
