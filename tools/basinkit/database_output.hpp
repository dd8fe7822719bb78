#pragma once
// `-o PG:… --out-layer NAME [--overwrite]`: reports written to a PostGIS table
// (DESIGN.md section 7, docs/cli.md). Shared by validate, screen and rules check.

#include <basinkit/database_report.hpp>

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace basinkit::cli {

struct DatabaseOutputOptions {
  std::string out_layer;
  bool overwrite = false;
};

inline void add_database_output_options(CLI::App& cmd, DatabaseOutputOptions& o) {
  cmd.add_option("--out-layer", o.out_layer,
                 "with -o PG:…: the table to write (name or schema.name, lower-case)");
  cmd.add_flag("--overwrite", o.overwrite, "with --out-layer: replace the table if it exists");
}

/// The table of `-o output`, checked (and the database reached) before any work; nothing
/// for a file or no output. Bad combinations are usage errors (exit 2).
inline std::optional<DatabaseTable> database_output(const std::string& output,
                                                    const DatabaseOutputOptions& o) {
  const bool database = is_database_output(output);
  if (database && o.out_layer.empty())
    throw CLI::ValidationError("-o", "a PG: output needs --out-layer NAME (the table to write)");
  if (!database && !o.out_layer.empty())
    throw CLI::ValidationError(
        "--out-layer", "names a table of a PG: output (-o PG:…); a file has its own layers");
  if (!database && o.overwrite)
    throw CLI::ValidationError(
        "--overwrite",
        "replaces a database table (-o PG:… --out-layer NAME); files are always "
        "replaced");
  if (!database) return std::nullopt;
  DatabaseTable table{output, o.out_layer, o.overwrite};
  check_database_table(table);
  return table;
}

}  // namespace basinkit::cli
