// Monitoring rows from any OGR table (CSV, XLSX, GPKG ...): a section code, a date and the
// parameters' values, each column's unit stated somewhere (docs/assessment.md). Codes stay
// text. Every bad cell stops the run with the file, row and column; nothing is guessed.
#include <basinkit/assessment.hpp>
#include <basinkit/error.hpp>
#include <basinkit/report.hpp>

#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <regex>

#include "common/quiet_gdal.hpp"
#include "io/source_guard.hpp"
#include "io/spreadsheet_text.hpp"

namespace basinkit {
namespace {

struct DatasetCloser {
  void operator()(GDALDataset* d) const noexcept { GDALClose(d); }
};

std::string trimmed(std::string s) {
  const char* ws = " \t\r\n";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

std::string lower_ascii(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

/// A header split into its name and the unit in brackets at its end: "总磷(mg/L)",
/// "TP （mg/L）", "TP [mg/L]".
struct Header {
  std::string name, unit;
};
Header split_header(const std::string& header) {
  const std::string h = trimmed(header);
  static const std::pair<const char*, const char*> kBrackets[] = {
      {"(", ")"}, {"\xEF\xBC\x88", "\xEF\xBC\x89"}, {"[", "]"}};
  for (const auto& [open, close] : kBrackets) {
    const std::string c = close;
    if (h.size() <= c.size() || h.compare(h.size() - c.size(), c.size(), c) != 0) continue;
    const auto at = h.rfind(open);
    if (at == std::string::npos || at == 0) continue;
    const size_t from = at + std::string(open).size();
    return {trimmed(h.substr(0, at)), trimmed(h.substr(from, h.size() - c.size() - from))};
  }
  return {h, ""};
}

/// Month (year * 12 + month - 1) of a date as monitoring files write it; nullopt when it
/// is none: 2026-10-15, 2026/10/15, 2026.10.15, 2026-10, 2026年10月(15日), 202610,
/// 20261015, with any time after it.
std::optional<int> month_of(const std::string& text) {
  const std::string s = trimmed(text);
  size_t i = 0;
  auto digits = [&](size_t max) {
    size_t n = 0;
    int v = 0;
    while (i < s.size() && n < max && s[i] >= '0' && s[i] <= '9') {
      v = v * 10 + (s[i++] - '0');
      ++n;
    }
    return std::make_pair(v, n);
  };
  const auto [year, ny] = digits(4);
  if (ny != 4 || year < 1900 || year > 2200) return std::nullopt;
  int month = 0;
  if (i < s.size() && (s[i] >= '0' && s[i] <= '9')) {  // 202610, 20261015
    const auto [m, nm] = digits(2);
    if (nm != 2) return std::nullopt;
    month = m;
    digits(2);
  } else {
    static const char* kSeparators[] = {"-", "/", ".", "年"};
    bool separated = false;
    for (const char* sep : kSeparators)
      if (s.compare(i, std::string(sep).size(), sep) == 0) {
        i += std::string(sep).size();
        separated = true;
        break;
      }
    if (!separated) return std::nullopt;
    const auto [m, nm] = digits(2);
    if (nm == 0) return std::nullopt;
    month = m;
    // the day and time may follow; their form is not checked beyond the month
  }
  if (month < 1 || month > 12) return std::nullopt;
  return year * 12 + month - 1;
}

/// A value cell: a number ≥ 0, or a value under the detection limit ("<0.01", "＜0.01",
/// "0.01L" as Chinese monitoring reports write it) counted as half the limit.
struct Value {
  std::optional<double> number;  ///< nullopt: empty cell (not measured)
  std::string problem;           ///< non-empty: the cell is bad
};
Value parse_value(const std::string& cell) {
  std::string s = trimmed(cell);
  if (s.empty()) return {};
  bool below_limit = false;
  if (s.compare(0, 1, "<") == 0) {
    s = trimmed(s.substr(1));
    below_limit = true;
  } else if (s.compare(0, 3, "\xEF\xBC\x9C") == 0) {  // ＜
    s = trimmed(s.substr(3));
    below_limit = true;
  } else if (s.size() > 1 && (s.back() == 'L' || s.back() == 'l')) {
    s.pop_back();
    below_limit = true;
  }
  const char* begin = s.c_str();
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  if (s.empty() || end != begin + s.size() || !std::isfinite(v))
    return {std::nullopt, fmt::format("'{}' is not a number", trimmed(cell))};
  if (v < 0) return {std::nullopt, fmt::format("{} is negative", trimmed(cell))};
  return {below_limit ? v / 2 : v, ""};
}

struct ColumnPlan {
  Parameter parameter;
  int field = -1;
  std::string header;
  double factor = 1;
};

}  // namespace

Period parse_period(const std::string& text) {
  const std::string s = trimmed(text);
  auto bad = [&s]() {
    return InputError(
        fmt::format("'{}' is no period: give a month (2026-10), a year (2026) or "
                    "a range of months (2026-01..2026-06)",
                    s));
  };
  auto one = [&](const std::string& part, bool end) {
    const std::string p = trimmed(part);
    if (p.size() == 4 && p.find_first_not_of("0123456789") == std::string::npos) {
      const int year = std::atoi(p.c_str());
      if (year < 1900 || year > 2200) throw bad();
      return year * 12 + (end ? 11 : 0);
    }
    // a month only ("2026-10", "2026年10月", "202610"), not a day
    static const std::regex kMonth(R"(\d{4}([-/.]\d{1,2}|\d{2}|年\d{1,2}月?))");
    const auto m = month_of(p);
    if (!m || !std::regex_match(p, kMonth)) throw bad();
    return *m;
  };
  Period period;
  period.label = s;
  size_t sep = s.find("..");
  size_t sep_len = 2;
  if (sep == std::string::npos && s.size() > 8) {
    sep = s.find('/', 5);
    sep_len = 1;
  }
  if (sep != std::string::npos) {
    period.first = one(s.substr(0, sep), false);
    period.last = one(s.substr(sep + sep_len), true);
  } else {
    period.first = one(s, false);
    period.last = one(s, true);
  }
  if (period.last < period.first) throw bad();
  return period;
}

MonitoringData read_monitoring(const std::string& path, const AssessmentConfig& config,
                               const std::set<std::string>& sections) {
  const QuietGdal quiet;
  const io::SpreadsheetAsText spreadsheet;
  io::check_source_allowed(path, false);
  GDALAllRegister();
  CPLStringList options;
  options.SetNameValue("FIELD_TYPES", "STRING");  // codes stay text
  options.SetNameValue("AUTODETECT_TYPE", "NO");
  CPLErrorReset();
  std::unique_ptr<GDALDataset, DatasetCloser> ds(GDALDataset::Open(
      path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, options.List(), nullptr));
  if (!ds) {
    // GDAL says nothing for a missing file, nor for one no driver recognises.
    std::string why = CPLGetLastErrorMsg();
    if (why.empty()) {
      std::error_code ignored;
      why = std::filesystem::exists(path, ignored)
                ? "not a table GDAL reads (CSV, XLSX, ODS, GeoPackage, …)"
                : "no such file";
    }
    throw InputError("cannot open the monitoring data: " + why, Where{path});
  }
  OGRLayer* layer = nullptr;
  if (!config.layer.empty()) {
    layer = ds->GetLayerByName(config.layer.c_str());
    if (!layer)
      throw InputError(fmt::format("no layer '{}' in the monitoring data", config.layer),
                       Where{path});
  } else if (ds->GetLayerCount() == 1) {
    layer = ds->GetLayer(0);
  } else {
    std::string names;
    for (auto* l : ds->GetLayers())
      names += (names.empty() ? "" : ", ") + std::string(l->GetName());
    throw InputError(fmt::format("the monitoring data has {} layers ({}): name one in the "
                                 "config (monitoring.layer)",
                                 ds->GetLayerCount(), names),
                     Where{path});
  }
  const Where where(path, layer->GetName());
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  std::vector<Header> headers;
  for (int i = 0; i < defn->GetFieldCount(); ++i)
    headers.push_back(split_header(defn->GetFieldDefn(i)->GetNameRef()));

  auto find_column = [&](const std::vector<std::string>& candidates) {
    for (const auto& c : candidates)
      for (size_t i = 0; i < headers.size(); ++i)
        if (lower_ascii(headers[i].name) == lower_ascii(c) ||
            lower_ascii(defn->GetFieldDefn(static_cast<int>(i))->GetNameRef()) == lower_ascii(c))
          return static_cast<int>(i);
    return -1;
  };
  auto required = [&](const std::vector<std::string>& candidates, bool named, const char* what,
                      const char* key) {
    const int i = find_column(candidates);
    if (i < 0)
      throw InputError(
          named ? fmt::format("no column '{}' ({} as the config names it)", candidates[0], what)
                : fmt::format("no {} column (looked for {}); name it in the config: "
                              "monitoring.{}",
                              what, fmt::join(candidates, ", "), key),
          where);
    return i;
  };
  const int section_field =
      required(config.section_columns, config.explicit_section, "section code", "section");
  const int date_field = required(config.date_columns, config.explicit_date, "date", "date");

  MonitoringData data;
  data.path = path;
  data.layer = layer->GetName();
  data.sha256 = sha256_of_file(path);
  std::vector<ColumnPlan> columns;
  std::vector<bool> taken(headers.size(), false);
  taken[section_field] = taken[date_field] = true;
  for (const ParameterLimits& row : gb3838_table1()) {
    const ParameterColumn* spec = nullptr;
    for (const auto& pc : config.parameters)
      if (pc.parameter == row.id) spec = &pc;
    if (!spec) continue;
    int field = -1;
    if (spec->explicit_column) {
      field = find_column(spec->columns);
      if (field < 0)
        throw InputError(
            fmt::format("no column '{}' ({} as the config names it)", spec->columns[0], row.key),
            where);
    } else {
      // Defaults: any header that spells the parameter (TP, 总磷, NH3N ...).
      for (size_t i = 0; i < headers.size() && field < 0; ++i)
        if (!taken[i] && find_parameter(headers[i].name) == row.id) field = static_cast<int>(i);
    }
    if (field < 0) continue;
    taken[field] = true;
    const Header& h = headers[field];
    const std::string header = defn->GetFieldDefn(field)->GetNameRef();
    std::string unit = !spec->unit.empty() ? spec->unit : h.unit;
    if (unit.empty() && row.id != Parameter::pH && row.id != Parameter::FecalColiform)
      unit = config.default_unit;
    Where at = where;
    at.field = header;
    if (unit.empty() && row.id != Parameter::pH)
      throw InputError(
          fmt::format("no unit of measure for {}: state it in the header (e.g. '{} (mg/L)') or "
                      "in the config (monitoring.unit, or monitoring.parameters.{}.unit)",
                      row.key, h.name, row.key),
          at);
    const auto factor = unit_factor(row.id, unit);
    if (!factor)
      throw InputError(fmt::format("'{}' is no unit of {} ({})", unit, row.key,
                                   *row.unit ? row.unit : "dimensionless"),
                       at);
    columns.push_back({row.id, field, header, *factor});
    data.measured.push_back(row.id);
    data.columns[row.id] = unit.empty() ? header : fmt::format("{} ({})", h.name, unit);
  }
  if (columns.empty())
    throw InputError(
        "no parameter column found (DO, CODMn, COD, BOD5, NH3-N, TP, … or their Chinese "
        "names; map others in the config: monitoring.parameters)",
        where);

  layer->ResetReading();
  std::int64_t row = 1;  // the header is row 1, as a spreadsheet shows it
  for (OGRFeatureUniquePtr f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
    ++row;
    auto cell = [&](int field) {
      return f->IsFieldSetAndNotNull(field) ? std::string(f->GetFieldAsString(field))
                                            : std::string();
    };
    auto bad = [&](int field, const std::string& problem) {
      return InputError(fmt::format("row {}, column '{}': {}", row,
                                    defn->GetFieldDefn(field)->GetNameRef(), problem),
                        where);
    };
    Sample s;
    s.row = row;
    s.section = trimmed(cell(section_field));
    if (s.section.empty()) throw bad(section_field, "no section code");
    if (!sections.count(s.section))
      throw bad(
          section_field,
          fmt::format("unknown section code '{}' (not in the plan's sections layer)", s.section));
    const auto month = month_of(cell(date_field));
    if (!month)
      throw bad(date_field, fmt::format("'{}' is no date (2026-10-15, 2026/10/15, 2026-10, "
                                        "2026年10月)",
                                        trimmed(cell(date_field))));
    s.month = *month;
    for (const ColumnPlan& c : columns) {
      const Value v = parse_value(cell(c.field));
      if (!v.problem.empty()) throw bad(c.field, v.problem);
      if (v.number) s.values[c.parameter] = *v.number * c.factor;
    }
    data.samples.push_back(std::move(s));
  }
  if (CPLGetLastErrorType() >= CE_Failure)
    throw InputError(fmt::format("cannot read the monitoring data: {}", CPLGetLastErrorMsg()),
                     where);
  return data;
}

}  // namespace basinkit

namespace basinkit {

Period latest_month(const MonitoringData& data) {
  if (data.samples.empty())
    throw InputError("no monitoring rows at all", Where(data.path, data.layer));
  int last = data.samples.front().month;
  for (const Sample& s : data.samples) last = std::max(last, s.month);
  Period p;
  p.first = p.last = last;
  p.label = fmt::format("{}-{:02}", last / 12, last % 12 + 1);
  return p;
}

}  // namespace basinkit
