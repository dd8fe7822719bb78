#pragma once
// Report writers: findings (validate, rules check) to JSON, CSV, GeoJSON, GeoPackage.
//
// The format follows the output's extension (DESIGN.md section 7): `.json`, `.csv`
// (UTF-8 with BOM, for Excel), `.geojson` (WGS 84, RFC 7946), `.gpkg` (working CRS, one
// layer per finding type), `.xlsx` (a sheet per type), `.html` (one offline page: a map
// drawn from the data, tables by type, county and township). Findings are written one at a time
// from the sorted vector: no JSON document of the whole report is built in memory.

#include <basinkit/findings.hpp>
#include <basinkit/plan.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace basinkit {

/// Where a report came from: every report carries it.
struct Provenance {
  std::string tool = "basinkit";
  std::string version;       ///< BASINKIT_VERSION
  std::string command_line;  ///< as run
  std::string created_utc;   ///< ISO 8601
  std::string working_crs;
  struct Input {
    std::string role;            ///< "manifest", "units", "rules", ...
    std::string path;            ///< as given / resolved
    std::string layer;           ///< layer opened inside the source; empty for the manifest
    std::string sha256;          ///< hex; empty for databases
    std::string crs;             ///< the layer's CRS
    std::string transformation;  ///< to the working CRS
  };
  std::vector<Input> inputs;
};

/// Provenance of a loaded plan: the manifest and each layer with its SHA-256.
Provenance plan_provenance(const Plan& plan, const std::string& command_line);

/// SHA-256 of a file (lowercase hex), or "" when it is no local regular file or cannot be
/// read (databases, /vsi paths, folders).
std::string sha256_of_file(const std::string& path);

struct FindingReport {
  const std::vector<Finding>* findings = nullptr;  ///< sorted
  FindingSummary summary;
  Provenance provenance;
  std::string working_crs;  ///< for GeoPackage layers and GeoJSON reprojection
  /// The plan the findings are about (optional): the HTML report draws its units,
  /// townships and rivers under the findings. Must outlive the writing.
  const Plan* plan = nullptr;
};

/// Throws InputError when `path` has no supported report extension; lets a command
/// refuse a bad -o before doing any work.
void check_report_path(const std::string& path);

/// Writes the report to `path`, format by extension (.json .csv .geojson .gpkg, any case);
/// an existing file is replaced. Throws InputError (naming `path`) for an unknown
/// extension, an unwritable path, or a GeoJSON report of geometries with no working CRS.
void write_report(const FindingReport& report, const std::string& path);

/// Writes the JSON form to a stream (`--format json`).
void write_json(const FindingReport& report, std::ostream& out);

}  // namespace basinkit
