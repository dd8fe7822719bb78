#include "geometry/cell_grid.hpp"

#include <algorithm>
#include <cmath>

#include "geometry/envelope_index.hpp"
#include "geometry/point_in_area.hpp"

namespace basinkit::geos {
namespace {

// Untouched cells are marked with this until their region is located.
constexpr std::uint32_t kUnlocated = 0xFFFFFFFDu;

}  // namespace

std::int64_t CellGrid::column(double x) const {
  const double f = std::floor((x - x0_) * per_x_);
  return f <= 0 ? 0 : (f >= static_cast<double>(nx_ - 1) ? nx_ - 1 : static_cast<std::int64_t>(f));
}

std::int64_t CellGrid::row(double y) const {
  const double f = std::floor((y - y0_) * per_y_);
  return f <= 0 ? 0 : (f >= static_cast<double>(ny_ - 1) ? ny_ - 1 : static_cast<std::int64_t>(f));
}

void CellGrid::touch_edge(double x1, double y1, double x2, double y2) {
  auto touch_box = [this](double ax, double ay, double bx, double by, double margin) {
    const std::int64_t c0 = column(std::min(ax, bx) - margin),
                       c1 = column(std::max(ax, bx) + margin);
    const std::int64_t r0 = row(std::min(ay, by) - margin), r1 = row(std::max(ay, by) + margin);
    for (std::int64_t r = r0; r <= r1; ++r)
      std::fill(cells_.begin() + r * nx_ + c0, cells_.begin() + r * nx_ + c1 + 1, kAsk);
  };
  // Rings come edge after edge: the first end's cell is usually the last edge's second.
  if (x1 != last_x_ || y1 != last_y_) {
    last_column_ = column(x1);
    last_row_ = row(y1);
  }
  const std::int64_t c1 = last_column_, r1 = last_row_, c2 = column(x2), r2 = row(y2);
  last_x_ = x2;
  last_y_ = y2;
  last_column_ = c2;
  last_row_ = r2;
  const std::int64_t span = std::max(std::abs(c2 - c1), std::abs(r2 - r1));
  if (span <= 1) {
    // The segment lies in its end points' box, exactly: the cells between theirs.
    for (std::int64_t r = std::min(r1, r2); r <= std::max(r1, r2); ++r)
      for (std::int64_t c = std::min(c1, c2); c <= std::max(c1, c2); ++c)
        cells_[static_cast<size_t>(r * nx_ + c)] = kAsk;
    return;
  }
  // A long edge is walked in pieces of about a cell, each piece's box widened by more
  // than the rounding of the computed piece ends.
  const double margin = 1e-6 * std::min(width_, height_) +
                        1e-12 * (std::fabs(x1) + std::fabs(y1) + std::fabs(x2) + std::fabs(y2));
  const std::int64_t pieces = span + 1;
  double ax = x1, ay = y1;
  for (std::int64_t k = 1; k <= pieces; ++k) {
    const double t = static_cast<double>(k) / static_cast<double>(pieces);
    const double bx = k == pieces ? x2 : x1 + (x2 - x1) * t;
    const double by = k == pieces ? y2 : y1 + (y2 - y1) * t;
    touch_box(ax, ay, bx, by, margin);
    ax = bx;
    ay = by;
  }
}

CellGrid::CellGrid(const std::vector<const GEOSGeometry*>& areas,
                   const std::function<std::uint32_t(double, double)>& find,
                   size_t cells_per_feature, size_t max_cells) {
  double xmin = INFINITY, ymin = INFINITY, xmax = -INFINITY, ymax = -INFINITY;
  size_t features = 0;
  for (const GEOSGeometry* g : areas) {
    if (!g || GEOSisEmpty_r(context(), g)) continue;
    const auto e = envelope(g);
    xmin = std::min(xmin, e[0]);
    ymin = std::min(ymin, e[1]);
    xmax = std::max(xmax, e[2]);
    ymax = std::max(ymax, e[3]);
    ++features;
  }
  if (!features || !(xmax > xmin) || !(ymax > ymin)) return;  // nothing to gain: always ask
  const double target = static_cast<double>(
      std::min(max_cells, std::max<size_t>(4096, features * cells_per_feature)));
  const double side = std::sqrt((xmax - xmin) * (ymax - ymin) / target);
  x0_ = xmin;
  y0_ = ymin;
  per_x_ = per_y_ = 1 / side;
  // Every feature's coordinates fall in a cell: the cell of the largest is the last.
  const double columns = std::floor((xmax - x0_) * per_x_) + 1,
               rows = std::floor((ymax - y0_) * per_y_) + 1;
  // A layer hardly wider than a line would need a row of millions of cells: no grid.
  if (!(columns * rows <= 2 * target + 2)) return;
  nx_ = static_cast<std::int64_t>(columns);
  ny_ = static_cast<std::int64_t>(rows);
  width_ = side;
  height_ = side;
  cells_.assign(static_cast<size_t>(nx_ * ny_), kUnlocated);

  for (const GEOSGeometry* g : areas)
    for_each_edge(
        g, [this](double x1, double y1, double x2, double y2) { touch_edge(x1, y1, x2, y2); });

  // Each 4-connected region of untouched cells gets the exact answer at one cell centre.
  std::vector<std::int64_t> stack;
  for (std::int64_t start = 0; start < nx_ * ny_; ++start) {
    if (cells_[static_cast<size_t>(start)] != kUnlocated) continue;
    const std::int64_t c = start % nx_, r = start / nx_;
    const double x = x0_ + (static_cast<double>(c) + 0.5) * side;
    const double y = y0_ + (static_cast<double>(r) + 0.5) * side;
    // The centre must fall in its own cell for its answer to hold for the cell.
    const bool inside = column(x) == c && row(y) == r;
    const std::uint32_t answer = inside ? find(x, y) : kAsk;
    stack.assign(1, start);
    cells_[static_cast<size_t>(start)] = answer;
    while (!stack.empty()) {
      const std::int64_t k = stack.back();
      stack.pop_back();
      const std::int64_t kc = k % nx_, kr = k / nx_;
      const std::int64_t next[4] = {kc > 0 ? k - 1 : -1, kc + 1 < nx_ ? k + 1 : -1,
                                    kr > 0 ? k - nx_ : -1, kr + 1 < ny_ ? k + nx_ : -1};
      for (std::int64_t n : next)
        if (n >= 0 && cells_[static_cast<size_t>(n)] == kUnlocated) {
          cells_[static_cast<size_t>(n)] = answer;
          stack.push_back(n);
        }
    }
  }
}

}  // namespace basinkit::geos
