// The assessment config (docs/assessment.md): which columns of the monitoring file hold
// what, in which units, which sections are lakes, the warning colours and the
// compensation scheme. Unknown keys are errors: a misspelt key would otherwise silently
// leave a default in force.
#include <basinkit/assessment.hpp>
#include <basinkit/error.hpp>

#include <fmt/format.h>

#include <cmath>

#include "io/yaml_util.hpp"

namespace basinkit {
namespace {

struct UnitSpelling {
  const char* unit;
  double factor;
};
// Concentrations; fecal coliform counts; pH has no unit.
const UnitSpelling kConcentration[] = {{"mg/l", 1},     {"毫克/升", 1},  {"μg/l", 0.001},
                                       {"µg/l", 0.001}, {"ug/l", 0.001}, {"微克/升", 0.001},
                                       {"ng/l", 1e-6}};
const UnitSpelling kCounts[] = {{"个/l", 1},      {"mpn/l", 1},      {"cfu/l", 1},
                                {"个/100ml", 10}, {"mpn/100ml", 10}, {"cfu/100ml", 10}};
const UnitSpelling kNoUnit[] = {{"无量纲", 1}, {"dimensionless", 1}, {"-", 1}, {"none", 1}};

Where at(const std::string& file, const YAML::Node& node) {
  Where w{file};
  w.line = yaml::line_of(node);
  return w;
}

void only_keys(const YAML::Node& map, const std::string& file, const std::string& what,
               std::initializer_list<const char*> keys) {
  if (!map.IsMap()) throw InputError(fmt::format("'{}' must be a mapping", what), at(file, map));
  for (const auto& kv : map) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    bool known = false;
    for (const char* k : keys) known = known || key == k;
    if (!known)
      throw InputError(
          fmt::format("unknown key '{}' in '{}' (known: {})", key, what, fmt::join(keys, ", ")),
          at(file, kv.first));
  }
}

int whole_number(const YAML::Node& node, const std::string& file, const std::string& what, int min,
                 int max) {
  const double v = yaml::number(node, file, what);
  if (!(v >= min && v <= max) || std::floor(v) != v)
    throw InputError(fmt::format("'{}' must be a whole number from {} to {}", what, min, max),
                     at(file, node));
  return static_cast<int>(v);
}

double amount(const YAML::Node& node, const std::string& file, const std::string& what) {
  const double v = yaml::number(node, file, what);
  if (!(v >= 0) || !std::isfinite(v))
    throw InputError(fmt::format("'{}' must be a number ≥ 0", what), at(file, node));
  return v;
}

void read_monitoring_keys(const YAML::Node& m, const std::string& file, AssessmentConfig& c) {
  only_keys(m, file, "monitoring", {"layer", "section", "date", "unit", "parameters"});
  if (m["layer"]) c.layer = yaml::text(m["layer"], file, "monitoring.layer");
  if (m["section"]) {
    c.section_columns = {yaml::text(m["section"], file, "monitoring.section")};
    c.explicit_section = true;
  }
  if (m["date"]) {
    c.date_columns = {yaml::text(m["date"], file, "monitoring.date")};
    c.explicit_date = true;
  }
  if (m["unit"]) {
    c.default_unit = yaml::text(m["unit"], file, "monitoring.unit");
    if (!unit_factor(Parameter::TP, c.default_unit))
      throw InputError(fmt::format("'{}' is no unit of concentration (mg/L, μg/L)", c.default_unit),
                       at(file, m["unit"]));
  }
  const YAML::Node params = m["parameters"];
  if (!params) return;
  if (!params.IsMap())
    throw InputError("'monitoring.parameters' must map parameters to columns", at(file, params));
  for (const auto& kv : params) {
    const std::string key = yaml::text(kv.first, file, "monitoring.parameters");
    const auto p = find_parameter(key);
    if (!p)
      throw InputError(
          fmt::format("'{}' is no parameter of GB 3838-2002 Table 1 that basinkit assesses "
                      "(DO, CODMn, COD, BOD5, NH3-N, TP, TN, … see docs/assessment.md)",
                      key),
          at(file, kv.first));
    ParameterColumn column{*p, {}, {}, true};
    const std::string what = "monitoring.parameters." + key;
    if (kv.second.IsMap()) {
      only_keys(kv.second, file, what, {"column", "unit"});
      if (!kv.second["column"])
        throw InputError(fmt::format("'{}' needs a 'column'", what), at(file, kv.second));
      column.columns = {yaml::text(kv.second["column"], file, what + ".column")};
      if (kv.second["unit"]) {
        column.unit = yaml::text(kv.second["unit"], file, what + ".unit");
        if (!unit_factor(*p, column.unit))
          throw InputError(fmt::format("'{}' is no unit of {} ({})", column.unit, key,
                                       *limits_of(*p).unit ? limits_of(*p).unit : "no unit"),
                           at(file, kv.second["unit"]));
      }
    } else {
      column.columns = {yaml::text(kv.second, file, what)};
    }
    if (column.columns[0].empty())
      throw InputError(fmt::format("'{}' names no column", what), at(file, kv.second));
    for (auto& existing : c.parameters)
      if (existing.parameter == *p) {
        existing = column;
        column.columns.clear();
      }
    if (!column.columns.empty()) c.parameters.push_back(column);
  }
}

void read_warning(const YAML::Node& w, const std::string& file, WarningScheme& s) {
  only_keys(w, file, "warning", {"yellow", "red", "worse_than_v"});
  if (w["yellow"]) s.yellow_from = whole_number(w["yellow"], file, "warning.yellow", 1, 5);
  if (w["red"]) s.red_from = whole_number(w["red"], file, "warning.red", 1, 5);
  if (s.red_from < s.yellow_from)
    throw InputError(fmt::format("warning.red ({}) must be at least warning.yellow ({})",
                                 s.red_from, s.yellow_from),
                     at(file, w));
  if (w["worse_than_v"]) {
    const std::string v = yaml::text(w["worse_than_v"], file, "warning.worse_than_v");
    if (v != "red" && v != "by_classes")
      throw InputError("'warning.worse_than_v' must be red or by_classes",
                       at(file, w["worse_than_v"]));
    s.worse_than_v_is_red = v == "red";
  }
}

void read_compensation(const YAML::Node& n, const std::string& file, CompensationScheme& s) {
  only_keys(n, file, "compensation",
            {"enabled", "currency", "per_class_worse", "per_class_better"});
  if (n["enabled"]) s.enabled = yaml::boolean(n["enabled"], file, "compensation.enabled");
  if (n["currency"]) s.currency = yaml::text(n["currency"], file, "compensation.currency");
  if (n["per_class_worse"])
    s.per_class_worse = amount(n["per_class_worse"], file, "compensation.per_class_worse");
  if (n["per_class_better"])
    s.per_class_better = amount(n["per_class_better"], file, "compensation.per_class_better");
}

}  // namespace

std::optional<double> unit_factor(Parameter p, std::string_view unit) {
  std::string u;
  for (char c : unit)
    if (c != ' ') u += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  auto look = [&u](const auto& spellings) -> std::optional<double> {
    for (const UnitSpelling& s : spellings)
      if (u == s.unit) return s.factor;
    return std::nullopt;
  };
  if (p == Parameter::pH) return u.empty() ? std::optional(1.0) : look(kNoUnit);
  if (p == Parameter::FecalColiform) return look(kCounts);
  return look(kConcentration);
}

AssessmentConfig default_assessment_config() {
  AssessmentConfig c;
  for (const ParameterLimits& row : gb3838_table1())
    c.parameters.push_back({row.id, {row.key, row.name_zh}, {}, false});
  return c;
}

AssessmentConfig parse_assessment_config(const std::string& text, const std::string& path) {
  AssessmentConfig c = default_assessment_config();
  c.path = path;
  const YAML::Node root = yaml::load_text(text, path);
  if (!root || root.IsNull()) return c;
  try {
    only_keys(root, path, "the assessment config",
              {"monitoring", "lakes", "warning", "compensation"});
    if (root["monitoring"]) read_monitoring_keys(root["monitoring"], path, c);
    if (const YAML::Node lakes = root["lakes"]) {
      if (!lakes.IsSequence())
        throw InputError("'lakes' must be a list of section codes", at(path, lakes));
      for (const auto& code : lakes) c.lakes.insert(yaml::text(code, path, "lakes"));
    }
    if (root["warning"]) read_warning(root["warning"], path, c.warning);
    if (root["compensation"]) read_compensation(root["compensation"], path, c.compensation);
  } catch (const YAML::Exception& e) {
    // yaml-cpp throws on odd nodes (aliases of maps as keys ...): still bad input.
    Where w{path};
    w.line = e.mark.is_null() ? 0 : e.mark.line + 1;
    throw InputError("cannot read the assessment config: " + e.msg, w);
  }
  return c;
}

AssessmentConfig read_assessment_config(const std::string& path) {
  return parse_assessment_config(yaml::read_file(path), path);
}

}  // namespace basinkit
