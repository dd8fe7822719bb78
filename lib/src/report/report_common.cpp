#include "report/report_common.hpp"

#include <basinkit/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "geometry/geos_context.hpp"

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

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += ';';
    out += p;
  }
  return out;
}

FlatValue text(std::string s) { return FlatValue{std::move(s), std::nullopt, std::nullopt}; }
FlatValue optional_text(const std::optional<std::string>& s) { return s ? text(*s) : FlatValue{}; }
FlatValue real(std::optional<double> v, int decimals) {
  if (!v || !std::isfinite(*v)) return {};
  return FlatValue{std::nullopt, rounded(*v, decimals), std::nullopt};
}

struct WkbWriterDeleter {
  void operator()(GEOSWKBWriter* w) const noexcept { GEOSWKBWriter_destroy_r(geos::context(), w); }
};

}  // namespace

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
                          {"path", in.path},
                          {"layer", text_or_null(in.layer)},
                          {"sha256", text_or_null(in.sha256)},
                          {"crs", text_or_null(in.crs)},
                          {"transformation", text_or_null(in.transformation)}});
  return Json{{"tool", p.tool},
              {"version", p.version},
              {"command_line", p.command_line},
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
      {"share", ColumnKind::real},
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
      text(to_string(f.type)),
      text(to_string(f.severity)),
      text(f.layer),
      text(joined(f.codes)),
      text(joined(f.names)),
      real(f.area_m2, kMetricDecimals),
      real(x, kMetricDecimals),
      real(y, kMetricDecimals),
      text(joined(f.townships)),
      text(joined(f.counties)),
      real(f.share, kShareDecimals),
      optional_text(f.manager),
      optional_text(f.majority_township),
      optional_text(f.surrounded_by),
      f.count ? FlatValue{std::nullopt, std::nullopt, *f.count} : FlatValue{},
      optional_text(f.waived),
      text(f.message),
  };
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

OgrGeometryPtr report_geometry(const Finding& f) {
  if (!f.geometry.is_empty()) {
    GEOSContextHandle_t h = geos::context();
    std::unique_ptr<GEOSWKBWriter, WkbWriterDeleter> writer(GEOSWKBWriter_create_r(h));
    GEOSWKBWriter_setOutputDimension_r(h, writer.get(), 2);
    size_t size = 0;
    unsigned char* wkb = GEOSWKBWriter_write_r(h, writer.get(), f.geometry.get(), &size);
    if (wkb) {
      OGRGeometry* g = nullptr;
      const OGRErr err = OGRGeometryFactory::createFromWkb(wkb, nullptr, &g, size);
      GEOSFree_r(h, wkb);
      if (err == OGRERR_NONE && g) return OgrGeometryPtr(g);
      OGRGeometryFactory::destroyGeometry(g);
    }
  }
  if (f.location) return OgrGeometryPtr(new OGRPoint((*f.location)[0], (*f.location)[1]));
  return nullptr;
}

}  // namespace basinkit::report
