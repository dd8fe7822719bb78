#include <basinkit/locate.hpp>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

#include <algorithm>
#include <array>
#include <cmath>

#include "geometry/geos_context.hpp"

namespace basinkit {
namespace {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using BoxPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using Box = bg::model::box<BoxPoint>;
using Entry = std::pair<Box, std::size_t>;

/// Features of one kind (units, townships, one basin level): an envelope index plus
/// prepared geometries, answering "which feature with the smallest code holds (x, y)".
class FeatureIndex {
 public:
  void add(const PlanFeature& f) {
    if (f.geometry.is_empty()) return;
    const Extent e = f.geometry.extent();
    entries_.emplace_back(Box({e[0], e[1]}, {e[2], e[3]}), features_.size());
    features_.push_back(&f);
    prepared_.push_back(geos::prepare(f.geometry.get()));
  }
  void build() { tree_ = bgi::rtree<Entry, bgi::quadratic<16>>(entries_.begin(), entries_.end()); }

  /// The feature sharing most of `site` (area for polygons, length for lines; ties to the
  /// smallest code), or nullptr.
  const PlanFeature* most_of(const GEOSGeometry* site, bool polygon) const {
    GEOSContextHandle_t h = geos::context();
    std::array<double, 4> e{};
    GEOSGeom_getXMin_r(h, site, &e[0]);
    GEOSGeom_getYMin_r(h, site, &e[1]);
    GEOSGeom_getXMax_r(h, site, &e[2]);
    GEOSGeom_getYMax_r(h, site, &e[3]);
    std::vector<Entry> hits;
    tree_.query(bgi::intersects(Box({e[0], e[1]}, {e[2], e[3]})), std::back_inserter(hits));
    const PlanFeature* best = nullptr;
    double best_measure = -1;
    for (const Entry& hit : hits) {
      if (GEOSPreparedIntersects_r(h, prepared_[hit.second].get(), site) != 1) continue;
      geos::GeometryPtr shared(GEOSIntersection_r(h, site, features_[hit.second]->geometry.get()));
      double measure = 0;
      if (shared) (polygon ? GEOSArea_r : GEOSLength_r)(h, shared.get(), &measure);
      const PlanFeature* f = features_[hit.second];
      if (measure > best_measure || (measure == best_measure && best && f->code < best->code)) {
        best = f;
        best_measure = measure;
      }
    }
    return best;
  }

  /// The smallest-code feature whose closed area holds the point, or nullptr.
  const PlanFeature* find(const GEOSGeometry* point, double x, double y) const {
    std::vector<Entry> hits;
    tree_.query(bgi::intersects(BoxPoint(x, y)), std::back_inserter(hits));
    std::sort(hits.begin(), hits.end(), [this](const Entry& a, const Entry& b) {
      return features_[a.second]->code < features_[b.second]->code;
    });
    for (const Entry& hit : hits)
      if (GEOSPreparedIntersects_r(geos::context(), prepared_[hit.second].get(), point) == 1)
        return features_[hit.second];
    return nullptr;
  }

 private:
  std::vector<Entry> entries_;
  std::vector<const PlanFeature*> features_;
  std::vector<geos::PreparedPtr> prepared_;
  bgi::rtree<Entry, bgi::quadratic<16>> tree_;
};

}  // namespace

struct Locator::Impl {
  const Plan& plan;
  FeatureIndex units, townships, boundary;
  std::map<int, FeatureIndex> basins;
  bool has_boundary = false;

  explicit Impl(const Plan& p) : plan(p) {
    for (const auto& u : p.units) units.add(u);
    for (const auto& t : p.townships) townships.add(t);
    for (const auto& b : p.basins) basins[b.level].add(b);
    for (const auto& f : p.layer("boundary")) boundary.add(f);
    has_boundary = p.has_layer("boundary");
    units.build();
    townships.build();
    boundary.build();
    for (auto& [level, index] : basins) index.build();
  }
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
  Location out;
  bool anything = false;
  if (const auto* unit = static_cast<const ControlUnit*>(impl_->units.most_of(g, polygon))) {
    out.unit = unit->code;
    if (!unit->township.empty()) out.manager = unit->township;
    anything = true;
  }
  if (const auto* t = static_cast<const Township*>(impl_->townships.most_of(g, polygon))) {
    out.township = t->code;
    if (!t->county.empty()) out.county = t->county;
    anything = true;
  }
  for (const auto& [level, index] : impl_->basins) {
    const PlanFeature* b = index.most_of(g, polygon);
    out.basins[level] = b ? std::optional<std::string>(b->code) : std::nullopt;
    anything |= b != nullptr;
  }
  out.outside_plan =
      impl_->has_boundary ? impl_->boundary.most_of(g, polygon) == nullptr : !anything;
  return out;
}

Location Locator::locate(double x, double y) const {
  Location out;
  const geos::GeometryPtr point = geos::make_point(x, y);
  bool anything = false;
  if (const auto* unit = static_cast<const ControlUnit*>(impl_->units.find(point.get(), x, y))) {
    out.unit = unit->code;
    if (!unit->township.empty()) out.manager = unit->township;
    anything = true;
  }
  if (const auto* t = static_cast<const Township*>(impl_->townships.find(point.get(), x, y))) {
    out.township = t->code;
    if (!t->county.empty()) out.county = t->county;
    anything = true;
  }
  for (const auto& [level, index] : impl_->basins) {
    const PlanFeature* b = index.find(point.get(), x, y);
    out.basins[level] = b ? std::optional<std::string>(b->code) : std::nullopt;
    anything |= b != nullptr;
  }
  out.outside_plan =
      impl_->has_boundary ? impl_->boundary.find(point.get(), x, y) == nullptr : !anything;
  return out;
}

}  // namespace basinkit
