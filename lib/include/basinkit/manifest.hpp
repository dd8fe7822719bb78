#pragma once
// The plan manifest (DESIGN.md section 4): a YAML file naming the plan's layers.
//
//   name: 示例市流域综合治理和统筹发展规划
//   crs: EPSG:4547
//   tolerance_m: 0.5
//   layers:
//     units: { source: units.shp, fields: { code: UNIT_CODE, basin: L3_CODE } }
//
// Every layer is optional. Relative sources are resolved against the manifest's folder.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace basinkit {

/// One layer of a manifest (or of a rule file's own `layers:`).
struct LayerSpec {
  std::string key;       ///< manifest key: "units", "basins", "basins_l2", "zones", ...
  std::string source;    ///< as written in the manifest
  std::string resolved;  ///< source resolved against the manifest folder (paths only)
  std::string layer;     ///< layer inside the source; empty = the only/first layer
  std::string where;     ///< OGR SQL attribute filter; empty = all features
  std::string srs;       ///< overrides the source's CRS; "GCJ02" allowed; empty = as declared
  std::string encoding;  ///< e.g. "GBK"; empty = as declared by the source (.cpg)
  /// Role → field name in the source, e.g. "code" → "UNIT_CODE". Roles not given
  /// default to a field named like the role, matched case-insensitively.
  std::map<std::string, std::string> fields;
  /// units: `downstream` values that are not units but declared outlets of the plan
  /// (WBD "OCEAN", HydroBASINS "0"); an empty value is always an outlet. See docs/network.md.
  std::vector<std::string> outlets;
  /// rivers: how the lines are digitised, "downstream" or "upstream" (then reversed);
  /// empty = not a flow network (unless from/to or toid are mapped). See docs/network.md.
  std::string direction;
  int line = 0;  ///< line of the layer's key in the manifest
};

struct Manifest {
  std::string path;               ///< the manifest file as given
  std::string name;               ///< plan name
  std::string crs;                ///< working CRS: projected, metres
  double tolerance_m = 0.5;       ///< DEFAULT 0.5: below this width, pieces are slivers
  double min_area_m2 = 1.0;       ///< DEFAULT 1: pieces smaller than this get no finding
  bool allow_ballpark = false;    ///< DEFAULT false: refuse Xian 1980 / Beijing 1954 datums
  bool code_prefix = false;       ///< DEFAULT false: check child codes start with the parent's
  double section_snap_m = 50;     ///< DEFAULT 50: sections snap to a river this close (m)
  std::vector<LayerSpec> layers;  ///< in manifest order

  /// The layer with this key, or nullptr.
  const LayerSpec* find(const std::string& key) const;
};

/// Reads and checks a manifest. Throws InputError (file, line, key) on unreadable YAML,
/// unknown keys, wrong types, both `basins` and `basins_lN`, or a missing `crs`.
Manifest read_manifest(const std::string& path);
/// Parses a manifest's text; `path` names it in errors and resolves relative sources
/// (read_manifest reads the file and calls this). Never crashes on any input (fuzzed).
Manifest parse_manifest(const std::string& text, const std::string& path);

}  // namespace basinkit
