#pragma once
// Internal: the hierarchy and coverage checks of DESIGN.md section 5, on a PlanView.

#include <basinkit/findings.hpp>
#include <basinkit/validate.hpp>

#include <vector>

#include "validation/plan_view.hpp"

namespace basinkit::validation {

/// duplicate_code, missing_parent, level_mismatch, empty_parent, code_prefix.
void check_hierarchy(const PlanView& view, std::vector<Finding>& findings);

/// gap, overlap, outside_parent, sliver. Appends to `skipped` what it could not check.
void check_coverage(const PlanView& view, int threads, const ProgressFn& progress,
                    std::vector<Finding>& findings, std::vector<std::string>& skipped);

/// Finding with type, its severity, layer and codes set.
Finding make_finding(FindingType type, std::string layer, std::vector<std::string> codes);

}  // namespace basinkit::validation
