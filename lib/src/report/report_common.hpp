#pragma once
// Internal: what every report format shares — the JSON form of one finding, of the
// summary and of the provenance, the flat (CSV / GeoPackage) columns of a finding, the
// rounding of numbers, CSV cells, the GEOS → OGR geometry bridge, the reprojection of
// GeoJSON to WGS 84 and the creation of GeoPackage files. Finding reports and screening
// reports (screening_writers.cpp) both build on these.
//
// Numbers: areas and coordinates in the working CRS are rounded to 3 decimals (mm, mm²),
// shares to 6. A finding's JSON object is built alone (nlohmann::ordered_json, keys in
// the order DESIGN.md lists them); the report around it is streamed by each writer.

#include <basinkit/findings.hpp>
#include <basinkit/geometry.hpp>
#include <basinkit/report.hpp>

#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogrsf_frmts.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "crs/srs.hpp"

namespace basinkit::report {

using Json = nlohmann::ordered_json;

/// Decimals kept for areas (m²) and working-CRS coordinates (m).
constexpr int kMetricDecimals = 3;
/// Decimals kept for shares (0..1).
constexpr int kShareDecimals = 6;
/// Decimals of WGS 84 longitude/latitude in GeoJSON (1e-7° ≈ 1 cm).
constexpr int kLonLatDecimals = 7;

/// `value` rounded to `decimals` (non-finite values unchanged).
double rounded(double value, int decimals);

/// The JSON object of one finding (see report.hpp and DESIGN.md section 5).
Json finding_json(const Finding& f);
Json summary_json(const FindingSummary& s);
Json provenance_json(const Provenance& p);

/// The current time as provenance writes it: ISO 8601 in UTC ("2026-05-01T08:00:00Z").
std::string now_utc();

/// Compact JSON text; invalid UTF-8 is replaced rather than thrown.
std::string dump(const Json& j);

/// `parts` joined with ';' (the list separator of flat columns).
std::string joined(const std::vector<std::string>& parts);

/// A column of a flat report (CSV, GeoPackage). A boolean is an integer 0/1 written
/// "true"/"false" in CSV and as an OFSTBoolean field in GeoPackage.
enum class ColumnKind { text, real, integer, boolean };
struct Column {
  std::string name;
  ColumnKind kind = ColumnKind::text;
  int decimals = kMetricDecimals;  ///< real: decimals written to CSV
};
/// The flat columns of a finding, as CSV and GeoPackage write them, in order.
const std::vector<Column>& flat_columns();

/// One flat value: text, or a number, or nothing (empty CSV cell, NULL field).
struct FlatValue {
  std::optional<std::string> text;
  std::optional<double> real;
  std::optional<std::int64_t> integer;
};
FlatValue text_value(std::string s);
FlatValue optional_text_value(const std::optional<std::string>& s);
/// Rounded to `decimals`; nothing when absent or not finite.
FlatValue real_value(std::optional<double> v, int decimals);
FlatValue boolean_value(bool b);
/// The values of `f` for flat_columns(), same order.
std::vector<FlatValue> flat_values(const Finding& f);

/// UTF-8 BOM (Excel reads a CSV file as UTF-8 only with it) and the header line.
void write_csv_header(std::ostream& out, const std::vector<Column>& columns);
/// One CSV record (RFC 4180: CRLF, cells quoted when they hold a comma, quote, CR or LF).
void write_csv_row(std::ostream& out, const std::vector<Column>& columns,
                   const std::vector<FlatValue>& values);

/// A binary output stream to `path`, truncated; InputError naming `path` when it fails.
std::ofstream open_output(const std::string& path);
/// Flushes `out`; InputError naming `path` when anything failed to be written.
void finish_output(std::ofstream& out, const std::string& path);

/// Throws InputError naming `path` when its extension is none of `formats` (".json", …).
void check_extension(const std::string& path, const std::vector<std::string>& formats);

/// Lower-case extension of `path` with its dot (".gpkg"), or "".
std::string extension_of(const std::string& path);

struct OgrGeometryDeleter {
  void operator()(OGRGeometry* g) const noexcept { OGRGeometryFactory::destroyGeometry(g); }
};
using OgrGeometryPtr = std::unique_ptr<OGRGeometry, OgrGeometryDeleter>;

/// `g` as OGR (through WKB), or null when it is null or empty or cannot be converted.
OgrGeometryPtr to_ogr(const Geometry& g);

/// The finding's problem geometry as OGR (through WKB), or its location point when it
/// has none (or an empty one), or null when it has neither.
OgrGeometryPtr report_geometry(const Finding& f);

/// ": <last GDAL message>", or "" when there is none.
std::string gdal_detail();
/// crs::parse, with an InputError naming `path` (the report) rather than the definition.
crs::SrsPtr parse_crs(const std::string& definition, const std::string& path);

/// Working CRS → WGS 84 lon/lat, built on first use (a report without geometries needs
/// no CRS).
class ToLonLat {
 public:
  ToLonLat(std::string working_crs, std::string path)
      : working_crs_(std::move(working_crs)), path_(std::move(path)) {}
  /// Throws InputError (naming the report) without a working CRS or a transformation.
  OGRCoordinateTransformation& get();

 private:
  std::string working_crs_;
  std::string path_;
  crs::SrsPtr working_;
  crs::SrsPtr wgs84_;
  crs::TransformPtr transform_;
};

/// GeoJSON text (RFC 7946: lon/lat, right-hand rings) of `g`, or "null" when it is null.
/// Throws InputError naming `path` and `what` (the feature) when it cannot be reprojected.
std::string geojson_geometry(OgrGeometryPtr g, ToLonLat& to_lonlat, const std::string& what,
                             const std::string& path);

struct DatasetCloser {
  void operator()(GDALDataset* d) const noexcept { GDALClose(d); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

/// The table formats written through GDAL: a GeoPackage (layers with geometry in the
/// working CRS) or an Excel workbook (sheets, no geometry; codes stay text cells), or a
/// PostGIS table (report/table_output.hpp).
enum class TableFormat { gpkg, xlsx, postgis };
TableFormat table_format(const std::string& path);  ///< by extension

/// A new, empty file of `format` at `path`, replacing an existing file. InputError naming
/// `path` when it is a folder or cannot be written.
DatasetPtr create_table_file(const std::string& path, TableFormat format);
/// A layer of `columns` (with generic geometry in `srs`, which may be null, when the
/// format has geometry), with the driver's layer creation `options`; InputError naming
/// `path` and the layer when it fails.
OGRLayer* create_table_layer(GDALDataset& ds, TableFormat format, const std::string& name,
                             OGRSpatialReference* srs, const std::vector<Column>& columns,
                             const std::string& path, CSLConstList options = nullptr);
/// Whether `ds` takes transactions (GeoPackage does, the XLSX driver does not).
bool has_transactions(GDALDataset& ds);
/// Sets the fields of `feature` from `values` (same order as the layer's columns).
void set_fields(OGRFeature& feature, const std::vector<FlatValue>& values);
/// One row of a table layer: its values (in the layer's column order), its geometry (may
/// be null; dropped for XLSX) and what it is, for an error message ("the finding (A, B)").
struct TableRow {
  std::vector<FlatValue> values;
  OgrGeometryPtr geometry;
  std::string what;
};
/// Writes a layer of `columns` with the rows `row_of(0)` … `row_of(count - 1)` (in one
/// transaction where the format has them); returns the GeometryKind bits written.
unsigned write_table_rows(GDALDataset& ds, TableFormat format, const std::string& name,
                          const std::vector<Column>& columns, size_t count,
                          const std::function<TableRow(size_t)>& row_of, OGRSpatialReference* srs,
                          const std::string& path);
/// Closes `ds`; InputError naming `path` when GDAL reports a failure.
void close_table_file(DatasetPtr ds, const std::string& path);

/// The JSON report, streamed to `out`.
void write_json_stream(const FindingReport& report, std::ostream& out);
/// Writers, one per format; `path` is already known to have the right extension.
void write_json_file(const FindingReport& report, const std::string& path);
void write_csv_file(const FindingReport& report, const std::string& path);
void write_geojson_file(const FindingReport& report, const std::string& path);
/// GeoPackage (one layer per finding type) or XLSX (one sheet per finding type).
void write_table_file(const FindingReport& report, const std::string& path);
/// One self-contained offline HTML page (map, tables, details on click).
void write_html_file(const FindingReport& report, const std::string& path);

}  // namespace basinkit::report
