#include "jurisdiction/unit_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "jurisdiction/findings_util.hpp"

namespace basinkit::jurisdiction {

// The part of the unit lying in the features of one township code.
struct UnitChecker::Share {
  double area = 0;                            ///< all pieces, thin or not (m²)
  std::vector<GeometryPtr> owned;             ///< overlay results
  std::vector<const GEOSGeometry*> polygons;  ///< pieces (in `owned` or the unit)
  bool filtered = false;                      ///< `kept` computed
  std::vector<const GEOSGeometry*> kept;      ///< pieces >= min_area_m2 and not thin
  double kept_area = 0;
};

UnitChecker::UnitChecker(const Manifest& manifest, const TownshipSet& townships,
                         std::vector<GeometryPtr> copies)
    : tolerance_m_(manifest.tolerance_m),
      min_area_m2_(manifest.min_area_m2),
      check_townships_(!townships.features.empty()),
      townships_(townships),
      copies_(std::move(copies)) {
  prepared_.resize(copies_.size());
}

UnitChecker::~UnitChecker() {
  prepared_.clear();  // before the geometries they were prepared from
}

const GEOSPreparedGeometry* UnitChecker::prepared(int feature) {
  auto& p = prepared_[static_cast<std::size_t>(feature)];
  if (!p && copies_[static_cast<std::size_t>(feature)])
    p = geos::prepare(copies_[static_cast<std::size_t>(feature)].get());
  return p.get();
}

void UnitChecker::multipart(const ControlUnit& unit, const GEOSGeometry* geometry,
                            std::vector<Finding>& out) {
  std::vector<const GEOSGeometry*> parts = polygons_of(geometry);
  if (parts.size() < 2) return;
  std::vector<std::pair<double, const GEOSGeometry*>> by_area;
  for (const GEOSGeometry* p : parts) by_area.emplace_back(area_of(p), p);
  std::stable_sort(by_area.begin(), by_area.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<const GEOSGeometry*> detached;
  double detached_area = 0;
  for (std::size_t i = 1; i < by_area.size(); ++i) {
    if (by_area[i].first < min_area_m2_) continue;
    detached.push_back(by_area[i].second);
    detached_area += by_area[i].first;
  }
  if (detached.empty()) return;
  Finding f = make_finding(FindingType::unit_multipart, "units");
  f.codes = {unit.code};
  f.names = {unit.name};
  // The location is inside the largest detached part (the first of `detached`).
  GeometryPtr largest = clone(detached.front());
  GeometryPtr all = multipolygon_of(detached);
  const auto p = point_inside(largest.get());
  set_piece(f, detached_area, std::move(all));
  if (!std::isnan(p[0])) f.location = p;
  f.message =
      fmt::format("单元 {}由 {} 个互不相连的部分组成，最大部分之外共 {}",
                  label(unit.code, unit.name), detached.size() + 1, area_text(detached_area));
  add_unique(f.townships, unit.township);
  if (townships_.known(unit.township)) add_unique(f.counties, townships_.county_of(unit.township));
  out.push_back(std::move(f));
}

void UnitChecker::check(const ControlUnit& unit, std::vector<Finding>& out) {
  GEOSContextHandle_t h = geos::context();
  const std::string& manager = unit.township;
  const bool known = townships_.known(manager);
  GeometryPtr geometry = valid_polygonal(unit.geometry.get());
  if (geometry) multipart(unit, geometry.get(), out);
  if (!check_townships_) return;

  // ---- the unit's pieces in each township code
  std::map<std::string, Share> shares;
  double unit_area = 0;
  if (geometry) {
    unit_area = area_of(geometry.get());
    for (int t : townships_.query(box_of(geometry.get()))) {
      const GEOSPreparedGeometry* p = prepared(t);
      if (!p) continue;
      Share& share = shares[townships_.features[static_cast<std::size_t>(t)].source->code];
      if (GEOSPreparedContainsProperly_r(h, p, geometry.get()) == 1) {
        share.area += unit_area;
        for (const GEOSGeometry* part : polygons_of(geometry.get())) share.polygons.push_back(part);
        continue;
      }
      if (GEOSPreparedIntersects_r(h, p, geometry.get()) != 1) continue;
      const GEOSGeometry* town = copies_[static_cast<std::size_t>(t)].get();
      GeometryPtr piece(GEOSIntersection_r(h, town, geometry.get()));
      if (!piece) {  // a robustness failure: retry snapped to a fine grid
        const double grid = tolerance_m_ > 0 ? tolerance_m_ / 1000 : 1e-6;
        piece.reset(GEOSIntersectionPrec_r(h, town, geometry.get(), grid));
      }
      if (!piece) continue;
      for (const GEOSGeometry* part : polygons_of(piece.get())) {
        share.area += area_of(part);
        share.polygons.push_back(part);
      }
      share.owned.push_back(std::move(piece));
    }
  }
  auto kept = [&](Share& share) -> Share& {
    if (share.filtered) return share;
    share.filtered = true;
    for (const GEOSGeometry* piece : share.polygons) {
      const double a = area_of(piece);
      if (a < min_area_m2_ || is_thin(piece, tolerance_m_)) continue;
      share.kept.push_back(piece);
      share.kept_area += a;
    }
    return share;
  };

  // The township holding most of the unit (ties: the smallest code).
  std::string majority;
  double majority_area = 0;
  for (const auto& [code, share] : shares)
    if (share.area > majority_area) {
      majority_area = share.area;
      majority = code;
    }
  const std::string majority_label =
      majority.empty() ? std::string() : label(majority, townships_.name_of(majority));
  auto responsible_manager = [&](Finding& f) {
    add_unique(f.townships, manager);
    add_unique(f.counties, townships_.county_of(manager));
  };

  // ---- unknown_township / unit_outside_manager
  if (!known) {
    Finding f = make_finding(FindingType::unknown_township, "units");
    f.codes = {unit.code, manager};
    f.names = {unit.name, ""};
    if (geometry) set_piece(f, unit_area, clone(geometry.get()));
    f.message = manager.empty()
                    ? fmt::format("单元 {}没有填写管理乡镇代码", label(unit.code, unit.name))
                    : fmt::format("单元 {}的管理乡镇代码 {} 不在乡镇图层中",
                                  label(unit.code, unit.name), manager);
    if (!majority.empty()) f.message += fmt::format("，其大部分位于乡镇 {}", majority_label);
    // Who can fix the code: the township whose territory holds most of the unit.
    add_unique(f.townships, majority);
    add_unique(f.counties, townships_.county_of(majority));
    out.push_back(std::move(f));
  } else if (geometry) {
    const auto it = shares.find(manager);
    const double shared = it == shares.end() ? 0 : it->second.area;
    if (shared < min_area_m2_) {
      Finding f = make_finding(FindingType::unit_outside_manager, "units");
      f.codes = {unit.code, manager};
      f.names = {unit.name, townships_.name_of(manager)};
      set_piece(f, std::max(0.0, unit_area - shared), clone(geometry.get()));
      f.message = fmt::format(
          "单元 {}与其管理乡镇 {}的重合面积为 {}，不足 {}", label(unit.code, unit.name),
          label(manager, townships_.name_of(manager)), area_text(shared), area_text(min_area_m2_));
      if (!majority.empty() && majority != manager)
        f.message += fmt::format("，其大部分位于乡镇 {}", majority_label);
      responsible_manager(f);
      out.push_back(std::move(f));
    }
  }
  if (!geometry) return;

  // ---- interleaved: one finding per other township holding non-thin pieces
  if (known) {
    for (auto& [code, share] : shares) {
      if (code == manager) continue;
      Share& k = kept(share);
      if (k.kept.empty()) continue;
      Finding f = make_finding(FindingType::interleaved, "units");
      f.codes = {unit.code, code};
      f.names = {unit.name, townships_.name_of(code)};
      // location: inside the largest piece
      const GEOSGeometry* largest = *std::max_element(
          k.kept.begin(), k.kept.end(),
          [](const GEOSGeometry* a, const GEOSGeometry* b) { return area_of(a) < area_of(b); });
      const auto p = point_inside(largest);
      set_piece(f, k.kept_area, multipolygon_of(k.kept));
      if (!std::isnan(p[0])) f.location = p;
      f.share = unit_area > 0 ? k.kept_area / unit_area : 0.0;
      f.manager = manager;
      if (!majority.empty()) f.majority_township = majority;
      f.message = fmt::format("单元 {}有 {}位于乡镇 {}，非其管理乡镇 {}（占单元面积的 {:.1f}%）",
                              label(unit.code, unit.name), area_text(k.kept_area),
                              label(code, townships_.name_of(code)),
                              label(manager, townships_.name_of(manager)), *f.share * 100);
      responsible_manager(f);
      add_unique(f.townships, code);
      add_unique(f.counties, townships_.county_of(code));
      out.push_back(std::move(f));
    }
  }

  // ---- crosses_county: counties of the townships holding non-thin pieces
  std::map<std::string, double> county_area;  // county -> kept area
  for (const auto& [code, share] : shares) {
    const std::string& county = townships_.county_of(code);
    if (county.empty() || share.area < min_area_m2_) continue;
    county_area[county];  // candidate; its pieces are filtered below only when needed
  }
  if (county_area.size() < 2) return;
  county_area.clear();
  for (auto& [code, share] : shares) {
    const std::string& county = townships_.county_of(code);
    if (county.empty()) continue;
    Share& k = kept(share);
    if (!k.kept.empty()) county_area[county] += k.kept_area;
  }
  if (county_area.size() < 2) return;
  // The unit's own county: its manager's, else the one holding most of it.
  std::string home = known ? townships_.county_of(manager) : std::string();
  if (home.empty() || county_area.count(home) == 0) {
    double best = -1;
    for (const auto& [county, area] : county_area)
      if (area > best) {
        best = area;
        home = county;
      }
  }
  Finding f = make_finding(FindingType::crosses_county, "units");
  f.codes = {unit.code, home};
  f.names = {unit.name, ""};
  for (const auto& [county, area] : county_area)
    if (county != home) {
      f.codes.push_back(county);
      f.names.push_back("");
    }
  std::vector<const GEOSGeometry*> away;  // non-thin pieces outside the home county
  double away_area = 0;
  const GEOSGeometry* largest = nullptr;
  double largest_area = -1;
  for (auto& [code, share] : shares) {
    if (townships_.county_of(code) == home || townships_.county_of(code).empty()) continue;
    for (const GEOSGeometry* piece : kept(share).kept) {
      const double a = area_of(piece);
      away.push_back(piece);
      away_area += a;
      if (a > largest_area) {
        largest_area = a;
        largest = piece;
      }
    }
  }
  const auto p = largest ? point_inside(largest) : point_inside(geometry.get());
  set_piece(f, away_area, multipolygon_of(away));
  if (!std::isnan(p[0])) f.location = p;
  std::string list;
  for (std::size_t i = 1; i < f.codes.size(); ++i) list += (i > 1 ? "、" : "") + f.codes[i];
  f.message = fmt::format("单元 {}跨越 {} 个县（市、区）：{}，其中 {}不在其所属的 {}",
                          label(unit.code, unit.name), f.codes.size() - 1, list,
                          area_text(away_area), home);
  if (known) add_unique(f.townships, manager);
  for (std::size_t i = 1; i < f.codes.size(); ++i) add_unique(f.counties, f.codes[i]);
  out.push_back(std::move(f));
}

}  // namespace basinkit::jurisdiction
