// basinkit locate PLAN --at X,Y [--srs S]: the basins, unit and township at a point.
#include <basinkit/crs.hpp>
#include <basinkit/locate.hpp>

#include <fmt/format.h>

#include <iostream>

#include "cli_common.hpp"

namespace basinkit::cli {
namespace {

struct LocateOptions : PlanOptions {
  std::string at;
  std::string srs = "EPSG:4326";
};

template <typename Features>
std::string name_of(const Features& features, const std::optional<std::string>& code) {
  if (!code) return "-";
  for (const auto& f : features)
    if (f.code == *code) return f.name.empty() ? *code : fmt::format("{} {}", *code, f.name);
  return *code;
}

}  // namespace

void register_locate(CLI::App& app, Action& action) {
  auto options = std::make_shared<LocateOptions>();
  CLI::App* cmd = app.add_subcommand("locate", "the basins, control unit and township at a point");
  add_plan_options(*cmd, *options);
  cmd->add_option("--at", options->at, "X,Y of the point (lon,lat for geographic CRSs)")
      ->required();
  cmd->add_option("--srs", options->srs,
                  "CRS of --at: any PROJ/OGR definition, or GCJ02 (default EPSG:4326)");
  cmd->callback([&action, options] {
    action = [options] {
      XY p = parse_xy(options->at);
      const Plan plan = load(*options);
      const PointTransform to_working(options->srs, plan.working_crs);
      to_working.apply(p.x, p.y);
      const Location loc = Locator(plan).locate(p.x, p.y);
      if (options->format == "json") {
        nlohmann::json j = to_json(loc);
        j["x"] = p.x;
        j["y"] = p.y;
        std::cout << j.dump(2) << '\n';
        return kOk;
      }
      fmt::print("point:    {:.2f} {:.2f} in {} ({})\n", p.x, p.y, plan.working_crs,
                 to_working.description());
      if (loc.outside_plan) fmt::print("          outside the plan area\n");
      for (const auto& [level, code] : loc.basins) {
        std::string label = fmt::format("L{} basin:", level);
        fmt::print("{:<10}{}\n", label, name_of(plan.basins, code));
      }
      fmt::print("unit:     {}\n", name_of(plan.units, loc.unit));
      fmt::print("manager:  {}\n", name_of(plan.townships, loc.manager));
      fmt::print("township: {}\n", name_of(plan.townships, loc.township));
      fmt::print("county:   {}\n", loc.county.value_or("-"));
      return kOk;
    };
  });
}

}  // namespace basinkit::cli
