// basinkit info PLAN: counts, areas, CRS and extent per layer and per basin level.
#include <basinkit/info.hpp>

#include <fmt/format.h>

#include <cmath>
#include <iostream>

#include "cli_common.hpp"

namespace basinkit::cli {
namespace {

nlohmann::json extent_json(const Extent& e) {
  if (std::isnan(e[0])) return nullptr;
  return {e[0], e[1], e[2], e[3]};
}

nlohmann::json summary_json(const LayerSummary& s) {
  return {{"count", s.count}, {"area_m2", s.area_m2}, {"extent", extent_json(s.extent)}};
}

void print_text(const PlanSummary& s) {
  fmt::print("plan: {}\ncrs:  {} ({})\n\n", s.name.empty() ? "(unnamed)" : s.name, s.crs,
             s.crs_name);
  fmt::print("{:<14} {:>8} {:>14}  {}\n", "layer", "features", "area km²", "extent (working CRS)");
  auto row = [](const std::string& label, const LayerSummary& l) {
    const std::string extent = std::isnan(l.extent[0])
                                   ? "-"
                                   : fmt::format("{:.0f} {:.0f} - {:.0f} {:.0f}", l.extent[0],
                                                 l.extent[1], l.extent[2], l.extent[3]);
    fmt::print("{:<14} {:>8} {:>14.3f}  {}\n", label, l.count, l.area_m2 / 1e6, extent);
  };
  for (const auto& [key, layer] : s.layers) {
    row(key, layer);
    if (key == "basins")
      for (const auto& [level, l] : s.levels) row(fmt::format("  level {}", level), l);
  }
  fmt::print("\nareas are planar, in the working CRS\n");
}

}  // namespace

void register_info(CLI::App& app, Action& action) {
  auto options = std::make_shared<PlanOptions>();
  CLI::App* cmd = app.add_subcommand("info", "counts, areas, CRS and extent of each plan layer");
  add_plan_options(*cmd, *options);
  cmd->callback([&action, options] {
    action = [options] {
      const Plan plan = load(*options);
      const PlanSummary s = summarize(plan);
      if (options->format == "json") {
        nlohmann::json layers = nlohmann::json::object();
        for (const auto& [key, l] : s.layers) layers[key] = summary_json(l);
        if (layers.contains("basins")) {
          nlohmann::json levels = nlohmann::json::object();
          for (const auto& [level, l] : s.levels)
            levels[std::to_string(level)] = {{"count", l.count}, {"area_m2", l.area_m2}};
          layers["basins"]["levels"] = levels;
        }
        std::cout << nlohmann::json{{"crs", s.crs}, {"layers", layers}}.dump(2) << '\n';
      } else {
        print_text(s);
      }
      return kOk;
    };
  });
}

}  // namespace basinkit::cli
