#pragma once
// Internal: a packed R-tree (Boost.Geometry) of envelopes, answering "which items' boxes
// intersect this box". Items are the indexes given to add().

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <boost/iterator/function_output_iterator.hpp>

#include <array>
#include <vector>

#include "geometry/geos_context.hpp"

namespace basinkit::geos {

/// [minx, miny, maxx, maxy] of a geometry (all 0 for null/empty).
std::array<double, 4> envelope(const GEOSGeometry* g);

class EnvelopeIndex {
 public:
  void add(const std::array<double, 4>& box, size_t item) {
    entries_.emplace_back(Box({box[0], box[1]}, {box[2], box[3]}), item);
  }
  /// Bulk-loads the tree (packing); call once after the last add().
  void build() { tree_ = Tree(entries_.begin(), entries_.end()); }

  /// Items whose boxes intersect `box` expanded by `margin`.
  std::vector<size_t> query(const std::array<double, 4>& box, double margin = 0) const {
    std::vector<Entry> hits;
    tree_.query(boost::geometry::index::intersects(
                    Box({box[0] - margin, box[1] - margin}, {box[2] + margin, box[3] + margin})),
                std::back_inserter(hits));
    std::vector<size_t> items;
    items.reserve(hits.size());
    for (const Entry& e : hits) items.push_back(e.second);
    return items;
  }

  /// Calls fn(item) for each item whose box intersects `box` expanded by `margin`;
  /// allocates nothing.
  template <typename Fn>
  void for_each_in(const std::array<double, 4>& box, double margin, Fn&& fn) const {
    tree_.query(
        boost::geometry::index::intersects(
            Box({box[0] - margin, box[1] - margin}, {box[2] + margin, box[3] + margin})),
        boost::iterators::make_function_output_iterator([&fn](const Entry& e) { fn(e.second); }));
  }

  /// Calls fn(item) for each item whose box holds the point; allocates nothing.
  template <typename Fn>
  void for_each_at(double x, double y, Fn&& fn) const {
    tree_.query(
        boost::geometry::index::intersects(Point(x, y)),
        boost::iterators::make_function_output_iterator([&fn](const Entry& e) { fn(e.second); }));
  }

 private:
  using Point = boost::geometry::model::point<double, 2, boost::geometry::cs::cartesian>;
  using Box = boost::geometry::model::box<Point>;
  using Entry = std::pair<Box, size_t>;
  using Tree = boost::geometry::index::rtree<Entry, boost::geometry::index::quadratic<16>>;
  std::vector<Entry> entries_;
  Tree tree_;
};

inline std::array<double, 4> envelope(const GEOSGeometry* g) {
  std::array<double, 4> e{0, 0, 0, 0};
  GEOSContextHandle_t h = context();
  if (!g || GEOSisEmpty_r(h, g)) return e;
  GEOSGeom_getXMin_r(h, g, &e[0]);
  GEOSGeom_getYMin_r(h, g, &e[1]);
  GEOSGeom_getXMax_r(h, g, &e[2]);
  GEOSGeom_getYMax_r(h, g, &e[3]);
  return e;
}

}  // namespace basinkit::geos
