// JSON and CSV reports, streamed one finding at a time, and the choice of format by the
// output's extension.

#include <basinkit/error.hpp>
#include <basinkit/report.hpp>

#include <fmt/format.h>

#include <fstream>

#include "report/report_common.hpp"

namespace basinkit {
namespace report {
namespace {

const std::vector<Finding>& findings_of(const FindingReport& r) {
  static const std::vector<Finding> none;
  return r.findings ? *r.findings : none;
}

/// A CSV cell, quoted (RFC 4180) when it holds a comma, quote, CR or LF.
void write_cell(std::ostream& out, const std::string& cell) {
  if (cell.find_first_of(",\"\r\n") == std::string::npos) {
    out << cell;
    return;
  }
  out << '"';
  for (char c : cell) {
    if (c == '"') out << '"';
    out << c;
  }
  out << '"';
}

std::string cell_text(const FlatValue& v, const Column& column) {
  if (v.text) return *v.text;
  if (v.integer) return std::to_string(*v.integer);
  if (v.real) {
    const int decimals =
        std::string_view(column.name) == "share" ? kShareDecimals : kMetricDecimals;
    return fmt::format("{:.{}f}", *v.real, decimals);
  }
  return "";
}

}  // namespace

void write_json_stream(const FindingReport& report, std::ostream& out) {
  out << "{\"provenance\":" << dump(provenance_json(report.provenance)) << ",\n";
  out << "\"summary\":" << dump(summary_json(report.summary)) << ",\n";
  out << "\"findings\":[";
  bool first = true;
  for (const Finding& f : findings_of(report)) {
    out << (first ? "\n" : ",\n") << dump(finding_json(f));
    first = false;
  }
  out << "\n]}\n";
}

void write_json_file(const FindingReport& report, const std::string& path) {
  std::ofstream out = open_output(path);
  write_json_stream(report, out);
  finish_output(out, path);
}

void write_csv_file(const FindingReport& report, const std::string& path) {
  std::ofstream out = open_output(path);
  out << "\xEF\xBB\xBF";  // UTF-8 BOM: Excel reads the file as UTF-8 only with it
  const auto& columns = flat_columns();
  for (size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << columns[i].name;
  out << "\r\n";
  for (const Finding& f : findings_of(report)) {
    const std::vector<FlatValue> values = flat_values(f);
    for (size_t i = 0; i < columns.size(); ++i) {
      if (i) out << ',';
      write_cell(out, cell_text(values[i], columns[i]));
    }
    out << "\r\n";
  }
  finish_output(out, path);
}

}  // namespace report

void write_json(const FindingReport& report, std::ostream& out) {
  report::write_json_stream(report, out);
}

namespace {
constexpr const char* kFormats[] = {".json", ".csv", ".geojson", ".gpkg"};
}  // namespace

void check_report_path(const std::string& path) {
  const std::string ext = report::extension_of(path);
  for (const char* known : kFormats)
    if (ext == known) return;
  throw InputError(fmt::format("unknown report format '{}': the extension must be one of "
                               ".json, .csv, .geojson, .gpkg",
                               ext.empty() ? "(no extension)" : ext),
                   Where(path));
}

void write_report(const FindingReport& report, const std::string& path) {
  check_report_path(path);
  const std::string ext = report::extension_of(path);
  if (ext == ".json") return report::write_json_file(report, path);
  if (ext == ".csv") return report::write_csv_file(report, path);
  if (ext == ".geojson") return report::write_geojson_file(report, path);
  return report::write_gpkg_file(report, path);
}

}  // namespace basinkit
