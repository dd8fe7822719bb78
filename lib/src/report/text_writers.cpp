// JSON and CSV reports, streamed one finding at a time, and the choice of format by the
// output's extension.

#include <basinkit/error.hpp>
#include <basinkit/report.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "report/report_common.hpp"

namespace basinkit {
namespace report {
namespace {

const std::vector<Finding>& findings_of(const FindingReport& r) {
  static const std::vector<Finding> none;
  return r.findings ? *r.findings : none;
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

void check_extension(const std::string& path, const std::vector<std::string>& formats) {
  const std::string ext = extension_of(path);
  if (std::find(formats.begin(), formats.end(), ext) != formats.end()) return;
  throw InputError(fmt::format("unknown report format '{}': the extension must be one of {}",
                               ext.empty() ? "(no extension)" : ext, fmt::join(formats, ", ")),
                   Where(path));
}

void write_json_file(const FindingReport& report, const std::string& path) {
  std::ofstream out = open_output(path);
  write_json_stream(report, out);
  finish_output(out, path);
}

void write_csv_file(const FindingReport& report, const std::string& path) {
  std::ofstream out = open_output(path);
  write_csv_header(out, flat_columns());
  for (const Finding& f : findings_of(report)) write_csv_row(out, flat_columns(), flat_values(f));
  finish_output(out, path);
}

}  // namespace report

void write_json(const FindingReport& report, std::ostream& out) {
  report::write_json_stream(report, out);
}

void check_report_path(const std::string& path) {
  report::check_extension(path, {".json", ".csv", ".geojson", ".gpkg", ".xlsx", ".html"});
}

void write_report(const FindingReport& report, const std::string& path) {
  check_report_path(path);
  const std::string ext = report::extension_of(path);
  if (ext == ".json") return report::write_json_file(report, path);
  if (ext == ".csv") return report::write_csv_file(report, path);
  if (ext == ".geojson") return report::write_geojson_file(report, path);
  if (ext == ".html") return report::write_html_file(report, path);
  return report::write_table_file(report, path);
}

}  // namespace basinkit
