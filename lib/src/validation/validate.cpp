// validate(): runs the check groups asked for and puts their findings in report order.
#include <basinkit/error.hpp>
#include <basinkit/validate.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "jurisdiction/jurisdiction.hpp"
#include "network/network_findings.hpp"
#include "validation/checks.hpp"
#include "validation/plan_view.hpp"

namespace basinkit {
namespace {

const char* group_name(CheckGroup g) {
  switch (g) {
    case CheckGroup::hierarchy:
      return "hierarchy";
    case CheckGroup::coverage:
      return "coverage";
    case CheckGroup::jurisdiction:
      return "jurisdiction";
    case CheckGroup::network:
      return "network";
  }
  return "";
}

/// Names parallel to codes, looked up among the layers the finding's codes come from.
void fill_names(const Plan& plan, std::vector<Finding>& findings) {
  std::map<std::string, std::string> units, basins, townships;
  for (const auto& u : plan.units) units.emplace(u.code, u.name);
  for (const auto& b : plan.basins) basins.emplace(b.code, b.name);
  for (const auto& t : plan.townships) townships.emplace(t.code, t.name);
  auto lookup = [&](const Finding& f, const std::string& code) -> std::string {
    const std::map<std::string, std::string>* order[3] = {&units, &basins, &townships};
    if (f.layer == "townships") std::swap(order[0], order[2]);
    for (const auto* book : order) {
      auto it = book->find(code);
      if (it != book->end()) return it->second;
    }
    return "";
  };
  for (Finding& f : findings) {
    if (f.names.size() == f.codes.size()) continue;
    f.names.clear();
    for (const auto& c : f.codes) f.names.push_back(lookup(f, c));
  }
}

}  // namespace

void attribute_to_townships(const Plan& plan, std::vector<Finding>& findings) {
  std::map<std::string, std::string> manager, county;
  for (const auto& u : plan.units) manager.emplace(u.code, u.township);
  for (const auto& t : plan.townships) county.emplace(t.code, t.county);
  for (Finding& f : findings) {
    if (f.townships.empty()) {
      std::set<std::string> towns;
      for (const auto& code : f.codes) {
        if (f.layer == "units" && manager.count(code) && !manager[code].empty())
          towns.insert(manager[code]);
        if (f.layer == "townships" && county.count(code)) towns.insert(code);
      }
      f.townships.assign(towns.begin(), towns.end());
    }
    if (f.counties.empty()) {
      std::set<std::string> counties;
      for (const auto& t : f.townships) {
        auto it = county.find(t);
        if (it != county.end() && !it->second.empty()) counties.insert(it->second);
      }
      f.counties.assign(counties.begin(), counties.end());
    }
  }
}

ValidationResult validate(const Plan& plan, const ValidateOptions& options) {
  auto wanted = [&](CheckGroup g) { return options.only.empty() || options.only.count(g) > 0; };
  const bool has_units = plan.has_layer("units");
  const bool has_basins = plan.has_layer("basins");
  const bool has_townships = plan.has_layer("townships");
  std::map<CheckGroup, bool> runnable = {
      {CheckGroup::hierarchy, has_basins || has_units || has_townships},
      {CheckGroup::coverage, has_basins || has_units},
      {CheckGroup::jurisdiction, has_units || has_townships},
      {CheckGroup::network, has_units && has_network(plan)}};
  for (CheckGroup g : options.only)
    if (!runnable[g])
      throw InputError(
          fmt::format("--only {}: the plan has none of the layers it checks ({})", group_name(g),
                      g == CheckGroup::jurisdiction ? "units, townships"
                      : g == CheckGroup::network
                          ? "units with a downstream field, or rivers with a direction"
                          : "basins, units"),
          Where(plan.manifest.path));

  ValidationResult result;
  validation::PlanView view(plan, result.findings);
  if (wanted(CheckGroup::hierarchy)) {
    if (runnable[CheckGroup::hierarchy])
      validation::check_hierarchy(view, result.findings);
    else
      result.skipped.push_back("hierarchy: no basins, units or townships layer");
  }
  if (wanted(CheckGroup::coverage)) {
    if (runnable[CheckGroup::coverage])
      validation::check_coverage(view, options.threads, options.progress, result.findings,
                                 result.skipped);
    else
      result.skipped.push_back("coverage: no basins or units layer");
  }
  if (wanted(CheckGroup::jurisdiction)) {
    if (!has_units) result.skipped.push_back("jurisdiction of units: no units layer");
    if (!has_townships) result.skipped.push_back("jurisdiction: no townships layer");
    if (runnable[CheckGroup::jurisdiction]) {
      std::vector<Finding> found = check_jurisdiction(plan, options.threads, options.progress);
      for (auto& f : found) result.findings.push_back(std::move(f));
    }
  }
  // A plan that does not say how its water flows has no network to check, and its
  // report stays as it was before network checks existed (no `skipped` line either).
  if (wanted(CheckGroup::network) && runnable[CheckGroup::network])
    network::check_network(plan, build_network(plan), result.findings, result.skipped);
  fill_names(plan, result.findings);
  attribute_to_townships(plan, result.findings);
  std::sort(result.findings.begin(), result.findings.end(), report_order);
  return result;
}

}  // namespace basinkit
