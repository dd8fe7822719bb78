// Reports written to PostGIS tables (DESIGN.md section 7: `-o PG:… --out-layer NAME`)
// through GDAL's PostgreSQL driver, and the table outputs (table_output.hpp) that let the
// GeoPackage writers write there too.
//
// Layout (docs/cli.md): screening results are one row per site with the columns of the
// CSV / GeoPackage report; findings are one table, one row per finding, its type in the
// `type` column (a database is queried with SQL, where one table with a type column is
// handier than a table per type, and a re-run replaces exactly one table). Geometry
// column `geom` (generic, SRID of the working CRS), FID column `fid`. The report's
// provenance and summary are the table's comment, as JSON. Rows go through COPY (the
// driver's default for a table it has just created), committed every 10,000 rows.

#include <basinkit/database_report.hpp>
#include <basinkit/error.hpp>

#include <cpl_string.h>

#include <fmt/format.h>

#include <optional>

#include "common/quiet_gdal.hpp"
#include "io/connection.hpp"
#include "report/table_output.hpp"

namespace basinkit {
namespace report {
namespace {

/// Rows sent between two commits (as the GeoPackage writers do).
constexpr int kRowsPerTransaction = 10000;
/// PostgreSQL's NAMEDATALEN - 1.
constexpr size_t kMaxNameBytes = 63;

bool plain_name(const std::string& s) {
  if (s.empty() || s.size() > kMaxNameBytes || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

void check_table_name(const std::string& table, const std::string& connection) {
  const size_t dot = table.find('.');
  const bool ok = dot == std::string::npos
                      ? plain_name(table)
                      : plain_name(table.substr(0, dot)) && plain_name(table.substr(dot + 1));
  if (!ok)
    throw InputError(
        fmt::format("'{}' is no plain table name: use lower-case letters, digits and _ (not "
                    "starting with a digit, at most 63 bytes), optionally as schema.table",
                    table),
        Where(connection));
}

/// SQL text literal (E'…': backslashes and quotes escaped, whatever the server's
/// standard_conforming_strings).
std::string sql_literal(const std::string& text) {
  std::string out = "E'";
  for (char c : text) {
    if (c == '\\' || c == '\'') out += c;
    out += c;
  }
  return out + "'";
}

/// The first column of the first row of `sql`, or nothing (no row, NULL, a statement).
/// InputError "<doing>: <the database's message>" naming `where` when it fails.
std::optional<std::string> query(GDALDataset& ds, const std::string& sql, const Where& where,
                                 const char* doing = "the database refused a statement") {
  CPLErrorReset();
  OGRLayer* result = ds.ExecuteSQL(sql.c_str(), nullptr, nullptr);
  std::optional<std::string> value;
  if (result) {
    std::unique_ptr<OGRFeature> row(result->GetNextFeature());
    if (row && row->GetFieldCount() > 0 && row->IsFieldSetAndNotNull(0))
      value = row->GetFieldAsString(0);
    ds.ReleaseResultSet(result);
  }
  if (CPLGetLastErrorType() == CE_Failure)
    throw InputError(fmt::format("{}{}", doing, gdal_detail()), where);
  return value;
}

DatasetPtr open_database(const std::string& connection) {
  static const bool registered = [] {
    GDALAllRegister();
    return true;
  }();
  (void)registered;
  const char* const drivers[] = {"PostgreSQL", nullptr};
  CPLErrorReset();
  DatasetPtr ds(GDALDataset::Open(connection.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, drivers,
                                  nullptr, nullptr));
  if (!ds)
    throw InputError(fmt::format("cannot open the database for writing{}", gdal_detail()),
                     Where(connection));
  Where where(connection);
  if (!query(*ds, "SELECT extversion FROM pg_extension WHERE extname = 'postgis'", where))
    throw InputError("the database has no PostGIS (its owner can add it: CREATE EXTENSION postgis)",
                     where);
  return ds;
}

/// Whether a table, view or other relation of that name exists (search_path applies, as
/// it does when the driver creates the table).
bool relation_exists(GDALDataset& ds, const TableTarget& target) {
  return query(ds, fmt::format("SELECT to_regclass({})::text", sql_literal(target.layer)),
               Where(target.path, target.layer))
      .has_value();
}

/// Transactions of kRowsPerTransaction rows; what is not committed is rolled back when it
/// goes out of scope (on an error).
class Batches {
 public:
  Batches(GDALDataset& ds, Where where) : ds_(ds), where_(std::move(where)) { begin(); }
  ~Batches() {
    if (open_) ds_.RollbackTransaction();
  }
  Batches(const Batches&) = delete;
  Batches& operator=(const Batches&) = delete;

  void row() {
    if (++rows_ < kRowsPerTransaction) return;
    commit();
    begin();
  }

  void commit() {
    if (!open_) return;
    open_ = false;
    CPLErrorReset();
    if (ds_.CommitTransaction() != OGRERR_NONE)
      throw InputError(fmt::format("cannot commit the rows{}", gdal_detail()), where_);
  }

 private:
  void begin() {
    CPLErrorReset();
    if (ds_.StartTransaction() != OGRERR_NONE)
      throw InputError(fmt::format("cannot start a transaction{}", gdal_detail()), where_);
    open_ = true;
    rows_ = 0;
  }

  GDALDataset& ds_;
  Where where_;
  bool open_ = false;
  int rows_ = 0;
};

void write_findings_table(const FindingReport& report, const TableTarget& target) {
  const QuietGdal quiet;
  const Where where(target.path, target.layer);
  const std::string& working_crs =
      report.working_crs.empty() ? report.provenance.working_crs : report.working_crs;
  crs::SrsPtr srs;
  if (!working_crs.empty()) srs = parse_crs(working_crs, target.path);
  DatasetPtr ds = open_table_output(target);
  ds->SetMetadataItem("basinkit_provenance", dump(provenance_json(report.provenance)).c_str());
  ds->SetMetadataItem("basinkit_summary", dump(summary_json(report.summary)).c_str());
  OGRLayer* layer = create_table_output_layer(*ds, target, srs.get(), flat_columns());
  {
    Batches batches(*ds, where);
    static const std::vector<Finding> none;
    for (const Finding& f : report.findings ? *report.findings : none) {
      OGRFeature feature(layer->GetLayerDefn());
      set_fields(feature, flat_values(f));
      if (OgrGeometryPtr g = report_geometry(f)) feature.SetGeometryDirectly(g.release());
      CPLErrorReset();
      if (layer->CreateFeature(&feature) != OGRERR_NONE)
        throw InputError(fmt::format("cannot write the {} finding ({}){}", to_string(f.type),
                                     fmt::join(f.codes, ", "), gdal_detail()),
                         where);
      batches.row();
    }
    batches.commit();
  }
  close_table_output(std::move(ds), target);
}

TableTarget target_of(const DatabaseTable& table) {
  return TableTarget{table.connection, TableFormat::postgis, table.table, table.overwrite};
}

}  // namespace

bool has_geometry(TableFormat format) { return format != TableFormat::xlsx; }

DatasetPtr open_table_output(const TableTarget& target) {
  if (target.format != TableFormat::postgis) return create_table_file(target.path, target.format);
  check_table_name(target.layer, target.path);
  return open_database(target.path);
}

OGRLayer* create_table_output_layer(GDALDataset& ds, const TableTarget& target,
                                    OGRSpatialReference* srs, const std::vector<Column>& columns) {
  if (target.format != TableFormat::postgis)
    return create_table_layer(ds, target.format, target.layer, srs, columns, target.path);
  const Where where(target.path, target.layer);
  if (relation_exists(ds, target)) {
    if (!target.overwrite)
      throw InputError("the table exists already: pass --overwrite to replace it", where);
    // Not the driver's OVERWRITE, which drops with CASCADE (and so the users' views on
    // the table): a table something depends on stays, with PostgreSQL's message.
    query(ds, fmt::format("DROP TABLE {}", target.layer), where, "cannot replace the table");
  }
  CPLStringList options;
  options.SetNameValue("GEOMETRY_NAME", "geom");
  options.SetNameValue("FID", "fid");
  return create_table_layer(ds, target.format, target.layer, srs, columns, target.path,
                            options.List());
}

void close_table_output(DatasetPtr ds, const TableTarget& target) {
  if (target.format != TableFormat::postgis) return close_table_file(std::move(ds), target.path);
  const Where where(target.path, target.layer);
  // The driver creates a table at its first row: an empty report needs it made now.
  CPLErrorReset();
  ds->FlushCache();
  auto item = [&](const char* key) {
    const char* value = ds->GetMetadataItem(key);
    return std::string(value && *value ? value : "null");
  };
  const std::string comment = fmt::format("{{\"basinkit_provenance\":{},\"basinkit_summary\":{}}}",
                                          item("basinkit_provenance"), item("basinkit_summary"));
  query(*ds, fmt::format("COMMENT ON TABLE {} IS {}", target.layer, sql_literal(comment)), where,
        "cannot write the table's comment (provenance, summary)");
  CPLErrorReset();
  ds.reset();
  if (CPLGetLastErrorType() == CE_Failure)
    throw InputError(fmt::format("closing the database failed{}", gdal_detail()), where);
}

}  // namespace report

bool is_database_output(const std::string& output) { return io::is_database_source(output); }

void check_database_table(const DatabaseTable& table) {
  if (!is_database_output(table.connection))
    throw InputError("not a database connection (PG:…)", Where(table.connection));
  report::check_table_name(table.table, table.connection);
  const QuietGdal quiet;
  report::DatasetPtr ds = report::open_database(table.connection);
  if (!table.overwrite && report::relation_exists(*ds, report::target_of(table)))
    throw InputError("the table exists already: pass --overwrite to replace it",
                     Where(table.connection, table.table));
}

void write_report(const FindingReport& report, const DatabaseTable& table) {
  report::write_findings_table(report, report::target_of(table));
}

std::unique_ptr<ScreeningWriter> open_screening_report(const DatabaseTable& table,
                                                       const Provenance& provenance,
                                                       const Plan& plan) {
  return report::table_screening_writer(report::target_of(table), provenance, plan);
}

}  // namespace basinkit
