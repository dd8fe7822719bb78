#pragma once
// Internal: the plan's layers indexed for locating sites — what `Locator` answers with
// codes, as indexes into the layers, so that the Screener decides `unit`, `township`,
// `county` and `basin` scopes from a site's location instead of from geometry
// (DESIGN.md section 6: scopes are closed, touching counts).

#include <basinkit/locate.hpp>
#include <basinkit/plan.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "geometry/cell_grid.hpp"
#include "geometry/envelope_index.hpp"
#include "geometry/point_in_area.hpp"

namespace basinkit::query {

/// No feature of the layer (a feature index otherwise).
constexpr std::uint32_t kNoFeature = geos::CellGrid::kNone;

/// A feature of a layer a line or polygon site intersects, and the length or area shared.
struct Touch {
  std::uint32_t feature = 0;
  double measure = 0;  ///< area of the intersection for polygon sites, else its length
};

/// Features of one kind (units, townships, one basin level): an envelope index, the
/// point-in-polygon kernels and cell grid for points, prepared geometries for lines and
/// polygons. Feature i is the i-th non-empty feature added.
class LayerIndex {
 public:
  LayerIndex() = default;
  LayerIndex(LayerIndex&&) = default;
  LayerIndex& operator=(LayerIndex&&) = default;
  LayerIndex(const LayerIndex&) = delete;  // moved (not copied) when the levels grow
  LayerIndex& operator=(const LayerIndex&) = delete;

  void add(const PlanFeature& f);
  /// After the last add(): the envelope index, and the kernels left empty for kernel().
  void build();
  size_t size() const { return features_.size(); }
  const PlanFeature& feature(size_t i) const { return *features_[i]; }
  /// Builds the point-in-polygon kernel of feature i (one thread per feature at a time).
  void kernel(size_t i);
  /// After the kernels: the grid that answers most points without them.
  void grid();

  /// The smallest-code feature whose closed area holds the point, or kNoFeature. Touches
  /// no prepared geometry: safe to call from several threads.
  std::uint32_t find(double x, double y) const;
  /// The smallest-code feature with `member[i]` whose closed area holds the point.
  /// `found` = find(x, y) (the point's feature among all). Exact on borders and overlaps:
  /// when `found` is not a member, a point in a cell the grid decided is held by `found`
  /// alone (or nothing); elsewhere the members are asked.
  std::uint32_t find_among(double x, double y, const std::vector<bool>& member,
                           std::uint32_t found) const;
  /// Every feature `site` intersects (closed), sorted by code, with the shared measure.
  std::vector<Touch> touching(const GEOSGeometry* site, bool polygon) const;
  /// The feature sharing most of a site (ties to the smallest code), or kNoFeature.
  std::uint32_t most_of(const std::vector<Touch>& touches) const;

 private:
  /// The smallest-code holder, or kNoFeature, through the envelope index and kernels.
  template <typename Keep>
  std::uint32_t find_exactly(double x, double y, Keep&& keep) const;
  /// The grid's answer at a region's centre: its one holder, kNoFeature, or kAsk when
  /// several features overlap there (so that a decided cell has one holder at most).
  std::uint32_t sole_holder(double x, double y) const;

  geos::EnvelopeIndex index_;
  std::vector<const PlanFeature*> features_;
  std::vector<geos::PointInArea> kernels_;
  std::vector<geos::PreparedPtr> prepared_;
  geos::CellGrid grid_;
};

/// Where a point is: a feature index (or kNoFeature) per layer.
struct PointHit {
  std::uint32_t unit = kNoFeature, township = kNoFeature, boundary = kNoFeature;
  std::vector<std::uint32_t> basins;  ///< per level, in PlanIndex::basins order
};

/// Where a line or polygon is: every feature it touches per layer.
struct Touches {
  std::vector<Touch> units, townships, boundary;
  std::vector<std::vector<Touch>> basins;  ///< per level, in PlanIndex::basins order
};

/// Units, townships, basin levels and boundary of a plan (which must outlive it).
struct PlanIndex {
  explicit PlanIndex(const Plan& plan);

  /// The point-in-polygon kernels and cell grids, built on the first point query (lines
  /// and polygons need only the prepared geometries), on every core. Thread-safe.
  void ready_for_points();

  /// Point queries: thread-safe.
  PointHit locate(double x, double y);
  Location location(const PointHit& hit) const;
  /// The same into `out`, reusing its strings (no allocation for a reused Location).
  void location(const PointHit& hit, Location& out) const;
  /// Lines and polygons: uses prepared geometries (not shareable between threads).
  Touches touching(const GEOSGeometry* site, bool polygon) const;
  Location location(const Touches& touches) const;

  const Plan& plan;
  LayerIndex units, townships, boundary;
  std::vector<std::pair<int, LayerIndex>> basins;  ///< by level, ascending
  bool has_boundary = false;

 private:
  std::once_flag points_ready_;
};

}  // namespace basinkit::query
