#include "cli_common.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace basinkit::cli {

void add_plan_options(CLI::App& cmd, PlanOptions& o) {
  cmd.add_option("PLAN", o.plan, "plan manifest (YAML)")->required()->check(CLI::ExistingFile);
  cmd.add_flag("--allow-network", o.allow_network,
               "allow URLs and network /vsi* sources in the manifest");
  cmd.add_option("--format", o.format, "output on stdout: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd.add_flag("-q,--quiet", o.quiet, "no progress output");
}

Plan load(const PlanOptions& o) {
  LoadOptions options;
  options.allow_network = o.allow_network;
  return load_plan(o.plan, options);
}

XY parse_xy(const std::string& text) {
  const auto sep = text.find_first_of(", ");
  if (sep != std::string::npos) {
    char* end1 = nullptr;
    char* end2 = nullptr;
    const std::string a = text.substr(0, sep), b = text.substr(sep + 1);
    XY p{std::strtod(a.c_str(), &end1), std::strtod(b.c_str(), &end2)};
    if (!a.empty() && !b.empty() && *end1 == '\0' && *end2 == '\0' && std::isfinite(p.x) &&
        std::isfinite(p.y))
      return p;
  }
  throw CLI::ValidationError("--at", "expected X,Y (e.g. 112.57,31.17), got '" + text + "'");
}

namespace {
std::string g_command_line;
}  // namespace

const std::string& command_line() { return g_command_line; }

void set_command_line(int argc, char** argv) {
  g_command_line.clear();
  for (int i = 0; i < argc; ++i) g_command_line += (i ? " " : "") + std::string(argv[i]);
}

nlohmann::json to_json(const Location& loc) {
  auto code = [](const std::optional<std::string>& c) {
    return c ? nlohmann::json(*c) : nlohmann::json(nullptr);
  };
  nlohmann::json basins = nlohmann::json::object();
  for (const auto& [level, c] : loc.basins) basins[std::to_string(level)] = code(c);
  return {{"unit", code(loc.unit)},
          {"manager", code(loc.manager)},
          {"township", code(loc.township)},
          {"county", code(loc.county)},
          {"basins", basins},
          {"outside_plan", loc.outside_plan}};
}

Provenance rules_provenance(const Plan& plan, const std::vector<std::string>& rule_paths) {
  Provenance p = plan_provenance(plan, command_line());
  for (const auto& path : rule_paths)
    p.inputs.push_back({"rules", path, "", sha256_of_file(path), "", ""});
  return p;
}

}  // namespace basinkit::cli
