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
  struct Edge {
    // Left uninitialised by default: resizing slab_edges_ would otherwise zero hundreds of
    // MB on a large plan just before every entry is written.
    Edge() {}  // not `= default`: value-initialisation would zero them
    Edge(double ax, double ay, double bx, double by) : x1(ax), y1(ay), x2(bx), y2(by) {}
    double x1, y1, x2, y2;
  };
  size_t slab_of(double y) const;

  std::vector<Edge> edges_;  ///< during construction only
  double xmin_ = 0, ymin_ = 0, xmax_ = -1, ymax_ = -1;
  double slabs_per_unit_ = 0;  ///< slabs per unit of y
  size_t slab_count_ = 1;
  std::vector<std::uint32_t> slab_start_;  ///< CSR: edges of slab s are
  std::vector<Edge> slab_edges_;           ///< slab_edges_[slab_start_[s] .. slab_start_[s+1])
};

/// Calls edge(x1, y1, x2, y2) for every edge of every ring of a polygon or multipolygon
/// (nothing for other geometries).
void for_each_edge(const GEOSGeometry* polygonal,
                   const std::function<void(double, double, double, double)>& edge);

/// Orientation of q relative to the directed line p1→p2: 1 left, -1 right, 0 collinear;
/// exact as GEOS's CGAlgorithmsDD::orientationIndex (filter, then double-double).
int orientation_index(double p1x, double p1y, double p2x, double p2y, double qx, double qy);

}  // namespace basinkit::geos
