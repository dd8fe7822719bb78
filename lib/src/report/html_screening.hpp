#pragma once
// Internal: the HTML page of screening results (html_screening.cpp), opened by
// open_screening_report for a `.html` path.

#include <basinkit/screening_report.hpp>

#include <memory>
#include <string>

namespace basinkit::report {

/// A writer of one self-contained offline page: the plan with the sites on it, coloured
/// by verdict, details on click, tables of sites and counts, provenance. The sites are
/// spooled to temporary files as they come and the page is put together by finish();
/// `plan` is drawn here, at once, and not kept. Throws InputError naming `path`.
std::unique_ptr<ScreeningWriter> open_html_screening_report(const std::string& path,
                                                            const Provenance& provenance,
                                                            const Plan& plan);

}  // namespace basinkit::report
