#pragma once
// Internal: where a table report goes — a new file (GeoPackage, XLSX) or a table in a
// PostGIS database — so that one writer serves both: the screening TableWriter
// (screening_writers.cpp) and the findings table (pg_writer.cpp) open, create and close
// through these, and write their rows with report_common's set_fields.

#include <basinkit/screening_report.hpp>

#include <memory>
#include <string>
#include <vector>

#include "report/report_common.hpp"

namespace basinkit::report {

struct TableTarget {
  std::string path;  ///< the file, or the `PG:` connection string
  TableFormat format = TableFormat::gpkg;
  std::string layer;       ///< layer / sheet / table ("schema.table" in a database)
  bool overwrite = false;  ///< database: replace an existing table (files are replaced)
};

/// Whether rows of `format` carry a geometry (GeoPackage and PostGIS do, XLSX not).
bool has_geometry(TableFormat format);

/// A new file (create_table_file), or the database opened for writing. InputError naming
/// the target (without password) when it fails.
DatasetPtr open_table_output(const TableTarget& target);

/// The layer of `columns` (geometry in `srs` when the format has geometry). In a database:
/// the table, refused when it exists unless `overwrite` (then dropped and made anew),
/// created with COPY for its rows, geometry column `geom`, FID column `fid`.
OGRLayer* create_table_output_layer(GDALDataset& ds, const TableTarget& target,
                                    OGRSpatialReference* srs, const std::vector<Column>& columns);

/// Closes the output. A file keeps the dataset metadata items basinkit_provenance and
/// basinkit_summary; a database table gets them as its comment, one JSON object
/// {"basinkit_provenance": …, "basinkit_summary": …}.
void close_table_output(DatasetPtr ds, const TableTarget& target);

/// The screening TableWriter (one row per site, in screening_writers.cpp) on `target`.
std::unique_ptr<ScreeningWriter> table_screening_writer(const TableTarget& target,
                                                        const Provenance& provenance,
                                                        const Plan& plan);

}  // namespace basinkit::report
