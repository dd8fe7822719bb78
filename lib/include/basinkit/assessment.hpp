#pragma once
// Section water-quality assessment (分断面考核, docs/assessment.md).
//
// A monitoring section (断面) is classed by GB 3838-2002 Table 1 with the single-factor
// method of the national evaluation method (《地表水环境质量评价办法（试行）》, 2011): each
// parameter's mean over the period gets a class, and the worst parameter that takes part
// sets the section's class. The class is held against the section's target (水质目标):
// met or missed, the parameters over target with their multiples (超标倍数), and a
// warning colour (green / yellow / red). The verdict then goes to the units of the
// section's incremental catchment (区间), their townships and counties; a section where
// the river crosses from one county into another gets a compensation line (横向生态补偿).
//
//   Assessment a = run_assessment(plan, {"monitoring.csv", "2026-10", "assessment.yaml"},
//                                 "my-program --period 2026-10");  // for the provenance
//   write_assessment_report(a.report(), "assessment.html");  // a.result().red ...
//
// run_assessment is `basinkit assess` (and bk_assess) in one call; step by step it is
//
//   AssessmentConfig config = read_assessment_config("assessment.yaml");
//   DrainageNetwork network = build_network(plan);
//   MonitoringData data = read_monitoring("monitoring.csv", config, section_codes(network));
//   AssessmentResult r = assess(plan, network, data, parse_period("2026-10"), config);
//
// Concentrations are in mg/L (fecal coliform in 个/L, pH dimensionless) once read: the
// reader converts the units the input states.

#include <basinkit/plan.hpp>
#include <basinkit/report.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace basinkit {

/// 水质类别: I..V of GB 3838-2002, and 劣V (worse than V). Ordered: a larger value is worse.
enum class WaterClass : int { I = 1, II = 2, III = 3, IV = 4, V = 5, worse_than_V = 6 };
/// "I", "II", "III", "IV", "V", "劣V".
const char* to_string(WaterClass c);
/// The national method's 水质状况: 优 (I–II), 良好 (III), 轻度污染 (IV), 中度污染 (V),
/// 重度污染 (劣V).
const char* quality_status(WaterClass c);
/// Reads a target or class as people write it: "III", "Ⅲ", "Ⅲ类", "3", "iii", "劣V",
/// "劣Ⅴ类". nullopt for anything else (empty included).
std::optional<WaterClass> parse_water_class(std::string_view text);

/// Rivers, or lakes and reservoirs (湖、库): total phosphorus has its own limits there,
/// and total nitrogen is assessed (as a reference) only there.
enum class WaterBody { river, lake };

/// The items of GB 3838-2002 Table 1 basinkit classifies (all but water temperature,
/// whose limit is a man-made change, not a concentration).
enum class Parameter {
  pH,
  DO,
  CODMn,
  COD,
  BOD5,
  NH3N,
  TP,
  TN,
  Cu,
  Zn,
  F,
  Se,
  As,
  Hg,
  Cd,
  Cr6,
  Pb,
  CN,
  VolatilePhenol,
  Petroleum,
  LAS,
  Sulfide,
  FecalColiform,
};

/// How a limit bounds a value: concentrations from above (≤ limit), dissolved oxygen from
/// below (≥ limit), pH between two values (6–9 for every class).
enum class Bound { upper, lower, range };

/// Whether a parameter takes part in the class of a section (national method 2011):
/// `in_class` ones do; `reference` ones get a class of their own, reported apart (fecal
/// coliform; total nitrogen in lakes and reservoirs); `not_assessed` ones get none
/// (total nitrogen in rivers).
enum class Role { in_class, reference, not_assessed };

/// One row of GB 3838-2002 Table 1.
struct ParameterLimits {
  Parameter id;
  const char* key;      ///< "NH3-N": the name in configs and reports
  const char* name_zh;  ///< "氨氮"
  const char* unit;     ///< "mg/L", "个/L" (fecal coliform), "" (pH)
  Bound bound;
  /// Limits of classes I..V. For `range`, the class I..V range is [limits[0], limits[1]].
  std::array<double, 5> river;
  std::array<double, 5> lake;  ///< lakes and reservoirs (same as `river` but for TP)
  Role river_role, lake_role;
  /// Whether 超标倍数 is computed (the national method computes none for pH and DO).
  bool has_multiple;

  const std::array<double, 5>& limits(WaterBody w) const {
    return w == WaterBody::lake ? lake : river;
  }
  Role role(WaterBody w) const { return w == WaterBody::lake ? lake_role : river_role; }
};

/// The table: every parameter basinkit classifies, in Table 1's order. THE one place the
/// limits live.
const std::vector<ParameterLimits>& gb3838_table1();
const ParameterLimits& limits_of(Parameter p);
/// The parameter whose key or Chinese name is `name` (case-insensitive for the key, and
/// common spellings: "NH3N", "氨氮", "CODcr", "高锰酸盐指数" ...), or nullopt.
std::optional<Parameter> find_parameter(std::string_view name);

/// The class of one value (a period mean): the best class whose limit it meets. A value
/// exactly at a limit meets it. Values that meet no class are 劣V.
WaterClass classify(Parameter p, double value, WaterBody water);

/// 超标倍数 of `value` against the limit of class `target`: (C − limit) / limit; nullopt
/// when the value meets it or the parameter has no multiple (pH, DO).
std::optional<double> exceedance(Parameter p, double value, WaterBody water, WaterClass target);

// ---- Configuration -----------------------------------------------------------------------

/// Warning colours (绿黄红预警) by how many classes a section misses its target.
enum class Warning { green, yellow, red };
const char* to_string(Warning w);

struct WarningScheme {
  int yellow_from = 1;              ///< DEFAULT 1: classes worse than target → yellow
  int red_from = 2;                 ///< DEFAULT 2: classes worse than target → red
  bool worse_than_v_is_red = true;  ///< DEFAULT true: 劣V is red whatever the target
  Warning colour(WaterClass klass, WaterClass target) const;
};

/// 横向生态补偿 between the counties on either side of a cross-boundary section, per
/// assessed period. The default is an example (docs/assessment.md), not any province's.
struct CompensationScheme {
  bool enabled = true;            ///< DEFAULT true
  std::string currency = "万元";  ///< DEFAULT 万元 (10,000 yuan)
  double per_class_worse = 100;   ///< DEFAULT 100: upstream pays downstream per class worse
  double per_class_better = 50;   ///< DEFAULT 50: downstream pays upstream per class better
};

/// Where a parameter is read from in the monitoring file.
struct ParameterColumn {
  Parameter parameter;
  /// Header candidates (compared without a unit in brackets, case-insensitively); the
  /// first present is read.
  std::vector<std::string> columns;
  std::string unit;  ///< as stated in the config; "" = from the header or `default_unit`
  bool explicit_column = false;  ///< named in the config: must then exist in the file
};

/// The factor that converts a value in `unit` to the table's unit of `p` (mg/L; 个/L for
/// fecal coliform; none for pH): "mg/L" 1, "μg/L" 0.001, "MPN/100mL" 10 ...; nullopt
/// when `unit` is no unit of `p`.
std::optional<double> unit_factor(Parameter p, std::string_view unit);

struct AssessmentConfig {
  std::string path;   ///< the YAML file, for messages; "" for the defaults
  std::string layer;  ///< layer of the monitoring source; "" = its only layer
  /// Header candidates of the section code and date columns; the first present is used.
  std::vector<std::string> section_columns = {"断面编码", "断面代码", "section", "code"};
  std::vector<std::string> date_columns = {"日期", "监测日期", "采样日期", "date", "period"};
  bool explicit_section = false, explicit_date = false;  ///< named in the config
  /// Parameter columns looked for; by default each parameter's key and Chinese name.
  std::vector<ParameterColumn> parameters;
  /// Unit of the parameter columns that state none (header or config); "" = none, and a
  /// column without a unit is an error.
  std::string default_unit;
  /// Sections assessed as lakes/reservoirs (besides those whose `waterbody` attribute says
  /// so).
  std::set<std::string> lakes;
  WarningScheme warning;
  CompensationScheme compensation;
};

/// The defaults (docs/assessment.md).
AssessmentConfig default_assessment_config();
/// Reads a config file; throws InputError naming the file, line and key.
AssessmentConfig read_assessment_config(const std::string& path);
/// Parses config text; `path` names it in errors.
AssessmentConfig parse_assessment_config(const std::string& text, const std::string& path);

// ---- Monitoring data ---------------------------------------------------------------------

/// An assessment period: whole months, from `first` to `last` (months counted as
/// year * 12 + month - 1).
struct Period {
  std::string label;  ///< as given ("2026-10", "2026", "2026-01..2026-06")
  int first = 0, last = 0;
  bool contains(int month) const { return month >= first && month <= last; }
  int months() const { return last - first + 1; }
};
/// "2026-10" (a month), "2026" (a year), "2026-01..2026-06" or "2026-01/2026-06" (a
/// range of months). Throws InputError naming `text`.
Period parse_period(const std::string& text);

/// One row of monitoring: a section, a month, and the values it has (converted to the
/// table's units).
struct Sample {
  std::int64_t row = 0;  ///< row as a spreadsheet shows it: the header is row 1
  std::string section;
  int month = 0;  ///< year * 12 + month - 1
  std::map<Parameter, double> values;
};

struct MonitoringData {
  std::string path, layer;
  std::string sha256;
  std::vector<Sample> samples;      ///< in file order
  std::vector<Parameter> measured;  ///< parameters with a column, in Table 1's order
  /// The columns read, by parameter, as "header (unit)" for the report.
  std::map<Parameter, std::string> columns;
};

/// The latest month with a row in `data` (the default period of `basinkit assess`). Throws
/// InputError naming the file when it has no rows.
Period latest_month(const MonitoringData& data);

/// Reads monitoring rows from CSV, XLSX, GPKG or any OGR table (codes stay text). Every
/// row must name a section in `sections`, carry a date (2026-10-15, 2026/10/15, 2026-10,
/// 2026年10月, 202610) and values that are numbers ≥ 0 ("<0.01", a value under the
/// detection limit, counts as half that limit, as the national method does). Throws
/// InputError naming file, row and column.
MonitoringData read_monitoring(const std::string& path, const AssessmentConfig& config,
                               const std::set<std::string>& sections);

// ---- Assessment --------------------------------------------------------------------------

/// A parameter's period mean and what it means for the section.
struct ParameterResult {
  Parameter parameter;
  double mean = 0;
  int samples = 0;
  WaterClass klass = WaterClass::I;
  Role role = Role::in_class;
  bool over_target = false;        ///< in class and worse than the target
  std::optional<double> multiple;  ///< 超标倍数 against the target limit
};

/// Two counties on either side of a cross-boundary section and what the scheme makes
/// one pay the other.
struct CrossBoundary {
  std::string upstream_county, downstream_county;  ///< codes; downstream "" = unknown
  int class_difference = 0;                        ///< class − target: > 0 worse, < 0 better
  double amount = 0;                               ///< ≥ 0, in the scheme's currency
  std::string payer, payee;                        ///< county codes; "" when nothing is paid
};

struct SectionAssessment {
  std::string code, name, river, kind;
  std::string unit;  ///< the unit it controls ("" = unknown)
  WaterBody water = WaterBody::river;
  std::optional<WaterClass> target;
  int samples = 0;                  ///< rows in the period
  std::optional<WaterClass> klass;  ///< nullopt: no data in the period
  std::optional<Warning> warning;   ///< nullopt: no data or no target
  bool met = false;
  std::vector<ParameterResult> parameters;  ///< measured ones, in Table 1's order
  /// The incremental catchment (区间) and who is answerable for it.
  std::vector<std::string> units, townships, counties;
  double catchment_area_m2 = 0;
  std::optional<CrossBoundary> cross_boundary;
  std::array<double, 2> location{};  ///< working CRS
  bool has_location = false;
};

/// Sections of one township or county by colour, and the area of its units that drain to
/// a red section.
struct ResponsibilityTally {
  std::string name;
  int green = 0, yellow = 0, red = 0, no_data = 0;
  double red_area_m2 = 0;
  std::vector<std::string> sections;  ///< codes, sorted
};

struct AssessmentResult {
  Period period;
  std::vector<SectionAssessment> sections;  ///< in the plan's section order
  std::map<std::string, ResponsibilityTally> by_township, by_county;
  int green = 0, yellow = 0, red = 0, no_data = 0;
  std::string currency;
};

class DrainageNetwork;

/// The codes of the network's sections (what read_monitoring accepts).
std::set<std::string> section_codes(const DrainageNetwork& network);

/// Assesses every section of `network` on the rows of `data` in `period`. Sections
/// without rows in the period are listed without a class (no_data). Throws InputError
/// when the period holds no row at all, or a section's target is no class.
AssessmentResult assess(const Plan& plan, const DrainageNetwork& network,
                        const MonitoringData& data, const Period& period,
                        const AssessmentConfig& config);

/// The parameters over target as reports write them: "NH3-N(0.80)" with the 超标倍数, or
/// "DO" for those without one, in Table 1's order.
std::vector<std::string> over_target_labels(const SectionAssessment& s);

// ---- Reports -----------------------------------------------------------------------------

struct AssessmentReport {
  const AssessmentResult* result = nullptr;
  const Plan* plan = nullptr;            ///< must outlive the writing
  const MonitoringData* data = nullptr;  ///< for the columns read
  Provenance provenance;
};

/// The plan's provenance with the monitoring file and the config (path and SHA-256).
Provenance assessment_provenance(const Plan& plan, const MonitoringData& data,
                                 const AssessmentConfig& config, const std::string& command_line);

/// Throws InputError when `path` has no extension of an assessment report (.json .csv
/// .xlsx .gpkg .html), before any work is done.
void check_assessment_report_path(const std::string& path);
/// Writes the report, format by extension: .json (everything), .csv (a row per section,
/// UTF-8 with BOM), .xlsx (sheets sections, counties, townships, compensation), .gpkg
/// (sections as points and their incremental catchments, styled by warning; the roll-ups
/// as tables), .html (one offline page). An existing file is replaced.
void write_assessment_report(const AssessmentReport& report, const std::string& path);
/// The JSON form on a stream (`--format json`).
void write_assessment_json(const AssessmentReport& report, std::ostream& out);

// ---- The whole run -----------------------------------------------------------------------

/// What `basinkit assess` is asked for, as given (paths and the period's text).
struct AssessmentRequest {
  std::string monitoring;  ///< the monitoring rows: CSV, XLSX, GPKG or any OGR table
  /// "2026-10", "2026", "2026-01..2026-06"; "" = the latest month in the data.
  std::string period;
  std::string config;  ///< assessment config (YAML); "" = the defaults (docs/assessment.md §6)
};

/// A request with its config read and its period parsed: all that can be checked before
/// the plan is loaded. Made by prepare_assessment, or by hand with a config built in code.
/// (Not an aggregate, so that `run_assessment(plan, {"m.csv", "2026-10", ""}, ...)` can
/// only mean an AssessmentRequest.)
struct PreparedAssessment {
  PreparedAssessment(std::string monitoring, AssessmentConfig config, std::optional<Period> period);
  std::string monitoring;
  AssessmentConfig config;
  std::optional<Period> period;  ///< nullopt: the latest month in the data
};

/// Reads the request's config (or takes the defaults), then parses its period. Throws
/// InputError naming the config file, or the period's text.
PreparedAssessment prepare_assessment(const AssessmentRequest& request);

/// A finished assessment: it owns the config, the plan's drainage network, the monitoring
/// data, the result and the provenance; the plan stays the caller's and must outlive it.
/// Move-only; the parts live on the heap, so references and reports taken from it stay
/// valid when it is moved (a moved-from Assessment may only be destroyed or assigned to).
class Assessment {
 public:
  ~Assessment();
  Assessment(Assessment&&) noexcept;
  Assessment& operator=(Assessment&&) noexcept;

  const AssessmentConfig& config() const;
  const DrainageNetwork& network() const;
  const MonitoringData& data() const;
  const AssessmentResult& result() const;
  /// The result, plan and data with their provenance (`assessment_provenance`), for
  /// write_assessment_report and write_assessment_json.
  const AssessmentReport& report() const;

 private:
  friend Assessment run_assessment(const Plan&, PreparedAssessment, const std::string&);
  struct Parts;
  explicit Assessment(std::unique_ptr<const Parts> parts);
  std::unique_ptr<const Parts> parts_;
};

/// `basinkit assess` in one call: builds the plan's network, reads the monitoring rows
/// (every section code checked against the network's), takes the period (or the latest
/// month with rows), assesses every section and records the provenance with
/// `command_line`. Throws InputError naming the monitoring file, row and column, an empty
/// period, or a section's target that is no class.
Assessment run_assessment(const Plan& plan, PreparedAssessment prepared,
                          const std::string& command_line);
/// prepare_assessment(request), then run_assessment: errors in the config and the period
/// come first, before any other work.
Assessment run_assessment(const Plan& plan, const AssessmentRequest& request,
                          const std::string& command_line);

}  // namespace basinkit
