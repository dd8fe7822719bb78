// basinkit trace PLAN (--unit CODE | --section CODE | --at X,Y [--srs S])
//                [--upstream | --downstream] [-o FILE.json] [--format json]:
// where water comes from or goes to (docs/network.md).
#include <basinkit/crs.hpp>
#include <basinkit/error.hpp>
#include <basinkit/network.hpp>
#include <basinkit/report.hpp>

#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli_common.hpp"

namespace basinkit::cli {
namespace {

struct TraceOptions : PlanOptions {
  std::string unit, section, at;
  std::string srs = "EPSG:4326";
  bool upstream = false;
  bool downstream = false;
  std::string output;
};

bool is_json_path(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".json";
}

/// "CODE 名称", or the code alone.
std::string unit_label(const Plan& plan, const std::string& code) {
  for (const auto& u : plan.units)
    if (u.code == code) return u.name.empty() ? code : fmt::format("{} {}", code, u.name);
  return code;
}

void print_text(const Plan& plan, const DrainageNetwork& net, const TraceResult& r) {
  const bool up = r.direction == TraceDirection::upstream;
  fmt::print("from:       {} {}\n", r.from_kind, r.from_code.empty() ? "-" : r.from_code);
  if (r.point) {
    fmt::print("point:      {:.2f} {:.2f} in {}\n", (*r.point)[0], (*r.point)[1], plan.working_crs);
    if (r.location.outside_plan) fmt::print("            outside the plan area\n");
  }
  fmt::print("network:    {}\n", to_string(net.source()));
  fmt::print("{}: {} units, {:.2f} km²\n", up ? "upstream  " : "downstream", r.units.size(),
             r.area_km2);
  fmt::print("sections:   {}\n",
             r.sections.empty() ? "-" : fmt::format("{}", fmt::join(r.sections, ", ")));
  fmt::print("townships:  {}\n",
             r.townships.empty() ? "-" : fmt::format("{}", fmt::join(r.townships, ", ")));
  fmt::print("counties:   {}\n",
             r.counties.empty() ? "-" : fmt::format("{}", fmt::join(r.counties, ", ")));
  if (up) {
    fmt::print("units:      {}\n", fmt::join(r.units, ", "));
    return;
  }
  if (!r.path.empty()) fmt::print("main stem:\n");
  const auto& zones = plan.layer("zones");
  for (const DownstreamStep& step : r.path) {
    std::string line = "  " + unit_label(plan, plan.units[step.unit].code);
    if (step.distance_m) line += fmt::format("  {:.2f} km", *step.distance_m / 1000);
    for (std::size_t s : step.sections) {
      const MonitoringSection& section = net.sections()[s];
      line += fmt::format("  断面 {}",
                          section.name.empty() ? section.code : section.code + " " + section.name);
    }
    for (std::size_t z : step.drinking_water_zones)
      line +=
          fmt::format("  水源地 {}",
                      zones[z].name.empty() ? zones[z].code : zones[z].code + " " + zones[z].name);
    fmt::print("{}\n", line);
  }
}

}  // namespace

void register_trace(CLI::App& app, Action& action) {
  auto options = std::make_shared<TraceOptions>();
  CLI::App* cmd =
      app.add_subcommand("trace", "the units, sections and townships up- or downstream of a place");
  add_plan_options(*cmd, *options);
  auto* unit = cmd->add_option("--unit", options->unit, "start at this control unit (code)");
  auto* section = cmd->add_option("--section", options->section, "start at this section (code)");
  auto* at = cmd->add_option("--at", options->at, "start at the point X,Y (lon,lat by default)");
  unit->excludes(section)->excludes(at);
  section->excludes(at);
  cmd->add_option("--srs", options->srs,
                  "CRS of --at: any PROJ/OGR definition, or GCJ02 (default EPSG:4326)");
  auto* up = cmd->add_flag("--upstream", options->upstream, "where the water comes from");
  auto* down =
      cmd->add_flag("--downstream", options->downstream, "where the water goes (the default)");
  up->excludes(down);
  cmd->add_option("-o,--output", options->output, "write the trace as JSON (.json)");
  cmd->callback([&action, options] {
    action = [options] {
      if (options->unit.empty() && options->section.empty() && options->at.empty())
        throw CLI::ValidationError("trace", "give --unit, --section or --at");
      if (!options->output.empty() && !is_json_path(options->output))
        throw InputError("trace writes JSON only: give -o a .json file", Where(options->output));
      TraceQuery query;
      query.direction = options->upstream ? TraceDirection::upstream : TraceDirection::downstream;
      std::optional<XY> point;
      if (!options->at.empty()) point = parse_xy(options->at);
      const Plan plan = load(*options);
      if (point) {
        PointTransform(options->srs, plan.working_crs).apply(point->x, point->y);
        query.point = std::array<double, 2>{point->x, point->y};
      }
      if (!options->unit.empty()) query.unit = options->unit;
      if (!options->section.empty()) query.section = options->section;
      const DrainageNetwork net = build_network(plan);
      const TraceResult result = trace(plan, net, query);
      if (!options->output.empty() || options->format == "json") {
        const Provenance provenance = plan_provenance(plan, command_line());
        if (!options->output.empty()) {
          std::ofstream file(options->output, std::ios::binary);
          if (!file) throw InputError("cannot write the file", Where(options->output));
          write_trace_json(plan, net, result, provenance, file);
          if (!file) throw InputError("cannot write the file", Where(options->output));
        }
        if (options->format == "json") write_trace_json(plan, net, result, provenance, std::cout);
      }
      if (options->format != "json") print_text(plan, net, result);
      return kOk;
    };
  });
}

}  // namespace basinkit::cli
