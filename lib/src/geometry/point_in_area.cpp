#include "geometry/point_in_area.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>

namespace basinkit::geos {
namespace {

/// A double-double number (about 106 bits): enough for the sign of a 2x2 determinant of
/// differences of doubles.
struct DD {
  double hi, lo;
};

DD two_sum(double a, double b) {
  const double s = a + b;
  const double bb = s - a;
  return {s, (a - (s - bb)) + (b - bb)};
}

DD add(DD a, DD b) {
  DD s = two_sum(a.hi, b.hi);
  s.lo += a.lo + b.lo;
  return two_sum(s.hi, s.lo);
}

DD neg(DD a) { return {-a.hi, -a.lo}; }

DD mul(DD a, DD b) {
  const double p = a.hi * b.hi;
  const double e = std::fma(a.hi, b.hi, -p);  // exact error of the product
  const double lo = e + (a.hi * b.lo + a.lo * b.hi);
  return two_sum(p, lo);
}

int signum(DD a) {
  if (a.hi > 0) return 1;
  if (a.hi < 0) return -1;
  return a.lo > 0 ? 1 : (a.lo < 0 ? -1 : 0);
}

// Relative error bound of the floating-point filter, as GEOS uses.
constexpr double kSafeEpsilon = 1e-15;

struct Edge {
  double x1, y1, x2, y2;
};

}  // namespace

int orientation_index(double p1x, double p1y, double p2x, double p2y, double qx, double qy) {
  const double detleft = (p1x - qx) * (p2y - qy);
  const double detright = (p1y - qy) * (p2x - qx);
  const double det = detleft - detright;
  double detsum = 0;
  if (detleft > 0) {
    if (detright <= 0) return det > 0 ? 1 : (det < 0 ? -1 : 0);
    detsum = detleft + detright;
  } else if (detleft < 0) {
    if (detright >= 0) return det > 0 ? 1 : (det < 0 ? -1 : 0);
    detsum = -detleft - detright;
  } else {
    return det > 0 ? 1 : (det < 0 ? -1 : 0);
  }
  const double bound = kSafeEpsilon * detsum;
  if (det >= bound || -det >= bound) return det > 0 ? 1 : -1;
  const DD dx1 = two_sum(p2x, -p1x), dy1 = two_sum(p2y, -p1y);
  const DD dx2 = two_sum(qx, -p2x), dy2 = two_sum(qy, -p2y);
  return signum(add(mul(dx1, dy2), neg(mul(dy1, dx2))));
}

namespace {

/// Calls ring(seq, n) for every ring of at least two vertices of a polygon or
/// multipolygon (nothing for other geometries).
template <typename Ring>
void for_each_ring(const GEOSGeometry* polygonal, Ring&& ring) {
  GEOSContextHandle_t h = context();
  auto add_ring = [&](const GEOSGeometry* r) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, r);
    unsigned n = 0;
    if (seq && GEOSCoordSeq_getSize_r(h, seq, &n) && n >= 2) ring(seq, n);
  };
  auto add_polygon = [&](const GEOSGeometry* p) {
    if (GEOSisEmpty_r(h, p)) return;
    add_ring(GEOSGetExteriorRing_r(h, p));
    for (int i = 0; i < GEOSGetNumInteriorRings_r(h, p); ++i)
      add_ring(GEOSGetInteriorRingN_r(h, p, i));
  };
  if (!polygonal) return;
  const int type = GEOSGeomTypeId_r(h, polygonal);
  if (type == GEOS_POLYGON) add_polygon(polygonal);
  if (type == GEOS_MULTIPOLYGON)
    for (int i = 0; i < GEOSGetNumGeometries_r(h, polygonal); ++i)
      add_polygon(GEOSGetGeometryN_r(h, polygonal, i));
}

}  // namespace

void for_each_edge(const GEOSGeometry* polygonal,
                   const std::function<void(double, double, double, double)>& edge) {
  std::vector<double> buffer;
  for_each_ring(polygonal, [&](const GEOSCoordSequence* seq, unsigned n) {
    buffer.resize(2 * static_cast<size_t>(n));
    if (!GEOSCoordSeq_copyToBuffer_r(context(), seq, buffer.data(), 0, 0)) return;
    for (unsigned i = 0; i + 1 < n; ++i)
      edge(buffer[2 * i], buffer[2 * i + 1], buffer[2 * i + 2], buffer[2 * i + 3]);
  });
}

PointInArea::PointInArea(const GEOSGeometry* polygonal) {
  if (!polygonal) return;
  GEOSContextHandle_t h = context();
  // The vertices are copied from GEOS straight into place; rings: [first vertex, count].
  xy_.reserve(2 * static_cast<size_t>(std::max(0, GEOSGetNumCoordinates_r(h, polygonal))));
  std::vector<std::array<std::uint32_t, 2>> rings;
  size_t edges = 0;
  for_each_ring(polygonal, [&](const GEOSCoordSequence* seq, unsigned n) {
    const size_t first = xy_.size() / 2;
    xy_.resize(xy_.size() + 2 * static_cast<size_t>(n));
    if (!GEOSCoordSeq_copyToBuffer_r(h, seq, xy_.data() + 2 * first, 0, 0)) {
      xy_.resize(2 * first);
      return;
    }
    rings.push_back({static_cast<std::uint32_t>(first), n});
    edges += n - 1;
  });
  if (edges == 0) {
    xy_ = {};
    return;
  }

  xmin_ = ymin_ = INFINITY;
  xmax_ = ymax_ = -INFINITY;
  for (size_t v = 0; v < xy_.size(); v += 2) {
    xmin_ = std::min(xmin_, xy_[v]);
    xmax_ = std::max(xmax_, xy_[v]);
    ymin_ = std::min(ymin_, xy_[v + 1]);
    ymax_ = std::max(ymax_, xy_[v + 1]);
  }
  // About four edges per slab on a typical ring.
  const size_t slabs = std::max<size_t>(1, edges / 4);
  slab_count_ = slabs;
  slabs_per_unit_ = ymax_ > ymin_ ? static_cast<double>(slabs) / (ymax_ - ymin_) : 0;
  // Calls add(edge, slab) for every slab each edge spans (found twice: cheaper than
  // storing the spans).
  auto for_each_slab = [&](auto&& add) {
    for (const auto& [first, n] : rings)
      for (std::uint32_t k = first; k + 1 < first + n; ++k) {
        const double y1 = xy_[2 * k + 1], y2 = xy_[2 * k + 3];
        const size_t last = slab_of(std::max(y1, y2));
        for (size_t s = slab_of(std::min(y1, y2)); s <= last; ++s) add(k, s);
      }
  };
  slab_start_.assign(slabs + 1, 0);
  for_each_slab([this](std::uint32_t, size_t s) { ++slab_start_[s + 1]; });
  for (size_t s = 0; s < slabs; ++s) slab_start_[s + 1] += slab_start_[s];
  slab_edges_.resize(slab_start_[slabs]);
  std::vector<std::uint32_t> fill(slab_start_.begin(), slab_start_.end() - 1);
  for_each_slab([this, &fill](std::uint32_t k, size_t s) { slab_edges_[fill[s]++] = k; });
}

size_t PointInArea::slab_of(double y) const {
  // Monotone in y (IEEE subtraction and multiplication by a positive constant are), so an
  // edge spanning y is always in y's slab.
  const double f = std::floor((y - ymin_) * slabs_per_unit_);
  if (!(f > 0)) return 0;
  return static_cast<size_t>(std::min(f, static_cast<double>(slab_count_ - 1)));
}

PointInArea::Location PointInArea::locate(double x, double y) const {
  if (slab_edges_.empty() || x < xmin_ || x > xmax_ || y < ymin_ || y > ymax_)
    return Location::exterior;
  const size_t s = slab_of(y);
  int crossings = 0;
  for (std::uint32_t k = slab_start_[s]; k < slab_start_[s + 1]; ++k) {
    const double* p = &xy_[2 * static_cast<size_t>(slab_edges_[k])];
    const Edge e{p[0], p[1], p[2], p[3]};
    // GEOS's RayCrossingCounter::countSegment, both end points checked.
    if (e.x1 < x && e.x2 < x) continue;
    if ((x == e.x2 && y == e.y2) || (x == e.x1 && y == e.y1)) return Location::boundary;
    if (e.y1 == y && e.y2 == y) {
      if (x >= std::min(e.x1, e.x2) && x <= std::max(e.x1, e.x2)) return Location::boundary;
      continue;
    }
    if ((e.y1 > y && e.y2 <= y) || (e.y2 > y && e.y1 <= y)) {
      int orient = orientation_index(e.x1, e.y1, e.x2, e.y2, x, y);
      if (orient == 0) return Location::boundary;
      if (e.y2 < e.y1) orient = -orient;
      if (orient > 0) ++crossings;
    }
  }
  return (crossings % 2) ? Location::interior : Location::exterior;
}

}  // namespace basinkit::geos
