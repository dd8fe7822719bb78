// Broken real-world files (pyshp's corrupted shapefiles, geojsonhint's bad GeoJSON):
// each either loads, with every feature kept, or stops with an InputError naming the
// file. Nothing crashes, hangs or disappears.
#include <basinkit/error.hpp>
#include <basinkit/plan.hpp>

#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <filesystem>

#include "fixtures.hpp"

using namespace basinkit;
using namespace basinkit::test;
namespace fs = std::filesystem;

namespace {

/// Features GDAL itself reads from the file's only layer, or -1 when it cannot open it.
std::int64_t gdal_count(const std::string& path) {
  CPLPushErrorHandler(CPLQuietErrorHandler);
  struct Pop {
    ~Pop() { CPLPopErrorHandler(); }
  } pop;
  std::unique_ptr<GDALDataset> ds(
      GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!ds || ds->GetLayerCount() != 1) return -1;
  std::int64_t n = 0;
  for (auto& f : *ds->GetLayer(0)) {
    (void)f;
    ++n;
  }
  return n;
}

void check_file(const std::string& path, int& loaded, int& refused) {
  TempDir dir;
  write_text(dir / "plan.yaml", "crs: EPSG:4547\nlayers:\n  boundary: { source: \"" + path +
                                    "\", srs: EPSG:4326, encoding: UTF-8 }\n");
  INFO(path);
  try {
    const Plan plan = load_plan(dir / "plan.yaml");
    ++loaded;
    const auto& features = plan.layer("boundary");
    CHECK(static_cast<std::int64_t>(features.size()) == gdal_count(path));
    for (const auto& f : features)
      if (f.geometry.is_null()) CHECK(f.geometry_issue);
  } catch (const InputError& e) {
    ++refused;
    CHECK(std::string(e.what()).find(path) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("Every bad GeoJSON of geojsonhint loads with its features or is refused by name") {
  int loaded = 0, refused = 0;
  for (const auto& entry : fs::directory_iterator(data_path("robustness/geojsonhint")))
    check_file(entry.path().string(), loaded, refused);
  CHECK(loaded + refused == 44);
  CHECK(refused > 0);
  CHECK(loaded > 0);
}

TEST_CASE("pyshp's corrupted and Latin-1 shapefiles and an empty zip never crash") {
  int loaded = 0, refused = 0;
  for (const char* name : {"robustness/pyshp/corrupt_too_long.shp", "robustness/pyshp/latin1.shp",
                           "robustness/pyshp/empty_zipfile.zip"})
    check_file(data_path(name), loaded, refused);
  CHECK(loaded + refused == 3);
}

TEST_CASE("A Latin-1 table without .cpg is refused with the encoding hint") {
  TempDir dir;
  // pyshp ships latin1.shp without its .shx; the .dbf alone is a table GDAL reads.
  fs::copy_file(data_path("robustness/pyshp/latin1.dbf"), dir / "latin1.dbf");
  write_text(dir / "plan.yaml",
             "crs: EPSG:4547\nlayers:\n  boundary: { source: latin1.dbf, srs: EPSG:4326 }\n");
  CHECK_THROWS_WITH(load_plan(dir / "plan.yaml"), Catch::Contains("encoding: GBK"));
}
