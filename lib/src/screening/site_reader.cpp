// Reading project sites from any OGR source, CSV and XLSX lists with coordinate columns
// included, one chunk at a time (DESIGN.md section 6).
#include <basinkit/crs.hpp>
#include <basinkit/error.hpp>
#include <basinkit/screening.hpp>

#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <fmt/format.h>

#include <cmath>

#include "common/quiet_gdal.hpp"
#include "crs/srs.hpp"
#include "geometry/geos_context.hpp"
#include "io/geometry_import.hpp"
#include "io/source_guard.hpp"
#include "io/spreadsheet_text.hpp"
#include "screening/site_rows.hpp"

namespace basinkit {
namespace {

struct DatasetCloser {
  void operator()(GDALDataset* d) const noexcept { GDALClose(d); }
};

// Coordinate columns of site lists, longitude/easting first.
const std::pair<const char*, const char*> kCoordinateColumns[] = {
    {"lon", "lat"}, {"longitude", "latitude"}, {"lng", "lat"}, {"x", "y"}, {"经度", "纬度"}};

/// A 2D point site straight to GEOS, reprojected as OGRPoint::transform does (z = 0):
/// what import_geometry gives such a point, without an OGR geometry. False, with `out`
/// untouched, when the point needs import_geometry (which then says what is wrong).
bool import_point(double x, double y, OGRCoordinateTransformation* to_working, Geometry& out) {
  if (!std::isfinite(x) || !std::isfinite(y)) return false;
  if (to_working) {
    double z = 0;
    if (!to_working->Transform(1, &x, &y, &z) || !std::isfinite(x) || !std::isfinite(y))
      return false;
  }
  GEOSGeometry* point = GEOSGeom_createPointFromXY_r(geos::context(), x, y);
  if (!point) return false;
  out = Geometry(point);
  return true;
}

}  // namespace

struct SiteReader::Impl {
  io::SpreadsheetAsText spreadsheet;  // before the dataset: outlives it
  std::unique_ptr<GDALDataset, DatasetCloser> dataset;
  OGRLayer* layer = nullptr;
  Where where;
  int id = -1, industry = -1, action = -1, x = -1, y = -1;
  std::vector<std::pair<int, std::string>> attributes;  ///< field index, name: those read
  crs::TransformPtr transform;
  std::string description;
  std::unique_ptr<screening::SiteRows> rows;  ///< after the dataset: released first
};

SiteReader::SiteReader(const SiteSource& source, const std::string& working_crs)
    : impl_(std::make_unique<Impl>()) {
  const QuietGdal quiet;
  Impl& d = *impl_;
  d.where = Where(source.path, source.layer);
  io::check_source_allowed(source.path, source.allow_network);
  GDALAllRegister();
  CPLStringList options;
  // Codes stay text: no type detection in spreadsheets and CSV.
  options.SetNameValue("FIELD_TYPES", "STRING");
  options.SetNameValue("AUTODETECT_TYPE", "NO");

  CPLErrorReset();
  d.dataset.reset(GDALDataset::Open(source.path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
                                    options.List(), nullptr));
  if (!d.dataset)
    throw InputError(fmt::format("cannot open the sites: {}", CPLGetLastErrorMsg()), d.where);
  if (!source.layer.empty()) {
    d.layer = d.dataset->GetLayerByName(source.layer.c_str());
    if (!d.layer)
      throw InputError(fmt::format("no layer '{}' in the sites source", source.layer), d.where);
  } else if (d.dataset->GetLayerCount() == 1) {
    d.layer = d.dataset->GetLayer(0);
  } else {
    std::string names;
    for (auto* l : d.dataset->GetLayers())
      names += (names.empty() ? "" : ", ") + std::string(l->GetName());
    throw InputError(
        fmt::format("the sites source has several layers ({}): say which with --layer", names),
        d.where);
  }
  d.where.layer = d.layer->GetName();
  OGRFeatureDefn* defn = d.layer->GetLayerDefn();
  auto field = [&](const std::string& role, bool required) {
    auto mapped = source.fields.find(role);
    const std::string name = mapped != source.fields.end() ? mapped->second : role;
    const int index = defn->GetFieldIndex(name.c_str());
    if (index < 0 && (required || mapped != source.fields.end())) {
      Where w = d.where;
      w.field = name;
      throw InputError(
          fmt::format("no such field for the site's {} (map it with --fields {}=NAME)", role, role),
          w);
    }
    return index;
  };
  d.id = field("id", false);
  d.industry = field("industry", false);
  d.action = field("action", false);
  for (int i = 0; i < defn->GetFieldCount(); ++i) {
    const std::string name = defn->GetFieldDefn(i)->GetNameRef();
    if (i != d.id && i != d.industry && i != d.action &&
        (!source.attributes || source.attributes->count(name)))
      d.attributes.emplace_back(i, name);
  }

  // Geometry: the layer's own, or points from coordinate columns.
  const bool has_geometry = defn->GetGeomFieldCount() > 0;
  if (!has_geometry) {
    for (const auto& [xs, ys] : kCoordinateColumns) {
      d.x = defn->GetFieldIndex(xs);
      d.y = defn->GetFieldIndex(ys);
      if (d.x >= 0 && d.y >= 0) break;
    }
    if (d.x < 0 || d.y < 0)
      throw InputError(
          "the sites have no geometry and no coordinate columns (lon/lat, x/y, "
          "经度/纬度)",
          d.where);
  }
  const OGRSpatialReference* declared = has_geometry ? d.layer->GetSpatialRef() : nullptr;
  if (declared && crs::is_undefined(*declared)) declared = nullptr;
  const std::string srs = !source.srs.empty() ? source.srs : (has_geometry ? "" : "EPSG:4326");
  const bool gcj = is_gcj02(srs);
  crs::SrsPtr from;
  try {
    if (!srs.empty() && !gcj) from = crs::parse(srs);
    if (srs.empty()) {
      if (!declared)
        throw InputError(
            "the sites have no CRS: give it with --srs (e.g. --srs EPSG:4490, "
            "or --srs GCJ02 for points read off AMap)");
      from = crs::traditional_copy(*declared);
    }
    const crs::SrsPtr target = crs::working_crs(working_crs);
    d.transform = crs::to_working(from.get(), gcj, *target, &d.description);
    // Already in the working CRS: no call into PROJ per site (a tenth of the cost of reading
    // a point), as the plan's layers skip it.
    if (!gcj && from->IsSame(target.get())) d.transform.reset();
  } catch (const InputError& e) {
    throw InputError(e.problem(), d.where);
  }
}

SiteReader::~SiteReader() = default;

std::string SiteReader::description() const { return impl_->description; }

std::int64_t SiteReader::count() const {
  // Only a count the driver knows without a pass over the source (which could also move
  // the reading cursor of some drivers).
  const QuietGdal quiet;
  OGRLayer* layer = impl_->layer;
  return layer->TestCapability(OLCFastFeatureCount) ? layer->GetFeatureCount(TRUE) : -1;
}

std::vector<Site> SiteReader::next(size_t max, std::vector<std::string>* errors) {
  std::vector<Site> sites;
  sites.reserve(max);
  next(max, sites, errors);
  return sites;
}

void SiteReader::next(size_t max, std::vector<Site>& sites, std::vector<std::string>* errors) {
  const QuietGdal quiet;
  Impl& d = *impl_;
  // Opened on the first call, after any count(): some drivers reset their cursor there.
  if (!d.rows) d.rows = screening::open_site_rows(*d.layer, d.where);
  screening::SiteRows& rows = *d.rows;
  size_t n = 0;
  while (n < max && rows.next()) {
    if (n == sites.size()) sites.emplace_back();
    Site& site = sites[n];
    if (errors && n == errors->size()) errors->emplace_back();
    ++n;
    auto text = [&](int i) { return i >= 0 && rows.is_set(i) ? rows.text(i) : std::string(); };
    site.id = d.id >= 0 ? text(d.id) : std::to_string(rows.fid());
    site.industry = text(d.industry);
    site.action = text(d.action);
    for (const auto& [i, name] : d.attributes) {
      if (rows.is_set(i))
        site.attributes[name] = rows.text(i);
      else if (!site.attributes.empty())
        site.attributes.erase(name);
    }
    std::string error;
    std::unique_ptr<OGRGeometry> g;
    double x = 0, y = 0;
    bool point = false;  // a plain 2D point: no OGR geometry needed
    if (d.x >= 0) {
      char* end_x = nullptr;
      char* end_y = nullptr;
      const std::string xs = text(d.x), ys = text(d.y);
      x = std::strtod(xs.c_str(), &end_x);
      y = std::strtod(ys.c_str(), &end_y);
      if (xs.empty() || ys.empty() || *end_x || *end_y || !std::isfinite(x) || !std::isfinite(y))
        error = fmt::format("bad coordinates '{}', '{}'", xs, ys);
      else
        point = true;
    } else {
      point = rows.point(x, y);
    }
    if (point && import_point(x, y, d.transform.get(), site.geometry)) {
      if (errors) (*errors)[n - 1].clear();
      continue;
    }
    if (d.x < 0) {
      g = rows.geometry();
      error = rows.geometry_problem();
    } else if (point) {
      g = std::make_unique<OGRPoint>(x, y);
    }
    site.geometry = Geometry();
    if (error.empty()) {
      io::ImportedGeometry imported =
          io::import_geometry(g.get(), io::GeometryKind::any, d.transform.get());
      site.geometry = std::move(imported.geometry);
      if (site.geometry.is_null()) error = imported.issue.detail;
    }
    if (errors) (*errors)[n - 1] = std::move(error);
  }
  sites.resize(n);
  if (errors) errors->resize(n);
}

}  // namespace basinkit
