#pragma once
// Reports written to a table of a PostGIS database (DESIGN.md section 7:
// `-o PG:… --out-layer NAME`).
//
//   basinkit::DatabaseTable table{"PG:dbname=plans host=gis user=jm", "screening_2026"};
//   basinkit::check_database_table(table);          // before any work
//   auto out = basinkit::open_screening_report(table, provenance, plan);
//
// Screening results: one row per site with the columns of the CSV / GeoPackage report
// and the site's geometry in the working CRS. Findings (validate, rules check): one
// table, one row per finding (its `type` in a column), the columns of the CSV report and
// the problem geometry (or the location point). The table's comment is the report's
// provenance and summary as JSON. Rows are sent with COPY, in transactions of 10,000.

#include <basinkit/report.hpp>
#include <basinkit/screening_report.hpp>

#include <memory>
#include <string>

namespace basinkit {

struct DatabaseTable {
  std::string connection;  ///< "PG:dbname=… host=… user=…", as GDAL and libpq take it
  /// "name" or "schema.name": lower-case ASCII letters, digits and '_', not starting with
  /// a digit, at most 63 bytes each (PostgreSQL's unquoted names).
  std::string table;
  bool overwrite = false;  ///< replace an existing table; without it, one is an error
};

/// True when a report output is a database (`PG:…`, any case).
bool is_database_output(const std::string& output);

/// Checks `table` before any work: its name, then (connecting) that the database has
/// PostGIS and, unless `overwrite`, no table or view of that name. InputError (exit 2)
/// naming the connection without its password.
void check_database_table(const DatabaseTable& table);

/// Writes the findings to the table (made anew). InputError when it cannot.
void write_report(const FindingReport& report, const DatabaseTable& table);

/// A writer of screening results to the table (made anew), site by site.
std::unique_ptr<ScreeningWriter> open_screening_report(const DatabaseTable& table,
                                                       const Provenance& provenance,
                                                       const Plan& plan);

}  // namespace basinkit
