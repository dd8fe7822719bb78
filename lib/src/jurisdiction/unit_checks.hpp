#pragma once
// Internal: the findings about one control unit against the township layer —
// unknown_township, unit_outside_manager, interleaved, unit_multipart, crosses_county.

#include <basinkit/findings.hpp>
#include <basinkit/plan.hpp>

#include <vector>

#include "jurisdiction/township_set.hpp"

namespace basinkit::jurisdiction {

/// Checks units against the townships. One instance per thread: it holds that thread's
/// copies of the township geometries and prepares them on first use (GEOS 3.11 prepared
/// geometries and cached envelopes are not safe to share between threads).
class UnitChecker {
 public:
  /// `townships` may be empty of features (then only unit_multipart and unknown_township
  /// are found); `copies` are this checker's clones, parallel to `townships.features`.
  UnitChecker(const Manifest& manifest, const TownshipSet& townships,
              std::vector<GeometryPtr> copies);
  ~UnitChecker();
  UnitChecker(const UnitChecker&) = delete;
  UnitChecker& operator=(const UnitChecker&) = delete;

  /// Appends the findings about `unit` to `out`.
  void check(const ControlUnit& unit, std::vector<Finding>& out);

 private:
  struct Share;
  const GEOSPreparedGeometry* prepared(int feature);
  void multipart(const ControlUnit& unit, const GEOSGeometry* geometry, std::vector<Finding>& out);

  double tolerance_m_;
  double min_area_m2_;
  bool check_townships_;
  const TownshipSet& townships_;
  std::vector<GeometryPtr> copies_;
  std::vector<geos::PreparedPtr> prepared_;
};

}  // namespace basinkit::jurisdiction
