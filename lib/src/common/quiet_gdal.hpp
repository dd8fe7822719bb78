#pragma once
// Internal: the library never prints. While a QuietGdal is alive, GDAL's messages on
// this thread are not written to stderr; the last one stays in CPLGetLastErrorMsg() to
// be folded into an InputError.

#include <cpl_error.h>

namespace basinkit {

struct QuietGdal {
  QuietGdal() { CPLPushErrorHandler(CPLQuietErrorHandler); }
  ~QuietGdal() { CPLPopErrorHandler(); }
  QuietGdal(const QuietGdal&) = delete;
  QuietGdal& operator=(const QuietGdal&) = delete;
};

}  // namespace basinkit
