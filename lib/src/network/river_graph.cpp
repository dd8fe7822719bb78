// The rivers layer as a flow network (see river_graph.hpp and docs/network.md).
#include "network/river_graph.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>

#include "geometry/point_in_area.hpp"

namespace basinkit::network {
namespace {

/// Points are located along reaches this often (m), at most; finer than the noise length.
double sample_step(double noise_m) { return std::clamp(noise_m / 5, 1.0, 10.0); }

/// A run shorter than this many noise lengths through a unit whose own river (its
/// longest run) is another reach only clips the unit's corner: it does not drain it.
constexpr double kCornerFactor = 10;

std::string attribute(const PlanFeature& f, const char* role) {
  auto it = f.attributes.find(role);
  return it == f.attributes.end() ? std::string() : it->second;
}

}  // namespace

/// The units of a plan as point-in-polygon kernels behind an envelope index.
class UnitFinder {
 public:
  explicit UnitFinder(const Plan& plan) : plan_(plan) {
    for (std::size_t u = 0; u < plan.units.size(); ++u) {
      kernels_.emplace_back(plan.units[u].geometry.get());
      if (!plan.units[u].geometry.is_empty()) index_.add(plan.units[u].geometry.extent(), u);
    }
    index_.build();
  }
  /// The unit holding the point (the smallest code on a shared border, as `locate`).
  std::optional<std::size_t> find(double x, double y) const {
    std::optional<std::size_t> best;
    index_.for_each_in({x, y, x, y}, 0, [&](std::size_t u) {
      if (!kernels_[u].covers(x, y)) return;
      if (!best || plan_.units[u].code < plan_.units[*best].code) best = u;
    });
    return best;
  }

 private:
  const Plan& plan_;
  std::vector<geos::PointInArea> kernels_;
  geos::EnvelopeIndex index_;
};

namespace {

/// Whether the reaches link through fields: from/to node ids or id/toid.
bool has_node_fields(const Plan& plan) {
  for (const PlanFeature& river : plan.layer("rivers"))
    if (river.attributes.count("toid") ||
        (river.attributes.count("from") && river.attributes.count("to")))
      return true;
  return false;
}

}  // namespace

bool RiverGraph::flows(const Plan& plan) {
  const LayerSpec* spec = plan.manifest.find("rivers");
  return spec && (!spec->direction.empty() || has_node_fields(plan));
}

RiverGraph::RiverGraph(const Plan& plan,
                       const std::unordered_map<std::string, std::size_t>& /*unit_index*/,
                       double snap_m)
    : plan_(plan), snap_m_(snap_m), flows_(flows(plan)) {
  GEOSContextHandle_t h = geos::context();
  const LayerSpec* spec = plan.manifest.find("rivers");
  const bool reverse = spec && spec->direction == "upstream";
  const auto& rivers = plan.layer("rivers");
  for (std::size_t i = 0; i < rivers.size(); ++i) {
    if (rivers[i].geometry.is_empty()) continue;
    const GEOSGeometry* g = rivers[i].geometry.get();
    const int parts = GEOSGetNumGeometries_r(h, g);
    for (int p = 0; p < parts; ++p) {
      const GEOSGeometry* part = GEOSGetGeometryN_r(h, g, p);
      if (GEOSGeomTypeId_r(h, part) != GEOS_LINESTRING || GEOSisEmpty_r(h, part) == 1) continue;
      Reach reach;
      reach.feature = i;
      reach.line.reset(reverse ? GEOSReverse_r(h, part) : GEOSGeom_clone_r(h, part));
      if (!reach.line) continue;
      const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, reach.line.get());
      unsigned int n = 0;
      GEOSCoordSeq_getSize_r(h, seq, &n);
      for (unsigned int k = 0; k < n; ++k) {
        double x = 0, y = 0;
        GEOSCoordSeq_getXY_r(h, seq, k, &x, &y);
        const double step = reach.points.empty() ? 0
                                                 : std::hypot(x - reach.points.back()[0],
                                                              y - reach.points.back()[1]);
        reach.length += step;
        reach.points.push_back({x, y});
        reach.at.push_back(reach.length);
      }
      index_.add(geos::envelope(reach.line.get()), reaches_.size());
      reaches_.push_back(std::move(reach));
    }
  }
  index_.build();
  if (!flows_ || reaches_.empty()) return;

  const UnitFinder units(plan);
  for (Reach& reach : reaches_) cut_into_runs(units, reach);
  by_nodes_ = has_node_fields(plan);
  if (by_nodes_)
    link_by_nodes(plan);
  else
    link_by_geometry(snap_m_);
  drop_corners();

  // Unit links: within a reach from run to run, and across reach links.
  for (std::size_t r = 0; r < reaches_.size(); ++r) {
    const Reach& reach = reaches_[r];
    for (std::size_t k = 0; k + 1 < reach.runs.size(); ++k)
      unit_links_.push_back(
          {reach.runs[k].unit, reach.runs[k + 1].unit, {r, reach.runs[k + 1].from}});
    if (reach.runs.empty()) continue;
    const std::size_t last = reach.runs.back().unit;
    for (const Spot& link : reach.links) {
      const std::optional<std::size_t> next = unit_at(reaches_[link.reach], link.along);
      if (next && *next != last) unit_links_.push_back({last, *next, link});
    }
  }
  for (std::size_t i = 0; i < unit_links_.size(); ++i)  // the first link of a pair is kept
    link_index_.emplace(unit_links_[i].from * plan.units.size() + unit_links_[i].to, i);
}

void RiverGraph::cut_into_runs(const UnitFinder& units, Reach& reach) const {
  // Units at points every `step` metres (and at the end), walking the vertices once.
  const double step = sample_step(snap_m_);
  std::vector<std::pair<double, std::optional<std::size_t>>> samples;
  std::size_t k = 0;
  for (double t = 0;; t = std::min(t + step, reach.length)) {
    while (k + 2 < reach.points.size() && reach.at[k + 1] < t) ++k;
    const double seg = k + 1 < reach.points.size() ? reach.at[k + 1] - reach.at[k] : 0;
    const double f = seg > 0 ? std::clamp((t - reach.at[k]) / seg, 0.0, 1.0) : 0;
    const auto& a = reach.points[k];
    const auto& b = reach.points[std::min(k + 1, reach.points.size() - 1)];
    samples.emplace_back(t, units.find(a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])));
    if (t >= reach.length) break;
  }
  // Raw runs: consecutive samples in one unit, bounded half-way between samples.
  std::vector<Run> raw;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (!samples[i].second) continue;
    const double from = i == 0 ? 0 : (samples[i - 1].first + samples[i].first) / 2;
    const double to =
        i + 1 == samples.size() ? reach.length : (samples[i].first + samples[i + 1].first) / 2;
    if (!raw.empty() && raw.back().unit == *samples[i].second && raw.back().to == from)
      raw.back().to = to;
    else
      raw.push_back({*samples[i].second, from, to});
  }
  if (raw.empty()) return;
  // Noise: runs shorter than the noise length, except the reach's longest.
  const auto longest = std::max_element(raw.begin(), raw.end(), [](const Run& a, const Run& b) {
    return a.to - a.from < b.to - b.from;
  });
  for (auto it = raw.begin(); it != raw.end(); ++it)
    if (it == longest || it->to - it->from >= snap_m_) reach.runs.push_back(*it);
}

void RiverGraph::drop_corners() {
  // Each unit's longest run, and its reach.
  std::vector<double> longest(plan_.units.size(), 0);
  std::vector<std::size_t> longest_on(plan_.units.size(), reaches_.size());
  for (std::size_t r = 0; r < reaches_.size(); ++r)
    for (const Run& run : reaches_[r].runs)
      if (run.to - run.from > longest[run.unit]) {
        longest[run.unit] = run.to - run.from;
        longest_on[run.unit] = r;
      }
  const double corner_m = kCornerFactor * snap_m_;
  for (std::size_t r = 0; r < reaches_.size(); ++r) {
    std::vector<Run> kept;
    const auto& runs = reaches_[r].runs;
    for (std::size_t k = 0; k < runs.size(); ++k) {
      const Run& run = runs[k];
      // The unit a river ends in (no reach downstream) is where its water goes: kept.
      const bool river_ends = k + 1 == runs.size() && reaches_[r].links.empty();
      const bool corner = run.to - run.from < corner_m && longest_on[run.unit] != r && !river_ends;
      if (!corner || runs.size() == 1) kept.push_back(run);
    }
    if (kept.empty()) kept.push_back(reaches_[r].runs.front());
    // A unit the reach leaves and re-enters: only its last exit counts, the units
    // visited in between (wandering along a border) drop out.
    reaches_[r].runs.clear();
    for (std::size_t i = 0; i < kept.size();) {
      std::size_t j = i;
      for (std::size_t m = i; m < kept.size(); ++m)
        if (kept[m].unit == kept[i].unit) j = m;
      reaches_[r].runs.push_back({kept[i].unit, kept[i].from, kept[j].to});
      i = j + 1;
    }
  }
}

void RiverGraph::link_by_geometry(double tolerance_m) {
  GEOSContextHandle_t h = geos::context();
  for (std::size_t r = 0; r < reaches_.size(); ++r) {
    const auto& end = reaches_[r].points.back();
    const geos::GeometryPtr point = geos::make_point(end[0], end[1]);
    std::vector<std::pair<Spot, double>> found;  // spot on the other reach, distance
    for (std::size_t other : index_.query({end[0], end[1], end[0], end[1]}, tolerance_m)) {
      if (other == r) continue;
      double d = 0;
      if (GEOSDistance_r(h, reaches_[other].line.get(), point.get(), &d) != 1 || d > tolerance_m)
        continue;
      const Spot spot = spot_of(other, end[0], end[1]);
      // A reach ending here too is another tributary of the same confluence, not downstream.
      if (spot.along >= reaches_[other].length - tolerance_m) continue;
      found.emplace_back(spot, d);
    }
    if (found.empty()) continue;
    // Reaches starting here all take water (a split); else the nearest reach joined.
    std::vector<Spot> starting;
    for (const auto& [spot, d] : found)
      if (spot.along <= tolerance_m) starting.push_back({spot.reach, 0});
    if (!starting.empty()) {
      reaches_[r].links = starting;
    } else {
      const auto nearest_one =
          std::min_element(found.begin(), found.end(),
                           [](const auto& a, const auto& b) { return a.second < b.second; });
      reaches_[r].links = {nearest_one->first};
    }
  }
}

void RiverGraph::link_by_nodes(const Plan& plan) {
  const auto& rivers = plan.layer("rivers");
  // Reaches by their from node, and by their id; a feature's parts share its fields.
  std::multimap<std::string, std::size_t> by_from, by_id;
  for (std::size_t r = 0; r < reaches_.size(); ++r) {
    const PlanFeature& f = rivers[reaches_[r].feature];
    const std::string from = attribute(f, "from"), id = attribute(f, "id");
    if (!from.empty()) by_from.emplace(from, r);
    if (!id.empty()) by_id.emplace(id, r);
  }
  for (std::size_t r = 0; r < reaches_.size(); ++r) {
    const PlanFeature& f = rivers[reaches_[r].feature];
    const std::string to = attribute(f, "to"), toid = attribute(f, "toid");
    auto add = [&](const std::multimap<std::string, std::size_t>& book, const std::string& key) {
      if (key.empty()) return;
      for (auto [it, last] = book.equal_range(key); it != last; ++it)
        if (it->second != r) reaches_[r].links.push_back({it->second, 0});
    };
    if (f.attributes.count("toid"))
      add(by_id, toid);
    else
      add(by_from, to);
  }
}

std::vector<std::vector<std::size_t>> RiverGraph::unit_links() const {
  std::vector<std::vector<std::size_t>> out(plan_.units.size());
  for (const UnitLink& l : unit_links_) out[l.from].push_back(l.to);
  return out;
}

std::optional<std::pair<std::size_t, double>> RiverGraph::nearest(double x, double y,
                                                                  double max_m) const {
  GEOSContextHandle_t h = geos::context();
  const geos::GeometryPtr point = geos::make_point(x, y);
  std::optional<std::pair<std::size_t, double>> best;
  for (std::size_t r : index_.query({x, y, x, y}, max_m)) {
    double d = 0;
    if (GEOSDistance_r(h, reaches_[r].line.get(), point.get(), &d) != 1) continue;
    if (d <= max_m && (!best || d < best->second)) best = std::make_pair(r, d);
  }
  return best;
}

RiverGraph::Spot RiverGraph::spot_of(std::size_t reach, double x, double y) const {
  GEOSContextHandle_t h = geos::context();
  const geos::GeometryPtr point = geos::make_point(x, y);
  return {reach, GEOSProject_r(h, reaches_[reach].line.get(), point.get())};
}

void RiverGraph::snap(MonitoringSection& section) const {
  if (reaches_.empty()) return;
  // The nearest river at any distance, for the report: widen the search until found.
  double radius = std::max(snap_m_, 1.0);
  std::optional<std::pair<std::size_t, double>> hit;
  while (!(hit = nearest(section.x, section.y, radius)) && radius < 1e8) radius *= 8;
  if (!hit) return;
  section.snap_distance_m = hit->second;
  if (hit->second > snap_m_) return;
  GEOSContextHandle_t h = geos::context();
  const Spot spot = spot_of(hit->first, section.x, section.y);
  const geos::GeometryPtr on(GEOSInterpolate_r(h, reaches_[spot.reach].line.get(), spot.along));
  if (on && GEOSGeomGetX_r(h, on.get(), &section.x) == 1 &&
      GEOSGeomGetY_r(h, on.get(), &section.y) == 1)
    section.snapped = true;
}

double RiverGraph::position(const MonitoringSection& section) const {
  if (!section.snapped) return 0;
  const auto hit = nearest(section.x, section.y, 1e-3);  // it lies on its reach
  return hit ? spot_of(hit->first, section.x, section.y).along : 0;
}

bool RiverGraph::meets_in_unit(const GEOSPreparedGeometry* g, std::size_t u) const {
  GEOSContextHandle_t h = geos::context();
  const GEOSGeometry* unit = plan_.units[u].geometry.get();
  for (std::size_t r : index_.query(geos::envelope(unit))) {
    const GEOSGeometry* line = reaches_[r].line.get();
    if (GEOSPreparedIntersects_r(h, g, line) != 1) continue;
    const geos::GeometryPtr inside(GEOSIntersection_r(h, line, unit));
    if (inside && GEOSPreparedIntersects_r(h, g, inside.get()) == 1) return true;
  }
  return false;
}

std::optional<std::size_t> RiverGraph::unit_at(const Reach& reach, double along) const {
  if (reach.runs.empty()) return std::nullopt;
  for (const Run& run : reach.runs)
    if (along <= run.to) return run.unit;
  return reach.runs.back().unit;
}

std::optional<double> RiverGraph::distance(const Spot& a, const Spot& b) const {
  // Depth-first down the reach links (a river network is nearly a tree; the first way
  // found through a braid is taken).
  std::vector<char> seen(reaches_.size(), 0);
  std::vector<std::pair<Spot, double>> todo{{a, 0.0}};
  while (!todo.empty()) {
    const auto [at, so_far] = todo.back();
    todo.pop_back();
    if (at.reach == b.reach && b.along >= at.along - 1e-6)
      return so_far + std::max(0.0, b.along - at.along);
    if (seen[at.reach]) continue;
    seen[at.reach] = 1;
    const Reach& reach = reaches_[at.reach];
    for (const Spot& next : reach.links)
      todo.emplace_back(next, so_far + std::max(0.0, reach.length - at.along));
  }
  return std::nullopt;
}

void RiverGraph::measure(std::vector<DownstreamStep>& path,
                         const std::optional<std::array<double, 2>>& start) const {
  if (!flows_ || path.empty() || reaches_.empty()) return;
  auto link_of = [&](std::size_t from, std::size_t to) -> const UnitLink* {
    auto it = link_index_.find(from * plan_.units.size() + to);
    return it == link_index_.end() ? nullptr : &unit_links_[it->second];
  };
  // Where the water leaves unit `u` going on from `at`: the end of its run there.
  auto exit_of = [&](std::size_t u, Spot at) -> std::optional<Spot> {
    for (std::size_t hops = 0; hops <= reaches_.size(); ++hops) {
      const Reach& reach = reaches_[at.reach];
      const Run* run = nullptr;
      for (const Run& r : reach.runs)
        if (r.unit == u && r.to >= at.along) {
          run = &r;
          break;
        }
      if (!run) return std::nullopt;
      if (run->to < reach.length || reach.links.empty()) return Spot{at.reach, run->to};
      const Spot next = reach.links.front();
      if (unit_at(reaches_[next.reach], next.along) != u) return Spot{at.reach, run->to};
      at = next;
    }
    return std::nullopt;
  };

  // The start: the point given, snapped; else the upstream end of the start unit's run
  // on the reach its water leaves by (for an outlet unit, its longest run).
  std::optional<Spot> at;
  if (start) {
    const auto hit = nearest((*start)[0], (*start)[1], snap_m_);
    if (hit) at = spot_of(hit->first, (*start)[0], (*start)[1]);
  } else {
    const std::size_t u = path.front().unit;
    std::optional<Spot> exit;
    if (path.size() > 1) {
      const UnitLink* l = link_of(u, path[1].unit);
      if (l) exit = l->crossing;
    }
    double best = -1;
    for (std::size_t r = 0; r < reaches_.size(); ++r)
      for (const Run& run : reaches_[r].runs) {
        if (run.unit != u) continue;
        const bool leads_out =
            exit && ((exit->reach == r && std::abs(exit->along - run.to) < 1e-6) ||
                     (std::abs(run.to - reaches_[r].length) < 1e-6 &&
                      std::any_of(reaches_[r].links.begin(), reaches_[r].links.end(),
                                  [&](const Spot& s) { return s.reach == exit->reach; })));
        const double weight = (leads_out ? 1e12 : 0) + run.to - run.from;
        if (weight > best) {
          best = weight;
          at = Spot{r, run.from};
        }
      }
  }
  if (!at) return;
  double total = 0;
  for (std::size_t i = 0; i < path.size(); ++i) {
    std::optional<Spot> exit;
    if (i + 1 < path.size()) {
      const UnitLink* l = link_of(path[i].unit, path[i + 1].unit);
      if (l) exit = l->crossing;
    } else {
      exit = exit_of(path[i].unit, *at);
    }
    if (!exit) return;
    const std::optional<double> d = distance(*at, *exit);
    if (!d) return;
    total += *d;
    path[i].distance_m = total;
    at = exit;
  }
}

}  // namespace basinkit::network
