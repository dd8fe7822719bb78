// `basinkit diff`: the two plans loaded in one CRS, their features matched layer by layer
// (feature_match.cpp), their findings matched (below), and the tallies per township and
// county. Decisions are in docs/diff.md.
#include <basinkit/error.hpp>
#include <basinkit/plan_diff.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "diff/feature_match.hpp"
#include "geometry/geos_context.hpp"

namespace basinkit {
namespace {

constexpr const char* kLayers[] = {"units", "townships", "basins"};

int layer_rank(const std::string& layer) {
  for (int i = 0; i < 3; ++i)
    if (layer == kLayers[i]) return i;
  return 3;
}

bool change_order(const PlanChange& a, const PlanChange& b) {
  const int la = layer_rank(a.layer), lb = layer_rank(b.layer);
  if (la != lb) return la < lb;
  if (a.type != b.type) return std::string(to_string(a.type)) < to_string(b.type);
  if (a.old_codes != b.old_codes) return a.old_codes < b.old_codes;
  if (a.new_codes != b.new_codes) return a.new_codes < b.new_codes;
  return a.field < b.field;
}

/// Whether `p` lies in `g` (closed).
bool covers(const Geometry& g, const std::array<double, 2>& p) {
  if (g.is_null()) return false;
  geos::GeometryPtr point = geos::make_point(p[0], p[1]);
  return point && GEOSIntersects_r(geos::context(), g.get(), point.get()) == 1;
}

/// How far apart two findings of one type and codes are: 0 when a location lies in the
/// other's geometry or when either has no location (they match by type and codes
/// alone), else the distance between the locations.
double apart(const Finding& a, const Finding& b) {
  if (!a.location || !b.location) return 0;
  if (covers(a.geometry, *b.location) || covers(b.geometry, *a.location)) return 0;
  return std::hypot((*a.location)[0] - (*b.location)[0], (*a.location)[1] - (*b.location)[1]);
}

using Key = std::pair<FindingType, std::vector<std::string>>;

void diff_findings(std::vector<Finding> olds, std::vector<Finding> news,
                   const std::map<std::string, std::string>& recoded, double tolerance_m,
                   PlanDiff& d) {
  std::map<Key, std::vector<size_t>> new_by_key;
  for (size_t j = 0; j < news.size(); ++j) new_by_key[{news[j].type, news[j].codes}].push_back(j);
  std::vector<bool> new_matched(news.size());
  for (Finding& o : olds) {
    std::vector<std::string> codes = o.codes;
    for (auto& c : codes) {
      auto it = recoded.find(c);
      if (it != recoded.end()) c = it->second;
    }
    auto candidates = new_by_key.find({o.type, codes});
    size_t best = news.size();
    double best_apart = std::numeric_limits<double>::infinity();
    if (candidates != new_by_key.end())
      for (size_t j : candidates->second) {
        if (new_matched[j]) continue;
        const double a = apart(o, news[j]);
        if (a <= tolerance_m && a < best_apart) {
          best = j;
          best_apart = a;
        }
      }
    if (best == news.size()) {
      d.resolved.push_back(std::move(o));
    } else {
      new_matched[best] = true;
    }
  }
  for (size_t j = 0; j < news.size(); ++j)
    (new_matched[j] ? d.unchanged : d.added).push_back(std::move(news[j]));
}

/// Names of townships and counties of both plans (the new plan's first).
struct Names {
  std::map<std::string, std::string> township, county;
  diff::CountyOf county_of;
  void add(const Plan& plan) {
    for (const Township& t : plan.townships) {
      township.emplace(t.code, t.name);
      county_of.emplace(t.code, t.county);
    }
    for (const PlanFeature& c : plan.layer("counties")) county.emplace(c.code, c.name);
  }
};

void tally(PlanDiff& d, const Names& names) {
  auto row = [&](std::map<std::string, DiffTally>& m, const std::map<std::string, std::string>& n,
                 const std::string& code) -> DiffTally& {
    DiffTally& t = m[code];
    auto it = n.find(code);
    if (it != n.end()) t.name = it->second;
    return t;
  };
  for (const PlanChange& c : d.changes) {
    ++d.by_change[to_string(c.type)];
    for (const auto& t : c.townships) ++row(d.by_township, names.township, t).changes;
    for (const auto& k : c.counties) ++row(d.by_county, names.county, k).changes;
  }
  auto count = [&](const std::vector<Finding>& findings, std::int64_t DiffTally::*member) {
    for (const Finding& f : findings) {
      const bool error = member == &DiffTally::added && f.severity == Severity::error;
      for (const auto& t : f.townships) {
        DiffTally& r = row(d.by_township, names.township, t);
        ++(r.*member);
        r.new_errors += error;
      }
      for (const auto& k : f.counties) {
        DiffTally& r = row(d.by_county, names.county, k);
        ++(r.*member);
        r.new_errors += error;
      }
    }
  };
  count(d.resolved, &DiffTally::resolved);
  count(d.added, &DiffTally::added);
  count(d.unchanged, &DiffTally::unchanged);
}

}  // namespace

const char* to_string(ChangeType type) {
  switch (type) {
    case ChangeType::added:
      return "added";
    case ChangeType::removed:
      return "removed";
    case ChangeType::recoded:
      return "recoded";
    case ChangeType::split:
      return "split";
    case ChangeType::merged:
      return "merged";
    case ChangeType::reshaped:
      return "reshaped";
    case ChangeType::reassigned:
      return "reassigned";
    case ChangeType::reparented:
      return "reparented";
    case ChangeType::attribute:
      return "attribute";
  }
  return "?";
}

std::int64_t PlanDiff::new_errors() const {
  return std::count_if(added.begin(), added.end(),
                       [](const Finding& f) { return f.severity == Severity::error && !f.waived; });
}

PlanPair load_plan_pair(const std::string& old_manifest, const std::string& new_manifest,
                        const LoadOptions& options) {
  // An error in a layer names its source; the reader is told which plan it belongs to.
  auto of_plan = [](const InputError& e, const char* which, const std::string& manifest) {
    if (e.where().file == manifest) return e;
    return InputError(fmt::format("{} (layer of the {} plan {})", e.problem(), which, manifest),
                      e.where());
  };
  PlanPair pair;
  try {
    pair.new_plan = load_plan(new_manifest, options);
  } catch (const InputError& e) {
    throw of_plan(e, "new", new_manifest);
  }
  try {
    Manifest old = read_manifest(old_manifest);
    // The old plan is read straight into the new plan's working CRS: every comparison
    // (and every area reported) is in one CRS.
    old.crs = pair.new_plan.working_crs;
    pair.old_plan = load_plan(old, options);
  } catch (const InputError& e) {
    throw of_plan(e, "old", old_manifest);
  }
  return pair;
}

PlanDiff diff_plans(const Plan& old_plan, const Plan& new_plan, const DiffOptions& options) {
  if (old_plan.working_crs != new_plan.working_crs)
    throw InputError(fmt::format("the plans are in different working CRSs ({} and {}): load the "
                                 "old plan in the new plan's CRS (load_plan_pair)",
                                 old_plan.working_crs, new_plan.working_crs),
                     Where(old_plan.manifest.path));
  PlanDiff d;
  Names names;
  names.add(new_plan);
  names.add(old_plan);
  diff::MatchSettings settings;
  settings.options = &options;
  settings.min_area_m2 = new_plan.manifest.min_area_m2;
  settings.county_of = &names.county_of;
  std::map<std::string, std::string> recoded;
  for (const char* layer : kLayers) {
    if (options.progress) options.progress(fmt::format("comparing {}", layer), 0);
    diff::match_layer(layer, diff::sides_of(old_plan, layer), diff::sides_of(new_plan, layer),
                      settings, d.changes, recoded);
    if (options.progress) options.progress(fmt::format("comparing {}", layer), 1);
  }
  std::sort(d.changes.begin(), d.changes.end(), change_order);
  if (options.findings) {
    ValidateOptions vo;
    vo.threads = options.threads;
    if (options.progress)
      vo.progress = [&options](const std::string& stage, double fraction) {
        options.progress("old plan: " + stage, fraction);
      };
    ValidationResult old_result = validate(old_plan, vo);
    if (options.progress)
      vo.progress = [&options](const std::string& stage, double fraction) {
        options.progress("new plan: " + stage, fraction);
      };
    ValidationResult new_result = validate(new_plan, vo);
    diff_findings(std::move(old_result.findings), std::move(new_result.findings), recoded,
                  options.tolerance_m, d);
    d.findings_compared = true;
  }
  tally(d, names);
  return d;
}

}  // namespace basinkit
