#pragma once
// Internal: a uniform grid over a layer of polygons that answers "which feature holds
// this point" with one array read for most points — the first step of locating a
// million sites (DESIGN.md section 10).
//
// A cell that no edge of the layer touches lies in one face of the layer's arrangement:
// every point in it is held by the same features. So is a whole 4-connected region of
// such cells (the segment between two points of neighbouring untouched cells stays in
// those two cells, so it crosses no edge). The grid asks the exact locator once per
// region, at one cell's centre, and stores the answer in every cell of the region.
// Cells an edge touches are `kAsk`: the caller locates those points exactly. "Touches"
// uses the same monotone cell-of-coordinate function as the queries (plus a margin for
// long edges walked in pieces), so a point on an edge is never in an untouched cell.

#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "geometry/geos_context.hpp"

namespace basinkit::geos {

class CellGrid {
 public:
  static constexpr std::uint32_t kAsk = 0xFFFFFFFFu;   ///< locate exactly
  static constexpr std::uint32_t kNone = 0xFFFFFFFEu;  ///< held by no feature

  CellGrid() = default;
  /// `areas[i]`: feature i (polygonal; null or empty ignored). `find(x, y)`: the exact
  /// answer (a feature index or kNone) at any point. About `cells_per_feature` cells per
  /// feature, at most `max_cells`.
  CellGrid(const std::vector<const GEOSGeometry*>& areas,
           const std::function<std::uint32_t(double, double)>& find, size_t cells_per_feature = 64,
           size_t max_cells = size_t{4} << 20);

  /// The feature holding (x, y), kNone, or kAsk.
  std::uint32_t at(double x, double y) const {
    if (cells_.empty()) return kAsk;
    const double fx = std::floor((x - x0_) * per_x_), fy = std::floor((y - y0_) * per_y_);
    if (!(fx >= 0 && fy >= 0 && fx < nx_ && fy < ny_)) return kNone;  // outside every box
    return cells_[static_cast<size_t>(fy) * nx_ + static_cast<size_t>(fx)];
  }

 private:
  /// Cell column/row of a coordinate, clamped to the grid (monotone).
  std::int64_t column(double x) const;
  std::int64_t row(double y) const;
  void touch_edge(double x1, double y1, double x2, double y2);

  double x0_ = 0, y0_ = 0, per_x_ = 0, per_y_ = 0, width_ = 0, height_ = 0;
  std::int64_t nx_ = 0, ny_ = 0;
  std::vector<std::uint32_t> cells_;
  // The cell of the last edge's second end (touch_edge).
  double last_x_ = NAN, last_y_ = NAN;
  std::int64_t last_column_ = 0, last_row_ = 0;
};

}  // namespace basinkit::geos
