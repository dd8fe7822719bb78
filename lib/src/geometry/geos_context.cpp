#include "geometry/geos_context.hpp"

#include <cstdarg>
#include <cstdio>

namespace basinkit::geos {
namespace {

thread_local std::string last_error;

void on_error(const char* message, void* /*userdata*/) { last_error = message ? message : ""; }

struct ThreadContext {
  GEOSContextHandle_t handle = GEOS_init_r();
  ThreadContext() {
    GEOSContext_setErrorMessageHandler_r(handle, on_error, nullptr);
    // Notices (e.g. "Self-intersection at ...") are validity details we ask for
    // explicitly; they must not reach the user's terminal.
    GEOSContext_setNoticeMessageHandler_r(handle, nullptr, nullptr);
  }
  ~ThreadContext() { GEOS_finish_r(handle); }
  ThreadContext(const ThreadContext&) = delete;
  ThreadContext& operator=(const ThreadContext&) = delete;
};

}  // namespace

GEOSContextHandle_t context() {
  thread_local ThreadContext ctx;
  return ctx.handle;
}

std::string take_last_error() {
  std::string e;
  e.swap(last_error);
  return e;
}

void GeometryDeleter::operator()(GEOSGeometry* g) const noexcept {
  if (g) GEOSGeom_destroy_r(context(), g);
}

void PreparedDeleter::operator()(const GEOSPreparedGeometry* p) const noexcept {
  if (p) GEOSPreparedGeom_destroy_r(context(), p);
}

PreparedPtr prepare(const GEOSGeometry* g) { return PreparedPtr(GEOSPrepare_r(context(), g)); }

GeometryPtr make_point(double x, double y) {
  GEOSContextHandle_t h = context();
  GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, 1, 2);
  GEOSCoordSeq_setXY_r(h, seq, 0, x, y);
  return GeometryPtr(GEOSGeom_createPoint_r(h, seq));
}

}  // namespace basinkit::geos
