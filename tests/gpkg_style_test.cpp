// Default QGIS styles in GeoPackage reports: the `layer_styles` table QGIS reads, one
// default style per layer written, QML naming the right field and categories.
#include <basinkit/report.hpp>
#include <basinkit/screening_report.hpp>
#include <basinkit/validate.hpp>

#include <cpl_minixml.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "fixtures.hpp"
#include "report/gpkg_styles.hpp"

using namespace basinkit;
using namespace basinkit::test;

namespace {

constexpr double kX = 364090, kY = 3450958;  // Jingmen, EPSG:4547

struct XmlDeleter {
  void operator()(CPLXMLNode* n) const noexcept { CPLDestroyXMLNode(n); }
};
using XmlPtr = std::unique_ptr<CPLXMLNode, XmlDeleter>;

/// The first element named `name` among `node` and its siblings.
const CPLXMLNode* element(const CPLXMLNode* node, const char* name) {
  for (; node; node = node->psNext)
    if (node->eType == CXT_Element && std::string(node->pszValue) == name) return node;
  return nullptr;
}

/// What a QML style says: the renderer, the field (or expression) it categorises on, the
/// category values with the type of their symbol, and the label field.
struct Qml {
  std::string renderer, attr, label_field;
  std::map<std::string, std::string> symbol_of;  // category value → symbol type
  bool labels_enabled = false;
};

Qml parse_qml(const std::string& text) {
  const XmlPtr doc(CPLParseXMLString(text.c_str()));
  REQUIRE(doc);
  const CPLXMLNode* qgis = element(doc.get(), "qgis");
  REQUIRE(qgis);
  Qml q;
  q.labels_enabled = std::string(CPLGetXMLValue(qgis, "labelsEnabled", "0")) == "1";
  const CPLXMLNode* renderer = CPLGetXMLNode(qgis, "renderer-v2");
  REQUIRE(renderer);
  q.renderer = CPLGetXMLValue(renderer, "type", "");
  q.attr = CPLGetXMLValue(renderer, "attr", "");
  std::map<std::string, std::string> symbol_types;  // symbol name → type
  const CPLXMLNode* symbols = CPLGetXMLNode(renderer, "symbols");
  REQUIRE(symbols);
  for (const CPLXMLNode* s = element(symbols->psChild, "symbol"); s;
       s = element(s->psNext, "symbol"))
    symbol_types[CPLGetXMLValue(s, "name", "")] = CPLGetXMLValue(s, "type", "");
  const CPLXMLNode* categories = CPLGetXMLNode(renderer, "categories");
  REQUIRE(categories);
  for (const CPLXMLNode* c = element(categories->psChild, "category"); c;
       c = element(c->psNext, "category")) {
    const std::string symbol = CPLGetXMLValue(c, "symbol", "");
    REQUIRE(symbol_types.count(symbol) == 1);  // every category has its symbol
    q.symbol_of[CPLGetXMLValue(c, "value", "")] = symbol_types[symbol];
  }
  q.label_field = CPLGetXMLValue(qgis, "labeling.settings.text-style.fieldName", "");
  return q;
}

struct StyleRow {
  std::string table, geometry_column, name, qml, sld, schema;
  int use_as_default = 0;
  bool has_update_time = false;
};

/// The rows of `layer_styles`, and the other layers with their feature counts.
struct Styled {
  std::vector<StyleRow> styles;
  std::map<std::string, GIntBig> layers;
  std::map<std::string, std::string> geometry_columns;
  std::string contents_type;  // gpkg_contents.data_type of layer_styles
};

Styled read_styled(const std::string& path) {
  const DatasetPtr ds = open_vector(path);
  REQUIRE(ds);
  Styled out;
  for (OGRLayer* layer : ds->GetLayers()) {
    if (std::string(layer->GetName()) == "layer_styles") continue;
    out.layers[layer->GetName()] = layer->GetFeatureCount();
    out.geometry_columns[layer->GetName()] = layer->GetGeometryColumn();
  }
  OGRLayer* table = ds->GetLayerByName("layer_styles");
  REQUIRE(table);
  CHECK(table->GetGeomType() == wkbNone);
  for (const auto& feature : *table) {
    StyleRow r;
    r.table = feature->GetFieldAsString("f_table_name");
    r.schema = feature->GetFieldAsString("f_table_schema");
    r.geometry_column = feature->GetFieldAsString("f_geometry_column");
    r.name = feature->GetFieldAsString("styleName");
    r.qml = feature->GetFieldAsString("styleQML");
    r.sld = feature->GetFieldAsString("styleSLD");
    r.use_as_default = feature->GetFieldAsInteger("useAsDefault");
    r.has_update_time = !feature->IsFieldNull(feature->GetFieldIndex("update_time"));
    out.styles.push_back(r);
  }
  OGRLayer* contents = ds->ExecuteSQL(
      "SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'", nullptr, nullptr);
  REQUIRE(contents);
  if (OGRFeatureUniquePtr row{contents->GetNextFeature()})
    out.contents_type = row->GetFieldAsString(0);
  ds->ReleaseResultSet(contents);
  return out;
}

/// One default style per layer, named after it, on its geometry column; valid XML.
void check_one_default_style_per_layer(const Styled& s) {
  CHECK(s.contents_type == "attributes");
  std::set<std::string> styled;
  for (const StyleRow& r : s.styles) {
    INFO("style of " << r.table);
    CHECK(styled.insert(r.table).second);
    REQUIRE(s.layers.count(r.table) == 1);
    CHECK(r.geometry_column == s.geometry_columns.at(r.table));
    CHECK(r.schema.empty());
    CHECK(r.name == r.table);
    CHECK(r.use_as_default == 1);
    CHECK(r.has_update_time);
    const XmlPtr sld(CPLParseXMLString(r.sld.c_str()));
    CHECK(sld);
  }
  CHECK(styled.size() == s.layers.size());
}

Finding finding(FindingType type, std::vector<std::string> codes) {
  Finding f;
  f.type = type;
  f.severity = severity_of(type);
  f.layer = "units";
  f.codes = std::move(codes);
  f.message = "m";
  return f;
}

}  // namespace

TEST_CASE("Each finding layer of a GeoPackage report has a default QGIS style by severity",
          "[report][gpkg-style]") {
  std::vector<Finding> findings;
  Finding polygon = finding(FindingType::overlap, {"0123", "0456"});  // an error
  polygon.geometry = Geometry::from_wkt(box(kX, kY, kX + 4, kY + 3));
  findings.push_back(std::move(polygon));
  Finding located = finding(FindingType::overlap, {"0123", "0999"});  // a location point
  located.location = std::array<double, 2>{kX + 10, kY + 10};
  findings.push_back(std::move(located));
  Finding exclave = finding(FindingType::exclave, {"T01"});  // a warning, a point
  exclave.geometry = Geometry::from_wkt("POINT (364090 3450958)");
  findings.push_back(std::move(exclave));
  findings.push_back(finding(FindingType::duplicate_code, {"0789"}));  // no geometry
  std::sort(findings.begin(), findings.end(), report_order);

  TempDir dir;
  FindingReport report;
  report.findings = &findings;
  report.summary = summarize(findings);
  report.working_crs = "EPSG:4547";
  write_report(report, dir / "report.gpkg");

  const Styled s = read_styled(dir / "report.gpkg");
  CHECK(s.layers ==
        std::map<std::string, GIntBig>{{"duplicate_code", 1}, {"exclave", 1}, {"overlap", 2}});
  check_one_default_style_per_layer(s);
  std::map<std::string, Qml> qml;
  for (const StyleRow& r : s.styles) qml[r.table] = parse_qml(r.qml);
  for (const auto& [layer, q] : qml) {
    INFO("layer " << layer);
    CHECK(q.renderer == "categorizedSymbol");
    CHECK(q.labels_enabled);
    CHECK(q.label_field == "codes");
  }
  // Points only: markers, on the field itself.
  CHECK(qml["exclave"].attr == "severity");
  CHECK(qml["exclave"].symbol_of == std::map<std::string, std::string>{{"error", "marker"},
                                                                       {"warning", "marker"},
                                                                       {"info", "marker"}});
  // Nothing drawn: fills.
  CHECK(qml["duplicate_code"].attr == "severity");
  CHECK(qml["duplicate_code"].symbol_of.at("error") == "fill");
  // Polygons and location points: both kinds, on the field and the geometry type.
  const Qml& mixed = qml["overlap"];
  CHECK(mixed.attr.find("\"severity\"") != std::string::npos);
  CHECK(mixed.attr.find("geometry_type($geometry) = 'Point'") != std::string::npos);
  CHECK(mixed.symbol_of == std::map<std::string, std::string>{{"error", "fill"},
                                                              {"warning", "fill"},
                                                              {"info", "fill"},
                                                              {"error (point)", "marker"},
                                                              {"warning (point)", "marker"},
                                                              {"info (point)", "marker"}});
}

TEST_CASE("The validation report of the demo plan styles every layer it writes",
          "[report][gpkg-style]") {
  const Plan plan = load_plan(std::string(BASINKIT_SOURCE_DIR) + "/data/shapefiles/plan.yaml");
  const ValidationResult r = validate(plan, {});
  FindingReport report;
  report.findings = &r.findings;
  report.summary = summarize(r.findings);
  report.working_crs = plan.working_crs;
  TempDir dir;
  write_report(report, dir / "validation.gpkg");
  const Styled s = read_styled(dir / "validation.gpkg");
  REQUIRE_FALSE(s.layers.empty());
  GIntBig features = 0;
  for (const auto& [layer, n] : s.layers) features += n;
  CHECK(features == static_cast<GIntBig>(r.findings.size()));  // styles add no feature
  check_one_default_style_per_layer(s);
  for (const StyleRow& row : s.styles) CHECK(parse_qml(row.qml).renderer == "categorizedSymbol");
}

TEST_CASE("The sites layer of a screening GeoPackage has a default QGIS style by verdict",
          "[screening-report][gpkg-style]") {
  Plan plan;
  plan.working_crs = "EPSG:4547";
  Provenance provenance;
  provenance.working_crs = plan.working_crs;
  TempDir dir;
  auto out = open_screening_report(dir / "sites.gpkg", provenance, plan);
  ScreeningSummary summary;
  for (int i = 0; i < 3; ++i) {
    Site site;
    site.id = std::to_string(i);
    site.geometry = Geometry::from_wkt(fmt::format("POINT ({} {})", kX + i, kY));
    SiteResult result;
    result.verdict = i == 0 ? Verdict::prohibited : Verdict::permitted;
    out->write(site, result);
    summary.add(result.verdict);
  }
  out->finish(summary);
  out.reset();

  const Styled s = read_styled(dir / "sites.gpkg");
  CHECK(s.layers == std::map<std::string, GIntBig>{{"sites", 3}});
  check_one_default_style_per_layer(s);
  REQUIRE(s.styles.size() == 1);
  const Qml q = parse_qml(s.styles[0].qml);
  CHECK(q.renderer == "categorizedSymbol");
  CHECK(q.attr == "verdict");
  CHECK(q.symbol_of == std::map<std::string, std::string>{{"prohibited", "marker"},
                                                          {"restricted", "marker"},
                                                          {"encouraged", "marker"},
                                                          {"permitted", "marker"},
                                                          {"unlisted", "marker"}});
  CHECK_FALSE(q.labels_enabled);
}

TEST_CASE("Geometry kinds of a layer come from its features", "[gpkg-style]") {
  using report::geometry_kinds;
  auto kinds = [](const char* wkt) {
    OGRGeometry* g = nullptr;
    REQUIRE(OGRGeometryFactory::createFromWkt(wkt, nullptr, &g) == OGRERR_NONE);
    const unsigned k = geometry_kinds(g);
    OGRGeometryFactory::destroyGeometry(g);
    return k;
  };
  CHECK(kinds("POINT (1 2)") == report::kPoints);
  CHECK(kinds("MULTIPOINT ((1 2))") == report::kPoints);
  CHECK(kinds("LINESTRING (0 0,1 1)") == report::kLines);
  CHECK(kinds("MULTILINESTRING ((0 0,1 1))") == report::kLines);
  CHECK(kinds("POLYGON ((0 0,1 0,1 1,0 0))") == report::kPolygons);
  CHECK(kinds("MULTIPOLYGON (((0 0,1 0,1 1,0 0)))") == report::kPolygons);
  CHECK(kinds("GEOMETRYCOLLECTION (POINT (1 2),POLYGON ((0 0,1 0,1 1,0 0)))") ==
        (report::kPoints | report::kPolygons));
  CHECK(kinds("POLYGON EMPTY") == 0);
  CHECK(geometry_kinds(nullptr) == 0);
}
