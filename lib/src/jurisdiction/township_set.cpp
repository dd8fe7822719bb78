#include "jurisdiction/township_set.hpp"

#include <algorithm>
#include <iterator>

namespace basinkit::jurisdiction {

Box box_of(const GEOSGeometry* g) {
  GEOSContextHandle_t h = geos::context();
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  GEOSGeom_getXMin_r(h, g, &x0);
  GEOSGeom_getYMin_r(h, g, &y0);
  GEOSGeom_getXMax_r(h, g, &x1);
  GEOSGeom_getYMax_r(h, g, &y1);
  return Box(BoxPoint(x0, y0), BoxPoint(x1, y1));
}

TownshipSet::TownshipSet(const Plan& plan) {
  features.resize(plan.townships.size());
  std::vector<std::pair<Box, int>> boxes;
  for (std::size_t i = 0; i < plan.townships.size(); ++i) {
    const Township& t = plan.townships[i];
    features[i].source = &t;
    auto [it, inserted] = by_code_.try_emplace(t.code);
    if (inserted) codes_.push_back(t.code);
    it->second.push_back(static_cast<int>(i));
    features[i].geometry = valid_polygonal(t.geometry.get());
    if (features[i].geometry)
      boxes.emplace_back(box_of(features[i].geometry.get()), static_cast<int>(i));
  }
  tree_ = decltype(tree_)(boxes.begin(), boxes.end());  // packed bulk load
}

const std::vector<int>& TownshipSet::with_code(const std::string& code) const {
  static const std::vector<int> none;
  const auto it = by_code_.find(code);
  return it == by_code_.end() ? none : it->second;
}

const std::string& TownshipSet::name_of(const std::string& code) const {
  static const std::string empty;
  const auto& idx = with_code(code);
  return idx.empty() ? empty : features[idx.front()].source->name;
}

const std::string& TownshipSet::county_of(const std::string& code) const {
  static const std::string empty;
  const auto& idx = with_code(code);
  return idx.empty() ? empty : features[idx.front()].source->county;
}

std::vector<int> TownshipSet::query(const Box& box) const {
  std::vector<int> out;
  for (auto it = tree_.qbegin(bgi::intersects(box)); it != tree_.qend(); ++it)
    out.push_back(it->second);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace basinkit::jurisdiction
