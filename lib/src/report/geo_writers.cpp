// Map reports of findings: GeoJSON (RFC 7946, WGS 84 lon/lat, streamed by hand with OGR's
// geometry export) and GeoPackage (working CRS, one layer per finding type, through GDAL,
// each with a default QGIS style: gpkg_styles).
// The reprojection and the GeoPackage plumbing are in report_common.

#include <basinkit/error.hpp>
#include <basinkit/report.hpp>

#include <fmt/format.h>

#include <map>

#include "common/quiet_gdal.hpp"
#include "report/gpkg_styles.hpp"
#include "report/report_common.hpp"

namespace basinkit::report {
namespace {

const std::vector<Finding>& findings_of(const FindingReport& r) {
  static const std::vector<Finding> none;
  return r.findings ? *r.findings : none;
}

const std::string& working_crs_of(const FindingReport& r) {
  return r.working_crs.empty() ? r.provenance.working_crs : r.working_crs;
}

/// GeoJSON text of the finding's geometry in lon/lat, or "null".
std::string finding_geometry(const Finding& f, ToLonLat& to_lonlat, const std::string& path) {
  return geojson_geometry(
      report_geometry(f), to_lonlat,
      fmt::format("a {} finding ({})", to_string(f.type), fmt::join(f.codes, ", ")), path);
}

// ---- GeoPackage ---------------------------------------------------------------------

/// Writes one layer of findings; returns the GeometryKind bits of the geometries written.
unsigned write_table_layer(GDALDataset& ds, TableFormat format, const std::string& type,
                           const std::vector<const Finding*>& findings, OGRSpatialReference* srs,
                           const std::string& path) {
  return write_table_rows(
      ds, format, type, flat_columns(), findings.size(),
      [&findings](size_t i) {
        const Finding& f = *findings[i];
        return TableRow{flat_values(f), report_geometry(f),
                        fmt::format("the finding ({})", fmt::join(f.codes, ", "))};
      },
      srs, path);
}

}  // namespace

unsigned write_table_rows(GDALDataset& ds, TableFormat format, const std::string& name,
                          const std::vector<Column>& columns, size_t count,
                          const std::function<TableRow(size_t)>& row_of, OGRSpatialReference* srs,
                          const std::string& path) {
  Where where(path, name);
  OGRLayer* layer = create_table_layer(ds, format, name, srs, columns, path);
  const bool transactions = has_transactions(ds);
  unsigned kinds = 0;
  if (transactions && ds.StartTransaction() != OGRERR_NONE)
    throw InputError(fmt::format("cannot start a transaction{}", gdal_detail()), where);
  for (size_t i = 0; i < count; ++i) {
    TableRow row = row_of(i);
    OGRFeature feature(layer->GetLayerDefn());
    set_fields(feature, row.values);
    if (format == TableFormat::gpkg && row.geometry) {
      kinds |= geometry_kinds(row.geometry.get());
      feature.SetGeometryDirectly(row.geometry.release());
    }
    if (layer->CreateFeature(&feature) != OGRERR_NONE) {
      const std::string detail = gdal_detail();
      if (transactions) ds.RollbackTransaction();
      throw InputError(fmt::format("cannot write {}{}", row.what, detail), where);
    }
  }
  if (transactions && ds.CommitTransaction() != OGRERR_NONE)
    throw InputError(fmt::format("cannot commit the layer{}", gdal_detail()), where);
  return kinds;
}

void write_geojson_file(const FindingReport& report, const std::string& path) {
  const QuietGdal quiet;
  ToLonLat to_lonlat(working_crs_of(report), path);
  std::ofstream out = open_output(path);
  // Foreign members (RFC 7946 section 6.1) carry the provenance and summary.
  out << "{\"type\":\"FeatureCollection\",\n\"provenance\":"
      << dump(provenance_json(report.provenance))
      << ",\n\"summary\":" << dump(summary_json(report.summary)) << ",\n\"features\":[";
  bool first = true;
  for (const Finding& f : findings_of(report)) {
    out << (first ? "\n" : ",\n")
        << "{\"type\":\"Feature\",\"properties\":" << dump(finding_json(f))
        << ",\"geometry\":" << finding_geometry(f, to_lonlat, path) << '}';
    first = false;
  }
  out << "\n]}\n";
  finish_output(out, path);
}

void write_table_file(const FindingReport& report, const std::string& path) {
  const QuietGdal quiet;
  crs::SrsPtr srs;
  if (!working_crs_of(report).empty()) srs = parse_crs(working_crs_of(report), path);

  // One layer per finding type present, in the report's order of types.
  std::map<std::string, std::vector<const Finding*>> by_type;
  for (const Finding& f : findings_of(report)) by_type[to_string(f.type)].push_back(&f);

  const TableFormat format = table_format(path);
  DatasetPtr ds = create_table_file(path, format);
  ds->SetMetadataItem("basinkit_provenance", dump(provenance_json(report.provenance)).c_str());
  ds->SetMetadataItem("basinkit_summary", dump(summary_json(report.summary)).c_str());
  // GeoPackage: each layer with its default QGIS style (findings coloured by severity).
  std::vector<LayerStyle> styles;
  for (const auto& [type, findings] : by_type)
    styles.push_back(
        finding_style(type, write_table_layer(*ds, format, type, findings, srs.get(), path)));
  if (format == TableFormat::gpkg) write_layer_styles(*ds, styles, path);
  close_table_file(std::move(ds), path);
}

}  // namespace basinkit::report
