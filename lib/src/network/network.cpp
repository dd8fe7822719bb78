// The drainage network: the unit graph, sections on it, and walks over it.
#include <basinkit/network.hpp>

#include <algorithm>
#include <deque>
#include <unordered_map>

#include "geometry/envelope_index.hpp"
#include "geometry/geos_context.hpp"
#include "network/river_graph.hpp"

namespace basinkit {

/// The river network behind distances and section positions.
struct DrainageNetwork::Impl : network::RiverGraph {
  using RiverGraph::RiverGraph;
};

const char* to_string(NetworkSource source) {
  switch (source) {
    case NetworkSource::none:
      return "none";
    case NetworkSource::attribute:
      return "attribute";
    case NetworkSource::nodes:
      return "nodes";
    case NetworkSource::rivers:
      return "rivers";
  }
  return "none";
}

namespace {

bool is_drinking_water(const PlanFeature& zone) {
  auto it = zone.attributes.find("kind");
  if (it == zone.attributes.end()) return false;
  const std::string& kind = it->second;
  return kind.find("drinking") != std::string::npos || kind.find("饮用水") != std::string::npos;
}

/// Breadth-first walk from `start` over `links`, `start` included; sorted.
std::vector<std::size_t> reach(const std::vector<std::vector<std::size_t>>& links,
                               std::size_t start) {
  std::vector<char> seen(links.size(), 0);
  std::vector<std::size_t> out{start};
  seen[start] = 1;
  for (std::size_t i = 0; i < out.size(); ++i)
    for (std::size_t next : links[out[i]])
      if (!seen[next]) {
        seen[next] = 1;
        out.push_back(next);
      }
  std::sort(out.begin(), out.end());
  return out;
}

/// Drainage area accumulated down the graph (Kahn's order; a braid counts its upstream
/// area on both branches, units on a cycle count their own area only): the weight that
/// picks the main stem where a river splits.
std::vector<double> accumulated_area(const Plan& plan,
                                     const std::vector<std::vector<std::size_t>>& downstream) {
  const std::size_t n = downstream.size();
  std::vector<double> area(n);
  std::vector<std::size_t> pending(n, 0);
  for (std::size_t u = 0; u < n; ++u) {
    area[u] = plan.units[u].geometry.area();
    for (std::size_t d : downstream[u]) ++pending[d];
  }
  std::deque<std::size_t> ready;
  for (std::size_t u = 0; u < n; ++u)
    if (pending[u] == 0) ready.push_back(u);
  while (!ready.empty()) {
    const std::size_t u = ready.front();
    ready.pop_front();
    for (std::size_t d : downstream[u]) {
      area[d] += area[u];
      if (--pending[d] == 0) ready.push_back(d);
    }
  }
  return area;
}

}  // namespace

bool has_network(const Plan& plan) {
  return std::any_of(plan.units.begin(), plan.units.end(),
                     [](const ControlUnit& u) { return u.downstream.has_value(); }) ||
         network::RiverGraph::flows(plan);
}

DrainageNetwork build_network(const Plan& plan, const NetworkOptions& options) {
  DrainageNetwork net;
  const std::size_t n = plan.units.size();
  net.downstream_.assign(n, {});
  net.inflows_.assign(n, {});
  net.sections_in_.assign(n, {});
  net.drinking_zones_.assign(n, {});
  net.unit_codes_.reserve(n);
  std::unordered_map<std::string, std::size_t> unit_index;
  for (std::size_t u = 0; u < n; ++u) {
    net.unit_codes_.push_back(plan.units[u].code);
    unit_index.emplace(plan.units[u].code, u);  // the first of duplicated codes
  }

  const bool by_attribute = std::any_of(plan.units.begin(), plan.units.end(),
                                        [](const ControlUnit& u) { return u.downstream; });
  const double snap_m = options.snap_tolerance_m.value_or(plan.manifest.section_snap_m);
  auto rivers = std::make_shared<DrainageNetwork::Impl>(plan, unit_index, snap_m);
  net.river_downstream_ = rivers->unit_links();
  for (auto& d : net.river_downstream_) {
    std::sort(d.begin(), d.end());
    d.erase(std::unique(d.begin(), d.end()), d.end());
  }
  if (by_attribute) {
    net.source_ = NetworkSource::attribute;
    for (std::size_t u = 0; u < n; ++u) {
      const auto& code = plan.units[u].downstream;
      if (!code || code->empty()) continue;
      auto it = unit_index.find(*code);
      if (it != unit_index.end() && it->second != u) net.downstream_[u].push_back(it->second);
    }
  } else if (rivers->flows()) {
    net.source_ = rivers->by_nodes() ? NetworkSource::nodes : NetworkSource::rivers;
    net.downstream_ = net.river_downstream_;
  }
  for (std::size_t u = 0; u < n; ++u) {
    auto& d = net.downstream_[u];
    std::sort(d.begin(), d.end());
    d.erase(std::unique(d.begin(), d.end()), d.end());
    for (std::size_t v : d) net.inflows_[v].push_back(u);
  }

  const std::vector<double> area = accumulated_area(plan, net.downstream_);
  net.main_downstream_.assign(n, std::nullopt);
  for (std::size_t u = 0; u < n; ++u)
    for (std::size_t d : net.downstream_[u]) {  // ascending index; ties go to the smaller code
      auto& best = net.main_downstream_[u];
      if (!best || area[d] > area[*best] ||
          (area[d] == area[*best] && plan.units[d].code < plan.units[*best].code))
        best = d;
    }

  // Sections: the unit named by `unit`, else the unit holding the (snapped) point.
  const auto& section_layer = plan.layer("sections");
  const Locator locator(plan);
  for (std::size_t i = 0; i < section_layer.size(); ++i) {
    const PlanFeature& f = section_layer[i];
    MonitoringSection s;
    s.feature = i;
    s.code = f.code;
    s.name = f.name;
    auto attr = [&](const char* role) {
      auto it = f.attributes.find(role);
      return it == f.attributes.end() ? std::string() : it->second;
    };
    s.river = attr("river");
    s.target = attr("target");
    s.kind = attr("kind");
    if (!f.geometry.is_empty()) {
      const Extent e = f.geometry.extent();
      s.x = e[0];
      s.y = e[1];
      rivers->snap(s);
    }
    const std::string unit_code = attr("unit");
    if (!unit_code.empty()) {
      auto it = unit_index.find(unit_code);
      if (it != unit_index.end()) s.unit = it->second;
    } else if (!f.geometry.is_empty()) {
      const Location where = locator.locate(s.x, s.y);
      if (where.unit) s.unit = unit_index.at(*where.unit);
    }
    if (s.unit) net.sections_in_[*s.unit].push_back(i);
    net.sections_.push_back(std::move(s));
  }
  // Downstream-most first: farther along the river (when snapped), else by code.
  for (auto& in_unit : net.sections_in_)
    std::sort(in_unit.begin(), in_unit.end(), [&](std::size_t a, std::size_t b) {
      const double pa = rivers->position(net.sections_[a]);
      const double pb = rivers->position(net.sections_[b]);
      if (pa != pb) return pa > pb;
      return net.sections_[a].code < net.sections_[b].code;
    });

  // Drinking-water zones each unit's water passes: those meeting its rivers when the plan
  // has rivers, else those meeting the unit.
  GEOSContextHandle_t h = geos::context();
  const auto& zones = plan.layer("zones");
  geos::EnvelopeIndex unit_boxes;
  for (std::size_t u = 0; u < n; ++u)
    if (!plan.units[u].geometry.is_empty()) unit_boxes.add(plan.units[u].geometry.extent(), u);
  unit_boxes.build();
  for (std::size_t z = 0; z < zones.size(); ++z) {
    if (!is_drinking_water(zones[z]) || zones[z].geometry.is_empty()) continue;
    const geos::PreparedPtr zone = geos::prepare(zones[z].geometry.get());
    for (std::size_t u : unit_boxes.query(zones[z].geometry.extent())) {
      if (GEOSPreparedIntersects_r(h, zone.get(), plan.units[u].geometry.get()) != 1) continue;
      if (rivers->has_rivers() && !rivers->meets_in_unit(zone.get(), u)) continue;
      net.drinking_zones_[u].push_back(z);
    }
  }
  net.impl_ = std::move(rivers);
  return net;
}

std::optional<std::size_t> DrainageNetwork::main_downstream(std::size_t u) const {
  return main_downstream_[u];
}

std::optional<std::size_t> DrainageNetwork::find_unit(const std::string& code) const {
  auto it = std::find(unit_codes_.begin(), unit_codes_.end(), code);
  if (it == unit_codes_.end()) return std::nullopt;
  return static_cast<std::size_t>(it - unit_codes_.begin());
}

std::optional<std::size_t> DrainageNetwork::find_section(const std::string& code) const {
  for (std::size_t s = 0; s < sections_.size(); ++s)
    if (sections_[s].code == code) return s;
  return std::nullopt;
}

std::vector<std::size_t> DrainageNetwork::upstream(std::size_t u) const {
  return reach(inflows_, u);
}

std::vector<std::size_t> DrainageNetwork::downstream_units(std::size_t u) const {
  return reach(downstream_, u);
}

std::vector<std::size_t> DrainageNetwork::upstream_of_section(std::size_t s) const {
  const auto& unit = sections_[s].unit;
  return unit ? upstream(*unit) : std::vector<std::size_t>{};
}

std::vector<DownstreamStep> DrainageNetwork::downstream_path(
    std::size_t u, const std::optional<std::array<double, 2>>& start) const {
  std::vector<DownstreamStep> path;
  std::vector<char> seen(unit_count(), 0);
  std::optional<std::size_t> at = u;
  while (at && !seen[*at]) {
    seen[*at] = 1;
    DownstreamStep step;
    step.unit = *at;
    step.sections = sections_in_[*at];
    step.drinking_water_zones = drinking_zones_[*at];
    path.push_back(std::move(step));
    at = main_downstream_[*at];
  }
  impl_->measure(path, start);
  return path;
}

std::vector<std::vector<std::size_t>> DrainageNetwork::incremental_catchments() const {
  std::vector<std::vector<std::size_t>> out(sections_.size());
  // stamp[u] = 1 + the last section whose walk reached u, so no clearing between walks.
  std::vector<std::size_t> stamp(unit_count(), 0);
  for (std::size_t u = 0; u < unit_count(); ++u) {
    if (sections_in_[u].empty()) continue;
    const std::size_t s = sections_in_[u].front();  // the downstream-most closes the unit
    auto& units = out[s];
    units.push_back(u);
    stamp[u] = s + 1;
    for (std::size_t i = 0; i < units.size(); ++i)
      for (std::size_t up : inflows_[units[i]])
        if (stamp[up] != s + 1 && sections_in_[up].empty()) {
          stamp[up] = s + 1;
          units.push_back(up);
        }
    std::sort(units.begin(), units.end());
  }
  return out;
}

std::vector<std::size_t> DrainageNetwork::incremental_catchment(std::size_t s) const {
  const auto& unit = sections_[s].unit;
  if (!unit || sections_in_[*unit].front() != s) return {};
  std::vector<std::size_t> units{*unit};
  std::vector<char> seen(unit_count(), 0);
  seen[*unit] = 1;
  for (std::size_t i = 0; i < units.size(); ++i)
    for (std::size_t up : inflows_[units[i]])
      if (!seen[up] && sections_in_[up].empty()) {
        seen[up] = 1;
        units.push_back(up);
      }
  std::sort(units.begin(), units.end());
  return units;
}

std::vector<std::size_t> DrainageNetwork::unassessed_units() const {
  std::vector<char> assessed(unit_count(), 0);
  for (const auto& units : incremental_catchments())
    for (std::size_t u : units) assessed[u] = 1;
  std::vector<std::size_t> out;
  for (std::size_t u = 0; u < unit_count(); ++u)
    if (!assessed[u]) out.push_back(u);
  return out;
}

}  // namespace basinkit
