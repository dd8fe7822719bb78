// Map reports: GeoJSON (RFC 7946, WGS 84 lon/lat, streamed by hand with OGR's geometry
// export) and GeoPackage (working CRS, one layer per finding type, through GDAL).

#include <basinkit/error.hpp>
#include <basinkit/report.hpp>

#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogr_api.h>
#include <ogrsf_frmts.h>

#include <fmt/format.h>

#include <filesystem>
#include <map>

#include "common/quiet_gdal.hpp"
#include "crs/srs.hpp"
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

crs::SrsPtr parse_crs(const std::string& definition, const std::string& path) {
  try {
    return crs::parse(definition);
  } catch (const InputError& e) {
    throw InputError(e.problem(), Where(path));
  }
}

std::string gdal_detail() {
  const std::string msg = CPLGetLastErrorMsg();
  return msg.empty() ? "" : ": " + msg;
}

// ---- GeoJSON ----------------------------------------------------------------------------

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

/// Working CRS → WGS 84 lon/lat, built on first use (a report without geometries needs
/// no CRS).
class ToLonLat {
 public:
  ToLonLat(std::string working_crs, std::string path)
      : working_crs_(std::move(working_crs)), path_(std::move(path)) {}

  OGRCoordinateTransformation& get() {
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

 private:
  std::string working_crs_;
  std::string path_;
  crs::SrsPtr working_;
  crs::SrsPtr wgs84_;
  crs::TransformPtr transform_;
};

/// GeoJSON text of the finding's geometry in lon/lat, or "null".
std::string geojson_geometry(const Finding& f, ToLonLat& to_lonlat, const std::string& path) {
  OgrGeometryPtr g = report_geometry(f);
  if (!g) return "null";
  CPLErrorReset();
  if (g->transform(&to_lonlat.get()) != OGRERR_NONE)
    throw InputError(fmt::format("cannot reproject the geometry of a {} finding ({}) to WGS 84{}",
                                 to_string(f.type), fmt::join(f.codes, ", "), gdal_detail()),
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

// ---- GeoPackage ---------------------------------------------------------------------

struct DatasetCloser {
  void operator()(GDALDataset* d) const noexcept { GDALClose(d); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

GDALDriver* gpkg_driver(const std::string& path) {
  static const bool registered = [] {
    GDALAllRegister();
    return true;
  }();
  (void)registered;
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
  if (!driver) throw InputError("GDAL has no GPKG driver", Where(path));
  return driver;
}

OGRFieldType field_type(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::real:
      return OFTReal;
    case ColumnKind::integer:
      return OFTInteger64;
    default:
      return OFTString;
  }
}

void write_gpkg_layer(GDALDataset& ds, const std::string& type,
                      const std::vector<const Finding*>& findings, OGRSpatialReference* srs,
                      const std::string& path) {
  Where where(path, type);
  CPLErrorReset();
  OGRLayer* layer = ds.CreateLayer(type.c_str(), srs, wkbUnknown, nullptr);
  if (!layer) throw InputError(fmt::format("cannot create the layer{}", gdal_detail()), where);
  const auto& columns = flat_columns();
  for (const Column& c : columns) {
    OGRFieldDefn field(c.name, field_type(c.kind));
    if (layer->CreateField(&field) != OGRERR_NONE)
      throw InputError(fmt::format("cannot create field '{}'{}", c.name, gdal_detail()), where);
  }
  if (ds.StartTransaction() != OGRERR_NONE)
    throw InputError(fmt::format("cannot start a transaction{}", gdal_detail()), where);
  for (const Finding* f : findings) {
    OGRFeature feature(layer->GetLayerDefn());
    const std::vector<FlatValue> values = flat_values(*f);
    for (size_t i = 0; i < columns.size(); ++i) {
      const int index = static_cast<int>(i);
      if (values[i].text)
        feature.SetField(index, values[i].text->c_str());
      else if (values[i].real)
        feature.SetField(index, *values[i].real);
      else if (values[i].integer)
        feature.SetField(index, static_cast<GIntBig>(*values[i].integer));
      else
        feature.SetFieldNull(index);
    }
    if (OgrGeometryPtr g = report_geometry(*f)) feature.SetGeometryDirectly(g.release());
    if (layer->CreateFeature(&feature) != OGRERR_NONE) {
      const std::string detail = gdal_detail();
      ds.RollbackTransaction();
      throw InputError(
          fmt::format("cannot write the finding ({}){}", fmt::join(f->codes, ", "), detail), where);
    }
  }
  if (ds.CommitTransaction() != OGRERR_NONE)
    throw InputError(fmt::format("cannot commit the layer{}", gdal_detail()), where);
}

}  // namespace

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
        << ",\"geometry\":" << geojson_geometry(f, to_lonlat, path) << '}';
    first = false;
  }
  out << "\n]}\n";
  finish_output(out, path);
}

void write_gpkg_file(const FindingReport& report, const std::string& path) {
  const QuietGdal quiet;
  GDALDriver* driver = gpkg_driver(path);
  crs::SrsPtr srs;
  if (!working_crs_of(report).empty()) srs = parse_crs(working_crs_of(report), path);

  // One layer per finding type present, in the report's order of types.
  std::map<std::string, std::vector<const Finding*>> by_type;
  for (const Finding& f : findings_of(report)) by_type[to_string(f.type)].push_back(&f);

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
  ds->SetMetadataItem("basinkit_provenance", dump(provenance_json(report.provenance)).c_str());
  ds->SetMetadataItem("basinkit_summary", dump(summary_json(report.summary)).c_str());
  for (const auto& [type, findings] : by_type)
    write_gpkg_layer(*ds, type, findings, srs.get(), path);
  CPLErrorReset();
  ds.reset();
  if (CPLGetLastErrorType() == CE_Failure)
    throw InputError(fmt::format("closing the report failed{}", gdal_detail()), Where(path));
}

}  // namespace basinkit::report
