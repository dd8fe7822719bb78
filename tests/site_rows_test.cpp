// The rows of a sites layer read through OGR's Arrow stream against OGR's features: the
// same ids, the same text for every field type, NULLs kept apart, the same geometries.
#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <map>
#include <memory>

#include "fixtures.hpp"
#include "screening/site_rows.hpp"

using basinkit::Where;
using basinkit::screening::open_site_rows;

namespace {

struct Closer {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, Closer>;

/// A GeoPackage layer "sites" of `count` points with a field of every simple type, some
/// NULL and some unset; with `odd_types`, also a date and a boolean field (not read as
/// columns).
std::string write_sites(const std::string& dir, int count, bool odd_types) {
  GDALAllRegister();
  const std::string path = dir + (odd_types ? "/dated.gpkg" : "/sites.gpkg");
  DatasetPtr ds(GetGDALDriverManager()->GetDriverByName("GPKG")->Create(path.c_str(), 0, 0, 0,
                                                                        GDT_Unknown, nullptr));
  OGRSpatialReference srs;
  srs.importFromEPSG(4547);
  OGRLayer* layer = ds->CreateLayer("sites", &srs, wkbPoint, nullptr);
  OGRFieldDefn code("XMBH", OFTString), n("n", OFTInteger), big("big", OFTInteger64),
      real("water_m3_d", OFTReal), single("single", OFTReal), flag("flag", OFTInteger),
      date("approved", OFTDate);
  single.SetSubType(OFSTFloat32);
  flag.SetSubType(OFSTBoolean);
  for (OGRFieldDefn* f : {&code, &n, &big, &real, &single})
    REQUIRE(layer->CreateField(f) == OGRERR_NONE);
  if (odd_types)
    for (OGRFieldDefn* f : {&date, &flag}) REQUIRE(layer->CreateField(f) == OGRERR_NONE);
  ds->StartTransaction();
  for (int i = 0; i < count; ++i) {
    OGRFeature f(layer->GetLayerDefn());
    if (i % 7 != 3) f.SetField("XMBH", ("420802" + std::to_string(i) + " 荆门").c_str());
    if (i % 5 == 0)
      f.SetFieldNull(f.GetFieldIndex("n"));
    else
      f.SetField("n", i - 500);
    f.SetField("big", static_cast<GIntBig>(i) * 4000000000LL);
    if (i % 11) f.SetField("water_m3_d", i / 3.0 + 0.1);
    f.SetField("single", static_cast<double>(static_cast<float>(i * 0.37)));
    if (odd_types) {
      f.SetField("flag", i % 2);
      f.SetField("approved", 2020 + i % 5, 1 + i % 12, 1 + i % 28);
    }
    if (i % 13 != 5) {
      OGRPoint p(364090 + i * 0.5, 3450958 - i * 0.25);
      f.SetGeometry(&p);
    }
    REQUIRE(layer->CreateFeature(&f) == OGRERR_NONE);
  }
  ds->CommitTransaction();
  return path;
}

/// Reads every row with `open_site_rows` and with plain features; checks they agree.
void compare_with_features(const std::string& path, bool expect_columnar) {
  DatasetPtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR));
  DatasetPtr ref(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR));
  OGRLayer* layer = ds->GetLayerByName("sites");
  OGRLayer* features = ref->GetLayerByName("sites");
  auto rows = open_site_rows(*layer, Where(path, "sites"));
  CHECK(rows->columnar() == expect_columnar);
  const int fields = layer->GetLayerDefn()->GetFieldCount();
  int n = 0;
  for (auto& f : *features) {
    REQUIRE(rows->next());
    INFO("feature " << f->GetFID());
    CHECK(rows->fid() == f->GetFID());
    for (int i = 0; i < fields; ++i) {
      REQUIRE(rows->is_set(i) == f->IsFieldSetAndNotNull(i));
      if (f->IsFieldSetAndNotNull(i)) CHECK(rows->text(i) == f->GetFieldAsString(i));
    }
    std::unique_ptr<OGRGeometry> g = rows->geometry();
    const OGRGeometry* want = f->GetGeometryRef();
    REQUIRE((g != nullptr) == (want != nullptr));
    if (want) CHECK(g->Equals(want));
    ++n;
  }
  CHECK_FALSE(rows->next());
  CHECK(n == features->GetFeatureCount());
}

}  // namespace

TEST_CASE("Sites read through the Arrow stream have the fields and geometries OGR gives",
          "[screening]") {
  basinkit::test::TempDir dir;
  // More than one Arrow batch (65536 rows), so that rows are read across batches.
  compare_with_features(write_sites(dir.path(), 70000, false), true);
}

TEST_CASE("Sites with a field type Arrow columns do not cover are read feature by feature",
          "[screening]") {
  basinkit::test::TempDir dir;
  compare_with_features(write_sites(dir.path(), 300, true), false);
}
