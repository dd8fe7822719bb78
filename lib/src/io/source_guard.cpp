#include "io/source_guard.hpp"

#include <basinkit/error.hpp>

#include <algorithm>
#include <cctype>

#include "io/connection.hpp"

namespace basinkit::io {

bool is_network_source(const std::string& source) {
  // A database is allowed whatever its host (DESIGN.md sec. 9), also as a URI
  // (PG:postgresql://host/db), which the markers below would take for a URL.
  if (is_database_source(source)) return false;
  std::string s = source;
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* marker : {"://", "/vsicurl", "/vsis3", "/vsigs", "/vsiaz", "/vsiadls", "/vsioss",
                             "/vsiswift", "/vsiwebhdfs", "/vsihdfs"})
    if (s.find(marker) != std::string::npos) return true;
  return false;
}

void check_source_allowed(const std::string& source, bool allow_network) {
  if (!allow_network && is_network_source(source))
    throw InputError(
        "refusing a network source (URL or network /vsi* path); pass --allow-network to read it",
        Where{source});
}

}  // namespace basinkit::io
