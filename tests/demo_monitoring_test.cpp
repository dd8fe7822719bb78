// The demo's GENERATED monitoring file (data/shapefiles/monitoring.csv, written by
// tools/demo/make_monitoring.py): read by the assessment reader against the demo plan's
// sections, its classes and warnings are the ones data/shapefiles/README.md states.
#include <basinkit/assessment.hpp>
#include <basinkit/plan.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>
#include <utility>

using namespace basinkit;

namespace {

std::string demo(const std::string& file) {
  return std::string(BASINKIT_SOURCE_DIR) + "/data/shapefiles/" + file;
}

/// Single-factor class of each section over the months `first`..`last` (year * 12 +
/// month - 1): the worst class of the parameter means that take part for rivers.
std::map<std::string, WaterClass> classes(const MonitoringData& data, int first, int last) {
  std::map<std::string, std::map<Parameter, std::pair<double, int>>> sums;
  for (const Sample& s : data.samples) {
    if (s.month < first || s.month > last) continue;
    for (const auto& [p, v] : s.values) {
      sums[s.section][p].first += v;
      sums[s.section][p].second += 1;
    }
  }
  std::map<std::string, WaterClass> out;
  for (const auto& [section, by_parameter] : sums) {
    WaterClass worst = WaterClass::I;
    for (const auto& [p, sum] : by_parameter) {
      if (limits_of(p).role(WaterBody::river) != Role::in_class) continue;
      const WaterClass c = classify(p, sum.first / sum.second, WaterBody::river);
      if (c > worst) worst = c;
    }
    out[section] = worst;
  }
  return out;
}

}  // namespace

TEST_CASE(
    "The demo's generated monitoring gives a red, two yellow (one of them the "
    "cross-county section) and green sections in 2026",
    "[assessment][demo]") {
  const Plan plan = load_plan(demo("plan.yaml"));
  std::set<std::string> codes;
  std::map<std::string, WaterClass> target;
  std::map<std::string, std::string> kind;
  for (const PlanFeature& s : plan.layer("sections")) {
    codes.insert(s.code);
    REQUIRE(s.attributes.count("target") == 1);
    target[s.code] = *parse_water_class(s.attributes.at("target"));
    kind[s.code] = s.attributes.at("kind");
  }
  REQUIRE(codes.size() == 12);
  const MonitoringData data =
      read_monitoring(demo("monitoring.csv"), default_assessment_config(), codes);
  CHECK(data.samples.size() == 12 * 12 * 2);  // two samples a month for every section
  CHECK(data.measured.size() == 7);

  const int jan = 2026 * 12, dec = jan + 11, jul = jan + 6;
  const auto year = classes(data, jan, dec);
  REQUIRE(year.size() == 12);
  const WarningScheme scheme;
  std::map<std::string, Warning> colour;
  for (const auto& [code, c] : year) colour[code] = scheme.colour(c, target.at(code));
  CHECK(year.at("SEC06") == WaterClass::worse_than_V);
  CHECK(colour.at("SEC06") == Warning::red);
  CHECK(colour.at("SEC07") == Warning::yellow);
  CHECK(kind.at("SEC07") == "跨界");
  CHECK(colour.at("SEC10") == Warning::yellow);
  for (const char* green :
       {"SEC01", "SEC02", "SEC03", "SEC04", "SEC05", "SEC08", "SEC09", "SEC11", "SEC12"})
    CHECK(colour.at(green) == Warning::green);
  // TN is class IV or worse on the Han, and does not count for a river.
  CHECK(year.at("SEC01") == WaterClass::II);

  // 汉江沙洋 misses its target (II) in July only by total phosphorus.
  const auto july = classes(data, jul, jul);
  CHECK(july.at("SEC05") == WaterClass::III);
  CHECK(scheme.colour(july.at("SEC05"), target.at("SEC05")) == Warning::yellow);
}
