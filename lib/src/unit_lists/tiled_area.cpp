// A rule's scope cut into indexed tiles, for the part of each unit it covers.
#include "unit_lists/tiled_area.hpp"

#include "geometry/pieces.hpp"

namespace basinkit::unit_lists {
namespace {

/// Halvings at most: 2^24 tiles are far more than any scope needs; the bound only stops
/// a degenerate piece (many vertices on one point) from being halved for ever.
constexpr int kMaxDepth = 24;

bool disjoint(const std::array<double, 4>& a, const std::array<double, 4>& b) {
  return a[2] < b[0] || b[2] < a[0] || a[3] < b[1] || b[3] < a[1];
}

}  // namespace

TiledArea::TiledArea(Area area) : area_(std::move(area)) {
  if (!area_) return;
  envelope_ = geos::envelope(area_.get());
  cut(rules_check::clone(area_.get()), 0);
  for (size_t i = 0; i < tiles_.size(); ++i) {
    index_.add(geos::envelope(tiles_[i].get()), i);
    tile_areas_.push_back(geos::area_of(tiles_[i].get()));
  }
  index_.build();
}

void TiledArea::cut(Area piece, int depth) {
  if (!piece) return;
  GEOSContextHandle_t h = geos::context();
  if (GEOSGetNumCoordinates_r(h, piece.get()) <= kTileVertices || depth >= kMaxDepth) {
    tiles_.push_back(std::move(piece));
    return;
  }
  const std::array<double, 4> e = geos::envelope(piece.get());
  const bool wide = e[2] - e[0] >= e[3] - e[1];
  const double mid = wide ? (e[0] + e[2]) / 2 : (e[1] + e[3]) / 2;
  const std::array<double, 4> halves[2] = {wide ? std::array<double, 4>{e[0], e[1], mid, e[3]}
                                                : std::array<double, 4>{e[0], e[1], e[2], mid},
                                           wide ? std::array<double, 4>{mid, e[1], e[2], e[3]}
                                                : std::array<double, 4>{e[0], mid, e[2], e[3]}};
  for (const auto& r : halves) {
    Area rect(GEOSGeom_createRectangle_r(h, r[0], r[1], r[2], r[3]));
    if (!rect) throw rules_check::GeosFailure("GEOS could not make a tile rectangle");
    cut(rules_check::intersect(piece.get(), rect.get()), depth + 1);
  }
}

Part TiledArea::part_of(const UnitShape& unit, geos::PreparedPtr& prepared) const {
  Part part;
  if (!area_ || disjoint(envelope_, unit.envelope)) return part;
  GEOSContextHandle_t h = geos::context();
  if (!prepared) prepared = geos::prepare(area_.get());
  if (GEOSPreparedContains_r(h, prepared.get(), unit.geometry) == 1) {
    part.whole = true;
    part.area_m2 = unit.area_m2;
    return part;
  }
  if (GEOSPreparedIntersects_r(h, prepared.get(), unit.geometry) != 1) return part;
  index_.for_each_in(unit.envelope, 0, [&](size_t i) {
    const GEOSGeometry* tile = tiles_[i].get();
    if (GEOSPreparedIntersects_r(h, unit.prepared, tile) != 1) return;
    if (GEOSPreparedContains_r(h, unit.prepared, tile) == 1) {
      part.area_m2 += tile_areas_[i];
      part.pieces.push_back(rules_check::clone(tile));
      return;
    }
    Area piece = rules_check::intersect(unit.geometry, tile);
    if (!piece) return;
    part.area_m2 += geos::area_of(piece.get());
    part.pieces.push_back(std::move(piece));
  });
  return part;
}

}  // namespace basinkit::unit_lists
