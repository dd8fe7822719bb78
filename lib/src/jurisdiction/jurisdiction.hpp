#pragma once
// Internal: the jurisdiction checks of DESIGN.md section 5 — how the plan's control units
// map onto the townships that manage them (乡镇管理), and how township territories fall
// apart into exclaves and enclaves (飞地) or cut through units (插花地).
//
// Finding types, codes and members:
//   unknown_township      [unit, township]  the unit's township code names no township
//   unit_outside_manager  [unit, township]  the unit shares < min_area_m2 with its manager
//   interleaved           [unit, other]     non-thin pieces of the unit in another township;
//                                           area_m2, share, manager, majority_township
//   unit_multipart        [unit]            the unit has disconnected parts
//   crosses_county        [unit, county…]   the unit spans townships of several counties
//   exclave               [township]        a part detached from the largest part; one
//                                           finding per part; surrounded_by (code or null)
//   enclave               [township]        the largest part lies inside exactly one other
//                                           township; surrounded_by names it
//
// Layers needed: units + townships for the unit findings (unit_multipart: units only),
// townships only for exclave and enclave; absent layers give no findings here (the caller
// lists them as skipped). Features with a null or empty geometry take no part in the
// geometric checks (they are `invalid_geometry` elsewhere); invalid ones are checked as
// repaired by GEOSMakeValid (LINEWORK). Units are processed on `threads` threads.
//
//   std::vector<Finding> found = basinkit::check_jurisdiction(plan, 0, {});

#include <basinkit/findings.hpp>
#include <basinkit/plan.hpp>
#include <basinkit/validate.hpp>

#include <vector>

namespace basinkit {

/// The jurisdiction findings of DESIGN.md section 5: unknown_township,
/// unit_outside_manager, interleaved, unit_multipart, exclave, enclave, crosses_county.
/// Units first (in input order), then townships. Never throws on bad geometry.
/// `progress` (may be empty) is called from the calling thread only.
/// `threads`: worker threads for the units (0 = all cores).
std::vector<Finding> check_jurisdiction(const Plan& plan, int threads, const ProgressFn& progress);

}  // namespace basinkit
