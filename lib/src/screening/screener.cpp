// The Screener: rules compiled against a plan (every scope's features indexed once), and
// the evaluation of one site (DESIGN.md section 6).
#include <basinkit/error.hpp>
#include <basinkit/screening.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <unordered_set>

#include "query/plan_index.hpp"
#include "screening/compiled_rules.hpp"
#include "screening/feature_set.hpp"

namespace basinkit {

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::prohibited:
      return "prohibited";
    case Verdict::restricted:
      return "restricted";
    case Verdict::encouraged:
      return "encouraged";
    case Verdict::permitted:
      return "permitted";
    case Verdict::unlisted:
      return "unlisted";
  }
  return "";
}

namespace {

using screening::FeatureSet;
using screening::Match;
using screening::PreparedCache;

using screening::CompiledRule;
using screening::CompiledScope;

/// What one thread needs of its own for line and polygon sites: GEOS prepared geometries
/// are not shareable. Point sites need none of it (point-in-polygon kernels, cell grids,
/// segment index: immutable, shared).
struct PerThread {
  explicit PerThread(const Plan& plan, size_t sets) : index(plan), caches(sets) {}
  query::PlanIndex index;
  std::vector<PreparedCache> caches;
};

/// A site as the rules see it: its geometry and where it was located.
struct SiteView {
  const GEOSGeometry* geometry = nullptr;
  bool polygon = false;
  const query::PointHit* point = nullptr;  ///< a point site: its features (x, y below)
  double x = 0, y = 0;
  const query::Touches* touches = nullptr;  ///< a line or polygon site: what it touches
  PerThread* thread = nullptr;              ///< a line or polygon site: prepared geometries
};

/// A `unit`, `township`, `county` or `basin` selector as members of the plan's layers
/// (its codes matched once per feature): decided from where the site is, with no
/// geometry or index of its own.
struct CodeScope {
  enum class Layer { none, units, townships, basins } layer = Layer::none;
  std::vector<std::vector<bool>> members;  ///< per layer (basins: per level)
};

bool matches_industry(const std::vector<std::string>& prefixes, const std::string& code) {
  for (const auto& p : prefixes)
    if (code.compare(0, p.size(), p) == 0) return true;
  return false;
}

bool compare(const AttributeTest& t, const std::string& value) {
  auto one = [&](const std::string& want) -> int {  // sign of value - want, or 2 if n/a
    if (t.numeric) {
      char* end = nullptr;
      const double v = std::strtod(value.c_str(), &end);
      if (value.empty() || *end != '\0') return 2;
      const double w = std::strtod(want.c_str(), nullptr);
      return v < w ? -1 : (v > w ? 1 : 0);
    }
    const int c = value.compare(want);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  };
  using Op = AttributeTest::Op;
  if (t.op == Op::in) {
    for (const auto& want : t.values)
      if (one(want) == 0) return true;
    return false;
  }
  const int c = one(t.values.front());
  if (c == 2) return false;
  switch (t.op) {
    case Op::eq:
      return c == 0;
    case Op::ne:
      return c != 0;
    case Op::lt:
      return c < 0;
    case Op::le:
      return c <= 0;
    case Op::gt:
      return c > 0;
    case Op::ge:
      return c >= 0;
    case Op::in:
      break;
  }
  return false;
}

/// Does the site's industry/action/attributes match? Missing attributes are collected.
bool applies(const AppliesTo& a, const Site& site, std::set<std::string>& missing) {
  if (!a.industry.empty()) {
    if (site.industry.empty()) {
      missing.insert("industry");
      return false;
    }
    if (!matches_industry(a.industry, site.industry)) return false;
  }
  if (!a.action.empty()) {
    if (site.action.empty()) {
      missing.insert("action");
      return false;
    }
    if (std::find(a.action.begin(), a.action.end(), site.action) == a.action.end()) return false;
  }
  bool ok = true;
  for (const AttributeTest& t : a.attr) {
    auto it = site.attributes.find(t.field);
    if (it == site.attributes.end()) {
      missing.insert(t.field);
      ok = false;
    } else if (!compare(t, it->second)) {
      ok = false;
    }
  }
  return ok;
}

}  // namespace

struct Screener::Impl {
  const Plan& plan;
  std::vector<RuleFile> files;
  screening::CompiledRules compiled;  ///< points into `files`
  const std::vector<std::unique_ptr<FeatureSet>>& sets;
  const std::vector<CompiledRule>& rules;
  query::PlanIndex points;       ///< shared by all threads: point queries only
  std::vector<CodeScope> codes;  ///< per set: its members when a code scope
  std::mutex mutex;
  std::vector<std::unique_ptr<PerThread>> idle;  ///< per-thread state not in use

  Impl(const Plan& p, std::vector<RuleFile> f)
      : plan(p),
        files(std::move(f)),
        compiled(plan, files),
        sets(compiled.sets()),
        rules(compiled.rules()),
        points(p),
        codes(sets.size()) {
    std::function<void(const CompiledScope&)> walk = [&](const CompiledScope& c) {
      for (const auto& child : c.children) walk(child);
      using Kind = Scope::Kind;
      const CodeScope::Layer layer = c.kind == Kind::unit ? CodeScope::Layer::units
                                     : c.kind == Kind::township || c.kind == Kind::county
                                         ? CodeScope::Layer::townships
                                     : c.kind == Kind::basin ? CodeScope::Layer::basins
                                                             : CodeScope::Layer::none;
      if (layer != CodeScope::Layer::none && codes[c.set].layer == CodeScope::Layer::none)
        codes[c.set] = code_scope(*sets[c.set], layer);
    };
    for (const CompiledRule& r : rules) {
      if (r.scope) walk(*r.scope);
      if (r.unless_scope) walk(*r.unless_scope);
    }
  }

  /// The members of a code scope: the layer's features among the set's (the same plan
  /// features, so the same geometries).
  CodeScope code_scope(const FeatureSet& set, CodeScope::Layer layer) const {
    std::unordered_set<const GEOSGeometry*> in_set;
    for (size_t i = 0; i < set.size(); ++i) in_set.insert(set.geometry(i));
    auto members_of = [&in_set](const query::LayerIndex& index) {
      std::vector<bool> members(index.size());
      for (size_t i = 0; i < index.size(); ++i)
        members[i] = in_set.count(index.feature(i).geometry.get()) > 0;
      return members;
    };
    CodeScope out;
    out.layer = layer;
    if (layer == CodeScope::Layer::units) out.members.push_back(members_of(points.units));
    if (layer == CodeScope::Layer::townships) out.members.push_back(members_of(points.townships));
    if (layer == CodeScope::Layer::basins)
      for (const auto& [level, index] : points.basins) out.members.push_back(members_of(index));
    return out;
  }

  /// State for one line or polygon site: taken from the idle pool (or made) and given
  /// back when done, so there are never more than as many as sites screened at once.
  std::unique_ptr<PerThread> take() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!idle.empty()) {
        std::unique_ptr<PerThread> t = std::move(idle.back());
        idle.pop_back();
        return t;
      }
    }
    return std::make_unique<PerThread>(plan, sets.size());
  }
  void give_back(std::unique_ptr<PerThread> t) {
    std::lock_guard<std::mutex> lock(mutex);
    idle.push_back(std::move(t));
  }

  /// The site's rules, verdict and missing attributes into `out` (its location set).
  void apply_rules(const Site& site, const SiteView& v, SiteResult& out) const;

  /// A code scope from where the site is: for a point, the smallest-code member holding
  /// it; for a line or polygon, the members it touches (the smallest code; for a polygon,
  /// the area inside them all, summed in code order).
  Match code_match(const CodeScope& scope, const SiteView& v) const {
    Match m;
    auto layer_of = [&](size_t k) -> const query::LayerIndex& {
      return scope.layer == CodeScope::Layer::units       ? points.units
             : scope.layer == CodeScope::Layer::townships ? points.townships
                                                          : points.basins[k].second;
    };
    if (v.point) {
      for (size_t k = 0; k < scope.members.size(); ++k) {
        const query::PointHit& hit = *v.point;
        const std::uint32_t found = scope.layer == CodeScope::Layer::units       ? hit.unit
                                    : scope.layer == CodeScope::Layer::townships ? hit.township
                                                                                 : hit.basins[k];
        const query::LayerIndex& layer = layer_of(k);
        const std::uint32_t i = layer.find_among(v.x, v.y, scope.members[k], found);
        if (i == query::kNoFeature) continue;
        const std::string& code = layer.feature(i).code;
        if (!m.hit || code < m.code) m.code = code;
        m.hit = true;
      }
      return m;
    }
    std::vector<std::pair<const std::string*, double>> touched;  // code, shared area
    for (size_t k = 0; k < scope.members.size(); ++k) {
      const std::vector<query::Touch>& touches =
          scope.layer == CodeScope::Layer::units       ? v.touches->units
          : scope.layer == CodeScope::Layer::townships ? v.touches->townships
                                                       : v.touches->basins[k];
      for (const query::Touch& t : touches)
        if (scope.members[k][t.feature])
          touched.emplace_back(&layer_of(k).feature(t.feature).code, t.measure);
    }
    if (touched.empty()) return m;
    std::stable_sort(touched.begin(), touched.end(),
                     [](const auto& a, const auto& b) { return *a.first < *b.first; });
    m.hit = true;
    m.code = *touched.front().first;
    if (v.polygon) {
      m.overlap_m2 = 0;
      for (const auto& t : touched) *m.overlap_m2 += t.second;
    }
    return m;
  }

  bool evaluate(const CompiledScope& c, const SiteView& v, Evidence& evidence) const {
    switch (c.kind) {
      case Scope::Kind::all:
        for (const auto& child : c.children)
          if (!evaluate(child, v, evidence)) return false;
        return true;
      case Scope::Kind::any:
        for (const auto& child : c.children)
          if (evaluate(child, v, evidence)) return true;
        return false;
      case Scope::Kind::negation: {
        Evidence ignored;
        return !evaluate(c.children.front(), v, ignored);
      }
      case Scope::Kind::near: {
        const double xy[2] = {v.x, v.y};
        const Match m = sets[c.set]->within(v.geometry, v.point ? xy : nullptr, c.within_m,
                                            v.thread ? &v.thread->caches[c.set] : nullptr);
        if (m.hit) evidence.distance_m = m.distance_m;
        return m.hit;
      }
      default: {
        const CodeScope& code = codes[c.set];
        const Match m =
            code.layer != CodeScope::Layer::none ? code_match(code, v)
            : v.point                            ? sets[c.set]->covers(v.x, v.y)
                      : sets[c.set]->intersects(v.geometry, v.polygon, v.thread->caches[c.set]);
        if (!m.hit) return false;
        if (c.kind == Scope::Kind::unit)
          evidence.unit = m.code;
        else
          evidence.zone = m.code;
        if (m.overlap_m2) evidence.overlap_m2 = m.overlap_m2;
        return true;
      }
    }
  }
};

Screener::Screener(const Plan& plan, std::vector<RuleFile> files)
    : impl_(std::make_unique<Impl>(plan, std::move(files))) {}
Screener::~Screener() = default;
Screener::Screener(Screener&&) noexcept = default;
Screener& Screener::operator=(Screener&&) noexcept = default;

const std::vector<RuleFile>& Screener::files() const { return impl_->files; }

SiteResult Screener::screen(const Site& site) const {
  SiteResult out;
  screen(site, out);
  return out;
}

void Screener::screen(const Site& site, SiteResult& out) const {
  const GEOSGeometry* g = site.geometry.get();
  GEOSContextHandle_t h = geos::context();
  if (!g || GEOSisEmpty_r(h, g)) {
    out = SiteResult{};
    out.id = site.id;
    out.error = "the site has no usable geometry";
    out.location.outside_plan = true;
    return;
  }
  const int type = GEOSGeomTypeId_r(h, g);
  if (type == GEOS_POINT) {
    double x = 0, y = 0;
    GEOSGeomGetX_r(h, g, &x);
    GEOSGeomGetY_r(h, g, &y);
    screen_point(site, x, y, out);
    return;
  }
  out.id = site.id;
  out.error.clear();
  SiteView v;
  v.geometry = g;
  v.polygon = type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON;
  std::unique_ptr<PerThread> leased = impl_->take();
  const query::Touches touches = leased->index.touching(g, v.polygon);
  out.location = leased->index.location(touches);
  v.touches = &touches;
  v.thread = leased.get();
  impl_->apply_rules(site, v, out);
  impl_->give_back(std::move(leased));
}

void Screener::screen_point(const Site& site, double x, double y, SiteResult& out) const {
  out.id = site.id;
  out.error.clear();
  const query::PointHit hit = impl_->points.locate(x, y);
  impl_->points.location(hit, out.location);
  SiteView v;
  v.geometry = site.geometry.get();
  v.point = &hit;
  v.x = x;
  v.y = y;
  impl_->apply_rules(site, v, out);
}

void Screener::Impl::apply_rules(const Site& site, const SiteView& v, SiteResult& out) const {
  std::set<std::string> missing;
  bool any[4] = {false, false, false, false};
  size_t applied = 0;  // out.rules' entries are reused: assigned, not rebuilt
  for (const CompiledRule& c : rules) {
    const Rule& rule = *c.rule;
    if (!applies(rule.applies_to, site, missing)) continue;
    Evidence evidence;
    // No scope: the whole plan area.
    if (c.scope ? !evaluate(*c.scope, v, evidence) : out.location.outside_plan) continue;
    if (c.unless_scope || rule.unless_applies_to) {
      Evidence ignored;
      const bool unless_place = !c.unless_scope || evaluate(*c.unless_scope, v, ignored);
      const bool unless_what =
          !rule.unless_applies_to || applies(*rule.unless_applies_to, site, missing);
      if (unless_place && unless_what) continue;
    }
    any[static_cast<int>(rule.effect)] = true;
    if (applied == out.rules.size()) out.rules.emplace_back();
    AppliedRule& a = out.rules[applied++];
    a.rule = c.rule;
    a.file = c.file->path;
    a.evidence = evidence;
  }
  out.rules.resize(applied);
  out.verdict = any[static_cast<int>(Effect::prohibit)]    ? Verdict::prohibited
                : any[static_cast<int>(Effect::restrict)]  ? Verdict::restricted
                : any[static_cast<int>(Effect::encourage)] ? Verdict::encouraged
                : any[static_cast<int>(Effect::permit)]    ? Verdict::permitted
                                                           : Verdict::unlisted;
  out.missing.assign(missing.begin(), missing.end());
}

}  // namespace basinkit
