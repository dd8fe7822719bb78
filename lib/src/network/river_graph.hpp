#pragma once
// Internal: the rivers layer as a flow network (docs/network.md, "Rivers").
//
// Each linestring of the rivers layer is a reach, turned to run downstream (manifest
// `direction`). A reach is cut into runs by the units it crosses, found from points
// every few metres along it; runs shorter than the noise length are digitising noise (a
// line wandering a few metres over a unit border) unless they are the reach's longest;
// runs shorter than 10 noise lengths through a unit whose own river is another reach
// clip its corner and are dropped; a unit the reach leaves and re-enters keeps only its
// last exit. Reaches link where
// one ends on another (geometry), or through from/to or id/toid fields (nodes). A unit
// drains to the unit where its reach runs on, within the reach or across a link.

#include <basinkit/network.hpp>

#include <geos_c.h>

#include <array>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "geometry/envelope_index.hpp"
#include "geometry/geos_context.hpp"

namespace basinkit::network {

class UnitFinder;

class RiverGraph {
 public:
  /// `unit_index`: unit code → index into plan.units (first of duplicated codes).
  /// `snap_m`: the section snap tolerance, also the noise length of runs.
  RiverGraph(const Plan& plan, const std::unordered_map<std::string, std::size_t>& unit_index,
             double snap_m);

  /// Whether the plan's rivers say which way they flow (manifest `direction`, or
  /// from/to or toid fields).
  static bool flows(const Plan& plan);

  bool has_rivers() const { return !reaches_.empty(); }
  bool flows() const { return flows_; }
  bool by_nodes() const { return by_nodes_; }
  /// Per unit, the units its rivers flow into (unsorted, may repeat).
  std::vector<std::vector<std::size_t>> unit_links() const;

  /// Sets the section's snap distance and, within the tolerance, moves it onto the river.
  void snap(MonitoringSection& section) const;
  /// How far downstream the section lies on its reach (m), for ordering sections of one
  /// unit; 0 when not snapped.
  double position(const MonitoringSection& section) const;
  /// Whether a river inside unit `u` meets the (prepared) geometry.
  bool meets_in_unit(const GEOSPreparedGeometry* g, std::size_t u) const;
  /// Fills the steps' distance_m along the rivers (left unset without a flow network).
  void measure(std::vector<DownstreamStep>& path,
               const std::optional<std::array<double, 2>>& start) const;

 private:
  /// A place on the rivers: a reach and the length along it from its upstream end.
  struct Spot {
    std::size_t reach = 0;
    double along = 0;
  };
  /// Part of a reach in one unit, after noise is dropped (positions in m along the reach).
  struct Run {
    std::size_t unit = 0;
    double from = 0, to = 0;
  };
  struct Reach {
    std::size_t feature = 0;                    ///< index into plan.layer("rivers")
    geos::GeometryPtr line;                     ///< linestring, downstream order when flows_
    std::vector<std::array<double, 2>> points;  ///< its vertices, same order
    std::vector<double> at;                     ///< length along the reach at each vertex
    double length = 0;
    std::vector<Run> runs;    ///< units in downstream order
    std::vector<Spot> links;  ///< reaches the water runs on into
  };
  struct UnitLink {
    std::size_t from = 0, to = 0;
    Spot crossing;  ///< where the water enters `to`
  };

  /// The reach's runs through units, noise dropped.
  void cut_into_runs(const UnitFinder& units, Reach& reach) const;
  /// Drops runs that clip a unit's corner, then keeps each unit's last exit only.
  void drop_corners();
  void link_by_geometry(double tolerance_m);
  void link_by_nodes(const Plan& plan);
  /// The reach nearest to (x, y) within `max_m`, with its distance; nullopt if none.
  std::optional<std::pair<std::size_t, double>> nearest(double x, double y, double max_m) const;
  Spot spot_of(std::size_t reach, double x, double y) const;
  /// The unit at `along` on a reach (the run holding it, else the next one downstream,
  /// else the last); nullopt when the reach has no runs.
  std::optional<std::size_t> unit_at(const Reach& reach, double along) const;
  /// River length from `a` downstream to `b`, nullopt when `b` is not downstream of `a`.
  std::optional<double> distance(const Spot& a, const Spot& b) const;

  const Plan& plan_;
  double snap_m_;
  bool flows_ = false;
  bool by_nodes_ = false;
  std::vector<Reach> reaches_;
  geos::EnvelopeIndex index_;
  std::vector<UnitLink> unit_links_;
  std::unordered_map<std::size_t, std::size_t> link_index_;  ///< from·units + to → link
};

}  // namespace basinkit::network
