#include "io/source_guard.hpp"

#include <basinkit/error.hpp>

#include <algorithm>
#include <cctype>

namespace basinkit::io {

bool is_network_source(const std::string& source) {
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
