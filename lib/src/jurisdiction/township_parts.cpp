#include "jurisdiction/township_parts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "jurisdiction/findings_util.hpp"

namespace basinkit::jurisdiction {
namespace {

// Answers "which one township surrounds this part?" (see township_parts.hpp).
class Surroundings {
 public:
  Surroundings(const Plan& plan, const TownshipSet& townships)
      : plan_(plan),
        townships_(townships),
        tolerance_m_(std::max(0.0, plan.manifest.tolerance_m)),
        prepared_(townships.features.size()) {}
  ~Surroundings() {  // prepared geometries go before what they were prepared from
    prepared_.clear();
    outline_prepared_.reset();
  }
  Surroundings(const Surroundings&) = delete;
  Surroundings& operator=(const Surroundings&) = delete;

  std::optional<std::string> around(const GEOSGeometry* part, const std::string& self) {
    GEOSContextHandle_t h = geos::context();
    const GEOSGeometry* ring = GEOSGetExteriorRing_r(h, part);
    if (!ring || GEOSisEmpty_r(h, ring) != 0) return std::nullopt;
    Box box = box_of(ring);
    const double tol = tolerance_m_;
    bg::set<bg::min_corner, 0>(box, bg::get<bg::min_corner, 0>(box) - tol);
    bg::set<bg::min_corner, 1>(box, bg::get<bg::min_corner, 1>(box) - tol);
    bg::set<bg::max_corner, 0>(box, bg::get<bg::max_corner, 0>(box) + tol);
    bg::set<bg::max_corner, 1>(box, bg::get<bg::max_corner, 1>(box) + tol);

    // The other townships within tolerance of the ring.
    std::set<std::string> near;
    for (int t : townships_.query(box)) {
      const std::string& code = townships_.features[static_cast<std::size_t>(t)].source->code;
      if (code == self || near.count(code)) continue;
      const GEOSPreparedGeometry* p = prepared(t);
      if (p && GEOSPreparedDistanceWithin_r(h, p, ring, tol) == 1) near.insert(code);
      if (near.size() > 1) return std::nullopt;
    }
    if (near.size() != 1) return std::nullopt;
    const std::string& host = *near.begin();
    if (!ring_within(ring, box, host)) return std::nullopt;
    const GEOSPreparedGeometry* outline = this->outline();
    if (outline && GEOSPreparedDistanceWithin_r(h, outline, ring, tol) != 0) return std::nullopt;
    return host;
  }

 private:
  const GEOSPreparedGeometry* prepared(int t) {
    auto& p = prepared_[static_cast<std::size_t>(t)];
    if (!p) p = geos::prepare(townships_.features[static_cast<std::size_t>(t)].geometry.get());
    return p.get();
  }

  // Whether the whole ring lies within tolerance of the features of `host`: the ring
  // minus the host (clipped to the ring's surroundings) buffered by the tolerance is
  // empty, up to a length of tolerance/100 for the buffer's chords.
  bool ring_within(const GEOSGeometry* ring, const Box& box, const std::string& host) {
    GEOSContextHandle_t h = geos::context();
    const double tol = tolerance_m_;
    const double x0 = bg::get<bg::min_corner, 0>(box) - tol,
                 y0 = bg::get<bg::min_corner, 1>(box) - tol,
                 x1 = bg::get<bg::max_corner, 0>(box) + tol,
                 y1 = bg::get<bg::max_corner, 1>(box) + tol;
    GeometryPtr rest = clone(ring);
    for (int t : townships_.with_code(host)) {
      const GEOSGeometry* g = townships_.features[static_cast<std::size_t>(t)].geometry.get();
      if (!g || !rest) continue;
      GeometryPtr local(GEOSClipByRect_r(h, g, x0, y0, x1, y1));
      if (!local || GEOSisEmpty_r(h, local.get()) != 0) continue;
      GeometryPtr zone = tol > 0 ? GeometryPtr(GEOSBuffer_r(h, local.get(), tol, 8))
                                 : GeometryPtr(GEOSBuffer_r(h, local.get(), 0, 8));
      if (!zone) return false;
      rest.reset(GEOSDifference_r(h, rest.get(), zone.get()));
    }
    if (!rest) return false;
    double length = 0;
    if (GEOSGeomGetLength_r(h, rest.get(), &length) != 1) return false;
    return length <= std::max(tol / 100, 1e-9);
  }

  // The plan outline: the boundary layer's, else the townships' union's (lines).
  const GEOSPreparedGeometry* outline() {
    if (outline_done_) return outline_prepared_.get();
    outline_done_ = true;
    GEOSContextHandle_t h = geos::context();
    std::vector<GeometryPtr> pieces;
    if (plan_.has_layer("boundary"))
      for (const PlanFeature& f : plan_.layer("boundary"))
        if (GeometryPtr g = valid_polygonal(f.geometry.get())) pieces.push_back(std::move(g));
    if (pieces.empty())
      for (const TownshipFeature& t : townships_.features)
        if (t.geometry) pieces.push_back(clone(t.geometry.get()));
    if (pieces.empty()) return nullptr;
    std::vector<GEOSGeometry*> raw;
    for (auto& p : pieces) raw.push_back(p.release());
    GeometryPtr all(GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, raw.data(),
                                                static_cast<unsigned>(raw.size())));
    if (!all) return nullptr;  // GEOS 3.11 owns the parts from the call on, failed or not
    GeometryPtr merged(GEOSUnaryUnion_r(h, all.get()));
    if (!merged) return nullptr;
    outline_.reset(GEOSBoundary_r(h, merged.get()));
    if (outline_) outline_prepared_ = geos::prepare(outline_.get());
    return outline_prepared_.get();
  }

  const Plan& plan_;
  const TownshipSet& townships_;
  double tolerance_m_;
  std::vector<geos::PreparedPtr> prepared_;
  bool outline_done_ = false;
  GeometryPtr outline_;
  geos::PreparedPtr outline_prepared_;
};

// The territory of one code: its feature's geometry, or the union of several.
GeometryPtr territory(const TownshipSet& townships, const std::vector<int>& features) {
  GEOSContextHandle_t h = geos::context();
  std::vector<GEOSGeometry*> raw;
  for (int t : features)
    if (const GEOSGeometry* g = townships.features[static_cast<std::size_t>(t)].geometry.get())
      if (GEOSGeometry* c = GEOSGeom_clone_r(h, g)) raw.push_back(c);
  if (raw.empty()) return nullptr;
  if (raw.size() == 1) return GeometryPtr(raw.front());
  GeometryPtr all(GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, raw.data(),
                                              static_cast<unsigned>(raw.size())));
  if (!all) return nullptr;  // GEOS 3.11 owns the parts from the call on, failed or not
  GeometryPtr merged(GEOSUnaryUnion_r(h, all.get()));
  return merged ? valid_polygonal(merged.get()) : nullptr;
}

}  // namespace

std::vector<Finding> check_township_parts(const Plan& plan, const TownshipSet& townships) {
  std::vector<Finding> out;
  Surroundings surroundings(plan, townships);
  const double min_area = plan.manifest.min_area_m2;
  for (const std::string& code : townships.codes()) {
    GeometryPtr whole = territory(townships, townships.with_code(code));
    if (!whole) continue;
    std::vector<std::pair<double, const GEOSGeometry*>> parts;
    for (const GEOSGeometry* p : polygons_of(whole.get())) parts.emplace_back(area_of(p), p);
    if (parts.empty()) continue;
    std::stable_sort(parts.begin(), parts.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    const std::string& name = townships.name_of(code);
    const std::string& county = townships.county_of(code);
    auto responsible = [&](Finding& f) {
      add_unique(f.townships, code);
      add_unique(f.counties, county);
      if (f.surrounded_by) {
        add_unique(f.townships, *f.surrounded_by);
        add_unique(f.counties, townships.county_of(*f.surrounded_by));
      }
    };
    for (std::size_t i = 1; i < parts.size(); ++i) {
      if (parts[i].first < min_area) continue;
      Finding f = make_finding(FindingType::exclave, "townships");
      f.codes = {code};
      f.names = {name};
      f.surrounded_by = surroundings.around(parts[i].second, code);
      set_piece(f, parts[i].first, clone(parts[i].second));
      f.message = fmt::format("乡镇 {}有一块 {}的飞地与其主体不相连", label(code, name),
                              area_text(parts[i].first));
      f.message += f.surrounded_by
                       ? fmt::format("，四周为乡镇 {}",
                                     label(*f.surrounded_by, townships.name_of(*f.surrounded_by)))
                       : std::string("，不被单一乡镇包围");
      responsible(f);
      out.push_back(std::move(f));
    }
    if (std::optional<std::string> host = surroundings.around(parts[0].second, code)) {
      Finding f = make_finding(FindingType::enclave, "townships");
      f.codes = {code};
      f.names = {name};
      f.surrounded_by = host;
      set_piece(f, parts[0].first, clone(parts[0].second));
      f.message =
          fmt::format("乡镇 {}{}位于乡镇 {}之内，四周只与该乡镇相邻", label(code, name),
                      parts.size() > 1 ? "的主体" : "整体", label(*host, townships.name_of(*host)));
      responsible(f);
      out.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace basinkit::jurisdiction
