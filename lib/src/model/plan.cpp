#include <basinkit/plan.hpp>

#include <set>

namespace basinkit {

std::vector<int> Plan::levels() const {
  std::set<int> levels;
  for (const auto& b : basins) levels.insert(b.level);
  return {levels.begin(), levels.end()};
}

bool Plan::has_layer(const std::string& key) const {
  for (const auto& s : sources)
    if (s.key == key || (key == "basins" && s.key.rfind("basins_l", 0) == 0)) return true;
  return false;
}

const std::vector<PlanFeature>& Plan::layer(const std::string& key) const {
  static const std::vector<PlanFeature> none;
  auto it = layers.find(key);
  return it == layers.end() ? none : it->second;
}

}  // namespace basinkit
