#pragma once
// Errors the library reports to its callers.
//
// The library never prints and never exits: bad input or bad set-up is thrown as an
// InputError, which the CLI maps to exit status 2 (DESIGN.md section 7). Its message
// always says where: file, layer, feature and field, as far as they are known.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

namespace basinkit {

/// Where a problem was found. Empty members are unknown or do not apply.
struct Where {
  Where() = default;
  explicit Where(std::string file_, std::string layer_ = {}, std::string feature_ = {},
                 std::string field_ = {}, int line_ = 0)
      : file(std::move(file_)),
        layer(std::move(layer_)),
        feature(std::move(feature_)),
        field(std::move(field_)),
        line(line_) {}

  std::string file;     ///< path or connection string as the user gave it
  std::string layer;    ///< manifest key or layer name
  std::string feature;  ///< feature id (OGR FID) or code
  std::string field;    ///< attribute field name in the source
  int line = 0;         ///< line in a YAML file (1-based), 0 when not known
};

/// Bad input or bad usage: a missing file, layer or field, a missing CRS, an unreadable
/// manifest. The message names `where`.
class InputError : public std::runtime_error {
 public:
  InputError(const std::string& what, Where where = {});
  const Where& where() const noexcept { return where_; }
  /// The problem alone, without the location prefix.
  const std::string& problem() const noexcept { return problem_; }

 private:
  Where where_;
  std::string problem_;
};

}  // namespace basinkit
