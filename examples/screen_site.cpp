// Screens one project site with basinkit's C++ API: "may a chemical plant be built here,
// and why?" (the same question as `basinkit screen PLAN --rules R --at X,Y ...`).
//
//   screen_site_cpp PLAN RULES [LON LAT [INDUSTRY [ACTION]]]
//   screen_site_cpp data/shapefiles/plan.yaml data/shapefiles/rules.yaml
//
// Exit status as the CLI's: 0 done, 2 bad input, 3 internal error.
#include <basinkit/crs.hpp>
#include <basinkit/error.hpp>
#include <basinkit/plan.hpp>
#include <basinkit/rules.hpp>
#include <basinkit/screening.hpp>
#include <basinkit/version.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: " << argv[0] << " PLAN RULES [LON LAT [INDUSTRY [ACTION]]]\n";
    return 2;
  }
  // A chemical plant (GB/T 4754 C2614) next to the Han river in the demo plan.
  double x = argc > 4 ? std::strtod(argv[3], nullptr) : 112.42309;
  double y = argc > 4 ? std::strtod(argv[4], nullptr) : 31.36735;
  try {
    const basinkit::Plan plan = basinkit::load_plan(argv[1]);
    std::vector<basinkit::RuleFile> rules;
    rules.push_back(basinkit::read_rules(argv[2]));
    const basinkit::Screener screener(plan, std::move(rules));  // compile once, screen many

    // Sites are screened in the plan's working CRS: bring lon,lat (WGS 84) there.
    basinkit::PointTransform("EPSG:4326", plan.working_crs).apply(x, y);
    std::ostringstream wkt;
    wkt.precision(17);
    wkt << "POINT (" << x << ' ' << y << ')';

    basinkit::Site site;
    site.id = "1";
    site.industry = argc > 5 ? argv[5] : "C2614";
    site.action = argc > 6 ? argv[6] : "new";
    site.geometry = basinkit::Geometry::from_wkt(wkt.str());
    const basinkit::SiteResult result = screener.screen(site);

    std::cout << "basinkit " << BASINKIT_VERSION << "\n"
              << "verdict: " << to_string(result.verdict) << "\n"
              << "unit: " << result.location.unit.value_or("-")
              << ", township: " << result.location.township.value_or("-") << "\n";
    for (const basinkit::AppliedRule& applied : result.rules)
      std::cout << "- [" << to_string(applied.rule->effect) << "] " << applied.rule->id << ' '
                << applied.rule->title << "\n  basis: " << applied.rule->basis << '\n';
    if (result.rules.empty()) std::cout << "no rule of the lists applies\n";
    return 0;
  } catch (const basinkit::InputError& e) {  // names file, layer, feature, field
    std::cerr << "error: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << '\n';
    return 3;
  }
}
