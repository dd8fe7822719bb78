// Reports of unit lists (一单元一清单, unit_lists.hpp): JSON; the flat form — a row per
// unit and rule — as CSV (BOM), XLSX (a sheet per county, a block of rows per unit,
// blocks parted by an empty row) and GeoPackage (the rules' pieces of each unit, styled
// by effect, and the units); the HTML pages are in html_unit_lists.cpp.
//
// A unit with no rule (or no usable geometry) still has one row, with `note` saying so:
// every selected unit is in every report.

#include <basinkit/error.hpp>
#include <basinkit/unit_lists.hpp>

#include <fmt/format.h>

#include <map>

#include "common/quiet_gdal.hpp"
#include "report/gpkg_styles.hpp"
#include "report/html_unit_lists.hpp"
#include "report/report_common.hpp"

namespace basinkit {
namespace report {
namespace {

/// km² with 6 decimals (1 m²) and per cent with 2: the flat reports are read by people.
constexpr int kKm2Decimals = 6;
constexpr int kPercentDecimals = 2;

const std::vector<UnitList>& units_of(const UnitListReport& r) {
  static const std::vector<UnitList> none;
  return r.lists ? r.lists->units : none;
}

Json text_or_null(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Json rule_json(const ListedRule& l) {
  const Rule& rule = *l.rule;
  return Json{
      {"id", rule.id},
      {"file", l.file->path},
      {"effect", to_string(rule.effect)},
      {"title", rule.title},
      {"basis", rule.basis},
      {"scope", scope_text(rule)},
      {"applies_to", applies_to_text(rule.applies_to)},
      {"unless", text_or_null(unless_text(rule))},
      {"condition", rule.condition},
      {"area_m2", rounded(l.area_m2, kMetricDecimals)},
      {"share", rounded(l.share, kShareDecimals)},
      {"whole_unit", l.whole_unit},
      {"unless_area_m2",
       l.unless_area_m2 ? Json(rounded(*l.unless_area_m2, kMetricDecimals)) : Json(nullptr)}};
}

Json unit_json(const UnitList& u) {
  Json negative = Json::array(), positive = Json::array();
  for (const ListedRule& l : u.rules)
    (l.rule->list == RuleList::negative ? negative : positive).push_back(rule_json(l));
  Json j{{"code", u.code},
         {"name", u.name},
         {"township", u.township},
         {"township_name", u.township_name},
         {"county", text_or_null(u.county)},
         {"county_name", text_or_null(u.county_name)},
         {"area_m2", rounded(u.area_m2, kMetricDecimals)},
         {"negative", negative},
         {"positive", positive}};
  if (!u.error.empty()) j["error"] = u.error;
  return j;
}

Json summary_json(const UnitListReport& r) {
  size_t listed = 0;
  for (const UnitList& u : units_of(r)) listed += u.rules.size();
  return Json{{"units", units_of(r).size()},
              {"rules", r.lists ? r.lists->rules : 0},
              {"listed", listed},
              {"skipped", r.lists ? r.lists->skipped : std::vector<std::string>{}}};
}

// ---- Flat form ------------------------------------------------------------------------

const std::vector<Column>& list_columns() {
  static const std::vector<Column> columns = {
      {"county"},
      {"county_name"},
      {"township"},
      {"township_name"},
      {"unit"},
      {"unit_name"},
      {"unit_area_km2", ColumnKind::real, kKm2Decimals},
      {"list"},
      {"effect"},
      {"rule"},
      {"title"},
      {"scope"},
      {"applies_to"},
      {"unless"},
      {"condition"},
      {"basis"},
      {"file"},
      {"area_km2", ColumnKind::real, kKm2Decimals},
      {"share_pct", ColumnKind::real, kPercentDecimals},
      {"whole_unit", ColumnKind::boolean},
      {"unless_area_km2", ColumnKind::real, kKm2Decimals},
      {"note"},
  };
  return columns;
}

std::optional<double> km2(std::optional<double> m2) {
  if (!m2) return std::nullopt;
  return *m2 / 1e6;
}

/// The row of `l` in `u`, or the unit's only row when `l` is null.
std::vector<FlatValue> list_values(const UnitList& u, const ListedRule* l) {
  std::vector<FlatValue> values = {text_value(u.county),
                                   text_value(u.county_name),
                                   text_value(u.township),
                                   text_value(u.township_name),
                                   text_value(u.code),
                                   text_value(u.name),
                                   real_value(u.area_m2 / 1e6, kKm2Decimals)};
  if (!l) {
    for (size_t i = values.size(); i + 1 < list_columns().size(); ++i) values.emplace_back();
    values.push_back(text_value(u.error.empty() ? "no rule applies in this unit" : u.error));
    return values;
  }
  const Rule& rule = *l->rule;
  const std::string unless = unless_text(rule);
  values.push_back(text_value(to_string(rule.list)));
  values.push_back(text_value(to_string(rule.effect)));
  values.push_back(text_value(rule.id));
  values.push_back(text_value(rule.title));
  values.push_back(text_value(scope_text(rule)));
  values.push_back(text_value(applies_to_text(rule.applies_to)));
  values.push_back(unless.empty() ? FlatValue{} : text_value(unless));
  values.push_back(rule.condition.empty() ? FlatValue{} : text_value(rule.condition));
  values.push_back(text_value(rule.basis));
  values.push_back(text_value(l->file->path));
  values.push_back(real_value(l->area_m2 / 1e6, kKm2Decimals));
  values.push_back(real_value(100 * l->share, kPercentDecimals));
  values.push_back(boolean_value(l->whole_unit));
  values.push_back(real_value(km2(l->unless_area_m2), kKm2Decimals));
  values.push_back(FlatValue{});
  return values;
}

/// Calls fn(values, rule) for every row of `u` (rule null for a unit without rules).
template <typename Fn>
void for_each_row(const UnitList& u, Fn&& fn) {
  if (u.rules.empty()) return fn(list_values(u, nullptr), static_cast<const ListedRule*>(nullptr));
  for (const ListedRule& l : u.rules) fn(list_values(u, &l), &l);
}

void write_csv(const UnitListReport& report, const std::string& path) {
  std::ofstream out = open_output(path);
  write_csv_header(out, list_columns());
  for (const UnitList& u : units_of(report))
    for_each_row(u, [&](const std::vector<FlatValue>& values, const ListedRule*) {
      write_csv_row(out, list_columns(), values);
    });
  finish_output(out, path);
}

/// Writes `fn`'s features to `layer` inside one transaction when `ds` takes them.
template <typename Fn>
void in_transaction(GDALDataset& ds, const std::string& path, const std::string& layer, Fn&& fn) {
  const Where where(path, layer);
  const bool transactions = has_transactions(ds);
  if (transactions && ds.StartTransaction() != OGRERR_NONE)
    throw InputError(fmt::format("cannot start a transaction{}", gdal_detail()), where);
  try {
    fn();
  } catch (...) {
    if (transactions) ds.RollbackTransaction();
    throw;
  }
  if (transactions && ds.CommitTransaction() != OGRERR_NONE)
    throw InputError(fmt::format("cannot commit the layer{}", gdal_detail()), where);
}

void create(OGRLayer& layer, OGRFeature& feature, const std::string& path,
            const std::string& layer_name, const std::string& what) {
  if (layer.CreateFeature(&feature) != OGRERR_NONE)
    throw InputError(fmt::format("cannot write {}{}", what, gdal_detail()),
                     Where(path, layer_name));
}

/// The county's code and name as a sheet name Excel accepts: at most 31 characters (cut
/// on a UTF-8 character's start), none of []:*?/\.
std::string sheet_name(const UnitList& u) {
  std::string name = u.county.empty()        ? "no county"
                     : u.county_name.empty() ? u.county
                                             : u.county + " " + u.county_name;
  for (char& c : name)
    if (std::string("[]:*?/\\").find(c) != std::string::npos) c = '_';
  size_t characters = 0;
  for (size_t i = 0; i < name.size(); ++i)
    if ((static_cast<unsigned char>(name[i]) & 0xC0) != 0x80 && ++characters > 31)
      return name.substr(0, i);
  return name;
}

void write_xlsx(const UnitListReport& report, const std::string& path) {
  std::map<std::string, std::vector<const UnitList*>> by_county;
  for (const UnitList& u : units_of(report)) by_county[sheet_name(u)].push_back(&u);
  DatasetPtr ds = create_table_file(path, TableFormat::xlsx);
  for (const auto& county_sheet : by_county) {
    // Named references, not structured bindings: C++17 lambdas cannot capture those.
    const std::string& sheet = county_sheet.first;
    const std::vector<const UnitList*>& units = county_sheet.second;
    OGRLayer* layer =
        create_table_layer(*ds, TableFormat::xlsx, sheet, nullptr, list_columns(), path);
    for (size_t i = 0; i < units.size(); ++i) {
      if (i > 0) {  // the empty row between two units' blocks
        OGRFeature gap(layer->GetLayerDefn());
        create(*layer, gap, path, sheet, "a row");
      }
      for_each_row(*units[i], [&](const std::vector<FlatValue>& values, const ListedRule*) {
        OGRFeature feature(layer->GetLayerDefn());
        set_fields(feature, values);
        create(*layer, feature, path, sheet, fmt::format("unit {}", units[i]->code));
      });
    }
  }
  close_table_file(std::move(ds), path);
}

const std::vector<Column>& unit_columns() {
  static const std::vector<Column> columns = {{"county"},
                                              {"township"},
                                              {"unit"},
                                              {"unit_name"},
                                              {"unit_area_km2", ColumnKind::real, kKm2Decimals},
                                              {"negative", ColumnKind::integer},
                                              {"positive", ColumnKind::integer},
                                              {"note"}};
  return columns;
}

void write_gpkg(const UnitListReport& report, const std::string& path) {
  crs::SrsPtr srs;
  if (report.plan && !report.plan->working_crs.empty())
    srs = parse_crs(report.plan->working_crs, path);
  DatasetPtr ds = create_table_file(path, TableFormat::gpkg);
  ds->SetMetadataItem("basinkit_provenance", dump(provenance_json(report.provenance)).c_str());
  ds->SetMetadataItem("basinkit_summary", dump(summary_json(report)).c_str());
  OGRLayer* units =
      create_table_layer(*ds, TableFormat::gpkg, "units", srs.get(), unit_columns(), path);
  in_transaction(*ds, path, "units", [&] {
    for (const UnitList& u : units_of(report)) {
      std::int64_t negative = 0;
      for (const ListedRule& l : u.rules) negative += l.rule->list == RuleList::negative;
      OGRFeature feature(units->GetLayerDefn());
      set_fields(feature, {text_value(u.county), text_value(u.township), text_value(u.code),
                           text_value(u.name), real_value(u.area_m2 / 1e6, kKm2Decimals),
                           FlatValue{std::nullopt, std::nullopt, negative},
                           FlatValue{std::nullopt, std::nullopt,
                                     static_cast<std::int64_t>(u.rules.size()) - negative},
                           u.error.empty() ? FlatValue{} : text_value(u.error)});
      if (OgrGeometryPtr g = to_ogr(u.geometry)) feature.SetGeometryDirectly(g.release());
      create(*units, feature, path, "units", fmt::format("unit {}", u.code));
    }
  });
  OGRLayer* pieces =
      create_table_layer(*ds, TableFormat::gpkg, "scope_pieces", srs.get(), list_columns(), path);
  unsigned kinds = 0;
  in_transaction(*ds, path, "scope_pieces", [&] {
    for (const UnitList& u : units_of(report))
      for (const ListedRule& l : u.rules) {
        OGRFeature feature(pieces->GetLayerDefn());
        set_fields(feature, list_values(u, &l));
        if (OgrGeometryPtr g = to_ogr(l.piece)) {
          kinds |= geometry_kinds(g.get());
          feature.SetGeometryDirectly(g.release());
        }
        create(*pieces, feature, path, "scope_pieces",
               fmt::format("unit {}, rule {}", u.code, l.rule->id));
      }
  });
  write_layer_styles(*ds, {effect_style("scope_pieces", kinds)}, path);
  close_table_file(std::move(ds), path);
}

}  // namespace

void write_unit_lists_json_stream(const UnitListReport& report, std::ostream& out) {
  out << "{\"provenance\":" << dump(provenance_json(report.provenance)) << ",\n";
  out << "\"summary\":" << dump(summary_json(report)) << ",\n\"units\":[";
  bool first = true;
  for (const UnitList& u : units_of(report)) {
    out << (first ? "\n" : ",\n") << dump(unit_json(u));
    first = false;
  }
  out << "\n]}\n";
}

}  // namespace report

namespace {
constexpr const char* kListFormats[] = {".json", ".csv", ".xlsx", ".html", ".gpkg"};
}  // namespace

void check_unit_list_report_path(const std::string& path) {
  const std::string ext = report::extension_of(path);
  for (const char* known : kListFormats)
    if (ext == known) return;
  throw InputError(fmt::format("unknown report format '{}': the extension must be one of "
                               ".json, .csv, .xlsx, .html, .gpkg",
                               ext.empty() ? "(no extension)" : ext),
                   Where(path));
}

bool unit_list_report_has_maps(const std::string& path) {
  const std::string ext = report::extension_of(path);
  return ext == ".html" || ext == ".gpkg";
}

void write_unit_lists(const UnitListReport& report, const std::string& path) {
  check_unit_list_report_path(path);
  const std::string ext = report::extension_of(path);
  const QuietGdal quiet;
  if (ext == ".json") {
    std::ofstream out = report::open_output(path);
    report::write_unit_lists_json_stream(report, out);
    return report::finish_output(out, path);
  }
  if (ext == ".csv") return report::write_csv(report, path);
  if (ext == ".xlsx") return report::write_xlsx(report, path);
  if (ext == ".html") return report::write_unit_lists_html(report, path);
  return report::write_gpkg(report, path);
}

void write_unit_lists_json(const UnitListReport& report, std::ostream& out) {
  report::write_unit_lists_json_stream(report, out);
}

}  // namespace basinkit
