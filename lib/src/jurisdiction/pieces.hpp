#pragma once
// Internal: the shared geometric vocabulary (geometry/pieces.hpp) and message wording
// (findings/wording.hpp), named in the jurisdiction namespace where its checks use them.

#include "findings/wording.hpp"
#include "geometry/pieces.hpp"

namespace basinkit::jurisdiction {

using geos::area_of;
using geos::clone;
using geos::GeometryPtr;
using geos::is_thin;
using geos::multipolygon_of;
using geos::point_inside;
using geos::polygons_of;
using geos::valid_polygonal;
using wording::area_text;
using wording::label;

}  // namespace basinkit::jurisdiction
