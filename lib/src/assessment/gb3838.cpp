// GB 3838-2002 Table 1 (地表水环境质量标准基本项目标准限值) and the single-factor class of
// a value. The limits below are THE table: docs/assessment.md reprints it with its source,
// and tests/assessment_test.cpp checks every boundary value.
#include <basinkit/assessment.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace basinkit {
namespace {

constexpr Role in = Role::in_class, ref = Role::reference, none = Role::not_assessed;
constexpr Bound up = Bound::upper;

// Limits of classes I..V (mg/L unless said). Lakes and reservoirs (湖、库) differ only in
// total phosphorus. Roles follow 《地表水环境质量评价办法（试行）》(环办〔2011〕22号): the
// class is set by the 21 items other than water temperature, total nitrogen and fecal
// coliform; those are references assessed apart, "河流总氮除外" (total nitrogen is not
// assessed for rivers at all). The method computes no 超标倍数 for pH and DO.
const std::vector<ParameterLimits> kTable = {
    // DO class I is "饱和率90%（或7.5）": the 7.5 mg/L form is used.
    {Parameter::pH,
     "pH",
     "pH值",
     "",
     Bound::range,
     {6, 9, 0, 0, 0},
     {6, 9, 0, 0, 0},
     in,
     in,
     false},
    {Parameter::DO,
     "DO",
     "溶解氧",
     "mg/L",
     Bound::lower,
     {7.5, 6, 5, 3, 2},
     {7.5, 6, 5, 3, 2},
     in,
     in,
     false},
    {Parameter::CODMn,
     "CODMn",
     "高锰酸盐指数",
     "mg/L",
     up,
     {2, 4, 6, 10, 15},
     {2, 4, 6, 10, 15},
     in,
     in,
     true},
    {Parameter::COD,
     "COD",
     "化学需氧量",
     "mg/L",
     up,
     {15, 15, 20, 30, 40},
     {15, 15, 20, 30, 40},
     in,
     in,
     true},
    {Parameter::BOD5,
     "BOD5",
     "五日生化需氧量",
     "mg/L",
     up,
     {3, 3, 4, 6, 10},
     {3, 3, 4, 6, 10},
     in,
     in,
     true},
    {Parameter::NH3N,
     "NH3-N",
     "氨氮",
     "mg/L",
     up,
     {0.15, 0.5, 1.0, 1.5, 2.0},
     {0.15, 0.5, 1.0, 1.5, 2.0},
     in,
     in,
     true},
    {Parameter::TP,
     "TP",
     "总磷",
     "mg/L",
     up,
     {0.02, 0.1, 0.2, 0.3, 0.4},
     {0.01, 0.025, 0.05, 0.1, 0.2},
     in,
     in,
     true},
    {Parameter::TN,
     "TN",
     "总氮",
     "mg/L",
     up,
     {0.2, 0.5, 1.0, 1.5, 2.0},
     {0.2, 0.5, 1.0, 1.5, 2.0},
     none,
     ref,
     true},
    {Parameter::Cu,
     "Cu",
     "铜",
     "mg/L",
     up,
     {0.01, 1.0, 1.0, 1.0, 1.0},
     {0.01, 1.0, 1.0, 1.0, 1.0},
     in,
     in,
     true},
    {Parameter::Zn,
     "Zn",
     "锌",
     "mg/L",
     up,
     {0.05, 1.0, 1.0, 2.0, 2.0},
     {0.05, 1.0, 1.0, 2.0, 2.0},
     in,
     in,
     true},
    {Parameter::F,
     "F",
     "氟化物",
     "mg/L",
     up,
     {1.0, 1.0, 1.0, 1.5, 1.5},
     {1.0, 1.0, 1.0, 1.5, 1.5},
     in,
     in,
     true},
    {Parameter::Se,
     "Se",
     "硒",
     "mg/L",
     up,
     {0.01, 0.01, 0.01, 0.02, 0.02},
     {0.01, 0.01, 0.01, 0.02, 0.02},
     in,
     in,
     true},
    {Parameter::As,
     "As",
     "砷",
     "mg/L",
     up,
     {0.05, 0.05, 0.05, 0.1, 0.1},
     {0.05, 0.05, 0.05, 0.1, 0.1},
     in,
     in,
     true},
    {Parameter::Hg,
     "Hg",
     "汞",
     "mg/L",
     up,
     {0.00005, 0.00005, 0.0001, 0.001, 0.001},
     {0.00005, 0.00005, 0.0001, 0.001, 0.001},
     in,
     in,
     true},
    {Parameter::Cd,
     "Cd",
     "镉",
     "mg/L",
     up,
     {0.001, 0.005, 0.005, 0.005, 0.01},
     {0.001, 0.005, 0.005, 0.005, 0.01},
     in,
     in,
     true},
    {Parameter::Cr6,
     "Cr6+",
     "铬（六价）",
     "mg/L",
     up,
     {0.01, 0.05, 0.05, 0.05, 0.1},
     {0.01, 0.05, 0.05, 0.05, 0.1},
     in,
     in,
     true},
    {Parameter::Pb,
     "Pb",
     "铅",
     "mg/L",
     up,
     {0.01, 0.01, 0.05, 0.05, 0.1},
     {0.01, 0.01, 0.05, 0.05, 0.1},
     in,
     in,
     true},
    {Parameter::CN,
     "CN",
     "氰化物",
     "mg/L",
     up,
     {0.005, 0.05, 0.2, 0.2, 0.2},
     {0.005, 0.05, 0.2, 0.2, 0.2},
     in,
     in,
     true},
    {Parameter::VolatilePhenol,
     "phenols",
     "挥发酚",
     "mg/L",
     up,
     {0.002, 0.002, 0.005, 0.01, 0.1},
     {0.002, 0.002, 0.005, 0.01, 0.1},
     in,
     in,
     true},
    {Parameter::Petroleum,
     "petroleum",
     "石油类",
     "mg/L",
     up,
     {0.05, 0.05, 0.05, 0.5, 1.0},
     {0.05, 0.05, 0.05, 0.5, 1.0},
     in,
     in,
     true},
    {Parameter::LAS,
     "LAS",
     "阴离子表面活性剂",
     "mg/L",
     up,
     {0.2, 0.2, 0.2, 0.3, 0.3},
     {0.2, 0.2, 0.2, 0.3, 0.3},
     in,
     in,
     true},
    {Parameter::Sulfide,
     "sulfide",
     "硫化物",
     "mg/L",
     up,
     {0.05, 0.1, 0.2, 0.5, 1.0},
     {0.05, 0.1, 0.2, 0.5, 1.0},
     in,
     in,
     true},
    {Parameter::FecalColiform,
     "fecal_coliform",
     "粪大肠菌群",
     "个/L",
     up,
     {200, 2000, 10000, 20000, 40000},
     {200, 2000, 10000, 20000, 40000},
     ref,
     ref,
     true},
};

// Period means are sums divided by counts: a mean of values at a limit may land a few ulps
// above it. Within this relative margin a value is at the limit (and meets it).
constexpr double kRelativeMargin = 1e-9;

bool at_most(double value, double limit) { return value <= limit * (1 + kRelativeMargin); }
bool at_least(double value, double limit) { return value >= limit * (1 - kRelativeMargin); }

// Spellings of a parameter name, compared after normalize().
const std::vector<std::pair<Parameter, std::vector<const char*>>> kAliases = {
    {Parameter::pH, {"ph", "ph值"}},
    {Parameter::DO, {"do", "溶解氧"}},
    {Parameter::CODMn, {"codmn", "高锰酸盐指数", "imn"}},
    {Parameter::COD, {"cod", "codcr", "化学需氧量"}},
    {Parameter::BOD5, {"bod5", "bod", "五日生化需氧量"}},
    {Parameter::NH3N, {"nh3n", "氨氮", "nh4n"}},
    {Parameter::TP, {"tp", "总磷"}},
    {Parameter::TN, {"tn", "总氮"}},
    {Parameter::Cu, {"cu", "铜"}},
    {Parameter::Zn, {"zn", "锌"}},
    {Parameter::F, {"f", "氟化物"}},
    {Parameter::Se, {"se", "硒"}},
    {Parameter::As, {"as", "砷"}},
    {Parameter::Hg, {"hg", "汞"}},
    {Parameter::Cd, {"cd", "镉"}},
    {Parameter::Cr6, {"cr6", "crvi", "六价铬", "铬六价"}},
    {Parameter::Pb, {"pb", "铅"}},
    {Parameter::CN, {"cn", "氰化物"}},
    {Parameter::VolatilePhenol, {"phenols", "volatilephenol", "挥发酚"}},
    {Parameter::Petroleum, {"petroleum", "oil", "石油类"}},
    {Parameter::LAS, {"las", "阴离子表面活性剂"}},
    {Parameter::Sulfide, {"sulfide", "硫化物"}},
    {Parameter::FecalColiform, {"fecalcoliform", "粪大肠菌群"}},
};

// Lower-case ASCII, without spaces, '-', '_', '+' and brackets (ASCII and full-width).
std::string normalize(std::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == ' ' || c == '-' || c == '_' || c == '+' || c == '(' || c == ')') continue;
    // （ and ） are EF BC 88 / EF BC 89 in UTF-8.
    if (name.compare(i, 3, "\xEF\xBC\x88") == 0 || name.compare(i, 3, "\xEF\xBC\x89") == 0) {
      i += 2;
      continue;
    }
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

}  // namespace

const char* to_string(WaterClass c) {
  switch (c) {
    case WaterClass::I:
      return "I";
    case WaterClass::II:
      return "II";
    case WaterClass::III:
      return "III";
    case WaterClass::IV:
      return "IV";
    case WaterClass::V:
      return "V";
    case WaterClass::worse_than_V:
      return "劣V";
  }
  return "?";
}

const char* quality_status(WaterClass c) {
  switch (c) {
    case WaterClass::I:
    case WaterClass::II:
      return "优";
    case WaterClass::III:
      return "良好";
    case WaterClass::IV:
      return "轻度污染";
    case WaterClass::V:
      return "中度污染";
    case WaterClass::worse_than_V:
      return "重度污染";
  }
  return "?";
}

std::optional<WaterClass> parse_water_class(std::string_view text) {
  std::string s(text);
  auto strip = [&s](std::string_view affix, bool prefix) {
    if (s.size() < affix.size()) return false;
    if (prefix ? s.compare(0, affix.size(), affix) != 0
               : s.compare(s.size() - affix.size(), affix.size(), affix) != 0)
      return false;
    s = prefix ? s.substr(affix.size()) : s.substr(0, s.size() - affix.size());
    return true;
  };
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  strip("类", false);
  const bool worse = strip("劣", true);
  static const std::vector<std::pair<std::vector<std::string>, WaterClass>> kSpellings = {
      {{"i", "1", "Ⅰ", "一"}, WaterClass::I},     {{"ii", "2", "Ⅱ", "二"}, WaterClass::II},
      {{"iii", "3", "Ⅲ", "三"}, WaterClass::III}, {{"iv", "4", "Ⅳ", "四"}, WaterClass::IV},
      {{"v", "5", "Ⅴ", "五"}, WaterClass::V},
  };
  std::string lower = s;
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  for (const auto& [spellings, klass] : kSpellings)
    if (std::find(spellings.begin(), spellings.end(), lower) != spellings.end()) {
      if (!worse) return klass;
      return klass == WaterClass::V ? std::optional(WaterClass::worse_than_V) : std::nullopt;
    }
  return std::nullopt;
}

const std::vector<ParameterLimits>& gb3838_table1() { return kTable; }

const ParameterLimits& limits_of(Parameter p) {
  for (const auto& row : kTable)
    if (row.id == p) return row;
  throw std::logic_error("parameter missing from GB 3838 table");
}

std::optional<Parameter> find_parameter(std::string_view name) {
  const std::string n = normalize(name);
  for (const auto& [p, spellings] : kAliases)
    for (const char* s : spellings)
      if (n == s) return p;
  return std::nullopt;
}

WaterClass classify(Parameter p, double value, WaterBody water) {
  const ParameterLimits& row = limits_of(p);
  const auto& l = row.limits(water);
  switch (row.bound) {
    case Bound::range:
      return at_least(value, l[0]) && at_most(value, l[1]) ? WaterClass::I
                                                           : WaterClass::worse_than_V;
    case Bound::lower:
      for (int i = 0; i < 5; ++i)
        if (at_least(value, l[i])) return static_cast<WaterClass>(i + 1);
      return WaterClass::worse_than_V;
    case Bound::upper:
      for (int i = 0; i < 5; ++i)
        if (at_most(value, l[i])) return static_cast<WaterClass>(i + 1);
      return WaterClass::worse_than_V;
  }
  return WaterClass::worse_than_V;
}

std::optional<double> exceedance(Parameter p, double value, WaterBody water, WaterClass target) {
  const ParameterLimits& row = limits_of(p);
  if (!row.has_multiple || row.bound != Bound::upper || target == WaterClass::worse_than_V)
    return std::nullopt;
  const double limit = row.limits(water)[static_cast<int>(target) - 1];
  if (at_most(value, limit)) return std::nullopt;
  return (value - limit) / limit;
}

const char* to_string(Warning w) {
  switch (w) {
    case Warning::green:
      return "green";
    case Warning::yellow:
      return "yellow";
    case Warning::red:
      return "red";
  }
  return "?";
}

Warning WarningScheme::colour(WaterClass klass, WaterClass target) const {
  if (klass == WaterClass::worse_than_V && worse_than_v_is_red) return Warning::red;
  const int missed = static_cast<int>(klass) - static_cast<int>(target);
  if (missed >= red_from) return Warning::red;
  if (missed >= yellow_from) return Warning::yellow;
  return Warning::green;
}

std::vector<std::string> over_target_labels(const SectionAssessment& s) {
  std::vector<std::string> labels;
  for (const auto& p : s.parameters)
    if (p.over_target)
      labels.push_back(p.multiple
                           ? fmt::format("{}({:.2f})", limits_of(p.parameter).key, *p.multiple)
                           : limits_of(p.parameter).key);
  return labels;
}

}  // namespace basinkit
