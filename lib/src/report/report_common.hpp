#pragma once
// Internal: what every report format shares — the JSON form of one finding, of the
// summary and of the provenance, the flat (CSV / GeoPackage) columns of a finding, the
// rounding of numbers, and the GEOS → OGR geometry bridge.
//
// Numbers: areas and coordinates in the working CRS are rounded to 3 decimals (mm, mm²),
// shares to 6. A finding's JSON object is built alone (nlohmann::ordered_json, keys in
// the order DESIGN.md lists them); the report around it is streamed by each writer.

#include <basinkit/findings.hpp>
#include <basinkit/report.hpp>

#include <cpl_error.h>
#include <ogr_geometry.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

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

/// Compact JSON text; invalid UTF-8 is replaced rather than thrown.
std::string dump(const Json& j);

/// The flat columns of a finding, as CSV and GeoPackage write them, in order.
enum class ColumnKind { text, real, integer };
struct Column {
  const char* name;
  ColumnKind kind;
};
const std::vector<Column>& flat_columns();

/// One flat value: text, or a number, or nothing (empty CSV cell, NULL field).
struct FlatValue {
  std::optional<std::string> text;
  std::optional<double> real;
  std::optional<std::int64_t> integer;
};
/// The values of `f` for flat_columns(), same order.
std::vector<FlatValue> flat_values(const Finding& f);

/// A binary output stream to `path`, truncated; InputError naming `path` when it fails.
std::ofstream open_output(const std::string& path);
/// Flushes `out`; InputError naming `path` when anything failed to be written.
void finish_output(std::ofstream& out, const std::string& path);

/// Lower-case extension of `path` with its dot (".gpkg"), or "".
std::string extension_of(const std::string& path);

struct OgrGeometryDeleter {
  void operator()(OGRGeometry* g) const noexcept { OGRGeometryFactory::destroyGeometry(g); }
};
using OgrGeometryPtr = std::unique_ptr<OGRGeometry, OgrGeometryDeleter>;

/// The finding's problem geometry as OGR (through WKB), or its location point when it
/// has none (or an empty one), or null when it has neither.
OgrGeometryPtr report_geometry(const Finding& f);

/// The JSON report, streamed to `out`.
void write_json_stream(const FindingReport& report, std::ostream& out);
/// Writers, one per format; `path` is already known to have the right extension.
void write_json_file(const FindingReport& report, const std::string& path);
void write_csv_file(const FindingReport& report, const std::string& path);
void write_geojson_file(const FindingReport& report, const std::string& path);
void write_gpkg_file(const FindingReport& report, const std::string& path);

}  // namespace basinkit::report
