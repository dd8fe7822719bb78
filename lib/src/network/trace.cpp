// Traces from a unit, a section or a point (`basinkit trace`).
#include <basinkit/error.hpp>
#include <basinkit/network.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <unordered_map>

namespace basinkit {

TraceResult trace(const Plan& plan, const DrainageNetwork& network, const TraceQuery& query) {
  TraceResult r;
  r.direction = query.direction;
  std::optional<std::size_t> start;
  std::optional<std::size_t> from_section;
  if (query.unit) {
    r.from_kind = "unit";
    r.from_code = *query.unit;
    start = network.find_unit(*query.unit);
    if (!start) throw InputError(fmt::format("no unit with code '{}' in the plan", *query.unit));
  } else if (query.section) {
    r.from_kind = "section";
    r.from_code = *query.section;
    from_section = network.find_section(*query.section);
    if (!from_section)
      throw InputError(fmt::format("no section with code '{}' in the plan", *query.section));
    start = network.sections()[*from_section].unit;
  } else if (query.point) {
    r.from_kind = "point";
    r.point = query.point;
    r.location = Locator(plan).locate((*query.point)[0], (*query.point)[1]);
    if (r.location.unit) {
      r.from_code = *r.location.unit;
      start = network.find_unit(*r.location.unit);
    }
  } else {
    throw InputError("a trace starts from a unit, a section or a point");
  }
  if (!start) return r;  // a point or section outside every unit reaches nothing

  std::vector<std::size_t> units;
  if (query.direction == TraceDirection::upstream) {
    units = network.upstream(*start);
  } else {
    units = network.downstream_units(*start);
    std::optional<std::array<double, 2>> from_point = query.point;
    if (from_section) {
      const MonitoringSection& s = network.sections()[*from_section];
      from_point = std::array<double, 2>{s.x, s.y};
    }
    r.path = network.downstream_path(*start, from_point);
  }

  std::unordered_map<std::string, const Township*> townships;
  for (const Township& t : plan.townships) townships.emplace(t.code, &t);
  std::set<std::string> sections, managers, counties;
  for (std::size_t u : units) {
    const ControlUnit& unit = plan.units[u];
    r.units.push_back(unit.code);
    r.area_km2 += unit.geometry.area() / 1e6;
    for (std::size_t s : network.sections_in(u))
      if (s != from_section) sections.insert(network.sections()[s].code);
    if (unit.township.empty()) continue;
    managers.insert(unit.township);
    auto it = townships.find(unit.township);
    if (it != townships.end() && !it->second->county.empty()) counties.insert(it->second->county);
  }
  std::sort(r.units.begin(), r.units.end());
  r.sections.assign(sections.begin(), sections.end());
  r.townships.assign(managers.begin(), managers.end());
  r.counties.assign(counties.begin(), counties.end());
  return r;
}

}  // namespace basinkit
