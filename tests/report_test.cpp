#include <basinkit/error.hpp>
#include <basinkit/report.hpp>
#include <basinkit/validate.hpp>
#include <basinkit/version.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>
#include <sstream>

#include "fixtures.hpp"

using namespace basinkit;
using namespace basinkit::test;
using nlohmann::json;

namespace {

// A point of Jingmen in EPSG:4547 (CM 114°E, northing-first officially): in WGS 84 it is
// about 112.5744°E 31.1723°N; swapped axes would land far from there.
constexpr double kX = 364090;
constexpr double kY = 3450958;

Finding make(FindingType type, std::vector<std::string> codes, std::vector<std::string> names,
             std::string message) {
  Finding f;
  f.type = type;
  f.severity = severity_of(type);
  f.layer = type == FindingType::exclave ? "townships" : "units";
  f.codes = std::move(codes);
  f.names = std::move(names);
  f.message = std::move(message);
  return f;
}

/// Four findings of three types: an overlap (polygon, Chinese names, codes with leading
/// zeros, a message with a comma and quotes), an exclave surrounded by nobody (point
/// geometry at kX, kY), a waived duplicate_code without geometry or location, and a
/// second overlap with no geometry but a location.
std::vector<Finding> sample_findings() {
  std::vector<Finding> out;

  Finding overlap = make(FindingType::overlap, {"0123", "0456"}, {"子陵铺镇单元", "漳河镇单元"},
                         "单元 0123（子陵铺镇单元）与 0456 重叠, \"约 12 m²\"");
  overlap.area_m2 = 12.345678;
  overlap.location = std::array<double, 2>{kX + 2.0004, kY + 1.9996};
  overlap.geometry = Geometry::from_wkt(box(kX, kY, kX + 4, kY + 3));
  overlap.townships = {"T01", "T02"};
  overlap.counties = {"420802"};
  out.push_back(std::move(overlap));

  Finding exclave = make(FindingType::exclave, {"T01"}, {"子陵铺镇"}, "子陵铺镇有一块飞地");
  exclave.area_m2 = 2500;
  exclave.location = std::array<double, 2>{kX, kY};
  exclave.geometry = Geometry::from_wkt("POINT (364090 3450958)");
  exclave.townships = {"T01"};
  exclave.counties = {"420802"};
  out.push_back(std::move(exclave));

  Finding duplicate = make(FindingType::duplicate_code, {"0789"}, {"重复单元"}, "编码 0789 重复");
  duplicate.count = 2;
  duplicate.waived = "规划单位已核实，保留";
  out.push_back(std::move(duplicate));

  Finding second =
      make(FindingType::overlap, {"0123", "0999"}, {"子陵铺镇单元", ""}, "单元 0123 与 0999 重叠");
  second.area_m2 = 3;
  second.location = std::array<double, 2>{kX + 10, kY + 10};
  out.push_back(std::move(second));

  std::sort(out.begin(), out.end(), report_order);
  return out;
}

Provenance sample_provenance() {
  Provenance p;
  p.version = BASINKIT_VERSION;
  p.command_line = "basinkit validate plan.yaml -o report";
  p.created_utc = "2024-05-01T08:00:00Z";
  p.working_crs = "EPSG:4547";
  p.inputs.push_back({"manifest", "plan.yaml", "", "abcd", "", ""});
  p.inputs.push_back({"units", "units.shp", "units", "", "EPSG:4546", "EPSG:4546 → EPSG:4547"});
  return p;
}

struct Sample {
  std::vector<Finding> findings = sample_findings();
  FindingReport report;
  Sample() {
    report.findings = &findings;
    report.summary = summarize(findings);
    report.summary.by_township["T01"].name = "子陵铺镇";
    report.summary.skipped = {"coverage: no basins layer"};
    report.provenance = sample_provenance();
    report.working_crs = "EPSG:4547";
  }
};

std::set<std::string> keys_of(const json& object) {
  std::set<std::string> keys;
  for (const auto& item : object.items()) keys.insert(item.key());
  return keys;
}

const json& finding_of_type(const json& findings, const std::string& type) {
  for (const auto& f : findings)
    if (f.at("type") == type) return f;
  FAIL("no finding of type " << type);
  return findings;
}

}  // namespace

TEST_CASE("SHA-256 of a file matches the known digest", "[report]") {
  TempDir dir;
  write_text(dir / "abc.txt", "abc");
  CHECK(sha256_of_file(dir / "abc.txt") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  write_text(dir / "empty.txt", "");
  CHECK(sha256_of_file(dir / "empty.txt") ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_of_file(dir / "missing.txt").empty());
  CHECK(sha256_of_file(dir.path()).empty());
  CHECK(sha256_of_file("PG:dbname=plan").empty());
  CHECK(sha256_of_file("/vsizip/" + (dir / "abc.txt")).empty());
}

TEST_CASE("Plan provenance lists the manifest and each layer with its digest", "[report]") {
  TempDir dir;
  write_text(dir / "plan.yaml", "abc");
  write_text(dir / "units.shp", "abc");
  Plan plan;
  plan.manifest.path = dir / "plan.yaml";
  plan.working_crs = "EPSG:4547";
  LayerSource units;
  units.key = "units";
  units.source = "units.shp";
  units.resolved = dir / "units.shp";
  units.layer_name = "units";
  units.source_crs = "EPSG:4546";
  units.transformation = "Inverse of 3-degree Gauss-Kruger zone 37 + ...";
  plan.sources.push_back(units);
  LayerSource db;
  db.key = "townships";
  db.source = "PG:dbname=plan user=gis password=secret host=db";
  db.resolved = db.source;
  plan.sources.push_back(db);

  const Provenance p = plan_provenance(plan, "basinkit validate plan.yaml");
  CHECK(p.version == BASINKIT_VERSION);
  CHECK(p.command_line == "basinkit validate plan.yaml");
  CHECK(p.working_crs == "EPSG:4547");
  CHECK(p.created_utc.size() == 20);
  CHECK(p.created_utc.back() == 'Z');
  REQUIRE(p.inputs.size() == 3);
  const std::string abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  CHECK(p.inputs[0].role == "manifest");
  CHECK(p.inputs[0].sha256 == abc);
  CHECK(p.inputs[1].role == "units");
  CHECK(p.inputs[1].path == dir / "units.shp");
  CHECK(p.inputs[1].layer == "units");
  CHECK(p.inputs[1].sha256 == abc);
  CHECK(p.inputs[1].crs == "EPSG:4546");
  CHECK(p.inputs[1].transformation == units.transformation);
  CHECK(p.inputs[2].sha256.empty());
  CHECK(p.inputs[2].path == "PG:dbname=plan user=gis password=*** host=db");
}

TEST_CASE("JSON report has provenance, summary and exactly the fields of each finding",
          "[report]") {
  TempDir dir;
  Sample s;
  write_report(s.report, dir / "report.json");
  const json j = json::parse(read_text(dir / "report.json"));

  CHECK(keys_of(j) == std::set<std::string>{"provenance", "summary", "findings"});
  CHECK(j["provenance"]["version"] == BASINKIT_VERSION);
  CHECK(j["provenance"]["working_crs"] == "EPSG:4547");
  CHECK(j["provenance"]["inputs"][1]["crs"] == "EPSG:4546");
  CHECK(j["provenance"]["inputs"][1]["sha256"].is_null());

  const json& summary = j["summary"];
  CHECK(summary["errors"] == 2);
  CHECK(summary["warnings"] == 1);
  CHECK(summary["waived"] == 1);
  CHECK(summary["by_type"] == json{{"duplicate_code", 1}, {"exclave", 1}, {"overlap", 2}});
  CHECK(summary["by_township"]["T01"]["name"] == "子陵铺镇");
  CHECK(summary["by_township"]["T01"]["errors"] == 1);
  CHECK(summary["by_township"]["T01"]["warnings"] == 1);
  CHECK(summary["by_township"]["T01"]["area_m2"] == Approx(2512.346));
  CHECK(summary["by_county"]["420802"]["errors"] == 1);
  CHECK(summary["skipped"] == json{"coverage: no basins layer"});

  const json& findings = j["findings"];
  REQUIRE(findings.size() == 4);
  // Sorted by type name, then codes.
  CHECK(findings[0]["type"] == "duplicate_code");
  CHECK(findings[1]["type"] == "exclave");
  CHECK(findings[2]["codes"] == json{"0123", "0456"});
  CHECK(findings[3]["codes"] == json{"0123", "0999"});

  const json& exclave = finding_of_type(findings, "exclave");
  CHECK(keys_of(exclave) == std::set<std::string>{"type", "severity", "layer", "codes", "names",
                                                  "area_m2", "location", "message", "townships",
                                                  "counties", "surrounded_by"});
  CHECK(exclave["surrounded_by"].is_null());
  CHECK(exclave["severity"] == "warning");
  CHECK(exclave["names"] == json{"子陵铺镇"});

  const json& overlap = findings[2];
  CHECK(keys_of(overlap) == std::set<std::string>{"type", "severity", "layer", "codes", "names",
                                                  "area_m2", "location", "message", "townships",
                                                  "counties"});
  CHECK(overlap["area_m2"].get<double>() == 12.346);
  CHECK(overlap["location"][0].get<double>() == 364092.0);
  CHECK(overlap["location"][1].get<double>() == 3450960.0);
  CHECK(overlap["names"] == json{"子陵铺镇单元", "漳河镇单元"});
  CHECK(overlap["message"] == "单元 0123（子陵铺镇单元）与 0456 重叠, \"约 12 m²\"");
  CHECK(overlap["townships"] == json{"T01", "T02"});

  const json& duplicate = finding_of_type(findings, "duplicate_code");
  CHECK(duplicate["count"] == 2);
  CHECK(duplicate["waived"] == "规划单位已核实，保留");
  CHECK(duplicate["area_m2"].is_null());
  CHECK(duplicate["location"].is_null());
  CHECK(duplicate.count("surrounded_by") == 0);

  // --format json writes the same text to a stream.
  std::ostringstream out;
  write_json(s.report, out);
  CHECK(out.str() == read_text(dir / "report.json"));
}

TEST_CASE("JSON report of no findings has an empty list", "[report]") {
  TempDir dir;
  std::vector<Finding> none;
  FindingReport report;
  report.findings = &none;
  report.provenance = sample_provenance();
  write_report(report, dir / "empty.JSON");
  const json j = json::parse(read_text(dir / "empty.JSON"));
  CHECK(j["findings"] == json::array());
  CHECK(j["summary"]["errors"] == 0);
}

TEST_CASE("CSV report starts with a BOM, quotes properly and keeps codes as text", "[report]") {
  TempDir dir;
  Sample s;
  write_report(s.report, dir / "report.csv");
  const std::string text = read_text(dir / "report.csv");
  REQUIRE(text.rfind("\xEF\xBB\xBF", 0) == 0);

  const auto rows = parse_csv(text.substr(3));
  REQUIRE(rows.size() == 5);
  const std::vector<std::string> header = {
      "type",  "severity",  "layer",    "codes", "names",   "area_m2",           "x",
      "y",     "townships", "counties", "share", "manager", "majority_township", "surrounded_by",
      "count", "waived",    "message"};
  CHECK(rows[0] == header);
  for (const auto& row : rows) CHECK(row.size() == header.size());

  const auto& duplicate = rows[1];
  CHECK(duplicate[0] == "duplicate_code");
  CHECK(duplicate[3] == "0789");
  CHECK(duplicate[5].empty());
  CHECK(duplicate[14] == "2");
  CHECK(duplicate[15] == "规划单位已核实，保留");

  const auto& overlap = rows[3];
  CHECK(overlap[3] == "0123;0456");
  CHECK(overlap[4] == "子陵铺镇单元;漳河镇单元");
  CHECK(overlap[5] == "12.346");
  CHECK(overlap[6] == "364092.000");
  CHECK(overlap[7] == "3450960.000");
  CHECK(overlap[8] == "T01;T02");
  CHECK(overlap[16] == "单元 0123（子陵铺镇单元）与 0456 重叠, \"约 12 m²\"");

  // GDAL's CSV reader (as other programs would) sees the same text values.
  const DatasetPtr ds = open_vector(dir / "report.csv");
  REQUIRE(ds);
  OGRLayer* layer = ds->GetLayer(0);
  REQUIRE(layer->GetFeatureCount() == 4);
  const int codes = layer->GetLayerDefn()->GetFieldIndex("codes");
  REQUIRE(codes >= 0);
  CHECK(layer->GetLayerDefn()->GetFieldDefn(codes)->GetType() == OFTString);
  layer->ResetReading();
  OGRFeatureUniquePtr first(layer->GetNextFeature());
  CHECK(std::string(first->GetFieldAsString(codes)) == "0789");
}

TEST_CASE("GeoJSON report is in WGS 84 longitude/latitude with provenance", "[report]") {
  TempDir dir;
  Sample s;
  write_report(s.report, dir / "report.geojson");
  const json j = json::parse(read_text(dir / "report.geojson"));
  CHECK(j["type"] == "FeatureCollection");
  CHECK(j["provenance"]["version"] == BASINKIT_VERSION);
  CHECK(j["summary"]["errors"] == 2);
  const json& features = j["features"];
  REQUIRE(features.size() == 4);
  for (const auto& f : features) CHECK(f["type"] == "Feature");

  // Properties are the JSON report's finding objects.
  const json& exclave = features[1];
  CHECK(exclave["properties"]["type"] == "exclave");
  CHECK(exclave["properties"]["surrounded_by"].is_null());
  CHECK(exclave["properties"]["codes"] == json{"T01"});
  REQUIRE(exclave["geometry"]["type"] == "Point");
  const double lon = exclave["geometry"]["coordinates"][0];
  const double lat = exclave["geometry"]["coordinates"][1];
  CHECK(lon == Approx(112.57442).margin(1e-4));
  CHECK(lat == Approx(31.17235).margin(1e-4));

  // No geometry and no location: null geometry.
  CHECK(features[0]["geometry"].is_null());

  // A polygon: lon/lat, exterior ring counterclockwise (RFC 7946 right-hand rule).
  const json& polygon = features[2]["geometry"];
  REQUIRE(polygon["type"] == "Polygon");
  const json& ring = polygon["coordinates"][0];
  double twice_area = 0;
  for (size_t i = 0; i + 1 < ring.size(); ++i)
    twice_area += ring[i][0].get<double>() * ring[i + 1][1].get<double>() -
                  ring[i + 1][0].get<double>() * ring[i][1].get<double>();
  CHECK(twice_area > 0);
  CHECK(ring[0][0].get<double>() == Approx(112.5744).margin(1e-3));

  // Location only: a point at the location.
  const json& located = features[3]["geometry"];
  REQUIRE(located["type"] == "Point");
  CHECK(located["coordinates"][1].get<double>() == Approx(31.1724).margin(1e-3));

  // GDAL reads it as WGS 84.
  const DatasetPtr ds = open_vector(dir / "report.geojson");
  REQUIRE(ds);
  CHECK(ds->GetLayer(0)->GetFeatureCount() == 4);
}

TEST_CASE("GeoPackage report has one layer per finding type in the working CRS", "[report]") {
  TempDir dir;
  Sample s;
  // An existing file is replaced.
  write_text(dir / "report.gpkg", "not a geopackage");
  write_report(s.report, dir / "report.gpkg");

  const DatasetPtr ds = open_vector(dir / "report.gpkg");
  REQUIRE(ds);
  REQUIRE(ds->GetLayerCount() == 4);  // and layer_styles: QGIS styles (gpkg_style_test)
  std::map<std::string, GIntBig> counts;
  for (OGRLayer* layer : ds->GetLayers()) {
    if (std::string(layer->GetName()) == "layer_styles") continue;
    counts[layer->GetName()] = layer->GetFeatureCount();
    const OGRSpatialReference* srs = layer->GetSpatialRef();
    REQUIRE(srs);
    CHECK(std::string(srs->GetAuthorityCode(nullptr)) == "4547");
    CHECK(layer->GetLayerDefn()->GetFieldIndex("message") >= 0);
    CHECK(layer->GetLayerDefn()->GetFieldIndex("surrounded_by") >= 0);
  }
  CHECK(counts ==
        std::map<std::string, GIntBig>{{"duplicate_code", 1}, {"exclave", 1}, {"overlap", 2}});

  OGRLayer* overlap = ds->GetLayerByName("overlap");
  overlap->ResetReading();
  OGRFeatureUniquePtr first(overlap->GetNextFeature());
  REQUIRE(first);
  CHECK(std::string(first->GetFieldAsString("codes")) == "0123;0456");
  CHECK(std::string(first->GetFieldAsString("names")) == "子陵铺镇单元;漳河镇单元");
  CHECK(first->GetFieldAsDouble("area_m2") == 12.346);
  REQUIRE(first->GetGeometryRef());
  CHECK(wkbFlatten(first->GetGeometryRef()->getGeometryType()) == wkbPolygon);
  CHECK(first->GetGeometryRef()->toPolygon()->get_Area() == Approx(12));

  OGRLayer* duplicate = ds->GetLayerByName("duplicate_code");
  duplicate->ResetReading();
  OGRFeatureUniquePtr waived(duplicate->GetNextFeature());
  CHECK(std::string(waived->GetFieldAsString("waived")) == "规划单位已核实，保留");
  CHECK(waived->GetFieldAsInteger64("count") == 2);
  CHECK(waived->GetGeometryRef() == nullptr);

  const char* provenance = ds->GetMetadataItem("basinkit_provenance");
  REQUIRE(provenance);
  const json p = json::parse(provenance);
  CHECK(p["version"] == BASINKIT_VERSION);
  CHECK(p["inputs"].size() == 2);
}

TEST_CASE("XLSX report has one sheet per finding type with codes as text cells", "[report]") {
  TempDir dir;
  Sample s;
  write_report(s.report, dir / "report.xlsx");
  // Read back with the driver's type detection on: "0123" must come back as text.
  const DatasetPtr ds = open_vector(dir / "report.xlsx");
  REQUIRE(ds);
  std::map<std::string, GIntBig> counts;
  for (OGRLayer* layer : ds->GetLayers()) counts[layer->GetName()] = layer->GetFeatureCount();
  CHECK(counts ==
        std::map<std::string, GIntBig>{{"duplicate_code", 1}, {"exclave", 1}, {"overlap", 2}});
  OGRLayer* overlap = ds->GetLayerByName("overlap");
  CHECK(overlap->GetLayerDefn()->GetGeomFieldCount() == 0);
  overlap->ResetReading();
  OGRFeatureUniquePtr first(overlap->GetNextFeature());
  REQUIRE(first);
  CHECK(std::string(first->GetFieldAsString("codes")) == "0123;0456");
  CHECK(std::string(first->GetFieldAsString("names")) == "子陵铺镇单元;漳河镇单元");
}

TEST_CASE("HTML report of the demo plan is one offline page with the map and every finding",
          "[report]") {
  TempDir dir;
  const Plan plan = load_plan(std::string(BASINKIT_SOURCE_DIR) + "/data/shapefiles/plan.yaml");
  const ValidationResult r = validate(plan, {});
  FindingReport report;
  report.findings = &r.findings;
  report.summary = summarize(r.findings);
  report.provenance = plan_provenance(plan, "basinkit validate plan.yaml -o report.html");
  report.working_crs = plan.working_crs;
  report.plan = &plan;
  write_report(report, dir / "report.html");
  const std::string html = read_text(dir / "report.html");
  auto count = [&](const std::string& what) {
    size_t n = 0;
    for (size_t at = html.find(what); at != std::string::npos; at = html.find(what, at + 1)) ++n;
    return n;
  };
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  // Offline: no link, script or style from elsewhere; the only URL is SVG's namespace.
  CHECK(count("http") == 1);
  CHECK(count("xmlns=\"http://www.w3.org/2000/svg\"") == 1);
  CHECK(count("<title>") == 1 + plan.units.size());  // the page's, then one per unit
  CHECK(count("data-i=\"") == r.findings.size());    // every finding drawn, clickable
  CHECK(count("<tr><td>") >= r.findings.size());
  CHECK(html.find("东岳种畜场") != std::string::npos);
  // The findings behind the map parse as JSON, one per finding.
  const size_t start = html.find("var FINDINGS=") + 13;
  const json findings = json::parse(html.substr(start, html.find(";\n", start) - start));
  CHECK(findings.size() == r.findings.size());
}

TEST_CASE("GeoPackage report replaces an earlier report", "[report]") {
  TempDir dir;
  Sample s;
  write_report(s.report, dir / "report.gpkg");
  std::vector<Finding> one;
  one.push_back(std::move(s.findings[1]));  // the exclave
  FindingReport second;
  second.findings = &one;
  second.summary = summarize(one);
  second.provenance = sample_provenance();
  second.working_crs = "EPSG:4547";
  write_report(second, dir / "report.gpkg");

  const DatasetPtr ds = open_vector(dir / "report.gpkg");
  REQUIRE(ds);
  REQUIRE(ds->GetLayerCount() == 2);  // and layer_styles
  CHECK(std::string(ds->GetLayer(0)->GetName()) == "exclave");
  CHECK(ds->GetLayer(0)->GetFeatureCount() == 1);
}

TEST_CASE("An unknown report extension is an input error naming the formats", "[report]") {
  TempDir dir;
  Sample s;
  const std::string path = dir / "report.txt";
  try {
    write_report(s.report, path);
    FAIL("no error");
  } catch (const InputError& e) {
    const std::string what = e.what();
    CHECK(what.find(path) != std::string::npos);
    CHECK(what.find("'.txt'") != std::string::npos);
    for (const char* ext : {".json", ".csv", ".geojson", ".gpkg", ".xlsx"})
      CHECK(what.find(ext) != std::string::npos);
  }
  CHECK_THROWS_AS(write_report(s.report, dir / "report"), InputError);
}

TEST_CASE("An unwritable report path is an input error naming it", "[report]") {
  TempDir dir;
  Sample s;
  for (const char* name : {"report.json", "report.csv", "report.geojson", "report.gpkg"}) {
    const std::string path = dir / (std::string("no/such/folder/") + name);
    try {
      write_report(s.report, path);
      FAIL("no error for " << path);
    } catch (const InputError& e) {
      CHECK(std::string(e.what()).find(path) != std::string::npos);
    }
  }
  // A folder where the file should be.
  for (const char* name : {"folder.json", "folder.gpkg"}) {
    std::filesystem::create_directories(dir / name);
    CHECK_THROWS_AS(write_report(s.report, dir / name), InputError);
  }
}

TEST_CASE("A GeoJSON report of geometries needs a working CRS", "[report]") {
  TempDir dir;
  Sample s;
  s.report.working_crs.clear();
  s.report.provenance.working_crs.clear();
  CHECK_THROWS_AS(write_report(s.report, dir / "report.geojson"), InputError);
}
