#include <basinkit/locate.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <mutex>

#include "common/parallel.hpp"
#include "geometry/cell_grid.hpp"
#include "geometry/envelope_index.hpp"
#include "geometry/point_in_area.hpp"

namespace basinkit {
namespace {

/// Features of one kind (units, townships, one basin level): an envelope index, the
/// point-in-polygon kernels for points and prepared geometries for lines and polygons.
class FeatureIndex {
 public:
  void add(const PlanFeature& f) {
    if (f.geometry.is_empty()) return;
    const Extent e = f.geometry.extent();
    index_.add({e[0], e[1], e[2], e[3]}, features_.size());
    features_.push_back(&f);
    prepared_.push_back(geos::prepare(f.geometry.get()));
  }
  /// After the last add(): the envelope index, and the kernels left empty for kernel().
  void build() {
    index_.build();
    kernels_.assign(features_.size(), geos::PointInArea(nullptr));
  }
  size_t size() const { return features_.size(); }
  /// Builds the point-in-polygon kernel of feature i (one thread per feature at a time).
  void kernel(size_t i) { kernels_[i] = geos::PointInArea(features_[i]->geometry.get()); }

  /// The feature sharing most of `site` (area for polygons, length for lines; ties to the
  /// smallest code), or nullptr.
  const PlanFeature* most_of(const GEOSGeometry* site, bool polygon) const {
    GEOSContextHandle_t h = geos::context();
    const PlanFeature* best = nullptr;
    double best_measure = -1;
    for (size_t i : index_.query(geos::envelope(site))) {
      if (GEOSPreparedIntersects_r(h, prepared_[i].get(), site) != 1) continue;
      geos::GeometryPtr shared(GEOSIntersection_r(h, site, features_[i]->geometry.get()));
      double measure = 0;
      if (shared) (polygon ? GEOSArea_r : GEOSLength_r)(h, shared.get(), &measure);
      const PlanFeature* f = features_[i];
      if (measure > best_measure || (measure == best_measure && best && f->code < best->code)) {
        best = f;
        best_measure = measure;
      }
    }
    return best;
  }

  /// The smallest-code feature whose closed area holds the point, or nullptr. Touches no
  /// prepared geometry: safe to call from several threads.
  const PlanFeature* find(double x, double y) const {
    std::uint32_t i = grid_.at(x, y);
    if (i == geos::CellGrid::kAsk) i = find_exactly(x, y);
    return i == geos::CellGrid::kNone ? nullptr : features_[i];
  }
  /// After the kernels: the grid that answers most points without them.
  void grid() {
    std::vector<const GEOSGeometry*> areas;
    for (const PlanFeature* f : features_) areas.push_back(f->geometry.get());
    grid_ = geos::CellGrid(areas, [this](double x, double y) { return find_exactly(x, y); });
  }

 private:
  /// find() through the envelope index and the kernels: a feature index or kNone.
  std::uint32_t find_exactly(double x, double y) const {
    std::uint32_t best = geos::CellGrid::kNone;
    index_.for_each_at(x, y, [&](size_t i) {
      if ((best == geos::CellGrid::kNone || features_[i]->code < features_[best]->code) &&
          kernels_[i].covers(x, y))
        best = static_cast<std::uint32_t>(i);
    });
    return best;
  }

  geos::EnvelopeIndex index_;
  std::vector<const PlanFeature*> features_;
  std::vector<geos::PointInArea> kernels_;
  std::vector<geos::PreparedPtr> prepared_;
  geos::CellGrid grid_;
};

}  // namespace

struct Locator::Impl {
  const Plan& plan;
  FeatureIndex units, townships, boundary;
  std::map<int, FeatureIndex> basins;
  bool has_boundary = false;
  std::once_flag points_ready;

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

  /// The point-in-polygon kernels and cell grids, built on the first point query (lines
  /// and polygons need only the prepared geometries), on every core: millions of edges on
  /// a large plan. Safe when several threads ask at once.
  void ready_for_points() {
    std::call_once(points_ready, [this] {
      std::vector<FeatureIndex*> layers = {&units, &townships, &boundary};
      for (auto& [level, index] : basins) layers.push_back(&index);
      std::vector<std::pair<FeatureIndex*, size_t>> kernels;
      for (FeatureIndex* index : layers)
        for (size_t i = 0; i < index->size(); ++i) kernels.emplace_back(index, i);
      parallel_for(kernels.size(), 0,
                   [&kernels](size_t k, int) { kernels[k].first->kernel(kernels[k].second); });
      parallel_for(layers.size(), 0, [&layers](size_t k, int) { layers[k]->grid(); });
    });
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
  impl_->ready_for_points();
  Location out;
  bool anything = false;
  if (const auto* unit = static_cast<const ControlUnit*>(impl_->units.find(x, y))) {
    out.unit = unit->code;
    if (!unit->township.empty()) out.manager = unit->township;
    anything = true;
  }
  if (const auto* t = static_cast<const Township*>(impl_->townships.find(x, y))) {
    out.township = t->code;
    if (!t->county.empty()) out.county = t->county;
    anything = true;
  }
  for (const auto& [level, index] : impl_->basins) {
    const PlanFeature* b = index.find(x, y);
    out.basins[level] = b ? std::optional<std::string>(b->code) : std::nullopt;
    anything |= b != nullptr;
  }
  out.outside_plan = impl_->has_boundary ? impl_->boundary.find(x, y) == nullptr : !anything;
  return out;
}

}  // namespace basinkit
