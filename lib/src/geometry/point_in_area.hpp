#pragma once
// Internal: point-in-polygon over a cached edge index, the hot path of screening and
// locate (GEOS 3.11 has no PreparedContainsXY; a GEOS point per query costs an
// allocation and a prepared geometry per thread).
//
// The polygon's edges are bucketed into horizontal slabs; a query counts the crossings of
// a ray to the right of the point with the edges of its slab only, with GEOS's
// RayCrossingCounter conventions and its robust orientation predicate (a floating-point
// filter, then double-double arithmetic), so the answers are GEOS's: the tests compare
// them with GEOSIntersects on every test plan. Closed semantics: a point on the boundary
// is located on the boundary. Immutable after construction: safe to share across threads,
// and a query allocates nothing.

#include <cstdint>
#include <functional>
#include <vector>

#include "geometry/geos_context.hpp"

namespace basinkit::geos {

class PointInArea {
 public:
  enum class Location : std::uint8_t { exterior, boundary, interior };

  /// `polygonal`: a polygon or multipolygon (others locate everything as exterior).
  explicit PointInArea(const GEOSGeometry* polygonal);

  Location locate(double x, double y) const;
  /// Interior or boundary: the closed set, as GEOSIntersects with a point.
  bool covers(double x, double y) const { return locate(x, y) != Location::exterior; }

 private:
  size_t slab_of(double y) const;

  // Each ring's vertices are stored once, one ring after another; edge k runs from vertex
  // k to vertex k + 1 (a ring's last vertex starts no edge). A slab lists its edges by
  // their first vertex: 4 bytes per entry instead of a copy of the edge's 32, so a 6M-vertex
  // plan's kernels take about half the memory and half the page faults to build.
  std::vector<double> xy_;  ///< x0, y0, x1, y1, ...
  double xmin_ = 0, ymin_ = 0, xmax_ = -1, ymax_ = -1;
  double slabs_per_unit_ = 0;  ///< slabs per unit of y
  size_t slab_count_ = 1;
  std::vector<std::uint32_t> slab_start_;  ///< CSR: edges of slab s are
  std::vector<std::uint32_t> slab_edges_;  ///< slab_edges_[slab_start_[s] .. slab_start_[s+1])
};

/// Calls edge(x1, y1, x2, y2) for every edge of every ring of a polygon or multipolygon
/// (nothing for other geometries).
void for_each_edge(const GEOSGeometry* polygonal,
                   const std::function<void(double, double, double, double)>& edge);

/// Orientation of q relative to the directed line p1→p2: 1 left, -1 right, 0 collinear;
/// exact as GEOS's CGAlgorithmsDD::orientationIndex (filter, then double-double).
int orientation_index(double p1x, double p1y, double p2x, double p2y, double qx, double qy);

}  // namespace basinkit::geos
