// Section assessment (docs/assessment.md): GB 3838-2002 Table 1 at and just above every
// limit, the single-factor class with the national method's exclusions, the config and
// monitoring readers with their error messages, period means, colours, responsibility
// roll-ups and compensation on a small plan with a network.
#include <basinkit/assessment.hpp>
#include <basinkit/error.hpp>
#include <basinkit/network.hpp>

#include <gdal_utils.h>
#include <ogrsf_frmts.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <string>

#include "fixtures.hpp"

using namespace basinkit;
using basinkit::test::TempDir;
using basinkit::test::write_text;

namespace {

// Table 1 as printed in GB 3838-2002 (mg/L; fecal coliform 个/L), transcribed here a second
// time, independently of lib/src/assessment/gb3838.cpp, so a typo in either shows.
struct Printed {
  const char* key;
  std::array<double, 5> river, lake;
};
const std::vector<Printed> kPrinted = {
    {"DO", {7.5, 6, 5, 3, 2}, {7.5, 6, 5, 3, 2}},
    {"CODMn", {2, 4, 6, 10, 15}, {2, 4, 6, 10, 15}},
    {"COD", {15, 15, 20, 30, 40}, {15, 15, 20, 30, 40}},
    {"BOD5", {3, 3, 4, 6, 10}, {3, 3, 4, 6, 10}},
    {"NH3-N", {0.15, 0.5, 1.0, 1.5, 2.0}, {0.15, 0.5, 1.0, 1.5, 2.0}},
    {"TP", {0.02, 0.1, 0.2, 0.3, 0.4}, {0.01, 0.025, 0.05, 0.1, 0.2}},
    {"TN", {0.2, 0.5, 1.0, 1.5, 2.0}, {0.2, 0.5, 1.0, 1.5, 2.0}},
    {"Cu", {0.01, 1.0, 1.0, 1.0, 1.0}, {0.01, 1.0, 1.0, 1.0, 1.0}},
    {"Zn", {0.05, 1.0, 1.0, 2.0, 2.0}, {0.05, 1.0, 1.0, 2.0, 2.0}},
    {"F", {1.0, 1.0, 1.0, 1.5, 1.5}, {1.0, 1.0, 1.0, 1.5, 1.5}},
    {"Se", {0.01, 0.01, 0.01, 0.02, 0.02}, {0.01, 0.01, 0.01, 0.02, 0.02}},
    {"As", {0.05, 0.05, 0.05, 0.1, 0.1}, {0.05, 0.05, 0.05, 0.1, 0.1}},
    {"Hg", {0.00005, 0.00005, 0.0001, 0.001, 0.001}, {0.00005, 0.00005, 0.0001, 0.001, 0.001}},
    {"Cd", {0.001, 0.005, 0.005, 0.005, 0.01}, {0.001, 0.005, 0.005, 0.005, 0.01}},
    {"Cr6+", {0.01, 0.05, 0.05, 0.05, 0.1}, {0.01, 0.05, 0.05, 0.05, 0.1}},
    {"Pb", {0.01, 0.01, 0.05, 0.05, 0.1}, {0.01, 0.01, 0.05, 0.05, 0.1}},
    {"CN", {0.005, 0.05, 0.2, 0.2, 0.2}, {0.005, 0.05, 0.2, 0.2, 0.2}},
    {"phenols", {0.002, 0.002, 0.005, 0.01, 0.1}, {0.002, 0.002, 0.005, 0.01, 0.1}},
    {"petroleum", {0.05, 0.05, 0.05, 0.5, 1.0}, {0.05, 0.05, 0.05, 0.5, 1.0}},
    {"LAS", {0.2, 0.2, 0.2, 0.3, 0.3}, {0.2, 0.2, 0.2, 0.3, 0.3}},
    {"sulfide", {0.05, 0.1, 0.2, 0.5, 1.0}, {0.05, 0.1, 0.2, 0.5, 1.0}},
    {"fecal_coliform", {200, 2000, 10000, 20000, 40000}, {200, 2000, 10000, 20000, 40000}},
};

WaterClass cls(int i) { return static_cast<WaterClass>(i); }

}  // namespace

TEST_CASE("GB 3838-2002 Table 1: every limit, exactly at it and just past it", "[assess]") {
  REQUIRE(gb3838_table1().size() == kPrinted.size() + 1);  // + pH
  for (const Printed& printed : kPrinted) {
    const auto p = find_parameter(printed.key);
    REQUIRE(p);
    const ParameterLimits& row = limits_of(*p);
    for (WaterBody water : {WaterBody::river, WaterBody::lake}) {
      const auto& l = water == WaterBody::river ? printed.river : printed.lake;
      INFO(printed.key << (water == WaterBody::lake ? " (lake)" : " (river)"));
      CHECK(row.limits(water) == l);
      const bool lower = *p == Parameter::DO;
      for (int i = 0; i < 5; ++i) {
        INFO("class " << i + 1 << " limit " << l[i]);
        // At the limit: the best class whose limit it meets (COD 15 is class I, not II).
        int best = i;
        while (best > 0 && l[best - 1] == l[i]) --best;
        CHECK(classify(*p, l[i], water) == cls(best + 1));
        // Just past it (worse by 0.1 %): the next class with a different limit, or 劣V.
        const double past = lower ? l[i] * 0.999 : l[i] * 1.001;
        int next = i + 1;
        while (next < 5 && l[next] == l[i]) ++next;
        CHECK(classify(*p, past, water) == (next < 5 ? cls(next + 1) : WaterClass::worse_than_V));
      }
    }
  }
  // pH: 6–9 in every class, anything outside is 劣V.
  CHECK(classify(Parameter::pH, 6, WaterBody::river) == WaterClass::I);
  CHECK(classify(Parameter::pH, 9, WaterBody::river) == WaterClass::I);
  CHECK(classify(Parameter::pH, 5.99, WaterBody::river) == WaterClass::worse_than_V);
  CHECK(classify(Parameter::pH, 9.01, WaterBody::lake) == WaterClass::worse_than_V);
}

TEST_CASE("Class boundaries read as the standard prints them", "[assess]") {
  CHECK(classify(Parameter::DO, 5, WaterBody::river) == WaterClass::III);
  CHECK(classify(Parameter::DO, 4.99, WaterBody::river) == WaterClass::IV);
  CHECK(classify(Parameter::DO, 9.2, WaterBody::river) == WaterClass::I);
  CHECK(classify(Parameter::DO, 1.9, WaterBody::river) == WaterClass::worse_than_V);
  CHECK(classify(Parameter::TP, 0.2, WaterBody::river) == WaterClass::III);
  CHECK(classify(Parameter::TP, 0.2, WaterBody::lake) == WaterClass::V);
  CHECK(classify(Parameter::TP, 0.05, WaterBody::lake) == WaterClass::III);
  CHECK(classify(Parameter::COD, 15.01, WaterBody::river) == WaterClass::III);
  CHECK(classify(Parameter::NH3N, 2.01, WaterBody::river) == WaterClass::worse_than_V);
  // A mean that lands a few ulps above a limit is at the limit: (0.1 + 0.2) / 1 > 0.3.
  CHECK(classify(Parameter::TP, 0.1 + 0.2, WaterBody::river) == WaterClass::IV);
}

TEST_CASE("Roles follow the national evaluation method of 2011", "[assess]") {
  CHECK(limits_of(Parameter::TN).role(WaterBody::river) == Role::not_assessed);
  CHECK(limits_of(Parameter::TN).role(WaterBody::lake) == Role::reference);
  CHECK(limits_of(Parameter::FecalColiform).role(WaterBody::river) == Role::reference);
  CHECK(limits_of(Parameter::TP).role(WaterBody::river) == Role::in_class);
  int in_class = 0;
  for (const auto& row : gb3838_table1()) in_class += row.role(WaterBody::river) == Role::in_class;
  CHECK(in_class == 21);  // "表1中除水温、总氮、粪大肠菌群以外的21项指标"
}

TEST_CASE("超标倍数 against the target's limit; none for pH and DO", "[assess]") {
  const auto m = exceedance(Parameter::NH3N, 1.5, WaterBody::river, WaterClass::III);
  REQUIRE(m);
  CHECK(*m == Approx(0.5));
  CHECK(!exceedance(Parameter::NH3N, 1.0, WaterBody::river, WaterClass::III));
  CHECK(*exceedance(Parameter::TP, 0.1, WaterBody::lake, WaterClass::III) == Approx(1.0));
  CHECK(!exceedance(Parameter::DO, 1.0, WaterBody::river, WaterClass::III));
  CHECK(!exceedance(Parameter::pH, 10, WaterBody::river, WaterClass::III));
}

TEST_CASE("Water classes and parameter names as people write them", "[assess]") {
  CHECK(parse_water_class("III") == WaterClass::III);
  CHECK(parse_water_class("Ⅲ类") == WaterClass::III);
  CHECK(parse_water_class("ii") == WaterClass::II);
  CHECK(parse_water_class("4") == WaterClass::IV);
  CHECK(parse_water_class("劣Ⅴ类") == WaterClass::worse_than_V);
  CHECK(parse_water_class("劣V") == WaterClass::worse_than_V);
  CHECK(!parse_water_class("劣III"));
  CHECK(!parse_water_class(""));
  CHECK(!parse_water_class("VI"));
  CHECK(std::string(to_string(WaterClass::worse_than_V)) == "劣V");
  CHECK(std::string(quality_status(WaterClass::III)) == "良好");
  CHECK(find_parameter("nh3-n") == Parameter::NH3N);
  CHECK(find_parameter("氨氮") == Parameter::NH3N);
  CHECK(find_parameter("CODcr") == Parameter::COD);
  CHECK(find_parameter("铬（六价）") == Parameter::Cr6);
  CHECK(!find_parameter("水温"));
  CHECK(unit_factor(Parameter::TP, "μg/L") == 0.001);
  CHECK(unit_factor(Parameter::TP, "mg/l") == 1.0);
  CHECK(!unit_factor(Parameter::TP, "个/L"));
  CHECK(unit_factor(Parameter::FecalColiform, "MPN/100mL") == 10.0);
  CHECK(unit_factor(Parameter::pH, "无量纲") == 1.0);
}

TEST_CASE("Warning colours: default and configured", "[assess]") {
  const WarningScheme scheme;
  CHECK(scheme.colour(WaterClass::III, WaterClass::III) == Warning::green);
  CHECK(scheme.colour(WaterClass::II, WaterClass::III) == Warning::green);
  CHECK(scheme.colour(WaterClass::IV, WaterClass::III) == Warning::yellow);
  CHECK(scheme.colour(WaterClass::V, WaterClass::III) == Warning::red);
  CHECK(scheme.colour(WaterClass::worse_than_V, WaterClass::V) == Warning::red);
  const AssessmentConfig c = parse_assessment_config(
      "warning: { yellow: 1, red: 3, worse_than_v: by_classes }\n", "/a.yaml");
  CHECK(c.warning.colour(WaterClass::V, WaterClass::III) == Warning::yellow);
  CHECK(c.warning.colour(WaterClass::worse_than_V, WaterClass::III) == Warning::red);
  CHECK(c.warning.colour(WaterClass::worse_than_V, WaterClass::V) == Warning::yellow);
}

TEST_CASE("Assessment config: columns, units, lakes, scheme", "[assess]") {
  const AssessmentConfig c = parse_assessment_config(
      "monitoring:\n"
      "  layer: 月报\n"
      "  section: 站点编码\n"
      "  date: 采样时间\n"
      "  unit: mg/L\n"
      "  parameters:\n"
      "    总磷: { column: TP_F, unit: μg/L }\n"
      "    NH3-N: AN\n"
      "lakes: [SEC09]\n"
      "compensation: { currency: 元, per_class_worse: 2000000, per_class_better: 0 }\n",
      "/a.yaml");
  CHECK(c.layer == "月报");
  CHECK(c.section_columns == std::vector<std::string>{"站点编码"});
  CHECK(c.explicit_section);
  CHECK(c.default_unit == "mg/L");
  CHECK(c.lakes.count("SEC09"));
  CHECK(c.compensation.per_class_worse == 2000000);
  CHECK(c.compensation.per_class_better == 0);
  int mapped = 0;
  for (const auto& pc : c.parameters)
    if (pc.explicit_column) {
      ++mapped;
      if (pc.parameter == Parameter::TP) CHECK(pc.unit == "μg/L");
      if (pc.parameter == Parameter::NH3N) CHECK(pc.columns[0] == "AN");
    }
  CHECK(mapped == 2);
  CHECK(c.parameters.size() == gb3838_table1().size());  // the others keep their defaults
}

TEST_CASE("Assessment config errors name the file and line", "[assess]") {
  auto error = [](const std::string& text) -> std::string {
    try {
      parse_assessment_config(text, "/cfg/assessment.yaml");
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK_THAT(error("warnings: {}\n"), Catch::Contains("/cfg/assessment.yaml:1") &&
                                          Catch::Contains("unknown key 'warnings'"));
  CHECK_THAT(error("monitoring:\n  parameters:\n    水温: WT\n"),
             Catch::Contains(":3") && Catch::Contains("'水温' is no parameter"));
  CHECK_THAT(error("monitoring:\n  parameters:\n    TP: { column: TP, unit: 个/L }\n"),
             Catch::Contains(":3") && Catch::Contains("'个/L' is no unit of TP"));
  CHECK_THAT(error("warning: { yellow: 2, red: 1 }\n"), Catch::Contains("at least warning.yellow"));
  CHECK_THAT(error("compensation: { per_class_worse: -5 }\n"), Catch::Contains("≥ 0"));
  CHECK_THAT(error("lakes: SEC09\n"), Catch::Contains("list of section codes"));
  CHECK_THAT(error("monitoring: [\n"), Catch::Contains("not valid YAML"));
  CHECK_THAT(error("monitoring:\n  unit: kg\n"), Catch::Contains("'kg' is no unit"));
}

TEST_CASE("Periods: a month, a year, a range", "[assess]") {
  const Period m = parse_period("2026-10");
  CHECK(m.first == 2026 * 12 + 9);
  CHECK(m.last == m.first);
  const Period y = parse_period("2026");
  CHECK(y.first == 2026 * 12);
  CHECK(y.months() == 12);
  const Period r = parse_period("2026-01..2026-06");
  CHECK(r.months() == 6);
  CHECK(parse_period("2026-01/2026-03").months() == 3);
  CHECK(parse_period("2026年3月").first == 2026 * 12 + 2);
  CHECK_THROWS_WITH(parse_period("2026-13"), Catch::Contains("'2026-13' is no period"));
  CHECK_THROWS_WITH(parse_period("2026-10-15"), Catch::Contains("is no period"));
  CHECK_THROWS_WITH(parse_period("2026-06..2026-01"), Catch::Contains("is no period"));
  CHECK_THROWS_AS(parse_period("last month"), InputError);
}

TEST_CASE("Monitoring CSV: columns by default names, units from the headers", "[assess]") {
  TempDir dir;
  const std::string csv = dir / "m.csv";
  write_text(csv,
             "断面编码,日期,溶解氧(mg/L),TP (mg/L),氨氮（μg/L）,pH,备注\n"
             "0101,2026-10-03,6.5,0.12,800,7.2,晴\n"
             "0101,2026/10/18,5.5,<0.02,0.9L,7.4,\n"
             "0202,2026年11月2日,4,0.3,,8,\n");
  const MonitoringData d =
      read_monitoring(csv, default_assessment_config(), {"0101", "0202", "0303"});
  REQUIRE(d.samples.size() == 3);
  CHECK(d.samples[0].section == "0101");  // a code, not the number 101
  CHECK(d.samples[0].row == 2);
  CHECK(d.samples[1].month == 2026 * 12 + 9);
  CHECK(d.samples[2].month == 2026 * 12 + 10);
  CHECK(d.samples[0].values.at(Parameter::NH3N) == Approx(0.8));      // μg/L → mg/L
  CHECK(d.samples[1].values.at(Parameter::TP) == Approx(0.01));       // "<0.02": half the limit
  CHECK(d.samples[1].values.at(Parameter::NH3N) == Approx(0.00045));  // "0.9L" μg/L
  CHECK(d.samples[2].values.count(Parameter::NH3N) == 0);             // empty: not measured
  CHECK(d.measured ==
        std::vector<Parameter>{Parameter::pH, Parameter::DO, Parameter::NH3N, Parameter::TP});
}

TEST_CASE("Monitoring errors name the file, row and column", "[assess]") {
  TempDir dir;
  const std::string csv = dir / "m.csv";
  auto error = [&](const std::string& text, const std::string& config = "") -> std::string {
    write_text(csv, text);
    try {
      read_monitoring(csv, parse_assessment_config(config, "/a.yaml"), {"S1", "S2"});
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  };
  const std::string head = "section,date,TP(mg/L),DO(mg/L)\n";
  CHECK_THAT(error(head + "S1,2026-10-01,0.1,6\nS9,2026-10-02,0.1,6\n"),
             Catch::Contains(csv) && Catch::Contains("row 3, column 'section'") &&
                 Catch::Contains("unknown section code 'S9'"));
  CHECK_THAT(error(head + "S1,2026-10-01,-0.1,6\n"),
             Catch::Contains("row 2, column 'TP(mg/L)': -0.1 is negative"));
  CHECK_THAT(error(head + "S1,2026-10-01,0.1,n/a\n"),
             Catch::Contains("row 2, column 'DO(mg/L)': 'n/a' is not a number"));
  CHECK_THAT(error(head + "S1,Oct 2026,0.1,6\n"),
             Catch::Contains("row 2, column 'date': 'Oct 2026' is no date"));
  CHECK_THAT(error(head + ",2026-10-01,0.1,6\n"),
             Catch::Contains("row 2, column 'section': no section code"));
  CHECK_THAT(error("section,date,TP,DO(mg/L)\nS1,2026-10-01,0.1,6\n"),
             Catch::Contains("field 'TP'") && Catch::Contains("no unit of measure for TP"));
  // ... unless the config states it
  CHECK(error("section,date,TP,DO(mg/L)\nS1,2026-10-01,0.1,6\n", "monitoring: { unit: mg/L }\n") ==
        "no error");
  CHECK_THAT(error("section,date,TP(kg)\nS1,2026-10-01,0.1\n"),
             Catch::Contains("'kg' is no unit of TP"));
  CHECK_THAT(error("code,when,TP(mg/L)\nS1,2026-10-01,0.1\n"),
             Catch::Contains("no date column (looked for 日期"));
  CHECK_THAT(error("section,date,备注\nS1,2026-10-01,x\n"), Catch::Contains("no parameter column"));
  CHECK_THAT(error(head, "monitoring:\n  parameters:\n    COD: 化学需氧量\n"),
             Catch::Contains("no column '化学需氧量' (COD as the config names it)"));
}

namespace {

/// A result as assess() would give it: SEC1 red (NH3-N and TP over a target of III),
/// SEC2 green and cross-boundary, SEC3 without data.
AssessmentResult hand_made_result() {
  AssessmentResult r;
  r.period = parse_period("2026-10");
  r.currency = "万元";
  SectionAssessment a;
  a.code = "SEC1";
  a.name = "竹皮河<断面>";
  a.river = "竹皮河";
  a.kind = "市控";
  a.unit = "U1";
  a.target = WaterClass::III;
  a.klass = WaterClass::worse_than_V;
  a.warning = Warning::red;
  a.samples = 2;
  a.parameters = {{Parameter::NH3N, 2.4, 2, WaterClass::worse_than_V, Role::in_class, true, 1.4},
                  {Parameter::TP, 0.25, 2, WaterClass::IV, Role::in_class, true, 0.25},
                  {Parameter::DO, 6.5, 2, WaterClass::II, Role::in_class, false, std::nullopt},
                  {Parameter::TN, 3.1, 1, WaterClass::I, Role::not_assessed, false, std::nullopt}};
  a.units = {"0101", "U1"};
  a.townships = {"T1"};
  a.counties = {"C1"};
  a.catchment_area_m2 = 2e6;
  a.location = {340100, 3450100};
  a.has_location = true;
  SectionAssessment b;
  b.code = "SEC2";
  b.target = WaterClass::III;
  b.klass = WaterClass::II;
  b.warning = Warning::green;
  b.met = true;
  b.samples = 1;
  b.parameters = {{Parameter::NH3N, 0.4, 1, WaterClass::II, Role::in_class, false, std::nullopt}};
  b.units = {"U2"};
  b.townships = {"T2"};
  b.counties = {"C2"};
  b.cross_boundary = CrossBoundary{"C2", "C3", -1, 50, "C3", "C2"};
  b.location = {340500, 3450500};
  b.has_location = true;
  SectionAssessment c;
  c.code = "SEC3";
  r.sections = {a, b, c};
  r.red = r.green = r.no_data = 1;
  r.by_county["C1"] = {"一县", 0, 0, 1, 0, 2e6, {"SEC1"}};
  r.by_county["C2"] = {"二县", 1, 0, 0, 0, 0, {"SEC2"}};
  r.by_township["T1"] = {"一镇", 0, 0, 1, 0, 2e6, {"SEC1"}};
  return r;
}

MonitoringData measured(std::vector<Parameter> p) {
  MonitoringData d;
  d.path = "m.csv";
  d.measured = std::move(p);
  return d;
}

}  // namespace

TEST_CASE("Monitoring data that cannot be opened says why: no such file, not a table", "[assess]") {
  TempDir dir;
  auto error = [&](const std::string& path) -> std::string {
    try {
      read_monitoring(path, parse_assessment_config("", "/a.yaml"), {"S1"});
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  };
  const std::string missing = dir / "missing.csv";
  CHECK_THAT(error(missing), Catch::Contains(missing) && Catch::EndsWith("no such file"));
  const std::string binary = dir / "m.xlsx";
  write_text(binary, std::string("PK\x03\x04 not a zip"));
  CHECK_THAT(error(binary), Catch::Contains(binary) &&
                                Catch::Contains("cannot open the monitoring data: ") &&
                                !Catch::EndsWith("data: "));
}

TEST_CASE("Assessment reports: JSON, CSV, XLSX, GeoPackage and HTML", "[assess]") {
  TempDir dir;
  const AssessmentResult r = hand_made_result();
  const MonitoringData data =
      measured({Parameter::DO, Parameter::NH3N, Parameter::TP, Parameter::TN});
  AssessmentReport report;
  report.result = &r;
  report.data = &data;
  report.provenance.working_crs = "EPSG:4547";
  report.provenance.command_line = "basinkit assess";

  SECTION("JSON") {
    std::ostringstream out;
    write_assessment_json(report, out);
    const auto j = nlohmann::json::parse(out.str());
    CHECK(j["summary"]["red"] == 1);
    CHECK(j["summary"]["compensation_total"] == 50);
    const auto& s = j["sections"][0];
    CHECK(s["class"] == "劣V");
    CHECK(s["status"] == "重度污染");
    CHECK(s["warning"] == "red");
    CHECK(s["over_target"] == nlohmann::json::array({"NH3-N", "TP"}));
    CHECK(s["parameters"][0]["multiple"] == 1.4);
    CHECK(s["parameters"][2]["multiple"].is_null());  // DO: no multiple
    CHECK(s["parameters"][3]["class"].is_null());     // TN in a river: not assessed
    CHECK(s["parameters"][3]["role"] == "not_assessed");
    CHECK(j["sections"][1]["cross_boundary"]["payer"] == "C3");
    CHECK(j["sections"][2]["class"].is_null());
    CHECK(j["sections"][2]["warning"].is_null());
    CHECK(j["by_county"]["C1"]["red_area_m2"] == 2e6);
  }
  SECTION("CSV with BOM, a row per section, codes as text") {
    write_assessment_report(report, dir / "a.csv");
    const std::string text = basinkit::test::read_text(dir / "a.csv");
    REQUIRE(text.substr(0, 3) == "\xEF\xBB\xBF");
    const auto rows = basinkit::test::parse_csv(text.substr(3));
    REQUIRE(rows.size() == 4);
    const auto& h = rows[0];
    auto col = [&h](const std::string& name) {
      return static_cast<size_t>(std::find(h.begin(), h.end(), name) - h.begin());
    };
    REQUIRE(col("NH3-N_mean") < h.size());
    CHECK(rows[1][col("NH3-N_mean")] == "2.400000");
    CHECK(rows[1][col("class")] == "劣V");
    CHECK(rows[1][col("over_target")] == "NH3-N(1.40);TP(0.25)");
    CHECK(rows[1][col("units")] == "0101;U1");
    CHECK(rows[1][col("name")] == "竹皮河<断面>");
    CHECK(rows[2][col("payer")] == "C3");
    CHECK(rows[3][col("warning")] == "");
  }
  SECTION("XLSX and GeoPackage layers") {
    for (const char* name : {"a.xlsx", "a.gpkg"}) {
      write_assessment_report(report, dir / name);
      const auto ds = basinkit::test::open_vector(dir / name);
      REQUIRE(ds);
      for (const char* layer : {"sections", "counties", "townships", "compensation"}) {
        INFO(name << " " << layer);
        REQUIRE(ds->GetLayerByName(layer));
      }
      CHECK(ds->GetLayerByName("sections")->GetFeatureCount() == 3);
      CHECK(ds->GetLayerByName("compensation")->GetFeatureCount() == 1);
      CHECK(ds->GetLayerByName("counties")->GetFeatureCount() == 2);
    }
    const auto gpkg = basinkit::test::open_vector(dir / "a.gpkg");
    OGRLayer* styles = gpkg->GetLayerByName("layer_styles");
    REQUIRE(styles);
    CHECK(styles->GetFeatureCount() == 1);  // no plan: sections only, no catchments
  }
  SECTION("HTML: sections coloured, details data, tables") {
    write_assessment_report(report, dir / "a.html");
    const std::string page = basinkit::test::read_text(dir / "a.html");
    CHECK_THAT(page, Catch::Contains("<circle class=\"red\" data-i=\"0\""));
    CHECK_THAT(page, Catch::Contains("<circle class=\"green\" data-i=\"1\""));
    CHECK_THAT(page, Catch::Contains("竹皮河&lt;断面&gt;"));
    CHECK_THAT(page, Catch::Contains("竹皮河\\u003c断面>"));  // in the script: no '<'
    CHECK_THAT(page, Catch::Contains("<h2>By county</h2>"));
    CHECK_THAT(page, Catch::Contains("data-ready"));
  }
  SECTION("unknown extension") {
    CHECK_THROWS_WITH(check_assessment_report_path(dir / "a.geojson"),
                      Catch::Contains(".json, .csv, .xlsx, .gpkg or .html"));
  }
}

TEST_CASE("Monitoring XLSX: date cells and numbers read as text", "[assess]") {
  TempDir dir;
  write_text(dir / "m.csv",
             "断面编码,日期,TP(mg/L)\nSEC01,2026-10-05,0.18\nSEC01,2026-11-20,0.22\n");
  // Typed cells, as Excel writes them: a date cell and number cells (a code typed as a
  // number has lost its leading zeros before basinkit sees it: codes here are text).
  GDALAllRegister();  // run alone (ctest), no earlier test has registered the drivers
  const char* csv_options[] = {"AUTODETECT_TYPE=YES", nullptr};
  GDALDatasetH src =
      GDALOpenEx((dir / "m.csv").c_str(), GDAL_OF_VECTOR, nullptr, csv_options, nullptr);
  REQUIRE(src);
  char* args[] = {const_cast<char*>("-f"), const_cast<char*>("XLSX"), nullptr};
  GDALVectorTranslateOptions* o = GDALVectorTranslateOptionsNew(args, nullptr);
  GDALDatasetH out = GDALVectorTranslate((dir / "m.xlsx").c_str(), nullptr, 1, &src, o, nullptr);
  GDALVectorTranslateOptionsFree(o);
  REQUIRE(out);
  GDALClose(out);
  GDALClose(src);
  const MonitoringData d = read_monitoring(dir / "m.xlsx", default_assessment_config(), {"SEC01"});
  REQUIRE(d.samples.size() == 2);
  CHECK(d.samples[0].section == "SEC01");
  CHECK(d.samples[1].month == 2026 * 12 + 10);
  CHECK(d.samples[1].row == 3);
  CHECK(d.samples[1].values.at(Parameter::TP) == Approx(0.22));
}

TEST_CASE("Monitoring GeoPackage: the layer named in the config", "[assess]") {
  TempDir dir;
  basinkit::test::FixtureLayer other;
  other.layer = "stations";
  other.fields = {"name"};
  other.features = {{{"x"}, "POINT(340000 3450000)"}};
  basinkit::test::write_layer(dir / "m.gpkg", other);
  basinkit::test::FixtureLayer rows;
  rows.layer = "月报";
  rows.fields = {"站点", "采样时间", "总磷"};
  rows.features = {{{"0101", "2026-10-05 08:30", "180"}, "POINT(340000 3450000)"}};
  basinkit::test::write_layer(dir / "m.gpkg", rows);
  CHECK_THROWS_WITH(
      read_monitoring(dir / "m.gpkg", default_assessment_config(), {"0101"}),
      Catch::Contains("2 layers (stations, 月报)") && Catch::Contains("monitoring.layer"));
  const AssessmentConfig c = parse_assessment_config(
      "monitoring: { layer: 月报, section: 站点, date: 采样时间, "
      "parameters: { TP: { column: 总磷, unit: ug/L } } }\n",
      "/a.yaml");
  const MonitoringData d = read_monitoring(dir / "m.gpkg", c, {"0101"});
  REQUIRE(d.samples.size() == 1);
  CHECK(d.samples[0].month == 2026 * 12 + 9);
  CHECK(d.samples[0].values.at(Parameter::TP) == Approx(0.18));
  CHECK(d.columns.at(Parameter::TP) == "总磷 (ug/L)");
}

namespace {

/// tests/cli/assess: a 3 × 2 grid, UA→UB→UE→UF→OCEAN, UD→UE, UC→UF; sections S0 (UA,
/// target II), S1 (UE, III), S2 (UF, II); T1 manages UA UB UD and T2 UE (county K1), T3 UC
/// UF (K2). S1 is where the river leaves K1 for K2.
const std::string kGrid = std::string(BASINKIT_SOURCE_DIR) + "/tests/cli/assess/";

struct Grid {
  Plan plan = load_plan(kGrid + "plan.yaml");
  DrainageNetwork network = build_network(plan);
};

AssessmentResult assess_text(const Grid& g, const std::string& csv, const std::string& period,
                             const std::string& config = "") {
  TempDir dir;
  write_text(dir / "m.csv", csv);
  const AssessmentConfig c = parse_assessment_config(config, "/a.yaml");
  return assess(g.plan, g.network, read_monitoring(dir / "m.csv", c, section_codes(g.network)),
                parse_period(period), c);
}

const SectionAssessment& section(const AssessmentResult& r, const std::string& code) {
  for (const auto& s : r.sections)
    if (s.code == code) return s;
  FAIL("no section " << code);
  throw;
}

}  // namespace

TEST_CASE("Assessment on a plan with a network: classes, colours, roll-ups, compensation",
          "[assess]") {
  const Grid g;
  const AssessmentResult r =
      assess_text(g, basinkit::test::read_text(kGrid + "monitoring.csv"), "2026-10");
  REQUIRE(r.sections.size() == 3);
  const SectionAssessment& s0 = section(r, "S0");
  const SectionAssessment& s1 = section(r, "S1");
  const SectionAssessment& s2 = section(r, "S2");
  // S0 has a row in September only: listed, without class.
  CHECK(!s0.klass);
  CHECK(!s0.warning);
  CHECK(s0.units == std::vector<std::string>{"UA"});
  // S1: NH3-N mean 1.8 is class V against a target of III: red; TN is not assessed.
  REQUIRE(s1.klass);
  CHECK(*s1.klass == WaterClass::V);
  CHECK(s1.warning == Warning::red);
  CHECK(!s1.met);
  CHECK(s1.samples == 2);
  for (const auto& p : s1.parameters) {
    INFO(limits_of(p.parameter).key);
    if (p.parameter == Parameter::NH3N) {
      CHECK(p.mean == Approx(1.8));
      CHECK(p.over_target);
      CHECK(*p.multiple == Approx(0.8));
    } else if (p.parameter == Parameter::TP) {
      CHECK(p.klass == WaterClass::III);  // (0.18 + 0.22) / 2 = 0.2: at the limit
      CHECK(!p.over_target);
    } else if (p.parameter == Parameter::TN) {
      CHECK(p.role == Role::not_assessed);  // 3.2 mg/L would be 劣V
    } else {
      CHECK(!p.over_target);
    }
  }
  // Its incremental catchment stops at S0: UA is S0's.
  CHECK(s1.units == std::vector<std::string>{"UB", "UD", "UE"});
  CHECK(s1.townships == std::vector<std::string>{"T1", "T2"});
  CHECK(s1.counties == std::vector<std::string>{"K1"});
  // The river leaves K1 for K2 below S1: K1 pays K2 two classes' worth.
  REQUIRE(s1.cross_boundary);
  CHECK(s1.cross_boundary->upstream_county == "K1");
  CHECK(s1.cross_boundary->downstream_county == "K2");
  CHECK(s1.cross_boundary->class_difference == 2);
  CHECK(s1.cross_boundary->amount == 200);
  CHECK(s1.cross_boundary->payer == "K1");
  CHECK(s1.cross_boundary->payee == "K2");
  // S2: TP 0.15 is class III against II: yellow, multiple 0.5; the outlet crosses nothing.
  CHECK(*s2.klass == WaterClass::III);
  CHECK(s2.warning == Warning::yellow);
  CHECK(!s2.cross_boundary);
  CHECK(s2.units == std::vector<std::string>{"UC", "UF"});
  // Roll-ups.
  CHECK(r.red == 1);
  CHECK(r.yellow == 1);
  CHECK(r.no_data == 1);
  const ResponsibilityTally& k1 = r.by_county.at("K1");
  CHECK(k1.red == 1);
  CHECK(k1.no_data == 1);
  CHECK(k1.sections == std::vector<std::string>{"S0", "S1"});
  double red_area = 0;
  for (const auto& u : g.plan.units)
    if (u.code == "UB" || u.code == "UD" || u.code == "UE") red_area += u.geometry.area();
  CHECK(k1.red_area_m2 == Approx(red_area));
  CHECK(r.by_county.at("K2").yellow == 1);
  CHECK(r.by_county.at("K2").red_area_m2 == 0);
  CHECK(r.by_township.at("T1").red == 1);
  CHECK(r.by_township.at("T2").red_area_m2 == Approx(red_area / 3).epsilon(0.01));
  CHECK(r.by_township.at("T3").yellow == 1);
}

TEST_CASE("Assessment: lakes, better than target, configured scheme, empty period", "[assess]") {
  const Grid g;
  const std::string head = "section,date,TP(mg/L),DO(mg/L),TN(mg/L)\n";
  SECTION("a lake section uses the lake TP limits and TN as a reference") {
    const auto r =
        assess_text(g, head + "S2,2026-10-01,0.04,7.6,0.9\n", "2026-10", "lakes: [S2]\n");
    const SectionAssessment& s2 = section(r, "S2");
    CHECK(s2.water == WaterBody::lake);
    CHECK(*s2.klass == WaterClass::III);  // TP 0.04 in a lake: III (in a river: II)
    for (const auto& p : s2.parameters)
      if (p.parameter == Parameter::TN) {
        CHECK(p.role == Role::reference);
        CHECK(p.klass == WaterClass::III);
      }
  }
  SECTION("better than target: the downstream county pays the upstream one") {
    const auto r = assess_text(g, head + "S1,2026-10-01,0.05,7.6,9\n", "2026-10",
                               "compensation: { per_class_better: 30 }\n");
    const SectionAssessment& s1 = section(r, "S1");
    CHECK(*s1.klass == WaterClass::II);
    CHECK(s1.warning == Warning::green);
    CHECK(s1.cross_boundary->class_difference == -1);
    CHECK(s1.cross_boundary->amount == 30);
    CHECK(s1.cross_boundary->payer == "K2");
    CHECK(s1.cross_boundary->payee == "K1");
  }
  SECTION("劣V is red even against a target of V; means over a range of months") {
    const auto r = assess_text(
        g, head + "S1,2026-01-10,0.3,5,1\nS1,2026-02-10,0.7,5,1\nS1,2026-07-10,0.1,5,1\n",
        "2026-01..2026-02");
    const SectionAssessment& s1 = section(r, "S1");
    CHECK(s1.samples == 2);
    CHECK(*s1.klass == WaterClass::worse_than_V);  // TP mean 0.5 > 0.4
    CHECK(s1.warning == Warning::red);
  }
  SECTION("a period without rows is an error naming the file and the span") {
    CHECK_THROWS_WITH(assess_text(g, head + "S1,2026-01-10,0.3,5,1\n", "2026-12"),
                      Catch::Contains("m.csv") &&
                          Catch::Contains("no monitoring rows in the period 2026-12 (the rows "
                                          "run from 2026-01 to 2026-01)"));
  }
}

namespace {

const std::string kDemo = std::string(BASINKIT_SOURCE_DIR) + "/data/shapefiles/";

/// The JSON report, with the creation time of `as_of` (the rest must match byte for byte).
std::string json_of(AssessmentReport report, const Provenance& as_of) {
  report.provenance.created_utc = as_of.created_utc;
  std::ostringstream out;
  write_assessment_json(report, out);
  return out.str();
}

}  // namespace

TEST_CASE("run_assessment on the demo plan equals the step-by-step calls, moved or not",
          "[assess]") {
  const Plan plan = load_plan(kDemo + "plan.yaml");
  const std::string monitoring = kDemo + "monitoring.csv";
  const std::string period = GENERATE(std::string(), std::string("2026"));
  INFO("period '" << period << "'");

  // What `basinkit assess` and bk_assess did before run_assessment.
  const AssessmentConfig config = default_assessment_config();
  const DrainageNetwork network = build_network(plan);
  const MonitoringData data = read_monitoring(monitoring, config, section_codes(network));
  const AssessmentResult result = assess(
      plan, network, data, period.empty() ? latest_month(data) : parse_period(period), config);
  AssessmentReport steps;
  steps.result = &result;
  steps.plan = &plan;
  steps.data = &data;
  steps.provenance = assessment_provenance(plan, data, config, "assess --monitoring m.csv");

  Assessment first =
      run_assessment(plan, AssessmentRequest{monitoring, period, ""}, "assess --monitoring m.csv");
  const AssessmentReport* report = &first.report();
  const Assessment a = std::move(first);  // the parts stay where they are
  CHECK(&a.report() == report);
  CHECK(a.report().result == &a.result());
  CHECK(a.report().data == &a.data());
  CHECK(a.report().plan == &plan);
  CHECK(a.config().path.empty());
  CHECK(a.network().sections().size() == network.sections().size());
  CHECK(a.result().period.label == (period.empty() ? "2026-12" : "2026"));
  CHECK(a.result().red == result.red);
  CHECK(a.result().sections.size() == 12);
  CHECK(json_of(a.report(), steps.provenance) == json_of(steps, steps.provenance));
}

TEST_CASE("run_assessment: a bad period in the request is an InputError, before any reading",
          "[assess]") {
  const Plan plan = load_plan(kGrid + "plan.yaml");
  // The monitoring file does not exist: the period is refused before it is looked for.
  const AssessmentRequest request{"/nonexistent/basinkit/monitoring.csv", "October", ""};
  CHECK_THROWS_AS(run_assessment(plan, request, "assess"), InputError);
  CHECK_THROWS_WITH(run_assessment(plan, request, "assess"),
                    Catch::Contains("'October' is no period"));
  CHECK_THROWS_AS(prepare_assessment({"m.csv", "2026-13", ""}), InputError);
  // The config is read first, as `basinkit assess` does.
  CHECK_THROWS_WITH(prepare_assessment({"m.csv", "October", "/nonexistent/basinkit/a.yaml"}),
                    Catch::Contains("/nonexistent/basinkit/a.yaml"));
  const PreparedAssessment latest = prepare_assessment({"m.csv", "", ""});
  CHECK(!latest.period);
  CHECK(latest.config.path.empty());
  CHECK(prepare_assessment({"m.csv", "2026-01..2026-06", ""}).period->months() == 6);
}
