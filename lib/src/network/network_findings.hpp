#pragma once
// Internal: the findings of category `network` (validate --only network).

#include <basinkit/findings.hpp>
#include <basinkit/network.hpp>

#include <string>
#include <vector>

namespace basinkit::network {

/// Appends network_cycle, downstream_unknown, downstream_not_adjacent,
/// downstream_conflict, section_off_river, section_outside_plan and unassessed_units
/// findings; checks that cannot run (no sections layer) go to `skipped` with why.
void check_network(const Plan& plan, const DrainageNetwork& network, std::vector<Finding>& findings,
                   std::vector<std::string>& skipped);

}  // namespace basinkit::network
