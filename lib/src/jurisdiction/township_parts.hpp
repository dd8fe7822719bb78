#pragma once
// Internal: exclaves and enclaves (飞地) of the township layer.
//
// A township's territory is the union of its features (several only when its code is
// duplicated); its parts are the polygons of that valid multipolygon. Every part but the
// largest (of at least min_area_m2) is an `exclave`; the largest part is an `enclave`
// when it is surrounded. A part is surrounded by township X when its whole outer ring
// lies within tolerance_m of X and of no other township, and farther than tolerance_m
// from the plan outline (the boundary layer's outline, else that of the townships' union).

#include <basinkit/findings.hpp>
#include <basinkit/plan.hpp>

#include <vector>

#include "jurisdiction/township_set.hpp"

namespace basinkit::jurisdiction {

/// Exclave and enclave findings, townships in first-seen code order. Runs on the calling
/// thread (it uses `townships`' geometries directly).
std::vector<Finding> check_township_parts(const Plan& plan, const TownshipSet& townships);

}  // namespace basinkit::jurisdiction
