#pragma once
// Internal: the HTML report of unit lists (一单元一清单): an index of the units, then a
// printable page per unit (CSS page breaks) with a small map of the unit and its rules'
// pieces, and its negative and positive lists.

#include <basinkit/unit_lists.hpp>

#include <ostream>
#include <string>

namespace basinkit::report {

void write_unit_lists_html(const UnitListReport& report, const std::string& path);
/// The JSON report on `out` (unit_list_writers.cpp).
void write_unit_lists_json_stream(const UnitListReport& report, std::ostream& out);

}  // namespace basinkit::report
