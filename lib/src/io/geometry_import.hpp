#pragma once
// Internal: turning an OGR geometry as read into a GEOS geometry in the working CRS,
// cleaning what GEOS 3.11 cannot take (empty parts, NaN, unclosed or collapsed rings)
// and recording every such defect, so that no bad feature is lost or crashes GEOS.

#include <basinkit/geometry.hpp>
#include <basinkit/plan.hpp>

class OGRGeometry;
class OGRCoordinateTransformation;
struct GEOSGeom_t;

namespace basinkit::io {

enum class GeometryKind { polygon, line, point, any };

struct ImportedGeometry {
  Geometry geometry;    ///< null when nothing could be salvaged
  GeometryIssue issue;  ///< empty when the geometry was read as it is
};

/// Imports `g` (may be null; it is modified in place), transformed by `to_working`
/// (may be null = already in the working CRS), expecting `kind`.
ImportedGeometry import_geometry(OGRGeometry* g, GeometryKind kind,
                                 OGRCoordinateTransformation* to_working);

/// What import_geometry() does first with a polygon or line (nearly every vertex of a
/// plan): the GEOS geometry built straight from OGR's vertices, owned by the caller, or null
/// for anything else, which goes through GEOS's WKB reader (points aside). Lines of fewer
/// than two points go through WKB too, so that GEOS says what is wrong with them in its
/// reader's words. Public here so that a test can show this path is the one taken.
GEOSGeom_t* geometry_from_vertices(const OGRGeometry& g);

}  // namespace basinkit::io
