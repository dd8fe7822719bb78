#pragma once
// The GEOS C API context of the calling thread, and helpers that turn GEOS failures into
// C++ values. Internal: GEOS types never appear in public headers.

#include <geos_c.h>

#include <memory>
#include <string>

namespace basinkit::geos {

/// This thread's GEOS context (created on first use, freed at thread exit). GEOS's
/// reentrant API needs one per thread; geometries may move between threads.
GEOSContextHandle_t context();

/// The last error GEOS reported on this thread ("" if none), then cleared.
std::string take_last_error();

struct GeometryDeleter {
  void operator()(GEOSGeometry* g) const noexcept;
};
using GeometryPtr = std::unique_ptr<GEOSGeometry, GeometryDeleter>;

struct PreparedDeleter {
  void operator()(const GEOSPreparedGeometry* p) const noexcept;
};
/// A prepared geometry; must not outlive the geometry it was prepared from.
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

PreparedPtr prepare(const GEOSGeometry* g);

/// A point geometry (owned).
GeometryPtr make_point(double x, double y);

}  // namespace basinkit::geos
