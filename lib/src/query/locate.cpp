#include <basinkit/locate.hpp>

#include "query/plan_index.hpp"

namespace basinkit {

struct Locator::Impl {
  explicit Impl(const Plan& plan) : index(plan) {}
  query::PlanIndex index;
};

Locator::Locator(const Plan& plan) : impl_(std::make_unique<Impl>(plan)) {}
Locator::~Locator() = default;
Locator::Locator(Locator&&) noexcept = default;
Locator& Locator::operator=(Locator&&) noexcept = default;

Location Locator::locate(const Geometry& site) const {
  GEOSContextHandle_t h = geos::context();
  const GEOSGeometry* g = site.get();
  if (!g || GEOSisEmpty_r(h, g)) return Location{{}, {}, {}, {}, {}, true};
  const int type = GEOSGeomTypeId_r(h, g);
  if (type == GEOS_POINT) {
    double x = 0, y = 0;
    GEOSGeomGetX_r(h, g, &x);
    GEOSGeomGetY_r(h, g, &y);
    return locate(x, y);
  }
  const bool polygon = type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON;
  return impl_->index.location(impl_->index.touching(g, polygon));
}

Location Locator::locate(double x, double y) const {
  return impl_->index.location(impl_->index.locate(x, y));
}

}  // namespace basinkit
