#pragma once
// Internal: turning an OGR geometry as read into a GEOS geometry in the working CRS,
// cleaning what GEOS 3.11 cannot take (empty parts, NaN, unclosed or collapsed rings)
// and recording every such defect, so that no bad feature is lost or crashes GEOS.

#include <basinkit/geometry.hpp>
#include <basinkit/plan.hpp>

class OGRGeometry;
class OGRCoordinateTransformation;

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

}  // namespace basinkit::io
