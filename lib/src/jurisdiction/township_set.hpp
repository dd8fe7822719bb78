#pragma once
// Internal: the township layer prepared for the jurisdiction checks — a valid polygonal
// copy of each feature, lookups by code, and a packed R-tree over their envelopes.

#include <basinkit/plan.hpp>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "jurisdiction/pieces.hpp"

namespace basinkit::jurisdiction {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using BoxPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using Box = bg::model::box<BoxPoint>;

/// The envelope of `g` (must not be null or empty).
Box box_of(const GEOSGeometry* g);

struct TownshipFeature {
  const Township* source = nullptr;  ///< the plan's township (not owned)
  GeometryPtr geometry;              ///< valid polygonal copy; null = takes no part
};

class TownshipSet {
 public:
  /// Prepares the plan's townships (call on the thread that runs the checks: the
  /// envelopes GEOS caches are computed here, before worker threads read the geometries).
  explicit TownshipSet(const Plan& plan);

  /// Parallel to plan.townships.
  std::vector<TownshipFeature> features;

  /// Whether some township feature (with or without geometry) has this code.
  bool known(const std::string& code) const { return by_code_.count(code) > 0; }
  /// Feature indexes with this code (empty when unknown).
  const std::vector<int>& with_code(const std::string& code) const;
  /// Name and county of the first feature with this code ("" when unknown).
  const std::string& name_of(const std::string& code) const;
  const std::string& county_of(const std::string& code) const;
  /// Codes in first-seen order.
  const std::vector<std::string>& codes() const { return codes_; }

  /// Indexes of the features with geometry whose envelope intersects `box`, ascending.
  std::vector<int> query(const Box& box) const;

 private:
  std::map<std::string, std::vector<int>> by_code_;
  std::vector<std::string> codes_;
  bgi::rtree<std::pair<Box, int>, bgi::rstar<16>> tree_;
};

}  // namespace basinkit::jurisdiction
