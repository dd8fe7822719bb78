// A trace as JSON (`basinkit trace --format json`, `-o trace.json`).
#include <basinkit/network.hpp>

#include "report/report_common.hpp"

namespace basinkit {

void write_trace_json(const Plan& plan, const DrainageNetwork& network, const TraceResult& result,
                      const Provenance& provenance, std::ostream& out) {
  using report::Json;
  auto code = [](const std::optional<std::string>& c) { return c ? Json(*c) : Json(nullptr); };
  Json from{{"kind", result.from_kind},
            {"code", result.from_code.empty() ? Json(nullptr) : Json(result.from_code)}};
  if (result.point) {
    from["x"] = report::rounded((*result.point)[0], report::kMetricDecimals);
    from["y"] = report::rounded((*result.point)[1], report::kMetricDecimals);
    from["location"] = Json{{"unit", code(result.location.unit)},
                            {"manager", code(result.location.manager)},
                            {"township", code(result.location.township)},
                            {"county", code(result.location.county)},
                            {"outside_plan", result.location.outside_plan}};
  }
  Json path = Json::array();
  const auto& zones = plan.layer("zones");
  for (const DownstreamStep& step : result.path) {
    Json sections = Json::array(), intakes = Json::array();
    for (std::size_t s : step.sections) sections.push_back(network.sections()[s].code);
    for (std::size_t z : step.drinking_water_zones) intakes.push_back(zones[z].code);
    path.push_back(
        Json{{"unit", plan.units[step.unit].code},
             {"name", plan.units[step.unit].name},
             {"distance_m", step.distance_m
                                ? Json(report::rounded(*step.distance_m, report::kMetricDecimals))
                                : Json(nullptr)},
             {"sections", sections},
             {"drinking_water_zones", intakes}});
  }
  Json j{{"from", from},
         {"direction", result.direction == TraceDirection::upstream ? "upstream" : "downstream"},
         {"network", to_string(network.source())},
         {"units", result.units},
         {"sections", result.sections},
         {"townships", result.townships},
         {"counties", result.counties},
         {"area_km2", report::rounded(result.area_km2, 6)},
         {"path", path},
         {"provenance", report::provenance_json(provenance)}};
  out << j.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace basinkit
