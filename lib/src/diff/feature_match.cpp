#include "diff/feature_match.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <tuple>

#include "findings/wording.hpp"
#include "geometry/envelope_index.hpp"
#include "geometry/pieces.hpp"

namespace basinkit::diff {
namespace {

using geos::GeometryPtr;
using wording::area_text;
using wording::label;

const char* layer_word(const std::string& layer) {
  return layer == "units" ? "单元" : layer == "townships" ? "乡镇" : "流域";
}

/// The polygonal union of `parts` (null when there are none).
GeometryPtr united(std::vector<GeometryPtr> parts) {
  if (parts.empty()) return nullptr;
  if (parts.size() == 1) return std::move(parts[0]);
  std::vector<const GEOSGeometry*> polygons;
  for (const auto& p : parts)
    for (const GEOSGeometry* g : geos::polygons_of(p.get())) polygons.push_back(g);
  GeometryPtr all = geos::multipolygon_of(polygons);
  if (!all) return nullptr;
  GeometryPtr u(GEOSUnaryUnion_r(geos::context(), all.get()));
  return u ? geos::polygonal_part(u.get()) : nullptr;
}

/// Collects a layer's features by code (features of one code united; an empty code is a
/// feature of its own).
class SideBuilder {
 public:
  /// The side of `f` and whether it was created by this call.
  std::pair<Side*, bool> add(const PlanFeature& f) {
    auto it = f.code.empty() ? by_code_.end() : by_code_.find(f.code);
    const bool created = it == by_code_.end();
    size_t i = created ? sides_.size() : it->second;
    if (created) {
      sides_.emplace_back();
      parts_.emplace_back();
      if (!f.code.empty()) by_code_[f.code] = i;
      Side& s = sides_.back();
      s.code = f.code;
      s.name = f.name;
      s.fields = f.attributes;
      s.fields["name"] = f.name;
    }
    if (GeometryPtr g = geos::valid_polygonal(f.geometry.get())) parts_[i].push_back(std::move(g));
    return {&sides_[i], created};
  }
  std::vector<Side> finish() {
    for (size_t i = 0; i < sides_.size(); ++i) {
      sides_[i].geometry = united(std::move(parts_[i]));
      sides_[i].area = geos::area_of(sides_[i].geometry.get());
    }
    return std::move(sides_);
  }

 private:
  std::vector<Side> sides_;
  std::vector<std::vector<GeometryPtr>> parts_;
  std::map<std::string, size_t> by_code_;
};

GeometryPtr overlay_difference(const GEOSGeometry* a, const GEOSGeometry* b) {
  GEOSContextHandle_t h = geos::context();
  if (!a) return nullptr;
  if (!b) return geos::clone(a);
  GeometryPtr d(GEOSDifference_r(h, a, b));
  // OverlayNG may fail on nearly coincident edges; a millimetre grid settles them.
  if (!d) d.reset(GEOSDifferencePrec_r(h, a, b, 1e-3));
  return d;
}

GeometryPtr overlay_intersection(const GEOSGeometry* a, const GEOSGeometry* b) {
  GEOSContextHandle_t h = geos::context();
  if (!a || !b || GEOSIntersects_r(h, a, b) != 1) return nullptr;
  GeometryPtr d(GEOSIntersection_r(h, a, b));
  if (!d) d.reset(GEOSIntersectionPrec_r(h, a, b, 1e-3));
  return d;
}

/// A point inside `g`, or nothing when GEOS finds none.
std::optional<std::array<double, 2>> inside(const GEOSGeometry* g) {
  const std::array<double, 2> p = geos::point_inside(g);
  if (!std::isfinite(p[0]) || !std::isfinite(p[1])) return std::nullopt;
  return p;
}

/// Shares as "52.0%".
std::string percent(double share) { return fmt::format("{:.1f}%", share * 100); }

class Matcher {
 public:
  Matcher(const std::string& layer, const std::vector<Side>& olds, const std::vector<Side>& news,
          const MatchSettings& settings, std::vector<PlanChange>& out,
          std::map<std::string, std::string>& recoded)
      : layer_(layer),
        olds_(olds),
        news_(news),
        s_(settings),
        o_(*settings.options),
        out_(out),
        recoded_(recoded) {
    for (size_t i = 0; i < olds_.size(); ++i)
      old_index_.add(geos::envelope(olds_[i].geometry.get()), i);
    for (size_t j = 0; j < news_.size(); ++j)
      new_index_.add(geos::envelope(news_[j].geometry.get()), j);
    old_index_.build();
    new_index_.build();
  }

  void run() {
    std::map<std::string, size_t> new_by_code;
    for (size_t j = 0; j < news_.size(); ++j)
      if (!news_[j].code.empty()) new_by_code.emplace(news_[j].code, j);
    std::vector<bool> old_kept(olds_.size()), new_kept(news_.size());
    for (size_t i = 0; i < olds_.size(); ++i) {
      auto it = olds_[i].code.empty() ? new_by_code.end() : new_by_code.find(olds_[i].code);
      if (it == new_by_code.end()) continue;
      old_kept[i] = new_kept[it->second] = true;
      compare_fields(olds_[i], news_[it->second]);
      reshape(i, it->second);
    }
    std::set<int> levels;
    for (const Side& s : olds_) levels.insert(s.level);
    for (const Side& s : news_) levels.insert(s.level);
    for (int level : levels) {
      std::vector<size_t> os, ns;
      for (size_t i = 0; i < olds_.size(); ++i)
        if (!old_kept[i] && olds_[i].level == level) os.push_back(i);
      for (size_t j = 0; j < news_.size(); ++j)
        if (!new_kept[j] && news_[j].level == level) ns.push_back(j);
      match_by_ground(os, ns);
    }
  }

 private:
  struct Edge {
    size_t o, n;  // positions in os / ns
    double area;
  };

  /// The pieces of `g` that are changes, not noise: at least min_area_m2 and not thin.
  GeometryPtr significant(GeometryPtr g) const {
    if (!g) return nullptr;
    std::vector<const GEOSGeometry*> kept;
    for (const GEOSGeometry* piece : geos::polygons_of(g.get()))
      if (geos::area_of(piece) >= s_.min_area_m2 && !geos::is_thin(piece, o_.tolerance_m))
        kept.push_back(piece);
    return geos::multipolygon_of(kept);
  }

  PlanChange change(ChangeType type, int level) const {
    PlanChange c;
    c.type = type;
    c.layer = layer_;
    c.level = level;
    return c;
  }

  /// Adds the townships (and their counties) a side concerns.
  void concern(PlanChange& c, const Side& side) const {
    std::string township;
    if (layer_ == "units") {
      auto it = side.fields.find("township");
      if (it != side.fields.end()) township = it->second;
    } else if (layer_ == "townships") {
      township = side.code;
    }
    if (township.empty()) return;
    if (std::find(c.townships.begin(), c.townships.end(), township) == c.townships.end())
      c.townships.push_back(township);
    auto county = s_.county_of->find(township);
    if (county != s_.county_of->end() && !county->second.empty() &&
        std::find(c.counties.begin(), c.counties.end(), county->second) == c.counties.end())
      c.counties.push_back(county->second);
  }

  static void place(PlanChange& c, GeometryPtr g) {
    if (!g) return;
    c.location = inside(g.get());
    c.geometry = Geometry(g.release());
  }

  void emit(PlanChange c) { out_.push_back(std::move(c)); }

  void compare_fields(const Side& o, const Side& n) {
    std::set<std::string> roles;
    for (const auto& [role, v] : o.fields) roles.insert(role);
    for (const auto& [role, v] : n.fields) roles.insert(role);
    const char* word = layer_word(layer_);
    for (const std::string& role : roles) {
      auto a = o.fields.find(role), b = n.fields.find(role);
      const std::string before = a == o.fields.end() ? "" : a->second;
      const std::string after = b == n.fields.end() ? "" : b->second;
      if (before == after) continue;
      const bool manager = role == "township" && layer_ == "units";
      const bool parent = role == "basin" || role == "parent" || role == "county";
      PlanChange c = change(manager  ? ChangeType::reassigned
                            : parent ? ChangeType::reparented
                                     : ChangeType::attribute,
                            n.level);
      c.old_codes = {o.code};
      c.new_codes = {n.code};
      c.names = {n.name};
      c.field = role;
      c.old_value = before;
      c.new_value = after;
      concern(c, o);
      concern(c, n);
      place(c, geos::clone(n.geometry.get()));
      const std::string what = manager ? "管理乡镇"
                               : parent ? (role == "county" ? "所属县（市、区）" : "上级流域")
                                        : "字段 " + role;
      c.message = fmt::format("{} {}的{}由「{}」改为「{}」", word, label(n.code, n.name), what,
                              before, after);
      emit(std::move(c));
    }
  }

  /// The codes of `sides` (through `index`, same level as `level`, other than `self`)
  /// holding a significant part of `area`.
  std::vector<std::string> holders(const GEOSGeometry* area, const std::vector<Side>& sides,
                                   const geos::EnvelopeIndex& index, int level,
                                   const std::string& self) const {
    std::set<std::string> codes;
    index.for_each_in(geos::envelope(area), 0, [&](size_t k) {
      const Side& s = sides[k];
      if (s.level != level || s.code == self || !s.geometry) return;
      if (significant(overlay_intersection(area, s.geometry.get()))) codes.insert(s.code);
    });
    return {codes.begin(), codes.end()};
  }

  void reshape(size_t i, size_t j) {
    const Side& o = olds_[i];
    const Side& n = news_[j];
    // Most features of a revision are untouched: the same vertices (within half the
    // tolerance, so a reprojected copy too) cannot hold a piece as wide as the tolerance.
    if (o.geometry && n.geometry &&
        GEOSEqualsExact_r(geos::context(), o.geometry.get(), n.geometry.get(),
                          o_.tolerance_m / 2) == 1)
      return;
    GeometryPtr gained = significant(overlay_difference(n.geometry.get(), o.geometry.get()));
    GeometryPtr lost = significant(overlay_difference(o.geometry.get(), n.geometry.get()));
    if (!gained && !lost) return;
    PlanChange c = change(ChangeType::reshaped, n.level);
    c.old_codes = {o.code};
    c.new_codes = {n.code};
    c.names = {n.name};
    c.gained_m2 = geos::area_of(gained.get());
    c.lost_m2 = geos::area_of(lost.get());
    if (gained) c.gained_from = holders(gained.get(), olds_, old_index_, n.level, n.code);
    if (lost) c.lost_to = holders(lost.get(), news_, new_index_, n.level, n.code);
    concern(c, o);
    concern(c, n);
    std::vector<const GEOSGeometry*> pieces = geos::polygons_of(gained.get());
    for (const GEOSGeometry* p : geos::polygons_of(lost.get())) pieces.push_back(p);
    place(c, geos::multipolygon_of(pieces));
    auto codes = [](const std::vector<std::string>& v) {
      return v.empty() ? std::string() : fmt::format("（{}）", fmt::join(v, "、"));
    };
    c.message = fmt::format("{} {}边界调整：增加 {}{}，减少 {}{}", layer_word(layer_),
                            label(n.code, n.name), area_text(c.gained_m2), codes(c.gained_from),
                            area_text(c.lost_m2), codes(c.lost_to));
    emit(std::move(c));
  }

  /// A feature in one plan only: `added` (from the new plan) or `removed` (the old).
  void lone(ChangeType type, const Side& side) {
    const bool is_new = type == ChangeType::added;
    PlanChange c = change(type, side.level);
    (is_new ? c.new_codes : c.old_codes) = {side.code};
    c.names = {side.name};
    concern(c, side);
    place(c, geos::clone(side.geometry.get()));
    c.message = fmt::format("{}{} {}（{}）", is_new ? "新增" : "删除", layer_word(layer_),
                            label(side.code, side.name), area_text(side.area));
    emit(std::move(c));
  }

  double overlap(const Side& a, const Side& b) const {
    return geos::area_of(overlay_intersection(a.geometry.get(), b.geometry.get()).get());
  }

  void match_by_ground(const std::vector<size_t>& os, const std::vector<size_t>& ns) {
    std::vector<Edge> edges;
    std::map<size_t, size_t> new_pos;
    for (size_t b = 0; b < ns.size(); ++b) new_pos[ns[b]] = b;
    for (size_t a = 0; a < os.size(); ++a) {
      const Side& o = olds_[os[a]];
      if (!o.geometry) continue;
      new_index_.for_each_in(geos::envelope(o.geometry.get()), 0, [&](size_t j) {
        auto pos = new_pos.find(j);
        if (pos == new_pos.end() || !news_[j].geometry) return;
        const double area = overlap(o, news_[j]);
        if (area > 0 && area >= o_.split_share * std::min(o.area, news_[j].area))
          edges.push_back({a, pos->second, area});
      });
    }
    // Connected groups of old and new features (union-find: olds first, then news).
    std::vector<size_t> root(os.size() + ns.size());
    std::iota(root.begin(), root.end(), 0);
    auto find = [&](size_t x) {
      while (root[x] != x) x = root[x] = root[root[x]];
      return x;
    };
    for (const Edge& e : edges) root[find(e.o)] = find(os.size() + e.n);
    std::map<size_t, std::vector<size_t>> groups;  // root → members, in order
    for (size_t x = 0; x < root.size(); ++x) groups[find(x)].push_back(x);
    for (const auto& [r, members] : groups) {
      std::vector<size_t> g_old, g_new;
      for (size_t x : members)
        (x < os.size() ? g_old : g_new).push_back(x < os.size() ? x : x - os.size());
      std::vector<Edge> g_edges;
      for (const Edge& e : edges)
        if (find(e.o) == r) g_edges.push_back(e);
      group(os, ns, g_old, g_new, std::move(g_edges));
    }
  }

  void group(const std::vector<size_t>& os, const std::vector<size_t>& ns,
             const std::vector<size_t>& g_old, const std::vector<size_t>& g_new,
             std::vector<Edge> edges) {
    const char* word = layer_word(layer_);
    // Parts listed by code (then by input order).
    std::stable_sort(edges.begin(), edges.end(), [&](const Edge& a, const Edge& b) {
      return std::tie(olds_[os[a.o]].code, news_[ns[a.n]].code) <
             std::tie(olds_[os[b.o]].code, news_[ns[b.n]].code);
    });
    if (g_old.size() == 1 && g_new.size() == 1) {
      const Side& o = olds_[os[g_old[0]]];
      const Side& n = news_[ns[g_new[0]]];
      const double a = edges.front().area;
      if (a >= o_.same_share * o.area && a >= o_.same_share * n.area) {
        PlanChange c = change(ChangeType::recoded, n.level);
        c.old_codes = {o.code};
        c.new_codes = {n.code};
        c.names = {n.name};
        c.shares = {a / o.area, a / n.area};
        concern(c, o);
        concern(c, n);
        place(c, geos::clone(n.geometry.get()));
        c.message = fmt::format("{} {}改编码为 {}（范围重合 {}）", word, label(o.code, o.name),
                                label(n.code, n.name), percent(std::min(c.shares[0], c.shares[1])));
        emit(std::move(c));
        recoded_[o.code] = n.code;
        compare_fields(o, n);
        return;
      }
    }
    if (g_old.size() == 1 && g_new.size() >= 2) {
      const Side& o = olds_[os[g_old[0]]];
      if (std::all_of(edges.begin(), edges.end(),
                      [&](const Edge& e) { return e.area >= o_.split_share * o.area; })) {
        PlanChange c = change(ChangeType::split, o.level);
        c.old_codes = {o.code};
        std::vector<GeometryPtr> parts;
        std::vector<std::string> listed;
        for (const Edge& e : edges) {
          const Side& n = news_[ns[e.n]];
          c.new_codes.push_back(n.code);
          c.names.push_back(n.name);
          c.shares.push_back(e.area / o.area);
          concern(c, n);
          parts.push_back(geos::clone(n.geometry.get()));
          listed.push_back(fmt::format("{}（占原{}的 {}）", label(n.code, n.name), word,
                                       percent(e.area / o.area)));
        }
        concern(c, o);
        place(c, united(std::move(parts)));
        c.message =
            fmt::format("{} {}拆分为 {}", word, label(o.code, o.name), fmt::join(listed, "、"));
        emit(std::move(c));
        return;
      }
    }
    if (g_old.size() >= 2 && g_new.size() == 1) {
      const Side& n = news_[ns[g_new[0]]];
      if (std::all_of(edges.begin(), edges.end(),
                      [&](const Edge& e) { return e.area >= o_.split_share * n.area; })) {
        PlanChange c = change(ChangeType::merged, n.level);
        c.new_codes = {n.code};
        c.names = {n.name};
        std::vector<std::string> listed;
        for (const Edge& e : edges) {
          const Side& o = olds_[os[e.o]];
          c.old_codes.push_back(o.code);
          c.shares.push_back(e.area / n.area);
          concern(c, o);
          listed.push_back(label(o.code, o.name));
        }
        concern(c, n);
        place(c, geos::clone(n.geometry.get()));
        c.message =
            fmt::format("{} {}合并为 {}", word, fmt::join(listed, "、"), label(n.code, n.name));
        emit(std::move(c));
        return;
      }
    }
    for (size_t a : g_old) lone(ChangeType::removed, olds_[os[a]]);
    for (size_t b : g_new) lone(ChangeType::added, news_[ns[b]]);
  }

  const std::string& layer_;
  const std::vector<Side>& olds_;
  const std::vector<Side>& news_;
  const MatchSettings& s_;
  const DiffOptions& o_;
  std::vector<PlanChange>& out_;
  std::map<std::string, std::string>& recoded_;
  geos::EnvelopeIndex old_index_, new_index_;
};

}  // namespace

std::vector<Side> sides_of(const Plan& plan, const std::string& layer) {
  SideBuilder builder;
  if (layer == "units") {
    for (const ControlUnit& u : plan.units) {
      auto [side, created] = builder.add(u);
      if (!created) continue;
      side->fields["township"] = u.township;
      side->fields["basin"] = u.basin;
    }
  } else if (layer == "townships") {
    for (const Township& t : plan.townships) {
      auto [side, created] = builder.add(t);
      if (created) side->fields["county"] = t.county;
    }
  } else {
    for (const Basin& b : plan.basins) {
      auto [side, created] = builder.add(b);
      if (!created) continue;
      side->level = b.level;
      side->fields["parent"] = b.parent;
      side->fields["level"] = std::to_string(b.level);
    }
  }
  return builder.finish();
}

void match_layer(const std::string& layer, const std::vector<Side>& olds,
                 const std::vector<Side>& news, const MatchSettings& settings,
                 std::vector<PlanChange>& out, std::map<std::string, std::string>& recoded) {
  Matcher(layer, olds, news, settings, out, recoded).run();
}

}  // namespace basinkit::diff
