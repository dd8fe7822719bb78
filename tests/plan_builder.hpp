#pragma once
// Test fixture: a plan assembled feature by feature from WKT, written as one GeoPackage
// with a manifest, then loaded by the library like any user plan.

#include <basinkit/plan.hpp>

#include <string>
#include <tuple>
#include <vector>

#include "fixtures.hpp"

namespace basinkit::test {

class PlanBuilder {
 public:
  PlanBuilder& boundary(const std::string& wkt);
  PlanBuilder& basin(const std::string& code, int level, const std::string& parent,
                     const std::string& wkt, const std::string& name = "");
  PlanBuilder& unit(const std::string& code, const std::string& basin, const std::string& township,
                    const std::string& wkt, const std::string& name = "");
  PlanBuilder& township(const std::string& code, const std::string& county, const std::string& wkt,
                        const std::string& name = "");
  PlanBuilder& allowed_gap(const std::string& wkt);
  /// Any other layer (rivers, zones, ...) with text fields mapped to roles of the same
  /// name in lower case (e.g. field "CLASS" → role "class").
  /// `settings`: more keys of the layer's manifest entry, e.g. "outlets: [OCEAN]".
  PlanBuilder& layer(const std::string& key, const std::vector<std::string>& fields,
                     const std::vector<FixtureFeature>& features, const std::string& settings = "");
  /// Extra top-level manifest lines, e.g. "code_prefix: true".
  PlanBuilder& option(const std::string& line);

  /// Writes everything into `dir` and returns the manifest path.
  std::string write(const TempDir& dir) const;
  Plan load(const TempDir& dir) const { return load_plan(write(dir)); }

 private:
  std::vector<FixtureFeature> boundary_, basins_, units_, townships_, allowed_;
  std::vector<std::string> options_;
  std::vector<
      std::tuple<std::string, std::vector<std::string>, std::vector<FixtureFeature>, std::string>>
      extra_;
};

}  // namespace basinkit::test
