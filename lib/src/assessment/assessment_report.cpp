// Assessment reports (docs/assessment.md): JSON, CSV (BOM), XLSX and GeoPackage through
// the report module's writers; the HTML page is in assessment_html.cpp. A result holds
// sections (hundreds to a thousand), not millions of rows: the JSON document is built
// whole.
#include <basinkit/assessment.hpp>
#include <basinkit/error.hpp>

#include <fmt/format.h>

#include "assessment/assessment_report.hpp"
#include "common/quiet_gdal.hpp"
#include "report/gpkg_styles.hpp"

namespace basinkit::assessment {

using report::Column;
using report::ColumnKind;
using report::FlatValue;
using report::Json;

namespace {

Json optional_class(const std::optional<WaterClass>& c) {
  return c ? Json(to_string(*c)) : Json(nullptr);
}

const char* to_string(Role r) {
  return r == Role::in_class ? "in_class" : r == Role::reference ? "reference" : "not_assessed";
}

Json parameter_json(const ParameterResult& p) {
  const ParameterLimits& row = limits_of(p.parameter);
  Json j;
  j["parameter"] = row.key;
  j["name"] = row.name_zh;
  j["unit"] = row.unit;
  j["mean"] = report::rounded(p.mean, kMeanDecimals);
  j["samples"] = p.samples;
  j["role"] = to_string(p.role);
  j["class"] = p.role == Role::not_assessed ? Json(nullptr) : Json(basinkit::to_string(p.klass));
  j["over_target"] = p.over_target;
  j["multiple"] = p.multiple ? Json(report::rounded(*p.multiple, 2)) : Json(nullptr);
  return j;
}

Json cross_boundary_json(const CrossBoundary& c, const std::string& currency) {
  Json j;
  j["upstream_county"] = c.upstream_county;
  j["downstream_county"] = c.downstream_county.empty() ? Json(nullptr) : Json(c.downstream_county);
  j["class_difference"] = c.class_difference;
  j["amount"] = c.amount;
  j["currency"] = currency;
  j["payer"] = c.payer.empty() ? Json(nullptr) : Json(c.payer);
  j["payee"] = c.payee.empty() ? Json(nullptr) : Json(c.payee);
  return j;
}

Json tally_json(const std::map<std::string, ResponsibilityTally>& tallies) {
  Json j = Json::object();
  for (const auto& [code, t] : tallies) {
    Json x;
    x["name"] = t.name;
    x["green"] = t.green;
    x["yellow"] = t.yellow;
    x["red"] = t.red;
    x["no_data"] = t.no_data;
    x["red_area_m2"] = report::rounded(t.red_area_m2, report::kMetricDecimals);
    x["sections"] = t.sections;
    j[code] = x;
  }
  return j;
}

// ---- Flat rows -----------------------------------------------------------------------------

const std::vector<Column>& tally_columns() {
  static const std::vector<Column> columns = {{"code"},
                                              {"name"},
                                              {"green", ColumnKind::integer},
                                              {"yellow", ColumnKind::integer},
                                              {"red", ColumnKind::integer},
                                              {"no_data", ColumnKind::integer},
                                              {"red_area_m2", ColumnKind::real},
                                              {"sections"}};
  return columns;
}

std::vector<FlatValue> tally_values(const std::string& code, const ResponsibilityTally& t) {
  auto integer = [](int v) {
    FlatValue f;
    f.integer = v;
    return f;
  };
  return {report::text_value(code),
          report::text_value(t.name),
          integer(t.green),
          integer(t.yellow),
          integer(t.red),
          integer(t.no_data),
          report::real_value(t.red_area_m2, report::kMetricDecimals),
          report::text_value(report::joined(t.sections))};
}

const std::vector<Column>& compensation_columns() {
  static const std::vector<Column> columns = {{"section"},
                                              {"upstream_county"},
                                              {"downstream_county"},
                                              {"class_difference", ColumnKind::integer},
                                              {"amount", ColumnKind::real, 2},
                                              {"currency"},
                                              {"payer"},
                                              {"payee"}};
  return columns;
}

std::vector<FlatValue> compensation_values(const SectionAssessment& s,
                                           const std::string& currency) {
  const CrossBoundary& c = *s.cross_boundary;
  FlatValue diff;
  diff.integer = c.class_difference;
  auto code = [](const std::string& v) { return v.empty() ? FlatValue{} : report::text_value(v); };
  return {report::text_value(s.code),
          code(c.upstream_county),
          code(c.downstream_county),
          diff,
          report::real_value(c.amount, 2),
          report::text_value(currency),
          code(c.payer),
          code(c.payee)};
}

void write_rows(GDALDataset& ds, report::TableFormat format, const std::string& name,
                OGRSpatialReference* srs, const std::vector<Column>& columns,
                const std::vector<std::pair<std::vector<FlatValue>, report::OgrGeometryPtr>>& rows,
                const std::string& path) {
  const Where where(path, name);
  OGRLayer* layer = report::create_table_layer(ds, format, name, srs, columns, path);
  const bool transactions = report::has_transactions(ds);
  if (transactions && ds.StartTransaction() != OGRERR_NONE)
    throw InputError(fmt::format("cannot start a transaction{}", report::gdal_detail()), where);
  for (const auto& [values, geometry] : rows) {
    OGRFeature feature(layer->GetLayerDefn());
    report::set_fields(feature, values);
    if (geometry && format == report::TableFormat::gpkg) feature.SetGeometry(geometry.get());
    if (layer->CreateFeature(&feature) != OGRERR_NONE)
      throw InputError(fmt::format("cannot write a row{}", report::gdal_detail()), where);
  }
  if (transactions && ds.CommitTransaction() != OGRERR_NONE)
    throw InputError(fmt::format("cannot commit the layer{}", report::gdal_detail()), where);
}

report::LayerStyle warning_style(const std::string& layer, unsigned kinds) {
  report::LayerStyle style;
  style.layer = layer;
  style.field = "warning";
  style.categories = {{"green", {26, 150, 65}}, {"yellow", {255, 191, 0}}, {"red", {215, 25, 28}}};
  style.label_field = layer == "sections" ? "code" : "";
  style.fill_alpha = 110;
  style.kinds = kinds;
  return style;
}

void write_tables(const AssessmentReport& report, const std::string& path) {
  const QuietGdal quiet;
  const AssessmentResult& r = *report.result;
  const report::TableFormat format = report::table_format(path);
  crs::SrsPtr srs;
  if (!report.provenance.working_crs.empty())
    srs = report::parse_crs(report.provenance.working_crs, path);
  report::DatasetPtr ds = report::create_table_file(path, format);
  ds->SetMetadataItem("basinkit_provenance",
                      report::dump(report::provenance_json(report.provenance)).c_str());
  ds->SetMetadataItem("basinkit_summary", report::dump(summary_json(r)).c_str());

  std::vector<std::pair<std::vector<FlatValue>, report::OgrGeometryPtr>> rows;
  const std::vector<Column> columns = section_columns(report);
  for (const SectionAssessment& s : r.sections) {
    report::OgrGeometryPtr point;
    if (s.has_location) point.reset(new OGRPoint(s.location[0], s.location[1]));
    rows.emplace_back(section_values(report, s), std::move(point));
  }
  write_rows(*ds, format, "sections", srs.get(), columns, rows, path);
  std::vector<report::LayerStyle> styles = {warning_style("sections", report::kPoints)};

  if (format == report::TableFormat::gpkg && report.plan) {
    // Each section's incremental catchment: a polygon per unit, with the section's colour.
    static const std::vector<Column> kCatchment = {
        {"section"}, {"warning"}, {"unit"}, {"township"}, {"area_m2", ColumnKind::real}};
    std::map<std::string, const ControlUnit*> units;
    for (const auto& u : report.plan->units) units.emplace(u.code, &u);
    rows.clear();
    unsigned kinds = 0;
    for (const SectionAssessment& s : r.sections)
      for (const auto& code : s.units) {
        const ControlUnit& u = *units.at(code);
        report::OgrGeometryPtr g = report::to_ogr(u.geometry);
        if (g) kinds |= report::geometry_kinds(g.get());
        rows.emplace_back(
            std::vector<FlatValue>{
                report::text_value(s.code),
                s.warning ? report::text_value(basinkit::to_string(*s.warning)) : FlatValue{},
                report::text_value(code), report::text_value(u.township),
                report::real_value(u.geometry.area(), report::kMetricDecimals)},
            std::move(g));
      }
    write_rows(*ds, format, "catchments", srs.get(), kCatchment, rows, path);
    styles.push_back(warning_style("catchments", kinds));
  }
  for (const auto& [name, tallies] :
       {std::pair<const char*, const std::map<std::string, ResponsibilityTally>*>{"counties",
                                                                                  &r.by_county},
        {"townships", &r.by_township}}) {
    rows.clear();
    for (const auto& [code, t] : *tallies) rows.emplace_back(tally_values(code, t), nullptr);
    write_rows(*ds, format, name, nullptr, tally_columns(), rows, path);
  }
  rows.clear();
  for (const SectionAssessment& s : r.sections)
    if (s.cross_boundary) rows.emplace_back(compensation_values(s, r.currency), nullptr);
  write_rows(*ds, format, "compensation", nullptr, compensation_columns(), rows, path);
  if (format == report::TableFormat::gpkg) report::write_layer_styles(*ds, styles, path);
  report::close_table_file(std::move(ds), path);
}

void write_csv(const AssessmentReport& report, const std::string& path) {
  std::ofstream out = report::open_output(path);
  const std::vector<Column> columns = section_columns(report);
  report::write_csv_header(out, columns);
  for (const SectionAssessment& s : report.result->sections)
    report::write_csv_row(out, columns, section_values(report, s));
  report::finish_output(out, path);
}

}  // namespace

Json summary_json(const AssessmentResult& r) {
  Json j;
  j["period"] = r.period.label;
  j["sections"] = r.sections.size();
  j["green"] = r.green;
  j["yellow"] = r.yellow;
  j["red"] = r.red;
  j["no_data"] = r.no_data;
  int crossing = 0;
  double amount = 0;
  for (const auto& s : r.sections)
    if (s.cross_boundary) {
      ++crossing;
      amount += s.cross_boundary->amount;
    }
  j["cross_boundary"] = crossing;
  j["compensation_total"] = amount;
  j["currency"] = r.currency;
  return j;
}

Json section_json(const SectionAssessment& s, const std::string& currency) {
  Json j;
  j["code"] = s.code;
  j["name"] = s.name;
  j["river"] = s.river;
  j["kind"] = s.kind;
  j["unit"] = s.unit.empty() ? Json(nullptr) : Json(s.unit);
  j["water"] = s.water == WaterBody::lake ? "lake" : "river";
  j["target"] = optional_class(s.target);
  j["class"] = optional_class(s.klass);
  j["status"] = s.klass ? Json(quality_status(*s.klass)) : Json(nullptr);
  j["met"] = s.klass && s.target ? Json(s.met) : Json(nullptr);
  j["warning"] = s.warning ? Json(basinkit::to_string(*s.warning)) : Json(nullptr);
  j["samples"] = s.samples;
  Json over = Json::array();
  for (const auto& p : s.parameters)
    if (p.over_target) over.push_back(limits_of(p.parameter).key);
  j["over_target"] = over;
  Json params = Json::array();
  for (const auto& p : s.parameters) params.push_back(parameter_json(p));
  j["parameters"] = params;
  j["units"] = s.units;
  j["townships"] = s.townships;
  j["counties"] = s.counties;
  j["catchment_area_m2"] = report::rounded(s.catchment_area_m2, report::kMetricDecimals);
  j["cross_boundary"] =
      s.cross_boundary ? cross_boundary_json(*s.cross_boundary, currency) : Json(nullptr);
  j["location"] = s.has_location
                      ? Json::array({report::rounded(s.location[0], report::kMetricDecimals),
                                     report::rounded(s.location[1], report::kMetricDecimals)})
                      : Json(nullptr);
  return j;
}

Json report_json(const AssessmentReport& report) {
  const AssessmentResult& r = *report.result;
  Json j;
  j["provenance"] = report::provenance_json(report.provenance);
  j["summary"] = summary_json(r);
  Json sections = Json::array();
  for (const auto& s : r.sections) sections.push_back(section_json(s, r.currency));
  j["sections"] = sections;
  j["by_county"] = tally_json(r.by_county);
  j["by_township"] = tally_json(r.by_township);
  return j;
}

std::vector<Column> section_columns(const AssessmentReport& report) {
  std::vector<Column> c = {{"code"},       {"name"},
                           {"river"},      {"kind"},
                           {"unit"},       {"water"},
                           {"target"},     {"class"},
                           {"status"},     {"met", ColumnKind::boolean},
                           {"warning"},    {"samples", ColumnKind::integer},
                           {"over_target"}};
  if (report.data)
    for (Parameter p : report.data->measured) {
      c.push_back({fmt::format("{}_mean", limits_of(p).key), ColumnKind::real, kMeanDecimals});
      c.push_back({fmt::format("{}_class", limits_of(p).key)});
    }
  for (const char* name : {"units", "townships", "counties"}) c.push_back({name});
  c.push_back({"catchment_area_m2", ColumnKind::real});
  for (const char* name : {"upstream_county", "downstream_county"}) c.push_back({name});
  c.push_back({"compensation", ColumnKind::real, 2});
  for (const char* name : {"payer", "payee"}) c.push_back({name});
  return c;
}

std::vector<FlatValue> section_values(const AssessmentReport& report, const SectionAssessment& s) {
  auto text = [](const std::string& v) { return v.empty() ? FlatValue{} : report::text_value(v); };
  auto klass = [](const std::optional<WaterClass>& c) {
    return c ? report::text_value(basinkit::to_string(*c)) : FlatValue{};
  };
  const std::vector<std::string> over = over_target_labels(s);
  FlatValue samples;
  samples.integer = s.samples;
  std::vector<FlatValue> v = {
      report::text_value(s.code),
      text(s.name),
      text(s.river),
      text(s.kind),
      text(s.unit),
      report::text_value(s.water == WaterBody::lake ? "lake" : "river"),
      klass(s.target),
      klass(s.klass),
      s.klass ? report::text_value(quality_status(*s.klass)) : FlatValue{},
      s.klass && s.target ? report::boolean_value(s.met) : FlatValue{},
      s.warning ? report::text_value(basinkit::to_string(*s.warning)) : FlatValue{},
      samples,
      report::text_value(report::joined(over))};
  if (report.data)
    for (Parameter p : report.data->measured) {
      const ParameterResult* found = nullptr;
      for (const auto& pr : s.parameters)
        if (pr.parameter == p) found = &pr;
      v.push_back(found ? report::real_value(found->mean, kMeanDecimals) : FlatValue{});
      v.push_back(found && found->role != Role::not_assessed
                      ? report::text_value(basinkit::to_string(found->klass))
                      : FlatValue{});
    }
  v.push_back(report::text_value(report::joined(s.units)));
  v.push_back(report::text_value(report::joined(s.townships)));
  v.push_back(report::text_value(report::joined(s.counties)));
  v.push_back(report::real_value(s.catchment_area_m2, report::kMetricDecimals));
  const CrossBoundary* c = s.cross_boundary ? &*s.cross_boundary : nullptr;
  v.push_back(c ? text(c->upstream_county) : FlatValue{});
  v.push_back(c ? text(c->downstream_county) : FlatValue{});
  v.push_back(c ? report::real_value(c->amount, 2) : FlatValue{});
  v.push_back(c ? text(c->payer) : FlatValue{});
  v.push_back(c ? text(c->payee) : FlatValue{});
  return v;
}

}  // namespace basinkit::assessment

namespace basinkit {

void check_assessment_report_path(const std::string& path) {
  const std::string ext = report::extension_of(path);
  if (ext != ".json" && ext != ".csv" && ext != ".xlsx" && ext != ".gpkg" && ext != ".html")
    throw InputError(
        "unknown report format: the extension must be .json, .csv, .xlsx, .gpkg or .html",
        Where(path));
}

void write_assessment_json(const AssessmentReport& report, std::ostream& out) {
  out << assessment::report_json(report).dump(2) << '\n';
}

void write_assessment_report(const AssessmentReport& report, const std::string& path) {
  check_assessment_report_path(path);
  const std::string ext = report::extension_of(path);
  if (ext == ".json") {
    std::ofstream out = report::open_output(path);
    write_assessment_json(report, out);
    report::finish_output(out, path);
  } else if (ext == ".csv") {
    assessment::write_csv(report, path);
  } else if (ext == ".html") {
    assessment::write_html(report, path);
  } else {
    assessment::write_tables(report, path);
  }
}

}  // namespace basinkit

namespace basinkit {

Provenance assessment_provenance(const Plan& plan, const MonitoringData& data,
                                 const AssessmentConfig& config, const std::string& command_line) {
  Provenance p = plan_provenance(plan, command_line);
  Provenance::Input monitoring;
  monitoring.role = "monitoring";
  monitoring.path = data.path;
  monitoring.layer = data.layer;
  monitoring.sha256 = data.sha256;
  p.inputs.push_back(monitoring);
  if (!config.path.empty()) {
    Provenance::Input c;
    c.role = "assessment_config";
    c.path = config.path;
    c.sha256 = sha256_of_file(config.path);
    p.inputs.push_back(c);
  }
  return p;
}

}  // namespace basinkit
