// The network findings (docs/findings/network_cycle.md and the pages next to it).
#include "network/network_findings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "findings/wording.hpp"
#include "geometry/envelope_index.hpp"
#include "geometry/pieces.hpp"
#include "jurisdiction/findings_util.hpp"

namespace basinkit::network {
namespace {

using jurisdiction::make_finding;
using wording::area_text;
using wording::label;

/// Location and geometry of a finding on some units (their area when `with_area`).
void on_units(Finding& f, const Plan& plan, const std::vector<std::size_t>& units, bool with_area) {
  std::vector<const GEOSGeometry*> parts;
  double area = 0;
  for (std::size_t u : units) {
    if (plan.units[u].geometry.is_empty()) continue;
    parts.push_back(plan.units[u].geometry.get());
    area += plan.units[u].geometry.area();
  }
  if (with_area) f.area_m2 = area;
  if (parts.empty()) return;
  f.location = geos::point_inside(parts.front());
  f.geometry = Geometry(parts.size() == 1 ? geos::clone(parts.front()).release()
                                          : geos::multipolygon_of(parts).release());
}

std::string unit_label(const ControlUnit& u) { return label(u.code, u.name); }

/// Strongly connected components of more than one unit (Tarjan, iterative).
std::vector<std::vector<std::size_t>> cycles(const DrainageNetwork& net) {
  const std::size_t n = net.unit_count(), unset = static_cast<std::size_t>(-1);
  std::vector<std::size_t> index(n, unset), low(n, 0), stack;
  std::vector<char> on_stack(n, 0);
  std::vector<std::vector<std::size_t>> out;
  std::size_t next = 0;
  for (std::size_t root = 0; root < n; ++root) {
    if (index[root] != unset) continue;
    std::vector<std::pair<std::size_t, std::size_t>> call{{root, 0}};  // unit, next link
    index[root] = low[root] = next++;
    stack.push_back(root);
    on_stack[root] = 1;
    while (!call.empty()) {
      auto& [u, i] = call.back();
      const auto& links = net.downstream(u);
      if (i < links.size()) {
        const std::size_t v = links[i++];
        if (index[v] == unset) {
          index[v] = low[v] = next++;
          stack.push_back(v);
          on_stack[v] = 1;
          call.emplace_back(v, 0);
        } else if (on_stack[v]) {
          low[u] = std::min(low[u], index[v]);
        }
        continue;
      }
      const std::size_t done = u;
      call.pop_back();
      if (!call.empty()) low[call.back().first] = std::min(low[call.back().first], low[done]);
      if (low[done] != index[done]) continue;
      std::vector<std::size_t> component;
      std::size_t w;
      do {
        w = stack.back();
        stack.pop_back();
        on_stack[w] = 0;
        component.push_back(w);
      } while (w != done);
      if (component.size() > 1) out.push_back(std::move(component));
    }
  }
  return out;
}

void check_cycles(const Plan& plan, const DrainageNetwork& net, std::vector<Finding>& out) {
  auto cycle_finding = [&](std::vector<std::size_t> units) {
    std::sort(units.begin(), units.end(), [&](std::size_t a, std::size_t b) {
      return plan.units[a].code < plan.units[b].code;
    });
    Finding f = make_finding(FindingType::network_cycle, "units");
    std::vector<std::string> labels;
    for (std::size_t u : units) {
      f.codes.push_back(plan.units[u].code);
      labels.push_back(unit_label(plan.units[u]));
    }
    on_units(f, plan, units, false);
    f.message = units.size() == 1 ? fmt::format("单元 {}的下游是它自己", labels.front())
                                  : fmt::format("单元 {} 的水流成环，永远到不了规划的出口",
                                                fmt::join(labels, "、"));
    out.push_back(std::move(f));
  };
  for (auto& component : cycles(net)) cycle_finding(std::move(component));
  for (std::size_t u = 0; u < plan.units.size(); ++u)
    if (plan.units[u].downstream && *plan.units[u].downstream == plan.units[u].code)
      cycle_finding({u});
}

/// The attribute's links: unknown codes, and downstream units that do not touch.
void check_attribute(const Plan& plan, const DrainageNetwork& net, std::vector<Finding>& out) {
  const LayerSpec* spec = plan.manifest.find("units");
  const std::unordered_set<std::string> outlets(spec->outlets.begin(), spec->outlets.end());
  GEOSContextHandle_t h = geos::context();
  for (std::size_t u = 0; u < plan.units.size(); ++u) {
    const ControlUnit& unit = plan.units[u];
    if (!unit.downstream || unit.downstream->empty() || *unit.downstream == unit.code) continue;
    const std::optional<std::size_t> d = net.find_unit(*unit.downstream);
    if (!d) {
      if (outlets.count(*unit.downstream)) continue;
      Finding f = make_finding(FindingType::downstream_unknown, "units");
      f.codes = {unit.code, *unit.downstream};
      on_units(f, plan, {u}, false);
      f.message =
          fmt::format("单元 {}的下游 {} 既不是单元，也不是声明的出口（units 图层的 outlets）",
                      unit_label(unit), *unit.downstream);
      out.push_back(std::move(f));
      continue;
    }
    const Geometry& a = unit.geometry;
    const Geometry& b = plan.units[*d].geometry;
    if (a.is_empty() || b.is_empty()) continue;
    double distance = 0;
    if (GEOSDistanceIndexed_r(h, a.get(), b.get(), &distance) != 1) continue;
    if (distance <= plan.manifest.tolerance_m) continue;
    Finding f = make_finding(FindingType::downstream_not_adjacent, "units");
    f.codes = {unit.code, plan.units[*d].code};
    f.distance_m = distance;
    on_units(f, plan, {u}, false);
    f.message = fmt::format("单元 {}的下游单元 {}与它不相邻，相距 {:.1f} 米", unit_label(unit),
                            unit_label(plan.units[*d]), distance);
    out.push_back(std::move(f));
  }
}

/// Units whose `downstream` attribute disagrees with where their rivers flow.
void check_conflicts(const Plan& plan, const DrainageNetwork& net, std::vector<Finding>& out) {
  for (std::size_t u = 0; u < plan.units.size(); ++u) {
    const auto& by_river = net.river_downstream(u);
    if (by_river.empty() || !plan.units[u].downstream) continue;
    const auto& by_attribute = net.downstream(u);
    const bool agrees = by_attribute.empty() ? false
                                             : std::find(by_river.begin(), by_river.end(),
                                                         by_attribute.front()) != by_river.end();
    if (agrees) continue;
    const ControlUnit& unit = plan.units[u];
    Finding f = make_finding(FindingType::downstream_conflict, "units");
    f.codes = {unit.code};
    std::vector<std::string> river_codes;
    for (std::size_t v : by_river) river_codes.push_back(plan.units[v].code);
    f.codes.insert(f.codes.end(), river_codes.begin(), river_codes.end());
    f.detail =
        fmt::format("downstream: '{}'; rivers: {}", *unit.downstream, fmt::join(river_codes, ", "));
    on_units(f, plan, {u}, false);
    f.message = fmt::format("单元 {}的下游字段为 {}，但河流从该单元流入 {}", unit_label(unit),
                            unit.downstream->empty() ? "空（出口）" : *unit.downstream,
                            fmt::join(river_codes, "、"));
    out.push_back(std::move(f));
  }
}

void check_sections(const Plan& plan, const DrainageNetwork& net, std::vector<Finding>& out) {
  const auto& features = plan.layer("sections");
  const double snap_m = plan.manifest.section_snap_m;
  for (const MonitoringSection& s : net.sections()) {
    const PlanFeature& feature = features[s.feature];
    const std::string name = label(s.code, s.name);
    auto place = [&](Finding& f) {
      f.codes = {s.code};
      f.names = {s.name};
      if (!feature.geometry.is_empty()) {
        f.location = std::array<double, 2>{s.x, s.y};
        f.geometry = feature.geometry.clone();
      }
    };
    if (!s.unit) {
      Finding f = make_finding(FindingType::section_outside_plan, "sections");
      place(f);
      auto it = feature.attributes.find("unit");
      if (it != feature.attributes.end() && !it->second.empty()) {
        f.codes.push_back(it->second);
        f.names.push_back("");
        f.message = fmt::format("断面 {}所属的单元 {} 不在规划中", name, it->second);
      } else {
        f.message = feature.geometry.is_empty()
                        ? fmt::format("断面 {}没有位置，不属于任何单元", name)
                        : fmt::format("断面 {}不在任何单元内", name);
      }
      out.push_back(std::move(f));
    }
    if (s.snap_distance_m && !s.snapped) {
      Finding f = make_finding(FindingType::section_off_river, "sections");
      place(f);
      f.distance_m = s.snap_distance_m;
      f.message = fmt::format("断面 {}距最近的河流 {:.1f} 米，超过吸附容差 {} 米", name,
                              *s.snap_distance_m, snap_m);
      out.push_back(std::move(f));
    }
  }
}

/// Unassessed units, one finding per plan outlet their water leaves by.
void check_unassessed(const Plan& plan, const DrainageNetwork& net, std::vector<Finding>& out) {
  // The outlet of a unit: the end of its main stem (memoised; a cycle ends where it closes).
  const std::size_t n = net.unit_count(), unknown = n;
  std::vector<std::size_t> outlet_of(n, unknown);
  std::vector<std::size_t> walk;
  std::vector<char> on_walk(n, 0);
  auto outlet = [&](std::size_t u) {
    walk.clear();
    std::size_t at = u;
    while (outlet_of[at] == unknown && !on_walk[at]) {
      on_walk[at] = 1;
      walk.push_back(at);
      const auto next = net.main_downstream(at);
      if (!next) break;
      at = *next;
    }
    const std::size_t end = outlet_of[at] != unknown ? outlet_of[at] : at;
    for (std::size_t w : walk) {
      outlet_of[w] = end;
      on_walk[w] = 0;
    }
    return end;
  };
  std::map<std::size_t, std::vector<std::size_t>> by_outlet;
  for (std::size_t u : net.unassessed_units()) by_outlet[outlet(u)].push_back(u);
  for (auto& [exit_unit, units] : by_outlet) {
    // C++17 lambdas cannot capture a structured binding (clang rejects it).
    const std::size_t last = exit_unit;
    std::sort(units.begin(), units.end(), [&](std::size_t a, std::size_t b) {
      if ((a == last) != (b == last)) return a == last;
      return plan.units[a].code < plan.units[b].code;
    });
    Finding f = make_finding(FindingType::unassessed_units, "units");
    for (std::size_t u : units) f.codes.push_back(plan.units[u].code);
    on_units(f, plan, units, true);
    f.message = fmt::format("{} 个单元（共 {}）的水经出口单元 {}流出规划，途中不经过任何断面",
                            units.size(), area_text(*f.area_m2), unit_label(plan.units[last]));
    out.push_back(std::move(f));
  }
}

}  // namespace

void check_network(const Plan& plan, const DrainageNetwork& network, std::vector<Finding>& findings,
                   std::vector<std::string>& skipped) {
  check_cycles(plan, network, findings);
  if (network.source() == NetworkSource::attribute) check_attribute(plan, network, findings);
  check_conflicts(plan, network, findings);
  if (!plan.has_layer("sections")) {
    skipped.push_back("network: sections: no sections layer");
    return;
  }
  check_sections(plan, network, findings);
  check_unassessed(plan, network, findings);
}

}  // namespace basinkit::network
