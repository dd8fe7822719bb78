#pragma once
// Internal: GDAL opens URLs and network /vsi* paths when handed them; basinkit reads
// only local files and databases unless the user allows the network (DESIGN.md sec. 9).

#include <string>

namespace basinkit::io {

/// True when opening `source` would reach the network (URL or network /vsi* handler,
/// also nested, e.g. /vsizip//vsicurl/...). PG: connection strings are not network here.
bool is_network_source(const std::string& source);

/// Throws InputError naming `file` when `source` is a network source and
/// `allow_network` is false.
void check_source_allowed(const std::string& source, bool allow_network);

}  // namespace basinkit::io
