#include "defect_injector.hpp"

#include <gdal_priv.h>
#include <geos_c.h>
#include <ogrsf_frmts.h>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>

namespace basinkit::bench {
namespace {

/// A GEOS context and owned geometries for the injector's own computations.
class Geos {
 public:
  Geos() : h_(GEOS_init_r()) {}
  ~Geos() {
    for (GEOSGeometry* g : owned_) GEOSGeom_destroy_r(h_, g);
    GEOS_finish_r(h_);
  }
  Geos(const Geos&) = delete;
  Geos& operator=(const Geos&) = delete;
  GEOSContextHandle_t h() const { return h_; }
  GEOSGeometry* own(GEOSGeometry* g) {
    if (!g) throw std::runtime_error("GEOS operation failed in the defect injector");
    owned_.push_back(g);
    return g;
  }
  double area(const GEOSGeometry* g) const {
    double a = 0;
    GEOSArea_r(h_, g, &a);
    return a;
  }
  GEOSGeometry* box(double x0, double y0, double x1, double y1) {
    return own(GEOSGeom_createRectangle_r(h_, x0, y0, x1, y1));
  }
  std::array<double, 2> inside(const GEOSGeometry* g) {
    GEOSGeometry* p = own(GEOSPointOnSurface_r(h_, g));
    std::array<double, 2> xy{};
    GEOSGeomGetX_r(h_, p, &xy[0]);
    GEOSGeomGetY_r(h_, p, &xy[1]);
    return xy;
  }

 private:
  GEOSContextHandle_t h_;
  std::vector<GEOSGeometry*> owned_;
};

struct Unit {
  GIntBig fid;
  std::string code, l3;
  GEOSGeometry* geometry;  // owned by Geos
};

GEOSGeometry* from_ogr(Geos& geos, const OGRGeometry* g) {
  std::vector<unsigned char> wkb(g->WkbSize());
  g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
  return geos.own(GEOSGeomFromWKB_buf_r(geos.h(), wkb.data(), wkb.size()));
}

std::unique_ptr<OGRGeometry> to_ogr(Geos& geos, const GEOSGeometry* g) {
  GEOSWKBWriter* writer = GEOSWKBWriter_create_r(geos.h());
  size_t size = 0;
  unsigned char* wkb = GEOSWKBWriter_write_r(geos.h(), writer, g, &size);
  GEOSWKBWriter_destroy_r(geos.h(), writer);
  OGRGeometry* out = nullptr;
  OGRGeometryFactory::createFromWkb(wkb, nullptr, &out, size);
  GEOSFree_r(geos.h(), wkb);
  return std::unique_ptr<OGRGeometry>(out);
}

/// A polygon with an inward zero-width spike after its first vertex: invalid
/// (self-intersection), but MakeValid gives back the same area.
GEOSGeometry* with_spike(Geos& geos, const GEOSGeometry* polygon) {
  GEOSContextHandle_t h = geos.h();
  const GEOSGeometry* ring = GEOSGetExteriorRing_r(h, polygon);
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, ring);
  unsigned n = 0;
  GEOSCoordSeq_getSize_r(h, seq, &n);
  std::vector<double> xy(2 * n);
  GEOSCoordSeq_copyToBuffer_r(h, seq, xy.data(), 0, 0);
  const auto c = geos.inside(polygon);
  const double dx = c[0] - xy[0], dy = c[1] - xy[1], len = std::hypot(dx, dy);
  const double tip_x = xy[0] + 20 * dx / len, tip_y = xy[1] + 20 * dy / len;
  std::vector<double> out = {xy[0], xy[1], tip_x, tip_y};
  out.insert(out.end(), xy.begin(), xy.end());  // back to the first vertex, then the ring
  GEOSCoordSequence* spiked = GEOSCoordSeq_copyFromBuffer_r(h, out.data(), out.size() / 2, 0, 0);
  return geos.own(GEOSGeom_createPolygon_r(h, GEOSGeom_createLinearRing_r(h, spiked), nullptr, 0));
}

}  // namespace

std::vector<ExpectedFinding> inject_coverage_defects(const GeneratedPlan& plan) {
  const std::string gpkg =
      plan.manifest_path.substr(0, plan.manifest_path.rfind('/')) + "/plan.gpkg";
  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(GDALDataset::Open(gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
  if (!ds) throw std::runtime_error("cannot open " + gpkg);
  OGRLayer* units_layer = ds->GetLayerByName("units");
  OGRLayer* basins_layer = ds->GetLayerByName("basins");
  OGRLayer* boundary_layer = ds->GetLayerByName("boundary");
  Geos geos;
  GEOSContextHandle_t h = geos.h();

  std::vector<Unit> units;
  std::map<std::string, std::vector<size_t>> by_l3;
  for (auto& f : *units_layer) {
    units.push_back({f->GetFID(), f->GetFieldAsString("UNIT_CODE"), f->GetFieldAsString("L3_CODE"),
                     from_ogr(geos, f->GetGeometryRef())});
    by_l3[units.back().l3].push_back(units.size() - 1);
  }
  std::map<std::string, std::string> l3_parent;
  for (auto& f : *basins_layer)
    if (f->GetFieldAsInteger("LEVEL") == 3)
      l3_parent[f->GetFieldAsString("BSN_CODE")] = f->GetFieldAsString("PARENT");
  // Every third L3 district gets one defect, so that defects never touch each other.
  std::vector<std::string> districts;
  int k = 0;
  for (const auto& [code, members] : by_l3)
    if (k++ % 3 == 1 && members.size() >= 4) districts.push_back(code);
  if (districts.size() < 9) throw std::runtime_error("plan too small for defect injection");

  auto touching = [&](size_t a, bool same_l3) -> size_t {
    for (size_t b = 0; b < units.size(); ++b) {
      if (b == a || (units[b].l3 == units[a].l3) != same_l3) continue;
      GEOSGeometry* shared = geos.own(GEOSIntersection_r(h, units[a].geometry, units[b].geometry));
      double length = 0;
      GEOSLength_r(h, shared, &length);
      if (length > 100) return b;
    }
    throw std::runtime_error("no neighbour found for " + units[a].code);
  };
  auto rewrite = [&](const Unit& u, const GEOSGeometry* g, const char* field = nullptr,
                     const std::string& value = "") {
    std::unique_ptr<OGRFeature> f(units_layer->GetFeature(u.fid));
    if (g) f->SetGeometryDirectly(to_ogr(geos, g).release());
    if (field) f->SetField(field, value.c_str());
    if (units_layer->SetFeature(f.get()) != OGRERR_NONE)
      throw std::runtime_error("cannot rewrite unit " + u.code);
  };
  std::vector<ExpectedFinding> expected;
  auto first_of = [&](size_t i) { return by_l3.at(districts[i]).front(); };

  {  // gap: a 100 m square hole inside a unit.
    const Unit& u = units[first_of(0)];
    const auto c = geos.inside(u.geometry);
    GEOSGeometry* holed = geos.own(
        GEOSDifference_r(h, u.geometry, geos.box(c[0] - 50, c[1] - 50, c[0] + 50, c[1] + 50)));
    rewrite(u, holed);
    expected.push_back({"gap", {u.l3}, geos.area(u.geometry) - geos.area(holed)});
  }
  {  // sliver: a 0.2 m × 60 m slot inside a unit.
    const Unit& u = units[first_of(1)];
    const auto c = geos.inside(u.geometry);
    GEOSGeometry* slotted = geos.own(
        GEOSDifference_r(h, u.geometry, geos.box(c[0] - 30, c[1] - 0.1, c[0] + 30, c[1] + 0.1)));
    rewrite(u, slotted);
    expected.push_back({"sliver", {u.code}, geos.area(u.geometry) - geos.area(slotted)});
  }
  {  // overlap inside one L3: a unit takes a 30 m strip of its neighbour.
    const size_t a = first_of(2), b = touching(a, true);
    GEOSGeometry* strip = geos.own(GEOSIntersection_r(
        h, units[b].geometry, geos.own(GEOSBuffer_r(h, units[a].geometry, 30, 8))));
    rewrite(units[a], geos.own(GEOSUnion_r(h, units[a].geometry, strip)));
    std::vector<std::string> codes = {units[a].code, units[b].code};
    std::sort(codes.begin(), codes.end());
    expected.push_back({"overlap", codes, geos.area(strip)});
  }
  {  // a unit reaching 30 m into a unit of the next L3: outside_parent and overlap.
    size_t a = 0, b = 0;
    for (size_t candidate : by_l3.at(districts[3])) {
      try {
        b = touching(candidate, false);
        a = candidate;
        break;
      } catch (const std::runtime_error&) {
      }
    }
    GEOSGeometry* strip = geos.own(GEOSIntersection_r(
        h, units[b].geometry, geos.own(GEOSBuffer_r(h, units[a].geometry, 30, 8))));
    rewrite(units[a], geos.own(GEOSUnion_r(h, units[a].geometry, strip)));
    expected.push_back({"outside_parent", {units[a].code, units[a].l3}, geos.area(strip)});
    std::vector<std::string> codes = {units[a].code, units[b].code};
    std::sort(codes.begin(), codes.end());
    expected.push_back({"overlap", codes, geos.area(strip)});
  }
  {  // invalid geometry: an inward spike.
    const Unit& u = units[first_of(4)];
    rewrite(u, with_spike(geos, u.geometry));
    expected.push_back({"invalid_geometry", {u.code}, 0});
  }
  {  // duplicate code: a unit takes its neighbour's code.
    const size_t a = first_of(5), b = touching(a, true);
    rewrite(units[a], nullptr, "UNIT_CODE", units[b].code);
    expected.push_back({"duplicate_code", {units[b].code}, 0});
  }
  {  // missing parent: the unit's area becomes a gap of its L3.
    const Unit& u = units[first_of(6)];
    rewrite(u, nullptr, "L3_CODE", "NO_SUCH_L3");
    expected.push_back({"missing_parent", {u.code}, 0});
    expected.push_back({"gap", {u.l3}, geos.area(u.geometry)});
  }
  {  // level mismatch: the unit names its L2; its area becomes a gap of its L3.
    const Unit& u = units[first_of(7)];
    const std::string l2 = l3_parent.at(u.l3);
    rewrite(u, nullptr, "L3_CODE", l2);
    expected.push_back({"level_mismatch", {u.code, l2}, 0});
    expected.push_back({"gap", {u.l3}, geos.area(u.geometry)});
  }
  {  // empty parent: an L3 district loses all its units (no gap for an empty basin).
    for (size_t i : by_l3.at(districts[8]))
      if (units_layer->DeleteFeature(units[i].fid) != OGRERR_NONE)
        throw std::runtime_error("cannot delete unit " + units[i].code);
    expected.push_back({"empty_parent", {districts[8]}, 0});
  }
  {  // the plan area reaches 400 m beyond the L1 basins on the east side.
    std::unique_ptr<OGRFeature> f(boundary_layer->GetNextFeature());
    GEOSGeometry* area = from_ogr(geos, f->GetGeometryRef());
    const double y = (plan.extent[1] + plan.extent[3]) / 2;
    GEOSGeometry* bulge = geos.box(plan.extent[2] - 200, y - 300, plan.extent[2] + 400, y + 300);
    GEOSGeometry* bigger = geos.own(GEOSUnion_r(h, area, bulge));
    f->SetGeometryDirectly(to_ogr(geos, bigger).release());
    if (boundary_layer->SetFeature(f.get()) != OGRERR_NONE)
      throw std::runtime_error("cannot rewrite the boundary");
    expected.push_back({"gap", {}, geos.area(bigger) - geos.area(area)});
  }
  return expected;
}

}  // namespace basinkit::bench
