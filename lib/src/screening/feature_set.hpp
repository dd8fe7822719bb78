#pragma once
// Internal: the features one scope selector stands for (the units a glob matches, the
// zones a `where` selects, ...), indexed once for every site: an R-tree of envelopes,
// and for distance queries an R-tree of their segments, so that a site near a long river
// looks at a few segments instead of the whole line.
//
// The set itself is immutable and shared by all threads; prepared geometries (which
// GEOS 3.11 builds lazily and which are not safe to share) live in a per-thread
// PreparedCache.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "geometry/envelope_index.hpp"
#include "geometry/geos_context.hpp"
#include "geometry/point_in_area.hpp"

namespace basinkit::screening {

class FeatureSet;

/// Per-thread prepared geometries of one FeatureSet, made on first use.
struct PreparedCache {
  std::vector<geos::PreparedPtr> prepared;
  const GEOSPreparedGeometry* get(const FeatureSet& set, size_t i);
};

struct Match {
  bool hit = false;
  std::string code;                  ///< the smallest code among the features hit
  std::optional<double> overlap_m2;  ///< polygon sites: area inside the features
  std::optional<double> distance_m;  ///< distance queries: to the nearest feature
};

class FeatureSet {
 public:
  /// `features`: (code, geometry in the working CRS); geometries must outlive the set.
  /// `indexed` false: the features only, no index (a code scope — units, townships,
  /// counties, basins — which the Screener decides from the site's location; rules
  /// check reads the geometries): then intersects, covers and within are not called.
  FeatureSet(std::vector<std::pair<std::string, const GEOSGeometry*>> features, bool indexed);

  size_t size() const { return features_.size(); }
  const GEOSGeometry* geometry(size_t i) const { return features_[i].second; }

  /// Does the site intersect (closed: touching counts) any feature?
  Match intersects(const GEOSGeometry* site, bool site_is_polygon, PreparedCache& cache) const;
  /// The same for a point site, by the point-in-polygon kernels (no GEOS call, no
  /// allocation, thread-safe).
  Match covers(double x, double y) const;
  /// Is the site within `within_m` (inclusive) of any feature? distance_m = the minimum.
  /// `point`: the site's x, y when it is a point (then `site` and `cache` are not used and
  /// nothing is allocated), else null.
  Match within(const GEOSGeometry* site, const double* point, double within_m,
               PreparedCache* cache) const;

 private:
  struct Segment {
    double x1, y1, x2, y2;
    size_t feature;
  };
  std::vector<std::pair<std::string, const GEOSGeometry*>> features_;
  geos::EnvelopeIndex envelopes_;
  std::vector<Segment> segments_;
  geos::EnvelopeIndex segment_index_;
  bool polygonal_ = false;
  /// Point-in-polygon kernels of polygonal features (empty for the others).
  std::vector<geos::PointInArea>
      kernels_;  ///< any feature has area: a site inside it is at distance 0
};

/// Distance from (px, py) to the segment (x1, y1)-(x2, y2).
double point_segment_distance(double px, double py, double x1, double y1, double x2, double y2);

/// `*` and `?` globs, case-sensitive (DESIGN.md section 6).
bool glob_match(const std::string& pattern, const std::string& text);

}  // namespace basinkit::screening
