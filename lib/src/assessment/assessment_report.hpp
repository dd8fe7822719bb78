#pragma once
// Internal: what the assessment's report formats share — the JSON of a section and of the
// summary, the flat columns of a section row (CSV, XLSX, GeoPackage) — and the HTML page.

#include <basinkit/assessment.hpp>

#include <string>
#include <vector>

#include "report/report_common.hpp"

namespace basinkit::assessment {

/// Decimals of period means (mg/L): 6 keeps mercury's limits (0.00005, 0.0001) apart.
constexpr int kMeanDecimals = 6;

report::Json summary_json(const AssessmentResult& r);
report::Json section_json(const SectionAssessment& s, const std::string& currency);
/// The whole JSON report: provenance, summary, sections, by_county, by_township.
report::Json report_json(const AssessmentReport& report);

/// Columns of a section row: fixed ones, then `<key>_mean` and `<key>_class` for each
/// parameter measured, then responsibility and compensation.
std::vector<report::Column> section_columns(const AssessmentReport& report);
std::vector<report::FlatValue> section_values(const AssessmentReport& report,
                                              const SectionAssessment& s);

/// One self-contained offline page (assessment_html.cpp).
void write_html(const AssessmentReport& report, const std::string& path);

}  // namespace basinkit::assessment
