// Reports of a plan diff: JSON (streamed), CSV (BOM; changes and findings in one table),
// XLSX and GeoPackage (a layer per change type and per finding status, styled), and the
// choice of format by extension. The HTML page is in diff_html.cpp. Everything goes
// through the findings reports' plumbing (report/report_common.hpp).
#include <basinkit/error.hpp>
#include <basinkit/plan_diff.hpp>

#include <fmt/format.h>

#include <map>

#include "common/quiet_gdal.hpp"
#include "diff/diff_report.hpp"
#include "report/gpkg_styles.hpp"
#include "report/report_common.hpp"

namespace basinkit {
namespace report {
namespace {

/// Areas of changes are given in km² to 6 decimals (whole m²).
constexpr int kKm2Decimals = 6;

Json tallies_json(const std::map<std::string, DiffTally>& tallies) {
  Json out = Json::object();
  for (const auto& [code, t] : tallies)
    out[code] = Json{{"name", t.name}, {"changes", t.changes},     {"resolved", t.resolved},
                     {"new", t.added}, {"unchanged", t.unchanged}, {"new_errors", t.new_errors}};
  return out;
}

Json diff_summary_json(const PlanDiff& d) {
  Json by_change = Json::object();
  for (const auto& [type, n] : d.by_change) by_change[type] = n;
  Json findings = Json{{"compared", d.findings_compared}};
  if (d.findings_compared) {
    findings["resolved"] = d.resolved.size();
    findings["new"] = d.added.size();
    findings["unchanged"] = d.unchanged.size();
    findings["new_errors"] = d.new_errors();
  }
  return Json{{"changes", d.changes.size()},
              {"by_change", by_change},
              {"findings", findings},
              {"by_township", tallies_json(d.by_township)},
              {"by_county", tallies_json(d.by_county)}};
}

Json location_json(const std::optional<std::array<double, 2>>& p) {
  return p ? Json::array({rounded((*p)[0], kMetricDecimals), rounded((*p)[1], kMetricDecimals)})
           : Json(nullptr);
}

bool is_field_change(ChangeType t) {
  return t == ChangeType::reassigned || t == ChangeType::reparented || t == ChangeType::attribute;
}

std::vector<double> rounded_shares(const std::vector<double>& shares) {
  std::vector<double> out;
  for (double s : shares) out.push_back(rounded(s, kShareDecimals));
  return out;
}

// ---- flat rows (CSV, XLSX, GeoPackage) ----------------------------------------------

/// The columns of a change row; CSV puts `kind` first and the finding columns after.
const std::vector<Column>& change_columns() {
  static const std::vector<Column> columns = {
      {"change", ColumnKind::text},
      {"layer", ColumnKind::text},
      {"level", ColumnKind::integer},
      {"old_codes", ColumnKind::text},
      {"new_codes", ColumnKind::text},
      {"names", ColumnKind::text},
      {"field", ColumnKind::text},
      {"old_value", ColumnKind::text},
      {"new_value", ColumnKind::text},
      {"gained_km2", ColumnKind::real, kKm2Decimals},
      {"lost_km2", ColumnKind::real, kKm2Decimals},
      {"gained_from", ColumnKind::text},
      {"lost_to", ColumnKind::text},
      {"shares", ColumnKind::text},
      {"townships", ColumnKind::text},
      {"counties", ColumnKind::text},
      {"x", ColumnKind::real},
      {"y", ColumnKind::real},
      {"message", ColumnKind::text},
  };
  return columns;
}

std::vector<FlatValue> change_values(const PlanChange& c) {
  std::optional<double> x, y;
  if (c.location) {
    x = (*c.location)[0];
    y = (*c.location)[1];
  }
  std::vector<std::string> shares;
  for (double s : c.shares) shares.push_back(fmt::format("{:.6f}", s));
  const bool field = is_field_change(c.type);
  const bool reshaped = c.type == ChangeType::reshaped;
  return {
      text_value(to_string(c.type)),
      text_value(c.layer),
      c.level ? FlatValue{std::nullopt, std::nullopt, c.level} : FlatValue{},
      text_value(joined(c.old_codes)),
      text_value(joined(c.new_codes)),
      text_value(joined(c.names)),
      field ? text_value(c.field) : FlatValue{},
      field ? text_value(c.old_value) : FlatValue{},
      field ? text_value(c.new_value) : FlatValue{},
      reshaped ? real_value(c.gained_m2 / 1e6, kKm2Decimals) : FlatValue{},
      reshaped ? real_value(c.lost_m2 / 1e6, kKm2Decimals) : FlatValue{},
      text_value(joined(c.gained_from)),
      text_value(joined(c.lost_to)),
      text_value(joined(shares)),
      text_value(joined(c.townships)),
      text_value(joined(c.counties)),
      real_value(x, kMetricDecimals),
      real_value(y, kMetricDecimals),
      text_value(c.message),
  };
}

/// The finding statuses in report order, with their findings.
std::vector<std::pair<const char*, const std::vector<Finding>*>> statuses(const PlanDiff& d) {
  if (!d.findings_compared) return {};
  return {{"resolved", &d.resolved}, {"new", &d.added}, {"unchanged", &d.unchanged}};
}

const PlanDiff& diff_of(const DiffReport& r) {
  if (!r.diff) throw std::logic_error("DiffReport without a diff");
  return *r.diff;
}

void write_csv(const DiffReport& report, const std::string& path) {
  const PlanDiff& d = diff_of(report);
  // One table for both: a change row fills the change columns, a finding row (change =
  // its status) the codes (old codes for resolved findings) and the finding columns.
  std::vector<Column> columns{{"kind", ColumnKind::text}};
  columns.insert(columns.end(), change_columns().begin(), change_columns().end());
  const size_t finding_at = columns.size();
  columns.insert(columns.end(), {{"finding_type", ColumnKind::text},
                                 {"severity", ColumnKind::text},
                                 {"area_m2", ColumnKind::real}});
  std::ofstream out = open_output(path);
  write_csv_header(out, columns);
  for (const PlanChange& c : d.changes) {
    std::vector<FlatValue> v{text_value("change")};
    for (FlatValue& x : change_values(c)) v.push_back(std::move(x));
    write_csv_row(out, columns, v);
  }
  for (const auto& [status, findings] : statuses(d))
    for (const Finding& f : *findings) {
      std::vector<FlatValue> v(columns.size());
      v[0] = text_value("finding");
      v[1] = text_value(status);
      v[2] = text_value(f.layer);
      v[std::string(status) == "resolved" ? 4 : 5] = text_value(joined(f.codes));
      v[6] = text_value(joined(f.names));
      v[15] = text_value(joined(f.townships));
      v[16] = text_value(joined(f.counties));
      if (f.location) {
        v[17] = real_value((*f.location)[0], kMetricDecimals);
        v[18] = real_value((*f.location)[1], kMetricDecimals);
      }
      v[19] = text_value(f.message);
      v[finding_at] = text_value(to_string(f.type));
      v[finding_at + 1] = text_value(to_string(f.severity));
      v[finding_at + 2] = real_value(f.area_m2, kMetricDecimals);
      write_csv_row(out, columns, v);
    }
  finish_output(out, path);
}

void write_tables(const DiffReport& report, const std::string& path) {
  const PlanDiff& d = diff_of(report);
  const QuietGdal quiet;
  const std::string& crs = report.provenance.working_crs;
  crs::SrsPtr srs;
  if (!crs.empty()) srs = parse_crs(crs, path);
  std::map<ChangeType, std::vector<const PlanChange*>> by_type;
  for (const PlanChange& c : d.changes) by_type[c.type].push_back(&c);

  const TableFormat format = table_format(path);
  DatasetPtr ds = create_table_file(path, format);
  ds->SetMetadataItem("basinkit_provenance", dump(provenance_json(report.provenance)).c_str());
  ds->SetMetadataItem("basinkit_summary", dump(diff_summary_json(d)).c_str());
  std::vector<LayerStyle> styles;
  for (const auto& [type, changes] : by_type) {
    const auto& list = changes;
    const unsigned kinds = write_table_rows(
        *ds, format, to_string(type), change_columns(), list.size(),
        [&list](size_t i) {
          const PlanChange& c = *list[i];
          return TableRow{change_values(c), to_ogr(c.geometry),
                          fmt::format("the change ({} → {})", fmt::join(c.old_codes, ", "),
                                      fmt::join(c.new_codes, ", "))};
        },
        srs.get(), path);
    styles.push_back(change_style(to_string(type), kinds));
  }
  for (const auto& [status, findings] : statuses(d)) {
    if (findings->empty()) continue;
    const std::string name = std::string("findings_") + status;
    const auto& list = *findings;
    const unsigned kinds = write_table_rows(
        *ds, format, name, flat_columns(), list.size(),
        [&list](size_t i) {
          return TableRow{flat_values(list[i]), report_geometry(list[i]),
                          fmt::format("the finding ({})", fmt::join(list[i].codes, ", "))};
        },
        srs.get(), path);
    styles.push_back(finding_style(name, kinds));
  }
  if (format == TableFormat::gpkg) write_layer_styles(*ds, styles, path);
  close_table_file(std::move(ds), path);
}

}  // namespace

Json change_json(const PlanChange& c) {
  Json j;
  j["type"] = to_string(c.type);
  j["layer"] = c.layer;
  if (c.level) j["level"] = c.level;
  j["old_codes"] = c.old_codes;
  j["new_codes"] = c.new_codes;
  j["names"] = c.names;
  if (is_field_change(c.type)) {
    j["field"] = c.field;
    j["old_value"] = c.old_value;
    j["new_value"] = c.new_value;
  }
  if (c.type == ChangeType::reshaped) {
    j["gained_km2"] = rounded(c.gained_m2 / 1e6, kKm2Decimals);
    j["lost_km2"] = rounded(c.lost_m2 / 1e6, kKm2Decimals);
    j["gained_from"] = c.gained_from;
    j["lost_to"] = c.lost_to;
  }
  if (!c.shares.empty()) j["shares"] = rounded_shares(c.shares);
  j["townships"] = c.townships;
  j["counties"] = c.counties;
  j["location"] = location_json(c.location);
  j["message"] = c.message;
  return j;
}

Json diff_summary(const PlanDiff& d) { return diff_summary_json(d); }

void write_diff_json_stream(const DiffReport& report, std::ostream& out) {
  const PlanDiff& d = diff_of(report);
  out << "{\"provenance\":" << dump(provenance_json(report.provenance)) << ",\n";
  out << "\"summary\":" << dump(diff_summary_json(d)) << ",\n";
  out << "\"changes\":[";
  bool first = true;
  for (const PlanChange& c : d.changes) {
    out << (first ? "\n" : ",\n") << dump(change_json(c));
    first = false;
  }
  out << "\n],\n\"findings\":{";
  first = true;
  for (const auto& [status, findings] : statuses(d)) {
    out << (first ? "\n" : ",\n") << '"' << status << "\":[";
    bool first_finding = true;
    for (const Finding& f : *findings) {
      out << (first_finding ? "\n" : ",\n") << dump(finding_json(f));
      first_finding = false;
    }
    out << "\n]";
    first = false;
  }
  out << "}}\n";
}

}  // namespace report

Provenance diff_provenance(const Plan& old_plan, const Plan& new_plan,
                           const std::string& command_line) {
  Provenance p = plan_provenance(new_plan, command_line);
  for (auto& in : p.inputs) in.role = "new " + in.role;
  for (auto in : plan_provenance(old_plan, command_line).inputs) {
    in.role = "old " + in.role;
    p.inputs.push_back(std::move(in));
  }
  return p;
}

void check_diff_report_path(const std::string& path) {
  report::check_extension(path, {".json", ".csv", ".xlsx", ".gpkg", ".html"});
}

void write_diff_report(const DiffReport& report, const std::string& path) {
  check_diff_report_path(path);
  const std::string ext = report::extension_of(path);
  if (ext == ".json") {
    std::ofstream out = report::open_output(path);
    report::write_diff_json_stream(report, out);
    return report::finish_output(out, path);
  }
  if (ext == ".csv") return report::write_csv(report, path);
  if (ext == ".html") return report::write_diff_html(report, path);
  return report::write_tables(report, path);
}

void write_diff_json(const DiffReport& report, std::ostream& out) {
  report::write_diff_json_stream(report, out);
}

}  // namespace basinkit
