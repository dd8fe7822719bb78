#pragma once
// Internal: the default QGIS style of each layer basinkit writes to a GeoPackage, stored
// in the table QGIS itself reads and writes styles in, `layer_styles` (the schema of
// QGIS's OGR provider, shared with its PostGIS and SpatiaLite providers). QGIS applies a
// layer's default style (useAsDefault) when the layer is added, so a report opens
// coloured: findings by severity, screened sites by verdict.
//
// The style is a categorised renderer (QML `renderer-v2 type="categorizedSymbol"`) on one
// field. Its symbols follow the geometries the layer holds: fills (semi-transparent, with
// an outline) for polygons, lines for lines, markers for points. A layer holding several
// kinds (a finding layer with both polygons and location points) is categorised on the
// field and the geometry type together, so that every feature has a symbol of its kind.
// The same style is written as SLD 1.1 for other programs.

#include <gdal_priv.h>
#include <ogr_geometry.h>

#include <array>
#include <string>
#include <vector>

namespace basinkit::report {

/// Geometry kinds a layer holds, as bits.
enum GeometryKind : unsigned { kPoints = 1u, kLines = 2u, kPolygons = 4u };
/// The kinds of `g`: one bit, or several for a collection of mixed members; 0 for null or
/// empty.
unsigned geometry_kinds(const OGRGeometry* g);

struct StyleCategory {
  std::string value;       ///< the field's value
  std::array<int, 3> rgb;  ///< its colour
};

struct LayerStyle {
  std::string layer;  ///< f_table_name
  std::string field;  ///< categorised on this field
  std::vector<StyleCategory> categories;
  std::string label_field;  ///< labels drawn from this field; "" = none
  int fill_alpha = 90;      ///< polygon fill opacity, 0..255
  unsigned kinds = 0;       ///< GeometryKind bits of the features written
};

/// Findings: categorised by `severity` (error red, warning orange, info blue), labelled
/// with their `codes`.
LayerStyle finding_style(const std::string& layer, unsigned kinds);
/// Screened sites: categorised by `verdict` (prohibited red, restricted orange,
/// encouraged green, permitted blue-grey, unlisted grey).
LayerStyle site_style(const std::string& layer, unsigned kinds);

/// Rules' pieces of units (rules list): categorised by `effect` (prohibit red, restrict
/// orange, encourage green, permit blue-grey), labelled with the `rule` id.
LayerStyle effect_style(const std::string& layer, unsigned kinds);

/// Plan revisions (diff): categorised by `change` (added green, removed red, recoded blue,
/// split purple, merged teal, reshaped orange, reassigned / reparented / attribute
/// brown / olive / grey), labelled with `new_codes`.
LayerStyle change_style(const std::string& layer, unsigned kinds);

/// The style as a QGIS QML document / as an SLD 1.1 document.
std::string style_qml(const LayerStyle& style);
std::string style_sld(const LayerStyle& style);

/// Adds each style to `ds`'s `layer_styles` table (created when absent, registered in
/// gpkg_contents as attributes) as its layer's default style. Throws InputError naming
/// `path` when GDAL fails.
void write_layer_styles(GDALDataset& ds, const std::vector<LayerStyle>& styles,
                        const std::string& path);

}  // namespace basinkit::report
