#pragma once
// Internal: one `layers:` entry, shared by plan manifests and rule files.

#include <basinkit/manifest.hpp>

#include <yaml-cpp/yaml.h>

#include <string>

namespace basinkit {

/// Parses a layer entry (a source string, or {source, layer, where, srs, encoding,
/// fields}); relative sources are resolved against `base_dir`.
LayerSpec parse_layer_node(const std::string& key, const YAML::Node& node,
                           const std::string& base_dir, const std::string& file);

}  // namespace basinkit
