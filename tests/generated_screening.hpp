#pragma once
// Set-up shared by the tests that screen a generated plan's own sites with its own
// demo-shaped rules. It lives with the tests, not in the plan generator, which stays
// independent of the library (it is the tests' peer).

#include <basinkit/plan.hpp>
#include <basinkit/rules.hpp>
#include <basinkit/screening.hpp>

#include "fixtures.hpp"
#include "plan_generator.hpp"

namespace basinkit::test {

/// A plan generated into `dir`, loaded, its rules compiled, and its sites as a source.
struct GeneratedScreening {
  GeneratedScreening(const TempDir& dir, const bench::GeneratorOptions& options)
      : generated(bench::generate_plan(dir.path(), options)),
        plan(load_plan(generated.manifest_path)),
        screener(plan, {read_rules(generated.rules_path)}) {
    sites.path = dir / generated.sites_source;
    sites.layer = generated.sites_layer;
  }
  GeneratedScreening(const GeneratedScreening&) = delete;  // the screener refers to `plan`
  GeneratedScreening& operator=(const GeneratedScreening&) = delete;

  bench::GeneratedPlan generated;
  Plan plan;
  Screener screener;
  SiteSource sites;
};

}  // namespace basinkit::test
