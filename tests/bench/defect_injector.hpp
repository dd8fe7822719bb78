// Coverage and hierarchy defects injected into a generated plan at known places, with the
// findings validation must report for them (DESIGN.md section 5). Used by the tests to
// prove that validation finds every injected defect and nothing else of error severity.
// Works on the GeoPackage the generator writes; uses GDAL/OGR and GEOS directly, never
// the basinkit library, so the expected areas are an independent GEOS computation.
#pragma once

#include <string>
#include <vector>

#include "plan_generator.hpp"

namespace basinkit::bench {

/// One finding validation must report.
struct ExpectedFinding {
  std::string type;                ///< e.g. "gap"
  std::vector<std::string> codes;  ///< in DESIGN.md order
  double area_m2 = 0;              ///< 0 when no area is involved
};

/// Injects one defect of each kind into distinct L3 districts of `plan` (GPKG format):
/// a gap (a hole in a unit), a thin gap (a 0.2 m slot: a sliver), an overlap between
/// units of one L3, a unit reaching into the next L3 (outside_parent + overlap), an
/// invalid unit (an inward spike, area unchanged), a duplicated unit code, a unit with a
/// missing and one with a wrong-level parent (each also leaves a gap), an L3 emptied of
/// its units, and a plan area larger than its L1 basins (a gap with no codes).
/// Returns the findings they must produce. Throws std::runtime_error on failure.
std::vector<ExpectedFinding> inject_coverage_defects(const GeneratedPlan& plan);

}  // namespace basinkit::bench
