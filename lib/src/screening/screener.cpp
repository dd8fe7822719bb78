// The Screener: rules compiled against a plan (every scope's features indexed once), and
// the evaluation of one site (DESIGN.md section 6).
#include <basinkit/error.hpp>
#include <basinkit/screening.hpp>

#include <fmt/format.h>

#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "crs/srs.hpp"
#include "io/layer_reader.hpp"
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

/// A scope with its selectors resolved to feature sets.
struct CompiledScope {
  Scope::Kind kind = Scope::Kind::all;
  std::vector<CompiledScope> children;
  size_t set = 0;  ///< index into Impl::sets (selectors only)
  double within_m = 0;
};

struct CompiledRule {
  const Rule* rule = nullptr;
  const RuleFile* file = nullptr;
  std::optional<CompiledScope> scope;
  std::optional<CompiledScope> unless_scope;
};

/// What one thread needs of its own: GEOS prepared geometries are not shareable.
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
  std::vector<std::unique_ptr<FeatureSet>> sets;
  std::map<std::string, size_t> set_by_key;
  std::vector<Geometry> owned;  ///< geometries of layers re-read with a rule's `where`
  std::vector<CompiledRule> rules;
  std::mutex mutex;
  std::map<std::thread::id, std::unique_ptr<PerThread>> threads;

  Impl(const Plan& p, std::vector<RuleFile> f) : plan(p), files(std::move(f)) {
    for (const RuleFile& file : files)
      for (const Rule& rule : file.rules) {
        CompiledRule c;
        c.rule = &rule;
        c.file = &file;
        if (rule.scope) c.scope = compile(*rule.scope, file, rule);
        if (rule.unless_scope) c.unless_scope = compile(*rule.unless_scope, file, rule);
        rules.push_back(std::move(c));
      }
  }

  [[noreturn]] void fail(const RuleFile& file, const Rule& rule, int line,
                         const std::string& what) const {
    throw InputError(fmt::format("rule {}: {}", rule.id, what),
                     Where(file.path, "", "", "", line ? line : rule.line));
  }

  CompiledScope compile(const Scope& s, const RuleFile& file, const Rule& rule) {
    CompiledScope c;
    c.kind = s.kind;
    c.within_m = s.within_m;
    for (const Scope& child : s.children) c.children.push_back(compile(child, file, rule));
    if (s.kind == Scope::Kind::all || s.kind == Scope::Kind::any || s.kind == Scope::Kind::negation)
      return c;
    // Selectors naming the same features share one index (`in` and `near` of a layer too).
    const bool layer_kind = s.kind == Scope::Kind::in || s.kind == Scope::Kind::near;
    std::string key =
        fmt::format("{}|{}|{}", layer_kind ? -1 : static_cast<int>(s.kind), s.layer, s.where);
    for (const auto& code : s.codes) key += "|" + code;
    auto it = set_by_key.find(key);
    if (it != set_by_key.end()) {
      c.set = it->second;
      return c;
    }
    sets.push_back(std::make_unique<FeatureSet>(features_of(s, file, rule)));
    c.set = sets.size() - 1;
    set_by_key[key] = c.set;
    return c;
  }

  using FeatureList = std::vector<std::pair<std::string, const GEOSGeometry*>>;

  FeatureList features_of(const Scope& s, const RuleFile& file, const Rule& rule) {
    FeatureList out;
    auto by_codes = [&](const auto& features, auto code_of, const char* what) {
      for (const std::string& code : s.codes) {
        bool found = false;
        for (const auto& f : features) {
          const bool hit = s.kind == Scope::Kind::unit ? screening::glob_match(code, code_of(f))
                                                       : code == code_of(f);
          if (!hit) continue;
          found = true;
          out.emplace_back(f.code, f.geometry.get());
        }
        if (!found)
          fail(file, rule, s.line, fmt::format("unknown {} '{}' in this plan", what, code));
      }
    };
    switch (s.kind) {
      case Scope::Kind::basin:
        by_codes(
            plan.basins, [](const Basin& b) { return b.code; }, "basin");
        break;
      case Scope::Kind::unit:
        by_codes(
            plan.units, [](const ControlUnit& u) { return u.code; }, "unit");
        break;
      case Scope::Kind::township:
        by_codes(
            plan.townships, [](const Township& t) { return t.code; }, "township");
        break;
      case Scope::Kind::county:
        by_codes(
            plan.townships, [](const Township& t) { return t.county; }, "county");
        break;
      default:
        return layer_features(s, file, rule);
    }
    return out;
  }

  /// Features of `in`/`near` layers: the plan's as loaded, or re-read with the `where`.
  FeatureList layer_features(const Scope& s, const RuleFile& file, const Rule& rule) {
    FeatureList out;
    // A rule file's own layer first, else a layer the plan loaded.
    const LayerSpec* spec = nullptr;
    for (const auto& l : file.layers)
      if (l.key == s.layer) spec = &l;
    if (!spec && plan.has_layer(s.layer)) spec = plan.manifest.find(s.layer);
    if (!spec) {
      std::string known;
      for (const auto& src : plan.sources) known += (known.empty() ? "" : ", ") + src.key;
      for (const auto& l : file.layers) known += (known.empty() ? "" : ", ") + l.key;
      fail(file, rule, s.line,
           fmt::format("unknown layer '{}' (the plan and this file have: {})", s.layer, known));
    }
    LayerSpec filtered = *spec;
    if (!s.where.empty())
      filtered.where =
          spec->where.empty() ? s.where : fmt::format("({}) AND ({})", spec->where, s.where);
    io::ReadOptions options;
    options.allow_ballpark = plan.manifest.allow_ballpark;
    const crs::SrsPtr working = crs::working_crs(plan.working_crs);
    std::vector<io::FieldRole> roles;
    if (spec->fields.count("code") || s.layer == "units" || s.layer == "townships" ||
        s.layer == "zones" || s.layer == "sections" || s.layer.rfind("basins", 0) == 0)
      roles.push_back({"code", false});
    io::LayerContents contents;
    try {
      contents = io::read_layer(filtered, roles, io::GeometryKind::any, *working, options);
    } catch (const InputError& e) {
      fail(file, rule, s.line, fmt::format("layer '{}': {}", s.layer, e.problem()));
    }
    for (io::RawFeature& f : contents.features) {
      if (f.geometry.is_null()) continue;
      auto code = f.values.find("code");
      owned.push_back(std::move(f.geometry));
      out.emplace_back(
          code != f.values.end() && code->second ? *code->second : std::to_string(f.fid),
          owned.back().get());
    }
    return out;
  }

  PerThread& here() {
    std::lock_guard<std::mutex> lock(mutex);
    auto& slot = threads[std::this_thread::get_id()];
    if (!slot) slot = std::make_unique<PerThread>(plan, sets.size());
    return *slot;
  }

  bool evaluate(const CompiledScope& c, const GEOSGeometry* site, bool point, bool polygon,
                PerThread& t, Evidence& evidence) const {
    switch (c.kind) {
      case Scope::Kind::all:
        for (const auto& child : c.children)
          if (!evaluate(child, site, point, polygon, t, evidence)) return false;
        return true;
      case Scope::Kind::any:
        for (const auto& child : c.children)
          if (evaluate(child, site, point, polygon, t, evidence)) return true;
        return false;
      case Scope::Kind::negation: {
        Evidence ignored;
        return !evaluate(c.children.front(), site, point, polygon, t, ignored);
      }
      case Scope::Kind::near: {
        const Match m = sets[c.set]->within(site, point, c.within_m, t.caches[c.set]);
        if (m.hit) evidence.distance_m = m.distance_m;
        return m.hit;
      }
      default: {
        const Match m = sets[c.set]->intersects(site, polygon, t.caches[c.set]);
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
  out.id = site.id;
  PerThread& t = impl_->here();
  const GEOSGeometry* g = site.geometry.get();
  GEOSContextHandle_t h = geos::context();
  if (!g || GEOSisEmpty_r(h, g)) {
    out.error = "the site has no usable geometry";
    out.location.outside_plan = true;
    return out;
  }
  out.location = t.locator.locate(site.geometry);
  const int type = GEOSGeomTypeId_r(h, g);
  const bool point = type == GEOS_POINT;
  const bool polygon = type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON;
  std::set<std::string> missing;
  bool any[4] = {false, false, false, false};
  for (const CompiledRule& c : impl_->rules) {
    const Rule& rule = *c.rule;
    if (!applies(rule.applies_to, site, missing)) continue;
    Evidence evidence;
    // No scope: the whole plan area.
    if (c.scope ? !impl_->evaluate(*c.scope, g, point, polygon, t, evidence)
                : out.location.outside_plan)
      continue;
    if (c.unless_scope || rule.unless_applies_to) {
      Evidence ignored;
      const bool unless_place =
          !c.unless_scope || impl_->evaluate(*c.unless_scope, g, point, polygon, t, ignored);
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
  return out;
}

}  // namespace basinkit
