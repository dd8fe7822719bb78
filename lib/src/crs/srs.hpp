#pragma once
// Internal: spatial reference systems and transformations into the working CRS, on top
// of OGR/PROJ, plus the GCJ-02 step PROJ does not know.

#include <ogr_spatialref.h>

#include <memory>
#include <string>

namespace basinkit::crs {

struct SrsReleaser {
  void operator()(OGRSpatialReference* s) const noexcept {
    if (s) s->Release();
  }
};
using SrsPtr = std::unique_ptr<OGRSpatialReference, SrsReleaser>;

struct TransformDeleter {
  void operator()(OGRCoordinateTransformation* t) const noexcept {
    OGRCoordinateTransformation::DestroyCT(t);
  }
};
using TransformPtr = std::unique_ptr<OGRCoordinateTransformation, TransformDeleter>;

/// Parses any OGR/PROJ definition ("EPSG:4547", WKT, PROJ string), in traditional GIS
/// axis order (x = easting/longitude). Throws InputError (what = definition).
SrsPtr parse(const std::string& definition);
/// A copy of `srs` set to traditional GIS axis order.
SrsPtr traditional_copy(const OGRSpatialReference& srs);

/// The working CRS of a plan: must be projected, in metres. Throws InputError.
SrsPtr working_crs(const std::string& definition);

/// True for the placeholders drivers give layers without a CRS (GeoPackage's
/// "Undefined geographic/cartesian SRS", local engineering CRSs).
bool is_undefined(const OGRSpatialReference& srs);

/// "EPSG:4547" when the CRS has an EPSG code, else its name.
std::string describe(const OGRSpatialReference& srs);

/// The name of the refused datum (Xian 1980, Beijing 1954, New Beijing) `srs` is based
/// on, or "" when it is acceptable (DESIGN.md section 9).
std::string ballpark_datum(const OGRSpatialReference& srs);

/// Source → target; when `source_is_gcj02`, `source` is ignored and coordinates are
/// taken as GCJ-02 longitude/latitude. `description` receives a human summary.
/// Throws InputError when PROJ finds no transformation.
TransformPtr to_working(const OGRSpatialReference* source, bool source_is_gcj02,
                        const OGRSpatialReference& target, std::string* description);

}  // namespace basinkit::crs
