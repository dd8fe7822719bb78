#pragma once
// Internal: reading one manifest layer from any OGR source into plain features: mapped
// fields as text, geometry in the working CRS. Bad set-up throws InputError naming
// file, layer, feature and field; bad geometry is kept with its issue.

#include <basinkit/manifest.hpp>
#include <basinkit/plan.hpp>

#include <optional>
#include <string>
#include <vector>

#include "io/geometry_import.hpp"

class OGRSpatialReference;

namespace basinkit::io {

struct FieldRole {
  std::string role;       ///< e.g. "code"
  bool required = false;  ///< a missing field is exit 2
};

struct ReadOptions {
  bool allow_network = false;
  bool allow_ballpark = false;
};

struct RawFeature {
  std::int64_t fid = -1;
  /// Role → value; roles whose field is absent are missing; NULL values are nullopt.
  std::map<std::string, std::optional<std::string>> values;
  Geometry geometry;
  GeometryIssue issue;
};

struct LayerContents {
  LayerSource source;
  std::vector<RawFeature> features;
};

/// Reads every feature of `spec` (after its `where`). Roles named in `spec.fields` must
/// exist; other roles are looked up by their own name, case-insensitively.
LayerContents read_layer(const LayerSpec& spec, const std::vector<FieldRole>& roles,
                         GeometryKind kind, const OGRSpatialReference& working,
                         const ReadOptions& options);

/// The file whose digest stands for a source: the source itself, or for a folder of
/// shapefiles the layer's .shp.
std::string main_source_file(const LayerSource& source);

}  // namespace basinkit::io
