// The rows of a sites layer read through OGR's Arrow stream against OGR's features: the
// same ids, the same text for every field type, NULLs kept apart, the same geometries.
#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cfloat>
#include <climits>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <random>

#include "fixtures.hpp"
#include "screening/site_rows.hpp"

using basinkit::Where;
using basinkit::screening::open_site_rows;

namespace {

struct Closer {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, Closer>;

/// Reals whose text is easy to get wrong: exponent thresholds of %.15g, rounding at the
/// 15th digit, subnormals, extremes, negative zero, infinities; then random bit patterns.
double awkward_real(int i) {
  static const double kValues[] = {0.0,
                                   -0.0,
                                   1e-4,
                                   9.99999999999999e-5,
                                   1e-5,
                                   0.1,
                                   1.0 / 3,
                                   -2.5,
                                   1e14,
                                   999999999999999.0,
                                   999999999999999.9,
                                   1e15,
                                   1e16,
                                   123456789012345678.0,
                                   0.30000000000000004,
                                   5e-324,
                                   2.2250738585072014e-308,
                                   DBL_MAX,
                                   -DBL_MAX,
                                   INFINITY,
                                   -INFINITY,
                                   1.5e300,
                                   7.0e-300,
                                   100.0,
                                   4.35,
                                   364090.123456789};
  constexpr int kCount = sizeof kValues / sizeof kValues[0];
  if (i < kCount) return kValues[i];
  std::mt19937_64 bits(static_cast<std::uint64_t>(i));
  double v = NAN;
  while (!std::isfinite(v)) {
    const std::uint64_t b = bits();
    std::memcpy(&v, &b, sizeof v);
  }
  return v;
}

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
      real("water_m3_d", OFTReal), awkward("awkward", OFTReal), single("single", OFTReal),
      flag("flag", OFTInteger), date("approved", OFTDate);
  single.SetSubType(OFSTFloat32);
  flag.SetSubType(OFSTBoolean);
  for (OGRFieldDefn* f : {&code, &n, &big, &real, &awkward, &single})
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
      f.SetField("n", i == 1 ? INT_MIN : i == 2 ? INT_MAX : i - 500);
    f.SetField("big", i == 1 ? LLONG_MIN : static_cast<GIntBig>(i) * 4000000000LL);
    f.SetField("awkward", awkward_real(i));
    if (i % 11) f.SetField("water_m3_d", i / 3.0 + 0.1);
    f.SetField("single", static_cast<double>(static_cast<float>(i * 0.37)));
    if (odd_types) {
      f.SetField("flag", i % 2);
      f.SetField("approved", 2020 + i % 5, 1 + i % 12, 1 + i % 28);
    }
    if (i % 17 == 9) {  // neither a plain point nor a missing geometry
      OGRPoint empty;
      f.SetGeometry(&empty);
    } else if (i % 13 != 5) {
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
    const OGRGeometry* want = f->GetGeometryRef();
    // Plain 2D points are also read without an OGR geometry, through the Arrow stream.
    const bool plain = want && want->getGeometryType() == wkbPoint && !want->IsEmpty();
    double x = 0, y = 0;
    REQUIRE(rows->point(x, y) == (expect_columnar && plain));
    if (expect_columnar && plain) {
      CHECK(x == want->toPoint()->getX());
      CHECK(y == want->toPoint()->getY());
    }
    std::unique_ptr<OGRGeometry> g = rows->geometry();
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
