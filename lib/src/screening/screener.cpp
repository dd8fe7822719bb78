// The Screener: rules compiled against a plan (every scope's features indexed once), and
// the evaluation of one site (DESIGN.md section 6).
#include <basinkit/error.hpp>
#include <basinkit/screening.hpp>

#include <fmt/format.h>

#include <map>
#include <mutex>
#include <set>

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
/// are not shareable. Point sites need none of it (point-in-polygon kernels, segment
/// index: immutable, shared).
struct PerThread {
  explicit PerThread(const Plan& plan, size_t sets) : locator(plan), caches(sets) {}
  Locator locator;
  std::vector<PreparedCache> caches;
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
  Locator points;  ///< shared by all threads: point queries only
  std::mutex mutex;
  std::vector<std::unique_ptr<PerThread>> idle;  ///< per-thread state not in use

  Impl(const Plan& p, std::vector<RuleFile> f)
      : plan(p),
        files(std::move(f)),
        compiled(plan, files),
        sets(compiled.sets()),
        rules(compiled.rules()),
        points(p) {}

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
  /// `x`, `y`: the site when `point`; `t`: per-thread state for other sites.
  void apply_rules(const Site& site, const GEOSGeometry* g, bool point, bool polygon, double x,
                   double y, PerThread* t, SiteResult& out) const;

  /// `x`, `y`: the site when it is a point (then the point-in-polygon kernels answer).
  bool evaluate(const CompiledScope& c, const GEOSGeometry* site, bool point, bool polygon,
                double x, double y, PerThread* t, Evidence& evidence) const {
    switch (c.kind) {
      case Scope::Kind::all:
        for (const auto& child : c.children)
          if (!evaluate(child, site, point, polygon, x, y, t, evidence)) return false;
        return true;
      case Scope::Kind::any:
        for (const auto& child : c.children)
          if (evaluate(child, site, point, polygon, x, y, t, evidence)) return true;
        return false;
      case Scope::Kind::negation: {
        Evidence ignored;
        return !evaluate(c.children.front(), site, point, polygon, x, y, t, ignored);
      }
      case Scope::Kind::near: {
        const double xy[2] = {x, y};
        const Match m = sets[c.set]->within(site, point ? xy : nullptr, c.within_m,
                                            t ? &t->caches[c.set] : nullptr);
        if (m.hit) evidence.distance_m = m.distance_m;
        return m.hit;
      }
      default: {
        const Match m = point ? sets[c.set]->covers(x, y)
                              : sets[c.set]->intersects(site, polygon, t->caches[c.set]);
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
  const GEOSGeometry* g = site.geometry.get();
  GEOSContextHandle_t h = geos::context();
  if (!g || GEOSisEmpty_r(h, g)) {
    SiteResult out;
    out.id = site.id;
    out.error = "the site has no usable geometry";
    out.location.outside_plan = true;
    return out;
  }
  const int type = GEOSGeomTypeId_r(h, g);
  if (type == GEOS_POINT) {
    double x = 0, y = 0;
    GEOSGeomGetX_r(h, g, &x);
    GEOSGeomGetY_r(h, g, &y);
    return screen_point(site, x, y);
  }
  SiteResult out;
  out.id = site.id;
  const bool polygon = type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON;
  std::unique_ptr<PerThread> leased = impl_->take();
  out.location = leased->locator.locate(site.geometry);
  impl_->apply_rules(site, g, false, polygon, 0, 0, leased.get(), out);
  impl_->give_back(std::move(leased));
  return out;
}

SiteResult Screener::screen_point(const Site& site, double x, double y) const {
  SiteResult out;
  out.id = site.id;
  out.location = impl_->points.locate(x, y);
  impl_->apply_rules(site, site.geometry.get(), true, false, x, y, nullptr, out);
  return out;
}

void Screener::Impl::apply_rules(const Site& site, const GEOSGeometry* g, bool point, bool polygon,
                                 double x, double y, PerThread* t, SiteResult& out) const {
  std::set<std::string> missing;
  bool any[4] = {false, false, false, false};
  for (const CompiledRule& c : rules) {
    const Rule& rule = *c.rule;
    if (!applies(rule.applies_to, site, missing)) continue;
    Evidence evidence;
    // No scope: the whole plan area.
    if (c.scope ? !evaluate(*c.scope, g, point, polygon, x, y, t, evidence)
                : out.location.outside_plan)
      continue;
    if (c.unless_scope || rule.unless_applies_to) {
      Evidence ignored;
      const bool unless_place =
          !c.unless_scope || evaluate(*c.unless_scope, g, point, polygon, x, y, t, ignored);
      const bool unless_what =
          !rule.unless_applies_to || applies(*rule.unless_applies_to, site, missing);
      if (unless_place && unless_what) continue;
    }
    any[static_cast<int>(rule.effect)] = true;
    out.rules.push_back({c.rule, c.file->path, evidence});
  }
  out.verdict = any[static_cast<int>(Effect::prohibit)]    ? Verdict::prohibited
                : any[static_cast<int>(Effect::restrict)]  ? Verdict::restricted
                : any[static_cast<int>(Effect::encourage)] ? Verdict::encouraged
                : any[static_cast<int>(Effect::permit)]    ? Verdict::permitted
                                                           : Verdict::unlisted;
  out.missing.assign(missing.begin(), missing.end());
}

}  // namespace basinkit
