#include <basinkit/crs.hpp>
#include <basinkit/error.hpp>

#include <fmt/format.h>

#include "crs/srs.hpp"

namespace basinkit {

struct PointTransform::Impl {
  crs::TransformPtr transform;
  std::string description;
};

PointTransform::PointTransform(const std::string& from, const std::string& working_crs)
    : impl_(std::make_unique<Impl>()) {
  const crs::SrsPtr target = crs::working_crs(working_crs);
  const bool gcj = is_gcj02(from);
  crs::SrsPtr source = gcj ? nullptr : crs::parse(from);
  impl_->transform = crs::to_working(source.get(), gcj, *target, &impl_->description);
}

PointTransform::~PointTransform() = default;
PointTransform::PointTransform(PointTransform&&) noexcept = default;
PointTransform& PointTransform::operator=(PointTransform&&) noexcept = default;

void PointTransform::apply(double& x, double& y) const {
  const double x0 = x, y0 = y;
  int ok = 0;
  if (!impl_->transform->Transform(1, &x, &y, nullptr, nullptr, &ok) || !ok || !std::isfinite(x) ||
      !std::isfinite(y))
    throw InputError(
        fmt::format("cannot transform the point {},{} ({})", x0, y0, impl_->description));
}

const std::string& PointTransform::description() const { return impl_->description; }

}  // namespace basinkit
