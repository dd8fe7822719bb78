#pragma once
// The drainage network of a plan: which control unit each unit's water flows to, the
// monitoring sections (断面) on it, and the traces an analyst asks for (docs/network.md).
//
// The unit graph comes from one of three sources, in this order of preference:
//   - "attribute": the units layer maps a `downstream` role (the code of the unit its water
//     flows to, as WBD `TOHUC` or HydroBASINS `NEXT_DOWN`). Empty, or a code that is not a
//     unit (WBD's `OCEAN`), is an outlet of the plan.
//   - "nodes": the rivers layer maps `from`/`to` node ids (NHDPlus `FromNode`/`ToNode`) or
//     `id`/`toid` (hydroloom): reaches connect through the attributes, each reach lies in
//     the unit holding most of it, and a unit drains to the unit of the next reach.
//   - "rivers": river lines digitised in flow direction; a unit drains to the unit the
//     river leaves it into (geometry only).
// The graph is a DAG in general (braids and diversions keep both downstreams); cycles are
// kept as they are (validate reports them as `network_cycle`) and every walk below stops
// at a unit it has already seen, so a cycle never hangs a trace.
//
// A section lies in one unit (its `unit` attribute, else the unit holding its point,
// snapped to the nearest river within the snap tolerance) and closes that unit: the
// unit's water passes the section. A section's incremental catchment (区间) is that unit
// and the units upstream of it whose water reaches no other section first.
//
//   basinkit::Plan plan = basinkit::load_plan("plan.yaml");
//   basinkit::DrainageNetwork net = basinkit::build_network(plan, {});
//   for (size_t s = 0; s < net.sections().size(); ++s)
//     std::cout << net.sections()[s].code << ' ' << net.incremental_catchment(s).size();

#include <basinkit/locate.hpp>
#include <basinkit/plan.hpp>
#include <basinkit/report.hpp>

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace basinkit {

/// Where the unit graph came from.
enum class NetworkSource {
  none,       ///< no downstream attribute and no rivers: every unit is an outlet
  attribute,  ///< the units' `downstream` field
  nodes,      ///< the rivers' `from`/`to` (or `id`/`toid`) fields
  rivers,     ///< the geometry of river lines digitised in flow direction
};
const char* to_string(NetworkSource source);

struct NetworkOptions {
  /// Sections farther than this from every river are not snapped (`section_off_river`).
  /// DEFAULT nullopt: the manifest's `section_snap_m`, itself 50 m by default.
  std::optional<double> snap_tolerance_m;
};

/// A water-quality monitoring section (断面) of the `sections` layer.
struct MonitoringSection {
  std::size_t feature = 0;  ///< index into plan.layer("sections")
  std::string code;
  std::string name;
  std::string river;   ///< river name as given
  std::string target;  ///< 水质目标 as given ("III"); "" when not mapped
  std::string kind;    ///< 国控/省控/市控/县控, 跨界 or free text; "" when not mapped
  /// The unit it closes (index into plan.units); nullopt when outside every unit.
  std::optional<std::size_t> unit;
  double x = 0;  ///< working CRS, snapped to the river when snapped
  double y = 0;
  /// Distance from the section's point to the nearest river (m); nullopt without rivers.
  std::optional<double> snap_distance_m;
  bool snapped = false;  ///< moved onto a river (within the snap tolerance)
};

/// One unit of a downstream path (the main stem, DM).
struct DownstreamStep {
  std::size_t unit = 0;  ///< index into plan.units
  /// River length (m) from the start to where the water leaves this unit; nullopt when
  /// the plan has no rivers to measure along.
  std::optional<double> distance_m;
  std::vector<std::size_t> sections;              ///< indexes into sections() lying in this unit
  std::vector<std::size_t> drinking_water_zones;  ///< indexes into plan.layer("zones")
};

class DrainageNetwork {
 public:
  NetworkSource source() const { return source_; }
  std::size_t unit_count() const { return downstream_.size(); }
  /// The units unit `u` drains to directly (sorted); empty for an outlet.
  const std::vector<std::size_t>& downstream(std::size_t u) const { return downstream_[u]; }
  /// The units draining directly to unit `u` (sorted).
  const std::vector<std::size_t>& inflows(std::size_t u) const { return inflows_[u]; }
  /// The units the rivers say unit `u` drains to (sorted; empty when the rivers give no
  /// flow); equal to downstream() unless the units' `downstream` attribute is used.
  const std::vector<std::size_t>& river_downstream(std::size_t u) const {
    return river_downstream_[u];
  }
  /// The unit's main downstream (the branch of the larger upstream area when the river
  /// splits; ties to the smaller code); nullopt for an outlet.
  std::optional<std::size_t> main_downstream(std::size_t u) const;
  const std::vector<MonitoringSection>& sections() const { return sections_; }
  /// Sections closing unit `u` (indexes into sections(), downstream-most first).
  const std::vector<std::size_t>& sections_in(std::size_t u) const { return sections_in_[u]; }
  /// Drinking-water zones (indexes into plan.layer("zones")) the unit's water passes.
  const std::vector<std::size_t>& drinking_water_zones(std::size_t u) const {
    return drinking_zones_[u];
  }

  /// Index of the unit / section with this code (first one when duplicated), or nullopt.
  std::optional<std::size_t> find_unit(const std::string& code) const;
  std::optional<std::size_t> find_section(const std::string& code) const;

  /// All units whose water reaches unit `u`, `u` included (hydroloom's UT), sorted.
  std::vector<std::size_t> upstream(std::size_t u) const;
  /// All units the water of `u` reaches, `u` included, every branch of a braid, sorted.
  std::vector<std::size_t> downstream_units(std::size_t u) const;
  /// The units upstream of section `s` (those of the unit it closes); empty off the plan.
  std::vector<std::size_t> upstream_of_section(std::size_t s) const;
  /// The main stem from `u` to the plan outlet, `u` first, following main_downstream().
  /// `start` (working CRS) measures distances from that point on the river instead of
  /// from where the water leaves `u`.
  std::vector<DownstreamStep> downstream_path(
      std::size_t u, const std::optional<std::array<double, 2>>& start = std::nullopt) const;
  /// The incremental catchment (区间) of section `s`: its unit and the units upstream
  /// whose water reaches no other section first (sorted). A section sharing its unit
  /// with a section farther downstream has an empty one.
  std::vector<std::size_t> incremental_catchment(std::size_t s) const;
  /// Every section's incremental catchment at once, indexed like sections(); O(units +
  /// links) in all.
  std::vector<std::vector<std::size_t>> incremental_catchments() const;
  /// Units in no section's incremental catchment: their water leaves the plan without
  /// passing a section (死角盲区 of the assessment), sorted.
  std::vector<std::size_t> unassessed_units() const;

  struct Impl;  ///< river geometry for distances; internal

 private:
  friend DrainageNetwork build_network(const Plan&, const NetworkOptions&);
  NetworkSource source_ = NetworkSource::none;
  std::vector<std::vector<std::size_t>> downstream_;
  std::vector<std::vector<std::size_t>> inflows_;
  std::vector<std::vector<std::size_t>> river_downstream_;
  std::vector<std::optional<std::size_t>> main_downstream_;
  std::vector<MonitoringSection> sections_;
  std::vector<std::vector<std::size_t>> sections_in_;
  std::vector<std::vector<std::size_t>> drinking_zones_;
  std::vector<std::string> unit_codes_;  ///< for find_unit and ordering
  std::shared_ptr<const Impl> impl_;
};

/// Whether the plan says how its water flows: a `downstream` field on the units, or a
/// rivers layer with a `direction` or from/to (id/toid) fields. Without it, validate runs
/// no network checks.
bool has_network(const Plan& plan);

/// Builds the network of `plan` (see the top of this header for the sources). Never
/// throws for bad data: unknown codes are outlets, cycles are kept; validate reports them.
DrainageNetwork build_network(const Plan& plan, const NetworkOptions& options = {});

enum class TraceDirection { upstream, downstream };

/// Where a trace starts: exactly one of unit, section or point.
struct TraceQuery {
  std::optional<std::string> unit;             ///< a unit code
  std::optional<std::string> section;          ///< a section code
  std::optional<std::array<double, 2>> point;  ///< working CRS, located like `locate`
  TraceDirection direction = TraceDirection::downstream;
};

/// What a trace reaches. Codes are sorted; townships and counties are those managing
/// the units (a unit's township; that township's county).
struct TraceResult {
  std::string from_kind;  ///< "unit", "section" or "point"
  std::string from_code;  ///< the unit or section code; for a point, the unit holding it
  std::optional<std::array<double, 2>> point;  ///< the point given (working CRS)
  Location location;                           ///< for a point: where it lies
  TraceDirection direction = TraceDirection::downstream;
  std::vector<std::string> units;
  std::vector<std::string> sections;
  std::vector<std::string> townships;
  std::vector<std::string> counties;
  double area_km2 = 0;  ///< planar area of the units in the working CRS
  /// Downstream only: the main stem from the start to the plan outlet.
  std::vector<DownstreamStep> path;
};

/// Traces from a unit, a section or a point. Throws InputError naming the code when the
/// unit or section does not exist. A point outside the plan gives an empty result with
/// `location.outside_plan`.
TraceResult trace(const Plan& plan, const DrainageNetwork& network, const TraceQuery& query);

/// Writes a trace as JSON (docs/network.md): {"from": {kind, code, x, y, location},
/// "direction", "units", "sections", "townships", "counties", "area_km2", "path":
/// [{unit, name, distance_m, sections, drinking_water_zones}], "provenance"}.
void write_trace_json(const Plan& plan, const DrainageNetwork& network, const TraceResult& result,
                      const Provenance& provenance, std::ostream& out);

}  // namespace basinkit
