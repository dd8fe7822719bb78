#include "plan_builder.hpp"

namespace basinkit::test {

PlanBuilder& PlanBuilder::boundary(const std::string& wkt) {
  boundary_.push_back({{}, wkt});
  return *this;
}
PlanBuilder& PlanBuilder::basin(const std::string& code, int level, const std::string& parent,
                                const std::string& wkt, const std::string& name) {
  basins_.push_back({{code, name, std::to_string(level), parent}, wkt});
  return *this;
}
PlanBuilder& PlanBuilder::unit(const std::string& code, const std::string& basin,
                               const std::string& township, const std::string& wkt,
                               const std::string& name) {
  units_.push_back({{code, name, basin, township}, wkt});
  return *this;
}
PlanBuilder& PlanBuilder::township(const std::string& code, const std::string& county,
                                   const std::string& wkt, const std::string& name) {
  townships_.push_back({{code, name, county}, wkt});
  return *this;
}
PlanBuilder& PlanBuilder::allowed_gap(const std::string& wkt) {
  allowed_.push_back({{}, wkt});
  return *this;
}
PlanBuilder& PlanBuilder::layer(const std::string& key, const std::vector<std::string>& fields,
                                const std::vector<FixtureFeature>& features,
                                const std::string& settings) {
  extra_.emplace_back(key, fields, features, settings);
  return *this;
}

PlanBuilder& PlanBuilder::option(const std::string& line) {
  options_.push_back(line);
  return *this;
}

std::string PlanBuilder::write(const TempDir& dir) const {
  const std::string gpkg = dir / "plan.gpkg";
  std::string manifest = "name: 测试规划\ncrs: EPSG:4547\n";
  for (const auto& o : options_) manifest += o + "\n";
  manifest += "layers:\n";
  auto add = [&](const std::string& key, const std::vector<std::string>& fields,
                 const std::vector<FixtureFeature>& features, const std::string& settings = "") {
    if (features.empty()) return;
    FixtureLayer l;
    l.layer = key;
    l.fields = fields;
    l.features = features;
    write_layer(gpkg, l);
    manifest += "  " + key + ": { source: plan.gpkg, layer: " + key +
                (settings.empty() ? "" : ", " + settings) + " }\n";
  };
  add("boundary", {}, boundary_);
  add("basins", {"code", "name", "level:int", "parent"}, basins_);
  add("units", {"code", "name", "basin", "township"}, units_);
  add("townships", {"code", "name", "county"}, townships_);
  add("allowed_gaps", {}, allowed_);
  for (const auto& [key, fields, features, settings] : extra_) add(key, fields, features, settings);
  write_text(dir / "plan.yaml", manifest);
  return dir / "plan.yaml";
}

}  // namespace basinkit::test
