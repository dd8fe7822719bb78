#pragma once
// Internal: an area of the map (a rule's scope) made ready for "which part of this unit
// does it cover?", asked for thousands of units. A unit wholly inside or wholly outside
// the area is answered by a prepared geometry of the whole area (an indexed test, no
// overlay); for a unit the area's edge crosses, the area is cut into tiles of at most
// kTileVertices vertices (halving the extent along its longer side until each piece is
// small, as PostGIS's ST_Subdivide does) and only the few tiles near the unit are
// intersected with it. Tiles share edges, never area: their pieces' areas add up.

#include <array>
#include <vector>

#include "geometry/envelope_index.hpp"
#include "rules_check/scope_areas.hpp"

namespace basinkit::unit_lists {

using rules_check::Area;

/// Vertices of a tile at most: overlays of a unit with a tile stay cheap.
constexpr int kTileVertices = 256;

/// A unit as part_of() needs it (valid polygons; prepared in the calling thread).
struct UnitShape {
  const GEOSGeometry* geometry = nullptr;
  const GEOSPreparedGeometry* prepared = nullptr;
  std::array<double, 4> envelope{};
  double area_m2 = 0;
};

/// The part of a unit inside an area.
struct Part {
  double area_m2 = 0;
  bool whole = false;        ///< the unit lies wholly inside the area
  std::vector<Area> pieces;  ///< unless `whole`: pieces of the part, one per tile touched
};

class TiledArea {
 public:
  /// Takes `area` (null = empty) and cuts it into tiles. Throws GeosFailure.
  explicit TiledArea(Area area);

  bool empty() const { return !area_; }
  const GEOSGeometry* get() const { return area_.get(); }

  /// The part of `unit` inside the area. `prepared` is the calling thread's slot for the
  /// area's prepared geometry (GEOS prepared geometries are not shared between threads),
  /// filled on first use. Throws GeosFailure.
  Part part_of(const UnitShape& unit, geos::PreparedPtr& prepared) const;

  size_t tiles() const { return tiles_.size(); }

 private:
  void cut(Area piece, int depth);

  Area area_;
  std::array<double, 4> envelope_{};
  std::vector<Area> tiles_;
  std::vector<double> tile_areas_;
  geos::EnvelopeIndex index_;
};

}  // namespace basinkit::unit_lists
