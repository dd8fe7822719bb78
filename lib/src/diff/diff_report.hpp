#pragma once
// Internal: the pieces of a diff report the writers share (diff_writers.cpp) and the
// HTML page (diff_html.cpp).

#include <basinkit/plan_diff.hpp>

#include <ostream>
#include <string>

#include "report/report_common.hpp"

namespace basinkit::report {

/// The JSON object of one change (docs/diff.md): members of other change types left out.
Json change_json(const PlanChange& c);
/// The diff's summary: counts by change type, finding statuses, tallies per township and
/// county.
Json diff_summary(const PlanDiff& d);
/// The JSON report, streamed.
void write_diff_json_stream(const DiffReport& report, std::ostream& out);
/// One self-contained offline page: old and new boundaries, changed areas, tables.
void write_diff_html(const DiffReport& report, const std::string& path);

}  // namespace basinkit::report
