#pragma once
// Internal: basinkit's own coverage kernel (GEOS 3.11 has no coverage validator).
//
// Children cover a parent exactly when their oriented boundaries, minus the parent's,
// cancel segment by segment: every directed child segment a→b is matched by one b→a of a
// neighbour, or by the parent's outline. Written with shells counter-clockwise and holes
// clockwise, the boundaries form a chain whose net count per segment is zero iff the
// children's winding numbers add up to the parent's everywhere, i.e. no gap, no overlap
// and nothing outside. Segments with a non-zero net count localise the defect; only the
// features they belong to go through GEOS overlays.
//
// Segments match only when their end points are identical, so a coverage whose neighbours
// are not noded alike is flagged too; the GEOS overlay then decides (and usually finds
// nothing above min_area_m2). Cost: O(n log n) in the number of vertices.

#include <geos_c.h>

#include <vector>

namespace basinkit::validation {

class EdgeChain {
 public:
  /// Adds the rings of the polygon(s) `g`; `sign` +1 for a child, -1 for the parent;
  /// `owner` is reported back by unmatched_owners() (use -1 for the parent).
  void add(const GEOSGeometry* g, int sign, int owner);
  /// Owners of segments whose net count is not zero, sorted, unique. Empty = exact.
  std::vector<int> unmatched_owners();

 private:
  struct Segment {
    double x1, y1, x2, y2;  // canonical: (x1, y1) < (x2, y2)
    int sign;
    int owner;
  };
  void add_ring(const GEOSGeometry* ring, bool hole, int sign, int owner);
  std::vector<Segment> segments_;
  std::vector<double> buffer_;
};

}  // namespace basinkit::validation
