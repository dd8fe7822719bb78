#include "report/gpkg_styles.hpp"

#include <basinkit/error.hpp>

#include <cpl_string.h>

#include <fmt/format.h>

#include <memory>

#include "report/report_common.hpp"

namespace basinkit::report {
namespace {

/// The style of one geometry kind: the QML symbol type, the suffix the mixed-kind
/// expression gives its features, and the QGIS geometry_type() name.
struct Kind {
  GeometryKind bit;
  const char* symbol;  // QML symbol type
  const char* suffix;  // of the category value when a layer holds several kinds
  const char* qgis;    // geometry_type($geometry)
};
constexpr Kind kKinds[] = {{kPolygons, "fill", "", "Polygon"},
                           {kLines, "line", " (line)", "Line"},
                           {kPoints, "marker", " (point)", "Point"}};

/// Kinds a style draws: those written, or polygons when nothing was written (an empty
/// layer still gets a usable style).
std::vector<Kind> drawn_kinds(const LayerStyle& style) {
  std::vector<Kind> kinds;
  for (const Kind& k : kKinds)
    if (style.kinds & k.bit) kinds.push_back(k);
  if (kinds.empty()) kinds.push_back(kKinds[0]);
  return kinds;
}

std::string xml(const std::string& text) {
  char* escaped = CPLEscapeString(text.c_str(), static_cast<int>(text.size()), CPLES_XML);
  std::string out = escaped;
  CPLFree(escaped);
  return out;
}

std::string rgba(const std::array<int, 3>& c, int alpha) {
  return fmt::format("{},{},{},{}", c[0], c[1], c[2], alpha);
}

std::string hex(const std::array<int, 3>& c) {
  return fmt::format("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]);
}

/// The expression or field the renderer categorises on: the field alone when the layer
/// holds one kind, else the field with the kind's suffix.
std::string classification(const LayerStyle& style, const std::vector<Kind>& kinds) {
  const std::string field = "\"" + style.field + "\"";
  if (kinds.size() == 1) return style.field;
  std::string cases;
  for (const Kind& k : kinds)
    if (*k.suffix)
      cases += fmt::format(" WHEN geometry_type($geometry) = '{}' THEN '{}'", k.qgis, k.suffix);
  return fmt::format("{} || CASE{} ELSE '' END", field, cases);
}

void prop(std::string& out, const char* key, const std::string& value) {
  out += fmt::format("          <prop k=\"{}\" v=\"{}\"/>\n", key, xml(value));
}

/// One QML symbol of `kind` in `rgb`, named `name`.
std::string qml_symbol(const Kind& kind, const std::array<int, 3>& rgb, int fill_alpha,
                       const std::string& name) {
  std::string out = fmt::format(
      "      <symbol type=\"{}\" name=\"{}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n",
      kind.symbol, xml(name));
  if (kind.bit == kPolygons) {
    out += "        <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n";
    prop(out, "color", rgba(rgb, fill_alpha));
    prop(out, "style", "solid");
    prop(out, "outline_color", rgba(rgb, 255));
    prop(out, "outline_style", "solid");
    prop(out, "outline_width", "0.5");
    prop(out, "outline_width_unit", "MM");
    prop(out, "joinstyle", "bevel");
  } else if (kind.bit == kLines) {
    out += "        <layer class=\"SimpleLine\" enabled=\"1\" locked=\"0\" pass=\"0\">\n";
    prop(out, "line_color", rgba(rgb, 255));
    prop(out, "line_style", "solid");
    prop(out, "line_width", "0.8");
    prop(out, "line_width_unit", "MM");
    prop(out, "capstyle", "round");
    prop(out, "joinstyle", "round");
  } else {
    out += "        <layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\">\n";
    prop(out, "name", "circle");
    prop(out, "color", rgba(rgb, 255));
    prop(out, "outline_color", "35,35,35,255");
    prop(out, "outline_style", "solid");
    prop(out, "outline_width", "0.2");
    prop(out, "outline_width_unit", "MM");
    prop(out, "size", "3");
    prop(out, "size_unit", "MM");
  }
  out += "        </layer>\n      </symbol>\n";
  return out;
}

std::string qml_labeling(const std::string& field) {
  return fmt::format(
      "  <labeling type=\"simple\">\n"
      "    <settings calloutType=\"simple\">\n"
      "      <text-style fieldName=\"{}\" isExpression=\"0\" fontSize=\"8\" "
      "fontSizeUnit=\"Point\" textColor=\"35,35,35,255\" textOpacity=\"1\">\n"
      "        <text-buffer bufferDraw=\"1\" bufferSize=\"0.7\" bufferSizeUnits=\"MM\" "
      "bufferColor=\"255,255,255,255\" bufferOpacity=\"1\" bufferNoFill=\"1\" "
      "bufferJoinStyle=\"128\"/>\n"
      "      </text-style>\n"
      "      <placement placement=\"0\" dist=\"1\" distUnits=\"MM\" priority=\"5\"/>\n"
      "      <rendering drawLabels=\"1\" obstacle=\"1\" obstacleFactor=\"1\" "
      "scaleVisibility=\"0\" displayAll=\"0\" upsidedownLabels=\"0\" labelPerPart=\"0\" "
      "limitNumLabels=\"0\" maxNumLabels=\"2000\" fontLimitPixelSize=\"0\" "
      "fontMinPixelSize=\"3\" fontMaxPixelSize=\"10000\" minFeatureSize=\"0\" zIndex=\"0\"/>\n"
      "    </settings>\n"
      "  </labeling>\n",
      xml(field));
}

}  // namespace

unsigned geometry_kinds(const OGRGeometry* g) {
  if (!g || g->IsEmpty()) return 0;
  const OGRwkbGeometryType type = wkbFlatten(g->getGeometryType());
  if (type == wkbGeometryCollection) {
    unsigned kinds = 0;
    for (const OGRGeometry* member : *g->toGeometryCollection()) kinds |= geometry_kinds(member);
    return kinds;
  }
  if (OGR_GT_IsSubClassOf(type, wkbSurface) || OGR_GT_IsSubClassOf(type, wkbMultiSurface))
    return kPolygons;
  if (OGR_GT_IsSubClassOf(type, wkbCurve) || OGR_GT_IsSubClassOf(type, wkbMultiCurve))
    return kLines;
  if (type == wkbPoint || type == wkbMultiPoint) return kPoints;
  return 0;
}

LayerStyle finding_style(const std::string& layer, unsigned kinds) {
  LayerStyle style;
  style.layer = layer;
  style.field = "severity";
  style.categories = {
      {"error", {227, 26, 28}}, {"warning", {255, 127, 0}}, {"info", {31, 120, 180}}};
  style.label_field = "codes";
  style.kinds = kinds;
  return style;
}

LayerStyle site_style(const std::string& layer, unsigned kinds) {
  LayerStyle style;
  style.layer = layer;
  style.field = "verdict";
  style.categories = {{"prohibited", {215, 25, 28}},
                      {"restricted", {255, 127, 0}},
                      {"encouraged", {26, 150, 65}},
                      {"permitted", {96, 125, 139}},
                      {"unlisted", {160, 160, 160}}};
  style.fill_alpha = 120;
  style.kinds = kinds;
  return style;
}

LayerStyle effect_style(const std::string& layer, unsigned kinds) {
  LayerStyle style = site_style(layer, kinds);  // the verdicts' colours, effect by effect
  style.field = "effect";
  const char* effects[] = {"prohibit", "restrict", "encourage", "permit"};
  style.categories.resize(4);
  for (size_t i = 0; i < 4; ++i) style.categories[i].value = effects[i];
  style.label_field = "rule";
  return style;
}

LayerStyle change_style(const std::string& layer, unsigned kinds) {
  LayerStyle style;
  style.layer = layer;
  style.field = "change";
  style.categories = {
      {"added", {26, 150, 65}},      {"removed", {215, 25, 28}},    {"recoded", {31, 120, 180}},
      {"split", {152, 78, 163}},     {"merged", {0, 150, 136}},     {"reshaped", {255, 127, 0}},
      {"reassigned", {166, 86, 40}}, {"reparented", {128, 128, 0}}, {"attribute", {120, 120, 120}}};
  style.label_field = "new_codes";
  style.kinds = kinds;
  return style;
}

std::string style_qml(const LayerStyle& style) {
  const std::vector<Kind> kinds = drawn_kinds(style);
  std::string categories, symbols;
  int n = 0;
  for (const Kind& kind : kinds)
    for (const StyleCategory& c : style.categories) {
      const std::string value = kinds.size() == 1 ? c.value : c.value + kind.suffix;
      categories += fmt::format(
          "      <category value=\"{0}\" label=\"{0}\" symbol=\"{1}\" render=\"true\" "
          "type=\"string\"/>\n",
          xml(value), n);
      symbols += qml_symbol(kind, c.rgb, style.fill_alpha, std::to_string(n));
      ++n;
    }
  const bool labels = !style.label_field.empty();
  return fmt::format(
      "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
      "<qgis version=\"3.22.0\" styleCategories=\"Symbology|Labeling\" "
      "labelsEnabled=\"{}\">\n"
      "  <renderer-v2 type=\"categorizedSymbol\" attr=\"{}\" symbollevels=\"0\" "
      "forceraster=\"0\" enableorderby=\"0\" referencescale=\"-1\">\n"
      "    <categories>\n{}    </categories>\n"
      "    <symbols>\n{}    </symbols>\n"
      "    <source-symbol>\n{}    </source-symbol>\n"
      "  </renderer-v2>\n"
      "{}"
      "</qgis>\n",
      labels ? 1 : 0, xml(classification(style, kinds)), categories, symbols,
      qml_symbol(kinds.front(), {128, 128, 128}, style.fill_alpha, "0"),
      labels ? qml_labeling(style.label_field) : "");
}

std::string style_sld(const LayerStyle& style) {
  const std::vector<Kind> kinds = drawn_kinds(style);
  std::string rules;
  for (const StyleCategory& c : style.categories) {
    const std::string colour = hex(c.rgb);
    std::string symbolizers;
    for (const Kind& kind : kinds) {
      if (kind.bit == kPolygons)
        symbolizers += fmt::format(
            "          <se:PolygonSymbolizer>\n"
            "            <se:Fill><se:SvgParameter name=\"fill\">{0}</se:SvgParameter>"
            "<se:SvgParameter name=\"fill-opacity\">{1:.2f}</se:SvgParameter></se:Fill>\n"
            "            <se:Stroke><se:SvgParameter name=\"stroke\">{0}</se:SvgParameter>"
            "<se:SvgParameter name=\"stroke-width\">2</se:SvgParameter></se:Stroke>\n"
            "          </se:PolygonSymbolizer>\n",
            colour, style.fill_alpha / 255.0);
      else if (kind.bit == kLines)
        symbolizers += fmt::format(
            "          <se:LineSymbolizer>\n"
            "            <se:Stroke><se:SvgParameter name=\"stroke\">{}</se:SvgParameter>"
            "<se:SvgParameter name=\"stroke-width\">3</se:SvgParameter></se:Stroke>\n"
            "          </se:LineSymbolizer>\n",
            colour);
      else
        symbolizers += fmt::format(
            "          <se:PointSymbolizer>\n"
            "            <se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName>"
            "<se:Fill><se:SvgParameter name=\"fill\">{}</se:SvgParameter></se:Fill>"
            "<se:Stroke><se:SvgParameter name=\"stroke\">#232323</se:SvgParameter></se:Stroke>"
            "</se:Mark><se:Size>11</se:Size></se:Graphic>\n"
            "          </se:PointSymbolizer>\n",
            colour);
    }
    rules += fmt::format(
        "        <se:Rule>\n"
        "          <se:Name>{0}</se:Name>\n"
        "          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>{1}</ogc:PropertyName>"
        "<ogc:Literal>{0}</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>\n"
        "{2}"
        "        </se:Rule>\n",
        xml(c.value), xml(style.field), symbolizers);
  }
  if (!style.label_field.empty())
    rules += fmt::format(
        "        <se:Rule>\n"
        "          <se:TextSymbolizer>\n"
        "            <se:Label><ogc:PropertyName>{}</ogc:PropertyName></se:Label>\n"
        "            <se:Font><se:SvgParameter name=\"font-size\">11</se:SvgParameter></se:Font>\n"
        "            <se:Halo><se:Radius>2</se:Radius><se:Fill><se:SvgParameter "
        "name=\"fill\">#ffffff</se:SvgParameter></se:Fill></se:Halo>\n"
        "            <se:Fill><se:SvgParameter name=\"fill\">#232323</se:SvgParameter></se:Fill>\n"
        "          </se:TextSymbolizer>\n"
        "        </se:Rule>\n",
        xml(style.label_field));
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<StyledLayerDescriptor xmlns=\"http://www.opengis.net/sld\" "
      "xmlns:ogc=\"http://www.opengis.net/ogc\" xmlns:se=\"http://www.opengis.net/se\" "
      "xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" version=\"1.1.0\" "
      "xsi:schemaLocation=\"http://www.opengis.net/sld "
      "http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd\">\n"
      "  <NamedLayer>\n"
      "    <se:Name>{0}</se:Name>\n"
      "    <UserStyle>\n"
      "      <se:Name>{0}</se:Name>\n"
      "      <se:FeatureTypeStyle>\n{1}      </se:FeatureTypeStyle>\n"
      "    </UserStyle>\n"
      "  </NamedLayer>\n"
      "</StyledLayerDescriptor>\n",
      xml(style.layer), rules);
}

namespace {

/// The `layer_styles` table, created as QGIS creates it when absent.
OGRLayer* layer_styles_table(GDALDataset& ds, const std::string& path) {
  const Where where(path, "layer_styles");
  if (OGRLayer* existing = ds.GetLayerByName("layer_styles")) return existing;
  CPLErrorReset();
  CPLStringList options;
  options.SetNameValue("FID", "id");
  OGRLayer* table = ds.CreateLayer("layer_styles", nullptr, wkbNone, options.List());
  if (!table) throw InputError(fmt::format("cannot create the table{}", gdal_detail()), where);
  struct Field {
    const char* name;
    OGRFieldType type;
    int width;
  };
  const Field fields[] = {{"f_table_catalog", OFTString, 256},
                          {"f_table_schema", OFTString, 256},
                          {"f_table_name", OFTString, 256},
                          {"f_geometry_column", OFTString, 256},
                          {"styleName", OFTString, 30},
                          {"styleQML", OFTString, 0},
                          {"styleSLD", OFTString, 0},
                          {"useAsDefault", OFTInteger, 0},
                          {"description", OFTString, 0},
                          {"owner", OFTString, 30},
                          {"ui", OFTString, 30},
                          {"update_time", OFTDateTime, 0}};
  for (const Field& f : fields) {
    OGRFieldDefn field(f.name, f.type);
    field.SetWidth(f.width);
    if (f.type == OFTInteger) field.SetSubType(OFSTBoolean);
    if (f.type == OFTDateTime) field.SetDefault("CURRENT_TIMESTAMP");
    if (table->CreateField(&field) != OGRERR_NONE)
      throw InputError(fmt::format("cannot create field '{}'{}", f.name, gdal_detail()), where);
  }
  return table;
}

}  // namespace

void write_layer_styles(GDALDataset& ds, const std::vector<LayerStyle>& styles,
                        const std::string& path) {
  if (styles.empty()) return;
  OGRLayer* table = layer_styles_table(ds, path);
  for (const LayerStyle& style : styles) {
    OGRLayer* layer = ds.GetLayerByName(style.layer.c_str());
    if (!layer) throw InputError("no such layer to style", Where(path, style.layer));
    OGRFeature row(table->GetLayerDefn());
    row.SetField("f_table_catalog", "");
    row.SetField("f_table_schema", "");
    row.SetField("f_table_name", style.layer.c_str());
    row.SetField("f_geometry_column", layer->GetGeometryColumn());
    row.SetField("styleName", style.layer.c_str());
    row.SetField("styleQML", style_qml(style).c_str());
    row.SetField("styleSLD", style_sld(style).c_str());
    row.SetField("useAsDefault", 1);
    row.SetField("description",
                 fmt::format("basinkit: {} by {}", style.layer, style.field).c_str());
    row.SetField("owner", "");
    CPLErrorReset();
    if (table->CreateFeature(&row) != OGRERR_NONE)
      throw InputError(
          fmt::format("cannot write the style of layer '{}'{}", style.layer, gdal_detail()),
          Where(path, "layer_styles"));
  }
}

}  // namespace basinkit::report
