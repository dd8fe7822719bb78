#include "report/report_common.hpp"

#include <basinkit/error.hpp>

#include <cpl_string.h>
#include <ogr_api.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "geometry/geos_context.hpp"
#include "io/connection.hpp"

namespace basinkit::report {
namespace {

Json text_or_null(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Json tallies_json(const std::map<std::string, Tally>& tallies) {
  Json out = Json::object();
  for (const auto& [code, t] : tallies)
    out[code] = Json{{"name", t.name},
                     {"errors", t.errors},
                     {"warnings", t.warnings},
                     {"area_m2", rounded(t.area_m2, kMetricDecimals)}};
  return out;
}

bool has_surrounded_by(FindingType type) {
  return type == FindingType::exclave || type == FindingType::enclave;
}

struct WkbWriterDeleter {
  void operator()(GEOSWKBWriter* w) const noexcept { GEOSWKBWriter_destroy_r(geos::context(), w); }
};

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
  if (v.integer) {
    if (column.kind == ColumnKind::boolean) return *v.integer ? "true" : "false";
    return std::to_string(*v.integer);
  }
  if (v.real) return fmt::format("{:.{}f}", *v.real, column.decimals);
  return "";
}

OGRFieldType field_type(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::real:
      return OFTReal;
    case ColumnKind::integer:
      return OFTInteger64;
    case ColumnKind::boolean:
      return OFTInteger;
    default:
      return OFTString;
  }
}

GDALDriver* table_driver(const std::string& path, TableFormat format) {
  static const bool registered = [] {
    GDALAllRegister();
    return true;
  }();
  (void)registered;
  const char* name = format == TableFormat::gpkg ? "GPKG" : "XLSX";
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(name);
  if (!driver) throw InputError(fmt::format("GDAL has no {} driver", name), Where(path));
  return driver;
}

void orient_ring(OGRLinearRing* ring, bool clockwise) {
  if (ring && ring->getNumPoints() > 3 && (ring->isClockwise() != 0) != clockwise)
    ring->reversePoints();
}

/// RFC 7946 section 3.1.6: exterior rings counterclockwise, holes clockwise.
void orient_rfc7946(OGRGeometry* g) {
  switch (wkbFlatten(g->getGeometryType())) {
    case wkbPolygon: {
      auto* poly = g->toPolygon();
      orient_ring(poly->getExteriorRing(), false);
      for (int i = 0; i < poly->getNumInteriorRings(); ++i)
        orient_ring(poly->getInteriorRing(i), true);
      break;
    }
    case wkbMultiPolygon:
    case wkbGeometryCollection: {
      auto* collection = g->toGeometryCollection();
      for (int i = 0; i < collection->getNumGeometries(); ++i)
        orient_rfc7946(collection->getGeometryRef(i));
      break;
    }
    default:
      break;
  }
}

}  // namespace

std::string joined(const std::vector<std::string>& parts) {
  // By position, not by what came before: the list columns run in parallel, so an empty
  // first part (a rule without condition) keeps its place (";condition of the second").
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += ';';
    out += parts[i];
  }
  return out;
}

FlatValue text_value(std::string s) { return FlatValue{std::move(s), std::nullopt, std::nullopt}; }
FlatValue optional_text_value(const std::optional<std::string>& s) {
  return s ? text_value(*s) : FlatValue{};
}
FlatValue real_value(std::optional<double> v, int decimals) {
  if (!v || !std::isfinite(*v)) return {};
  return FlatValue{std::nullopt, rounded(*v, decimals), std::nullopt};
}
FlatValue boolean_value(bool b) { return FlatValue{std::nullopt, std::nullopt, b ? 1 : 0}; }

double rounded(double value, int decimals) {
  if (!std::isfinite(value)) return value;
  const double scale = std::pow(10.0, decimals);
  const double r = std::round(value * scale) / scale;
  return std::isfinite(r) ? r : value;  // huge values: scaling overflowed
}

Json finding_json(const Finding& f) {
  Json j;
  j["type"] = to_string(f.type);
  j["severity"] = to_string(f.severity);
  j["layer"] = f.layer;
  j["codes"] = f.codes;
  j["names"] = f.names;
  j["area_m2"] = f.area_m2 ? Json(rounded(*f.area_m2, kMetricDecimals)) : Json(nullptr);
  j["location"] = f.location ? Json::array({rounded((*f.location)[0], kMetricDecimals),
                                            rounded((*f.location)[1], kMetricDecimals)})
                             : Json(nullptr);
  j["message"] = f.message;
  j["townships"] = f.townships;
  j["counties"] = f.counties;
  if (f.count) j["count"] = *f.count;
  if (f.share) j["share"] = rounded(*f.share, kShareDecimals);
  if (f.manager) j["manager"] = *f.manager;
  if (f.majority_township) j["majority_township"] = *f.majority_township;
  if (has_surrounded_by(f.type) || f.surrounded_by)
    j["surrounded_by"] = f.surrounded_by ? Json(*f.surrounded_by) : Json(nullptr);
  if (f.detail) j["detail"] = *f.detail;
  if (f.distance_m) j["distance_m"] = rounded(*f.distance_m, kMetricDecimals);
  if (f.waived) j["waived"] = *f.waived;
  return j;
}

Json summary_json(const FindingSummary& s) {
  Json by_type = Json::object();
  for (const auto& [type, n] : s.by_type) by_type[type] = n;
  return Json{{"errors", s.errors},
              {"warnings", s.warnings},
              {"waived", s.waived},
              {"by_type", by_type},
              {"by_township", tallies_json(s.by_township)},
              {"by_county", tallies_json(s.by_county)},
              {"skipped", s.skipped}};
}

Json provenance_json(const Provenance& p) {
  Json inputs = Json::array();
  for (const auto& in : p.inputs)
    inputs.push_back(Json{{"role", in.role},
                          {"path", io::redact_secrets(in.path)},
                          {"layer", text_or_null(in.layer)},
                          {"sha256", text_or_null(in.sha256)},
                          {"crs", text_or_null(in.crs)},
                          {"transformation", text_or_null(in.transformation)}});
  return Json{{"tool", p.tool},
              {"version", p.version},
              {"command_line", io::redact_secrets(p.command_line)},
              {"created_utc", p.created_utc},
              {"working_crs", p.working_crs},
              {"inputs", inputs}};
}

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

const std::vector<Column>& flat_columns() {
  static const std::vector<Column> columns = {
      {"type", ColumnKind::text},
      {"severity", ColumnKind::text},
      {"layer", ColumnKind::text},
      {"codes", ColumnKind::text},
      {"names", ColumnKind::text},
      {"area_m2", ColumnKind::real},
      {"x", ColumnKind::real},
      {"y", ColumnKind::real},
      {"townships", ColumnKind::text},
      {"counties", ColumnKind::text},
      {"share", ColumnKind::real, kShareDecimals},
      {"manager", ColumnKind::text},
      {"majority_township", ColumnKind::text},
      {"surrounded_by", ColumnKind::text},
      {"count", ColumnKind::integer},
      {"waived", ColumnKind::text},
      {"message", ColumnKind::text},
  };
  return columns;
}

std::vector<FlatValue> flat_values(const Finding& f) {
  std::optional<double> x, y;
  if (f.location) {
    x = (*f.location)[0];
    y = (*f.location)[1];
  }
  return {
      text_value(to_string(f.type)),
      text_value(to_string(f.severity)),
      text_value(f.layer),
      text_value(joined(f.codes)),
      text_value(joined(f.names)),
      real_value(f.area_m2, kMetricDecimals),
      real_value(x, kMetricDecimals),
      real_value(y, kMetricDecimals),
      text_value(joined(f.townships)),
      text_value(joined(f.counties)),
      real_value(f.share, kShareDecimals),
      optional_text_value(f.manager),
      optional_text_value(f.majority_township),
      optional_text_value(f.surrounded_by),
      f.count ? FlatValue{std::nullopt, std::nullopt, *f.count} : FlatValue{},
      optional_text_value(f.waived),
      text_value(f.message),
  };
}

void write_csv_header(std::ostream& out, const std::vector<Column>& columns) {
  out << "\xEF\xBB\xBF";  // UTF-8 BOM: Excel reads the file as UTF-8 only with it
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) out << ',';
    write_cell(out, columns[i].name);
  }
  out << "\r\n";
}

void write_csv_row(std::ostream& out, const std::vector<Column>& columns,
                   const std::vector<FlatValue>& values) {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) out << ',';
    if (i < values.size()) write_cell(out, cell_text(values[i], columns[i]));
  }
  out << "\r\n";
}

std::ofstream open_output(const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    throw InputError(fmt::format("cannot write the report: {}", std::strerror(errno)), Where(path));
  return out;
}

void finish_output(std::ofstream& out, const std::string& path) {
  out.flush();
  if (!out)
    throw InputError(fmt::format("writing the report failed: {}", std::strerror(errno)),
                     Where(path));
}

std::string extension_of(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

OgrGeometryPtr to_ogr(const Geometry& geometry) {
  if (geometry.is_null() || geometry.is_empty()) return nullptr;
  GEOSContextHandle_t h = geos::context();
  std::unique_ptr<GEOSWKBWriter, WkbWriterDeleter> writer(GEOSWKBWriter_create_r(h));
  if (!writer) return nullptr;
  GEOSWKBWriter_setOutputDimension_r(h, writer.get(), 2);
  size_t size = 0;
  unsigned char* wkb = GEOSWKBWriter_write_r(h, writer.get(), geometry.get(), &size);
  if (!wkb) return nullptr;
  OGRGeometry* g = nullptr;
  const OGRErr err = OGRGeometryFactory::createFromWkb(wkb, nullptr, &g, size);
  GEOSFree_r(h, wkb);
  if (err == OGRERR_NONE && g) return OgrGeometryPtr(g);
  OGRGeometryFactory::destroyGeometry(g);
  return nullptr;
}

OgrGeometryPtr report_geometry(const Finding& f) {
  if (OgrGeometryPtr g = to_ogr(f.geometry)) return g;
  if (f.location) return OgrGeometryPtr(new OGRPoint((*f.location)[0], (*f.location)[1]));
  return nullptr;
}

std::string gdal_detail() {
  const std::string msg = CPLGetLastErrorMsg();
  return msg.empty() ? "" : ": " + msg;
}

crs::SrsPtr parse_crs(const std::string& definition, const std::string& path) {
  try {
    return crs::parse(definition);
  } catch (const InputError& e) {
    throw InputError(e.problem(), Where(path));
  }
}

OGRCoordinateTransformation& ToLonLat::get() {
  if (transform_) return *transform_;
  if (working_crs_.empty())
    throw InputError("the report has geometries but no working CRS to reproject them from",
                     Where(path_));
  working_ = parse_crs(working_crs_, path_);
  wgs84_ = parse_crs("EPSG:4326", path_);
  CPLErrorReset();
  transform_.reset(OGRCreateCoordinateTransformation(working_.get(), wgs84_.get()));
  if (!transform_)
    throw InputError(
        fmt::format("no transformation from {} to WGS 84{}", working_crs_, gdal_detail()),
        Where(path_));
  return *transform_;
}

std::string geojson_geometry(OgrGeometryPtr g, ToLonLat& to_lonlat, const std::string& what,
                             const std::string& path) {
  if (!g) return "null";
  CPLErrorReset();
  if (g->transform(&to_lonlat.get()) != OGRERR_NONE)
    throw InputError(
        fmt::format("cannot reproject the geometry of {} to WGS 84{}", what, gdal_detail()),
        Where(path));
  orient_rfc7946(g.get());
  CPLStringList options;
  options.SetNameValue("COORDINATE_PRECISION", std::to_string(kLonLatDecimals).c_str());
  char* text = OGR_G_ExportToJsonEx(OGRGeometry::ToHandle(g.get()), options.List());
  if (!text) return "null";
  std::string out = text;
  CPLFree(text);
  return out;
}

TableFormat table_format(const std::string& path) {
  return extension_of(path) == ".xlsx" ? TableFormat::xlsx : TableFormat::gpkg;
}

bool has_transactions(GDALDataset& ds) { return ds.TestCapability(ODsCTransactions) != 0; }

DatasetPtr create_table_file(const std::string& path, TableFormat format) {
  GDALDriver* driver = table_driver(path, format);
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    if (std::filesystem::is_directory(path, ec))
      throw InputError("cannot write the report: it is a folder", Where(path));
    if (!std::filesystem::remove(path, ec))
      throw InputError(fmt::format("cannot replace the existing file: {}", ec.message()),
                       Where(path));
  }
  CPLErrorReset();
  DatasetPtr ds(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) throw InputError(fmt::format("cannot write the report{}", gdal_detail()), Where(path));
  return ds;
}

OGRLayer* create_table_layer(GDALDataset& ds, TableFormat format, const std::string& name,
                             OGRSpatialReference* srs, const std::vector<Column>& columns,
                             const std::string& path, CSLConstList options) {
  Where where(path, name);
  CPLErrorReset();
  const bool geometry = format != TableFormat::xlsx;
  OGRLayer* layer = ds.CreateLayer(name.c_str(), geometry ? srs : nullptr,
                                   geometry ? wkbUnknown : wkbNone, const_cast<char**>(options));
  if (!layer) throw InputError(fmt::format("cannot create the layer{}", gdal_detail()), where);
  for (const Column& c : columns) {
    OGRFieldDefn field(c.name.c_str(), field_type(c.kind));
    if (c.kind == ColumnKind::boolean) field.SetSubType(OFSTBoolean);
    if (layer->CreateField(&field) != OGRERR_NONE)
      throw InputError(fmt::format("cannot create field '{}'{}", c.name, gdal_detail()), where);
  }
  return layer;
}

void set_fields(OGRFeature& feature, const std::vector<FlatValue>& values) {
  const int count = feature.GetFieldCount();
  for (int i = 0; i < count && static_cast<size_t>(i) < values.size(); ++i) {
    const FlatValue& v = values[static_cast<size_t>(i)];
    if (v.text)
      feature.SetField(i, v.text->c_str());
    else if (v.real)
      feature.SetField(i, *v.real);
    else if (v.integer)
      feature.SetField(i, static_cast<GIntBig>(*v.integer));
    else
      feature.SetFieldNull(i);
  }
}

void close_table_file(DatasetPtr ds, const std::string& path) {
  CPLErrorReset();
  ds.reset();
  if (CPLGetLastErrorType() == CE_Failure)
    throw InputError(fmt::format("closing the report failed{}", gdal_detail()), Where(path));
}

}  // namespace basinkit::report
