#pragma once
// Internal: the geometric vocabulary of the checks (DESIGN.md section 5, "Thin" and
// "Parts"): valid polygonal copies of features, parts and pieces of overlay results, the
// thinness test and a point inside a piece. Shared by coverage, jurisdiction and
// screening.
//
// Every function works in the calling thread's GEOS context and never throws on bad
// geometry: a GEOS failure gives a null pointer, NaN or `false`, as documented.

#include <array>
#include <string>
#include <vector>

#include "geometry/geos_context.hpp"

namespace basinkit::geos {

/// The polygonal part of `g` (lines and points of a MakeValid or overlay result dropped),
/// as a (multi)polygon; null when there is none.
GeometryPtr polygonal_part(const GEOSGeometry* g);

/// The polygons of `g`, recursively through collections (borrowed; they live in `g`).
/// For a valid multipolygon these are its parts: parts touching at a point stay separate.
std::vector<const GEOSGeometry*> polygons_of(const GEOSGeometry* g);

/// The polygons of `g` as owned pieces (see polygons_of).
std::vector<GeometryPtr> split_pieces(const GEOSGeometry* g);

/// A multipolygon owning clones of `polygons` (null when the list is empty).
GeometryPtr multipolygon_of(const std::vector<const GEOSGeometry*>& polygons);

/// The polygonal part of the union of `parts` (null ones skipped; null when none is
/// left or GEOS fails).
GeometryPtr union_of(const std::vector<const GEOSGeometry*>& parts);

/// A clone of `g` (null for null).
GeometryPtr clone(const GEOSGeometry* g);

/// Whether a polygon is thin: its largest inscribed circle has a diameter below
/// `tolerance_m` (GEOSMaximumInscribedCircle computed to `tolerance_m` / 100). A coarse
/// pass first proves most pieces wide cheaply (its radius is a lower bound of the true
/// one). Nothing is thin when `tolerance_m` <= 0; a GEOS failure counts as not thin, so
/// that a defect is reported rather than hidden.
bool is_thin(const GEOSGeometry* polygon, double tolerance_m);

/// A point inside `g` (GEOSPointOnSurface): [easting, northing]; NaN on failure.
std::array<double, 2> point_inside(const GEOSGeometry* g);

/// Planar area (m² in the working CRS); 0 for null geometry or when GEOS fails.
double area_of(const GEOSGeometry* g);

/// Null when `g` is valid; else its repair by GEOSMakeValid (LINEWORK method, collapsed
/// parts dropped, as PostGIS), polygons only (an empty polygon when nothing polygonal is
/// left). `reason` and `where` receive GEOS's reason and point.
GeometryPtr repaired(const GEOSGeometry* g, std::string* reason, std::array<double, 2>* where);

/// A valid, polygonal copy of `g`: a clone when valid, else repaired(). Null when `g` is
/// null or empty, nothing polygonal is left, or GEOS fails.
GeometryPtr valid_polygonal(const GEOSGeometry* g);

}  // namespace basinkit::geos
