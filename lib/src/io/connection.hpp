#pragma once
// Internal: database connection strings (`PG:dbname=… host=… password=…`) as sources and
// outputs. Reports and messages are shared: a password never appears in them.

#include <string>

namespace basinkit::io {

/// True for a PostgreSQL connection string: `PG:` (any case) at the start.
bool is_database_source(const std::string& source);

/// `text` with every password hidden ("***"): libpq's `password=…` (also quoted, with
/// blanks around '=', any case, in a URI query) and a URI's `user:password@`. Text
/// without one is returned unchanged.
std::string redact_secrets(std::string text);

}  // namespace basinkit::io
