#pragma once
// Internal: the pieces of an overlay result and how wide they are. Shared by the
// coverage and jurisdiction checks (DESIGN.md section 5, "Thin" and "Parts").

#include <array>
#include <vector>

#include "geometry/geos_context.hpp"

namespace basinkit::geos {

/// The polygonal part of `g` (lines and points of a MakeValid or overlay result dropped),
/// as a (multi)polygon; null when there is none.
GeometryPtr polygonal_part(const GEOSGeometry* g);

/// The polygons of a (valid) polygonal geometry, each its own piece; parts touching only
/// at a point are separate pieces.
std::vector<GeometryPtr> split_pieces(const GEOSGeometry* g);

/// True when the piece's largest inscribed circle has a diameter below `tolerance_m`
/// (computed to tolerance_m / 100).
bool is_thin(const GEOSGeometry* piece, double tolerance_m);

/// A point inside the piece.
std::array<double, 2> point_inside(const GEOSGeometry* piece);

double area_of(const GEOSGeometry* g);

/// `g` if valid; else its repair by MakeValid (LINEWORK, as PostGIS), polygons only.
/// `reason` and `where` receive GEOS's reason and point when invalid.
GeometryPtr repaired(const GEOSGeometry* g, std::string* reason, std::array<double, 2>* where);

}  // namespace basinkit::geos
