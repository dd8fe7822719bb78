#pragma once
// The basin plan in memory (DESIGN.md sections 2 and 4).
//
// A Plan holds basins of levels 1..N (level 1 set by the province, the deepest set by the
// city), the control units under the deepest level, and the townships that manage them.
// Codes are text everywhere ("0123" stays "0123"). Every geometry is in the working CRS.
//
// A feature whose geometry could not be read cleanly (NULL, empty, NaN, unclosed ring,
// wrong type) is kept, with `geometry_issue` saying what was wrong and `geometry` holding
// what could be salvaged (possibly null): validation reports it as `invalid_geometry`.
//
//   basinkit::Plan plan = basinkit::load_plan("data/shapefiles/plan.yaml");
//   for (const auto& unit : plan.units) std::cout << unit.code << ' ' << unit.township;

#include <basinkit/geometry.hpp>
#include <basinkit/manifest.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace basinkit {

/// What was wrong with a feature's geometry as read; empty `kind` means nothing.
struct GeometryIssue {
  std::string kind;    ///< "null", "empty", "nan", "unclosed_ring", "wrong_type", "unreadable"
  std::string detail;  ///< one sentence for the report
  explicit operator bool() const noexcept { return !kind.empty(); }
};

/// Fields common to every feature of a plan layer.
struct PlanFeature {
  std::int64_t fid = -1;  ///< feature id in its source (OGR FID)
  std::string code;       ///< text; empty when the layer has no code
  std::string name;
  Geometry geometry;  ///< working CRS
  GeometryIssue geometry_issue;
  /// Other mapped fields by role (e.g. "class" for rivers, "kind" for zones), as text.
  std::map<std::string, std::string> attributes;
};

/// A basin of any level (一级流域, 二级流域, 三级流域片区, ...).
struct Basin : PlanFeature {
  int level = 0;       ///< 1 = set by the province; deepest level holds the units
  std::string parent;  ///< parent basin code; empty for level 1 or none
  std::string layer;   ///< manifest key it came from ("basins" or "basins_l2", ...)
};

/// 基础管控单元: the smallest unit of the plan, managed by one township.
struct ControlUnit : PlanFeature {
  std::string basin;     ///< code of the deepest-level basin it lies in
  std::string township;  ///< code of the managing township
  /// Code of the unit its water flows to ("" = an outlet); nullopt when the layer maps no
  /// `downstream` field (the network then comes from rivers, see network.hpp).
  std::optional<std::string> downstream;
};

/// 乡镇 / 街道, belonging to a county.
struct Township : PlanFeature {
  std::string county;  ///< county (县/市/区) code
};

/// Where each loaded layer came from, for reports' provenance.
struct LayerSource {
  std::string key;             ///< manifest key
  std::string source;          ///< as given in the manifest
  std::string resolved;        ///< path or connection string opened
  std::string layer_name;      ///< layer opened inside the source
  std::string source_crs;      ///< the layer's CRS ("EPSG:4546", "GCJ02", WKT name ...)
  std::string transformation;  ///< how it was brought to the working CRS
  std::string sha256;          ///< of the file (main file only); empty for databases
  std::int64_t features = 0;   ///< features read (after `where`)
};

class Plan {
 public:
  Manifest manifest;
  std::string working_crs;  ///< as given in the manifest, e.g. "EPSG:4547"
  std::string working_crs_name;

  std::vector<Basin> basins;  ///< all levels, in input order
  std::vector<ControlUnit> units;
  std::vector<Township> townships;
  /// Other polygon/line/point layers by manifest key: boundary, rivers, zones,
  /// sections, allowed_gaps, ...
  std::map<std::string, std::vector<PlanFeature>> layers;

  std::vector<LayerSource> sources;  ///< one per loaded layer, in manifest order

  /// Basin levels present, ascending (e.g. {1, 2, 3}).
  std::vector<int> levels() const;
  /// Whether a manifest layer with this key was loaded ("basins" counts for any level).
  bool has_layer(const std::string& key) const;
  /// The layer of another kind, or an empty list.
  const std::vector<PlanFeature>& layer(const std::string& key) const;
};

struct LoadOptions {
  bool allow_network = false;  ///< DEFAULT false: refuse URLs and network /vsi* paths
};

/// Reads the manifest and every layer it names, reprojected to the working CRS.
/// Throws InputError (exit 2) for bad set-up: missing file, layer or field, no CRS, a
/// refused datum, undeclared non-UTF-8 text. Bad geometries do not throw (see above).
Plan load_plan(const std::string& manifest_path, const LoadOptions& options = {});
Plan load_plan(const Manifest& manifest, const LoadOptions& options = {});

}  // namespace basinkit
