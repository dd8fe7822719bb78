#include <basinkit/info.hpp>

#include <cmath>

namespace basinkit {
namespace {

void add(LayerSummary& s, const PlanFeature& f) {
  ++s.count;
  s.area_m2 += f.geometry.area();
  const Extent e = f.geometry.extent();
  if (std::isnan(e[0])) return;
  if (std::isnan(s.extent[0])) {
    s.extent = e;
    return;
  }
  s.extent = {std::min(s.extent[0], e[0]), std::min(s.extent[1], e[1]), std::max(s.extent[2], e[2]),
              std::max(s.extent[3], e[3])};
}

LayerSummary empty_summary() {
  LayerSummary s;
  s.extent.fill(std::nan(""));
  return s;
}

}  // namespace

PlanSummary summarize(const Plan& plan) {
  PlanSummary out;
  out.name = plan.manifest.name;
  out.crs = plan.working_crs;
  out.crs_name = plan.working_crs_name;
  for (const auto& src : plan.sources) {
    const std::string key = src.key.rfind("basins_l", 0) == 0 ? "basins" : src.key;
    out.layers.emplace(key, empty_summary());
  }
  for (const auto& b : plan.basins) {
    add(out.layers["basins"], b);
    out.levels.emplace(b.level, empty_summary());
    add(out.levels[b.level], b);
  }
  for (const auto& u : plan.units) add(out.layers["units"], u);
  for (const auto& t : plan.townships) add(out.layers["townships"], t);
  for (const auto& [key, features] : plan.layers)
    for (const auto& f : features) add(out.layers[key], f);
  return out;
}

}  // namespace basinkit
