#include "screening/feature_set.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "geometry/pieces.hpp"

namespace basinkit::screening {

const GEOSPreparedGeometry* PreparedCache::get(const FeatureSet& set, size_t i) {
  if (prepared.size() != set.size()) prepared.resize(set.size());
  if (!prepared[i]) prepared[i] = geos::prepare(set.geometry(i));
  return prepared[i].get();
}

namespace {

void collect_segments(GEOSContextHandle_t h, const GEOSGeometry* g, size_t feature,
                      std::vector<double>& buffer, std::vector<std::array<double, 4>>& out) {
  const int type = GEOSGeomTypeId_r(h, g);
  if (type == GEOS_POLYGON) {
    collect_segments(h, GEOSGetExteriorRing_r(h, g), feature, buffer, out);
    for (int i = 0; i < GEOSGetNumInteriorRings_r(h, g); ++i)
      collect_segments(h, GEOSGetInteriorRingN_r(h, g, i), feature, buffer, out);
    return;
  }
  if (type == GEOS_LINESTRING || type == GEOS_LINEARRING) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, g);
    unsigned n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &n) || n == 0) return;
    buffer.resize(2 * static_cast<size_t>(n));
    GEOSCoordSeq_copyToBuffer_r(h, seq, buffer.data(), 0, 0);
    if (n == 1) out.push_back({buffer[0], buffer[1], buffer[0], buffer[1]});
    for (unsigned i = 0; i + 1 < n; ++i)
      out.push_back({buffer[2 * i], buffer[2 * i + 1], buffer[2 * i + 2], buffer[2 * i + 3]});
    return;
  }
  if (type == GEOS_POINT) {
    double x = 0, y = 0;
    GEOSGeomGetX_r(h, g, &x);
    GEOSGeomGetY_r(h, g, &y);
    out.push_back({x, y, x, y});
    return;
  }
  for (int i = 0; i < GEOSGetNumGeometries_r(h, g); ++i)
    collect_segments(h, GEOSGetGeometryN_r(h, g, i), feature, buffer, out);
}

}  // namespace

FeatureSet::FeatureSet(std::vector<std::pair<std::string, const GEOSGeometry*>> features,
                       bool indexed)
    : features_(std::move(features)) {
  // Smallest code first: a site touching several features names the smallest.
  std::stable_sort(features_.begin(), features_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  if (!indexed) return;
  GEOSContextHandle_t h = geos::context();
  std::vector<double> buffer;
  for (size_t i = 0; i < features_.size(); ++i) {
    const GEOSGeometry* g = features_[i].second;
    if (!g || GEOSisEmpty_r(h, g)) continue;
    envelopes_.add(geos::envelope(g), i);
    const int type = GEOSGeomTypeId_r(h, g);
    polygonal_ |= type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON;
    std::vector<std::array<double, 4>> segs;
    collect_segments(h, g, i, buffer, segs);
    for (const auto& s : segs) {
      segment_index_.add(
          {std::min(s[0], s[2]), std::min(s[1], s[3]), std::max(s[0], s[2]), std::max(s[1], s[3])},
          segments_.size());
      segments_.push_back({s[0], s[1], s[2], s[3], i});
    }
  }
  envelopes_.build();
  segment_index_.build();
  kernels_.reserve(features_.size());
  for (const auto& f : features_) kernels_.emplace_back(f.second);  // exterior for non-polygons
}

Match FeatureSet::covers(double x, double y) const {
  Match m;
  size_t best = features_.size();
  envelopes_.for_each_at(x, y, [&](size_t i) {
    if (i < best && kernels_[i].covers(x, y)) best = i;  // sorted by code: smallest index
  });
  if (best < features_.size()) {
    m.hit = true;
    m.code = features_[best].first;
  }
  return m;
}

Match FeatureSet::intersects(const GEOSGeometry* site, bool site_is_polygon,
                             PreparedCache& cache) const {
  GEOSContextHandle_t h = geos::context();
  Match m;
  std::vector<size_t> candidates = envelopes_.query(geos::envelope(site));
  std::sort(candidates.begin(), candidates.end());  // = by code
  for (size_t i : candidates) {
    if (GEOSPreparedIntersects_r(h, cache.get(*this, i), site) != 1) continue;
    if (!m.hit) {
      m.hit = true;
      m.code = features_[i].first;
      if (!site_is_polygon) return m;
      m.overlap_m2 = 0;
    }
    geos::GeometryPtr shared(GEOSIntersection_r(h, site, features_[i].second));
    *m.overlap_m2 += geos::area_of(shared.get());
  }
  return m;
}

Match FeatureSet::within(const GEOSGeometry* site, const double* point, double within_m,
                         PreparedCache* cache) const {
  GEOSContextHandle_t h = geos::context();
  Match m;
  double best = std::numeric_limits<double>::infinity();
  size_t best_feature = 0;
  // Inside a polygon feature: distance 0.
  if (polygonal_) {
    Match inside = point ? covers(point[0], point[1]) : intersects(site, false, *cache);
    if (inside.hit) {
      inside.distance_m = 0;
      return inside;
    }
  }
  if (point) {
    // The hot path (a million point sites): segments near the point, nothing allocated.
    segment_index_.for_each_in({point[0], point[1], point[0], point[1]}, within_m, [&](size_t s) {
      const Segment& seg = segments_[s];
      const double d = point_segment_distance(point[0], point[1], seg.x1, seg.y1, seg.x2, seg.y2);
      if (d < best || (d == best && seg.feature < best_feature)) {
        best = d;
        best_feature = seg.feature;
      }
    });
  } else {
    std::vector<size_t> candidates;
    for (size_t s : segment_index_.query(geos::envelope(site), within_m))
      candidates.push_back(segments_[s].feature);
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (size_t i : candidates) {
      double d = 0;
      if (GEOSPreparedDistance_r(h, cache->get(*this, i), site, &d) != 1) continue;
      if (d < best) {
        best = d;
        best_feature = i;
      }
    }
  }
  if (best <= within_m) {
    m.hit = true;
    m.code = features_[best_feature].first;
    m.distance_m = best;
  }
  return m;
}

double point_segment_distance(double px, double py, double x1, double y1, double x2, double y2) {
  // The arithmetic of the textbook projection (as JTS/GEOS compute it), so that the
  // 1000 m threshold of a rule decides the same way GEOS's distance would.
  auto dist = [](double ax, double ay, double bx, double by) {
    const double dx = ax - bx, dy = ay - by;
    return std::sqrt(dx * dx + dy * dy);
  };
  if (x1 == x2 && y1 == y2) return dist(px, py, x1, y1);
  const double len2 = (x2 - x1) * (x2 - x1) + (y2 - y1) * (y2 - y1);
  const double r = ((px - x1) * (x2 - x1) + (py - y1) * (y2 - y1)) / len2;
  if (r <= 0.0) return dist(px, py, x1, y1);
  if (r >= 1.0) return dist(px, py, x2, y2);
  const double s = ((y1 - py) * (x2 - x1) - (x1 - px) * (y2 - y1)) / len2;
  return std::fabs(s) * std::sqrt(len2);
}

bool glob_match(const std::string& pattern, const std::string& text) {
  size_t p = 0, t = 0, star = std::string::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace basinkit::screening
