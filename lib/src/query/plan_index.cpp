#include "query/plan_index.hpp"

#include <algorithm>

#include "common/parallel.hpp"

namespace basinkit::query {

void LayerIndex::add(const PlanFeature& f) {
  if (f.geometry.is_empty()) return;
  const Extent e = f.geometry.extent();
  index_.add({e[0], e[1], e[2], e[3]}, features_.size());
  features_.push_back(&f);
  prepared_.push_back(geos::prepare(f.geometry.get()));
}

void LayerIndex::build() {
  index_.build();
  kernels_.assign(features_.size(), geos::PointInArea(nullptr));
}

void LayerIndex::kernel(size_t i) { kernels_[i] = geos::PointInArea(features_[i]->geometry.get()); }

void LayerIndex::grid() {
  std::vector<const GEOSGeometry*> areas;
  for (const PlanFeature* f : features_) areas.push_back(f->geometry.get());
  grid_ = geos::CellGrid(areas, [this](double x, double y) { return sole_holder(x, y); });
}

template <typename Keep>
std::uint32_t LayerIndex::find_exactly(double x, double y, Keep&& keep) const {
  std::uint32_t best = kNoFeature;
  index_.for_each_at(x, y, [&](size_t i) {
    if ((best == kNoFeature || features_[i]->code < features_[best]->code) && keep(i) &&
        kernels_[i].covers(x, y))
      best = static_cast<std::uint32_t>(i);
  });
  return best;
}

std::uint32_t LayerIndex::sole_holder(double x, double y) const {
  std::uint32_t holder = kNoFeature;
  bool several = false;
  index_.for_each_at(x, y, [&](size_t i) {
    if (!kernels_[i].covers(x, y)) return;
    several |= holder != kNoFeature;
    holder = static_cast<std::uint32_t>(i);
  });
  return several ? geos::CellGrid::kAsk : holder;
}

std::uint32_t LayerIndex::find(double x, double y) const {
  const std::uint32_t i = grid_.at(x, y);
  return i != geos::CellGrid::kAsk ? i : find_exactly(x, y, [](size_t) { return true; });
}

std::uint32_t LayerIndex::find_among(double x, double y, const std::vector<bool>& member,
                                     std::uint32_t found) const {
  // The smallest holder of all is the smallest member holding the point when a member.
  if (found != kNoFeature && member[found]) return found;
  if (grid_.at(x, y) != geos::CellGrid::kAsk) return kNoFeature;  // `found` alone holds it
  return find_exactly(x, y, [&member](size_t i) { return member[i]; });
}

std::vector<Touch> LayerIndex::touching(const GEOSGeometry* site, bool polygon) const {
  GEOSContextHandle_t h = geos::context();
  std::vector<Touch> out;
  for (size_t i : index_.query(geos::envelope(site))) {
    if (GEOSPreparedIntersects_r(h, prepared_[i].get(), site) != 1) continue;
    geos::GeometryPtr shared(GEOSIntersection_r(h, site, features_[i]->geometry.get()));
    double measure = 0;
    if (shared) (polygon ? GEOSArea_r : GEOSLength_r)(h, shared.get(), &measure);
    out.push_back({static_cast<std::uint32_t>(i), measure});
  }
  std::stable_sort(out.begin(), out.end(), [this](const Touch& a, const Touch& b) {
    return features_[a.feature]->code < features_[b.feature]->code;
  });
  return out;
}

std::uint32_t LayerIndex::most_of(const std::vector<Touch>& touches) const {
  std::uint32_t best = kNoFeature;
  double best_measure = -1;
  for (const Touch& t : touches)  // by code: the first of equal measures has the smallest
    if (t.measure > best_measure) {
      best = t.feature;
      best_measure = t.measure;
    }
  return best;
}

PlanIndex::PlanIndex(const Plan& p) : plan(p) {
  for (const auto& u : p.units) units.add(u);
  for (const auto& t : p.townships) townships.add(t);
  std::map<int, LayerIndex> by_level;
  for (const auto& b : p.basins) by_level[b.level].add(b);
  for (auto& [level, index] : by_level) basins.emplace_back(level, std::move(index));
  for (const auto& f : p.layer("boundary")) boundary.add(f);
  has_boundary = p.has_layer("boundary");
  units.build();
  townships.build();
  boundary.build();
  for (auto& [level, index] : basins) index.build();
}

void PlanIndex::ready_for_points() {
  std::call_once(points_ready_, [this] {
    std::vector<LayerIndex*> layers = {&units, &townships, &boundary};
    for (auto& [level, index] : basins) layers.push_back(&index);
    std::vector<std::pair<LayerIndex*, size_t>> kernels;
    for (LayerIndex* index : layers)
      for (size_t i = 0; i < index->size(); ++i) kernels.emplace_back(index, i);
    parallel_for(kernels.size(), 0,
                 [&kernels](size_t k, int) { kernels[k].first->kernel(kernels[k].second); });
    parallel_for(layers.size(), 0, [&layers](size_t k, int) { layers[k]->grid(); });
  });
}

PointHit PlanIndex::locate(double x, double y) {
  ready_for_points();
  PointHit hit;
  hit.unit = units.find(x, y);
  hit.township = townships.find(x, y);
  hit.basins.reserve(basins.size());
  for (const auto& [level, index] : basins) hit.basins.push_back(index.find(x, y));
  if (has_boundary) hit.boundary = boundary.find(x, y);
  return hit;
}

namespace {

/// The Location of the feature chosen in each layer (kNoFeature: none), into `out`: its
/// strings and basin entries are assigned, not rebuilt, so a Location reused from site
/// to site (the stream's) costs no allocation.
template <typename BasinOf>
void location_of(const PlanIndex& index, std::uint32_t unit, std::uint32_t township,
                 BasinOf basin_of, bool in_boundary, Location& out) {
  auto set = [](std::optional<std::string>& field, const std::string* value) {
    if (value)
      field = *value;
    else
      field.reset();
  };
  const ControlUnit* u =
      unit != kNoFeature ? &static_cast<const ControlUnit&>(index.units.feature(unit)) : nullptr;
  const Township* t = township != kNoFeature
                          ? &static_cast<const Township&>(index.townships.feature(township))
                          : nullptr;
  set(out.unit, u ? &u->code : nullptr);
  set(out.manager, u && !u->township.empty() ? &u->township : nullptr);
  set(out.township, t ? &t->code : nullptr);
  set(out.county, t && !t->county.empty() ? &t->county : nullptr);
  bool anything = u || t;
  const bool same_levels =
      out.basins.size() == index.basins.size() &&
      std::equal(out.basins.begin(), out.basins.end(), index.basins.begin(),
                 [](const auto& have, const auto& level) { return have.first == level.first; });
  if (!same_levels) out.basins.clear();
  for (size_t l = 0; l < index.basins.size(); ++l) {
    const auto& [level, layer] = index.basins[l];
    const std::uint32_t b = basin_of(l);
    set(out.basins[level], b != kNoFeature ? &layer.feature(b).code : nullptr);
    anything |= b != kNoFeature;
  }
  out.outside_plan = index.has_boundary ? !in_boundary : !anything;
}

}  // namespace

Location PlanIndex::location(const PointHit& hit) const {
  Location out;
  location(hit, out);
  return out;
}

void PlanIndex::location(const PointHit& hit, Location& out) const {
  location_of(
      *this, hit.unit, hit.township, [&hit](size_t l) { return hit.basins[l]; },
      hit.boundary != kNoFeature, out);
}

Touches PlanIndex::touching(const GEOSGeometry* site, bool polygon) const {
  Touches out;
  out.units = units.touching(site, polygon);
  out.townships = townships.touching(site, polygon);
  for (const auto& [level, index] : basins) out.basins.push_back(index.touching(site, polygon));
  if (has_boundary) out.boundary = boundary.touching(site, polygon);
  return out;
}

Location PlanIndex::location(const Touches& touches) const {
  Location out;
  location_of(
      *this, units.most_of(touches.units), townships.most_of(touches.townships),
      [&](size_t l) { return basins[l].second.most_of(touches.basins[l]); },
      !touches.boundary.empty(), out);
  return out;
}

}  // namespace basinkit::query
