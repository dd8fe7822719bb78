#pragma once
// Writers of screening results (DESIGN.md section 7), site by site as they are screened:
// memory does not grow with the number of sites.
//
//   auto out = basinkit::open_screening_report("result.json", provenance, plan);
//   for (...) out->write(site, result);
//   out->finish(summary);

#include <basinkit/report.hpp>
#include <basinkit/screening.hpp>

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

namespace basinkit {

struct ScreeningSummary {
  std::int64_t sites = 0, prohibited = 0, restricted = 0, encouraged = 0, permitted = 0,
               unlisted = 0;
  void add(Verdict v);
};

class ScreeningWriter {
 public:
  virtual ~ScreeningWriter() = default;
  /// One site and its result, in input order.
  virtual void write(const Site& site, const SiteResult& result) = 0;
  /// Ends the report (summary last: the sites were streamed before it).
  virtual void finish(const ScreeningSummary& summary) = 0;
};

/// A writer for `path`, format by extension: .json, .csv (UTF-8 with BOM), .geojson
/// (WGS 84), .gpkg (working CRS, layer "sites"). Throws InputError for an unknown
/// extension or an unwritable path. `plan` gives the working CRS and basin levels.
std::unique_ptr<ScreeningWriter> open_screening_report(const std::string& path,
                                                       const Provenance& provenance,
                                                       const Plan& plan);
/// The JSON form on a stream (`--format json`).
std::unique_ptr<ScreeningWriter> json_screening_writer(std::ostream& out,
                                                       const Provenance& provenance,
                                                       const Plan& plan);
/// Throws InputError when `path` has no supported extension (before any work).
void check_screening_report_path(const std::string& path);

}  // namespace basinkit
