// The assessment of every section of a plan for a period (docs/assessment.md): period
// means, the single-factor class, target, colour, and the responsibility of the units,
// townships and counties of each section's incremental catchment; compensation lines for
// sections where the river crosses from one county into another.
#include <basinkit/assessment.hpp>
#include <basinkit/error.hpp>
#include <basinkit/network.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace basinkit {
namespace {

std::string month_label(int month) { return fmt::format("{}-{:02}", month / 12, month % 12 + 1); }

bool says_lake(const std::string& text) {
  for (const char* word : {"湖", "库", "lake", "Lake", "reservoir", "Reservoir"})
    if (text.find(word) != std::string::npos) return true;
  return false;
}

/// Sums and counts of one section's values in the period, by parameter.
struct Means {
  int samples = 0;
  std::map<Parameter, std::pair<double, int>> sums;
};

/// Adds one section's colour to a count by colour.
void count(const std::optional<Warning>& w, int& green, int& yellow, int& red, int& no_data) {
  if (!w)
    ++no_data;
  else if (*w == Warning::green)
    ++green;
  else if (*w == Warning::yellow)
    ++yellow;
  else
    ++red;
}

}  // namespace

std::set<std::string> section_codes(const DrainageNetwork& network) {
  std::set<std::string> codes;
  for (const auto& s : network.sections()) codes.insert(s.code);
  return codes;
}

AssessmentResult assess(const Plan& plan, const DrainageNetwork& network,
                        const MonitoringData& data, const Period& period,
                        const AssessmentConfig& config) {
  std::map<std::string, Means> means;
  int first = 0, last = 0;
  for (const Sample& s : data.samples) {
    first = first == 0 ? s.month : std::min(first, s.month);
    last = std::max(last, s.month);
    if (!period.contains(s.month)) continue;
    Means& m = means[s.section];
    ++m.samples;
    for (const auto& [p, v] : s.values) {
      auto& [sum, n] = m.sums[p];
      sum += v;
      ++n;
    }
  }
  if (means.empty())
    throw InputError(
        data.samples.empty()
            ? fmt::format("no monitoring rows at all (period {})", period.label)
            : fmt::format("no monitoring rows in the period {} (the rows run from {} to {})",
                          period.label, month_label(first), month_label(last)),
        Where(data.path, data.layer));

  std::map<std::string, const Township*> townships;
  for (const Township& t : plan.townships) townships.emplace(t.code, &t);
  auto county_of_unit = [&](std::size_t u) -> std::string {
    const auto t = townships.find(plan.units[u].township);
    return t == townships.end() ? "" : t->second->county;
  };

  AssessmentResult r;
  r.period = period;
  r.currency = config.compensation.currency;
  const auto catchments = network.incremental_catchments();
  const auto& section_features = plan.layer("sections");
  for (std::size_t si = 0; si < network.sections().size(); ++si) {
    const MonitoringSection& ms = network.sections()[si];
    SectionAssessment a;
    a.code = ms.code;
    a.name = ms.name;
    a.river = ms.river;
    a.kind = ms.kind;
    a.location = {ms.x, ms.y};
    a.has_location = true;
    if (ms.unit) a.unit = plan.units[*ms.unit].code;
    if (!ms.target.empty()) {
      a.target = parse_water_class(ms.target);
      if (!a.target) {
        Where w;
        for (const auto& src : plan.sources)
          if (src.key == "sections") w = Where(src.source, src.layer_name);
        w.feature = ms.code;
        w.field = "target";
        throw InputError(
            fmt::format("'{}' is no water-quality target (I, II, III, IV, V)", ms.target), w);
      }
    }
    const PlanFeature* feature =
        ms.feature < section_features.size() ? &section_features[ms.feature] : nullptr;
    const auto waterbody = feature ? feature->attributes.find("waterbody")
                                   : std::map<std::string, std::string>::const_iterator{};
    const bool lake =
        config.lakes.count(ms.code) ||
        (feature && waterbody != feature->attributes.end() && says_lake(waterbody->second));
    a.water = lake ? WaterBody::lake : WaterBody::river;

    // Means and the single-factor class.
    const auto m = means.find(ms.code);
    if (m != means.end()) {
      a.samples = m->second.samples;
      std::optional<WaterClass> worst;
      for (Parameter p : data.measured) {
        const auto sum = m->second.sums.find(p);
        if (sum == m->second.sums.end()) continue;
        ParameterResult pr;
        pr.parameter = p;
        pr.samples = sum->second.second;
        pr.mean = sum->second.first / pr.samples;
        pr.role = limits_of(p).role(a.water);
        if (pr.role == Role::not_assessed) {
          a.parameters.push_back(pr);
          continue;
        }
        pr.klass = classify(p, pr.mean, a.water);
        if (pr.role == Role::in_class) {
          worst = worst ? std::max(*worst, pr.klass) : pr.klass;
          if (a.target && pr.klass > *a.target) {
            pr.over_target = true;
            pr.multiple = exceedance(p, pr.mean, a.water, *a.target);
          }
        }
        a.parameters.push_back(pr);
      }
      a.klass = worst;
    }
    if (a.klass && a.target) {
      a.met = *a.klass <= *a.target;
      a.warning = config.warning.colour(*a.klass, *a.target);
    }

    // Responsibility: the incremental catchment; a section whose unit closes a section
    // farther downstream too (an empty catchment) answers for its own unit.
    std::vector<std::size_t> units = catchments[si];
    if (units.empty() && ms.unit) units = {*ms.unit};
    std::set<std::string> town_set, county_set;
    for (std::size_t u : units) {
      a.units.push_back(plan.units[u].code);
      a.catchment_area_m2 += plan.units[u].geometry.area();
      if (!plan.units[u].township.empty()) town_set.insert(plan.units[u].township);
      const std::string county = county_of_unit(u);
      if (!county.empty()) county_set.insert(county);
    }
    std::sort(a.units.begin(), a.units.end());
    a.townships.assign(town_set.begin(), town_set.end());
    a.counties.assign(county_set.begin(), county_set.end());

    // Cross-boundary: the county of the section's unit vs that of the unit downstream.
    if (ms.unit) {
      const std::string up = county_of_unit(*ms.unit);
      const auto next = network.main_downstream(*ms.unit);
      const std::string down = next ? county_of_unit(*next) : "";
      const bool crosses = !up.empty() && !down.empty() && up != down;
      if (crosses || a.kind.find("跨界") != std::string::npos) {
        CrossBoundary cb;
        cb.upstream_county = up;
        cb.downstream_county = down != up ? down : "";
        if (a.klass && a.target && config.compensation.enabled && !cb.downstream_county.empty()) {
          cb.class_difference = static_cast<int>(*a.klass) - static_cast<int>(*a.target);
          if (cb.class_difference > 0) {
            cb.amount = cb.class_difference * config.compensation.per_class_worse;
            cb.payer = cb.upstream_county;
            cb.payee = cb.downstream_county;
          } else if (cb.class_difference < 0) {
            cb.amount = -cb.class_difference * config.compensation.per_class_better;
            cb.payer = cb.downstream_county;
            cb.payee = cb.upstream_county;
          }
          if (cb.amount == 0) cb.payer = cb.payee = "";
        }
        a.cross_boundary = cb;
      }
    }

    // Roll-ups.
    auto tally = [&](ResponsibilityTally& t) {
      t.sections.push_back(a.code);
      count(a.warning, t.green, t.yellow, t.red, t.no_data);
    };
    for (const auto& code : a.townships) tally(r.by_township[code]);
    for (const auto& code : a.counties) tally(r.by_county[code]);
    if (a.warning == Warning::red)
      for (std::size_t u : units) {
        const double area = plan.units[u].geometry.area();
        if (!plan.units[u].township.empty())
          r.by_township[plan.units[u].township].red_area_m2 += area;
        const std::string county = county_of_unit(u);
        if (!county.empty()) r.by_county[county].red_area_m2 += area;
      }
    count(a.warning, r.green, r.yellow, r.red, r.no_data);
    r.sections.push_back(std::move(a));
  }
  for (auto& [code, t] : r.by_township) {
    std::sort(t.sections.begin(), t.sections.end());
    const auto it = townships.find(code);
    if (it != townships.end()) t.name = it->second->name;
  }
  std::map<std::string, std::string> county_names;
  for (const auto& c : plan.layer("counties")) county_names[c.code] = c.name;
  for (auto& [code, t] : r.by_county) {
    std::sort(t.sections.begin(), t.sections.end());
    t.name = county_names.count(code) ? county_names[code] : "";
  }
  return r;
}

}  // namespace basinkit
