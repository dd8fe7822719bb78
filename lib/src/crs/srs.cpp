#include "crs/srs.hpp"

#include "common/quiet_gdal.hpp"

#include <basinkit/crs.hpp>
#include <basinkit/error.hpp>

#include <cpl_error.h>
#include <cpl_port.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <vector>

namespace basinkit::crs {
namespace {

std::string squeeze(const char* text) {
  std::string s;
  for (const char* p = text ? text : ""; *p; ++p)
    if (std::isalnum(static_cast<unsigned char>(*p)))
      s += static_cast<char>(std::tolower(static_cast<unsigned char>(*p)));
  return s;
}

/// GCJ-02 lon/lat → WGS-84 → target, one point at a time.
class Gcj02Transform final : public OGRCoordinateTransformation {
 public:
  Gcj02Transform(SrsPtr wgs84, SrsPtr target, TransformPtr wgs84_to_target)
      : wgs84_(std::move(wgs84)), target_(std::move(target)), next_(std::move(wgs84_to_target)) {}

  OGRSpatialReference* GetSourceCS() override { return wgs84_.get(); }
  OGRSpatialReference* GetTargetCS() override { return target_.get(); }

  int Transform(int count, double* x, double* y, double* z, double* t, int* ok) override {
    for (int i = 0; i < count; ++i) {
      const LonLat w = gcj02_to_wgs84({x[i], y[i]});
      x[i] = w.lon;
      y[i] = w.lat;
    }
    return next_->Transform(count, x, y, z, t, ok);
  }

  OGRCoordinateTransformation* Clone() const override {
    return new Gcj02Transform(SrsPtr(wgs84_->Clone()), SrsPtr(target_->Clone()),
                              TransformPtr(next_->Clone()));
  }
  OGRCoordinateTransformation* GetInverse() const override { return nullptr; }

 private:
  SrsPtr wgs84_;
  SrsPtr target_;
  TransformPtr next_;
};

}  // namespace

SrsPtr parse(const std::string& definition) {
  const QuietGdal quiet;
  SrsPtr srs(new OGRSpatialReference());
  srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  CPLErrorReset();
  if (definition.empty() || srs->SetFromUserInput(definition.c_str()) != OGRERR_NONE) {
    const std::string detail = CPLGetLastErrorMsg();
    throw InputError(fmt::format("cannot understand the CRS '{}'{}{}", definition,
                                 detail.empty() ? "" : ": ", detail));
  }
  return srs;
}

SrsPtr traditional_copy(const OGRSpatialReference& srs) {
  SrsPtr copy(srs.Clone());
  copy->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  return copy;
}

SrsPtr working_crs(const std::string& definition) {
  if (is_gcj02(definition))
    throw InputError("the working crs must be projected (metres); GCJ02 is geographic");
  SrsPtr srs = parse(definition);
  if (!srs->IsProjected())
    throw InputError(fmt::format(
        "the working crs '{}' is geographic; use a projected CRS in metres, e.g. EPSG:4547",
        definition));
  if (std::abs(srs->GetLinearUnits() - 1.0) > 1e-9)
    throw InputError(fmt::format("the working crs '{}' is not in metres", definition));
  return srs;
}

bool is_undefined(const OGRSpatialReference& srs) {
  const char* name = srs.GetName();
  return srs.IsLocal() || (name && STARTS_WITH_CI(name, "Undefined"));
}

std::string describe(const OGRSpatialReference& srs) {
  const char* auth = srs.GetAuthorityName(nullptr);
  const char* code = srs.GetAuthorityCode(nullptr);
  if (auth && code) return fmt::format("{}:{}", auth, code);
  const char* name = srs.GetName();
  return name ? name : "unnamed CRS";
}

std::string ballpark_datum(const OGRSpatialReference& srs) {
  static const std::vector<std::pair<std::string, std::string>> refused = {
      {"4610", "Xian 1980"}, {"4214", "Beijing 1954"}, {"4555", "New Beijing"}};
  const char* geog_code = srs.GetAuthorityCode("GEOGCS");
  for (const auto& [code, name] : refused)
    if (geog_code && code == geog_code) return name;
  const std::string datum = squeeze(srs.GetAttrValue("DATUM"));
  if (datum.find("newbeijing") != std::string::npos) return "New Beijing";
  if (datum.find("xian1980") != std::string::npos) return "Xian 1980";
  if (datum.find("beijing1954") != std::string::npos) return "Beijing 1954";
  return "";
}

TransformPtr to_working(const OGRSpatialReference* source, bool source_is_gcj02,
                        const OGRSpatialReference& target, std::string* description) {
  const QuietGdal quiet;
  SrsPtr target_copy = traditional_copy(target);
  if (source_is_gcj02) {
    SrsPtr wgs84 = parse("EPSG:4326");
    CPLErrorReset();
    TransformPtr next(OGRCreateCoordinateTransformation(wgs84.get(), target_copy.get()));
    if (!next) throw InputError("no transformation from WGS 84 to " + describe(target));
    if (description)
      *description = fmt::format("GCJ-02 → WGS 84 (iterative inverse) → {}", describe(target));
    return TransformPtr(
        new Gcj02Transform(std::move(wgs84), std::move(target_copy), std::move(next)));
  }
  SrsPtr source_copy = traditional_copy(*source);
  CPLErrorReset();
  TransformPtr t(OGRCreateCoordinateTransformation(source_copy.get(), target_copy.get()));
  if (!t)
    throw InputError(fmt::format("no transformation from {} to {}: {}", describe(*source),
                                 describe(target), CPLGetLastErrorMsg()));
  if (description) {
    *description = source_copy->IsSame(target_copy.get())
                       ? "none (already in the working CRS)"
                       : fmt::format("{} → {} (PROJ)", describe(*source), describe(target));
  }
  return t;
}

}  // namespace basinkit::crs
