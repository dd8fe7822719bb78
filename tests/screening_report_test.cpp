#include <basinkit/error.hpp>
#include <basinkit/screening_report.hpp>
#include <basinkit/version.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <set>
#include <sstream>

#include "fixtures.hpp"

using namespace basinkit;
using namespace basinkit::test;
using nlohmann::json;

namespace {

// A point of Jingmen in EPSG:4547: about 112.5744°E 31.1723°N in WGS 84.
constexpr double kX = 364090;
constexpr double kY = 3450958;

/// A plan with basins of levels 1, 2 and 3 (only the levels matter to the writers).
Plan sample_plan() {
  Plan plan;
  plan.working_crs = "EPSG:4547";
  for (int level : {1, 2, 3}) {
    Basin b;
    b.level = level;
    b.code = "B" + std::to_string(level);
    plan.basins.push_back(std::move(b));
  }
  return plan;
}

Provenance sample_provenance() {
  Provenance p;
  p.version = BASINKIT_VERSION;
  p.command_line = "basinkit screen plan.yaml --rules city.yaml --sites sites.gpkg -o out";
  p.created_utc = "2024-05-01T08:00:00Z";
  p.working_crs = "EPSG:4547";
  p.inputs.push_back({"manifest", "plan.yaml", "", "abcd", "", ""});
  p.inputs.push_back({"rules", "city.yaml", "", "ef01", "", ""});
  return p;
}

Rule make_rule(std::string id, Effect effect, std::string title, std::string condition = "") {
  Rule r;
  r.id = std::move(id);
  r.list = effect == Effect::prohibit || effect == Effect::restrict ? RuleList::negative
                                                                    : RuleList::positive;
  r.effect = effect;
  r.title = std::move(title);
  r.basis = "《中华人民共和国长江保护法》第二十六条";
  r.condition = std::move(condition);
  return r;
}

/// Three sites: a prohibited point near a river (distance evidence), a restricted polygon
/// overlapping a zone and lacking an attribute, and a site outside the plan.
struct Sample {
  Plan plan = sample_plan();
  Provenance provenance = sample_provenance();
  Rule near_river =
      make_rule("N-HJ-001", Effect::prohibit, "汉江干流岸线1公里范围内禁止新建化工项目");
  Rule in_zone =
      make_rule("R-ZONE-002", Effect::restrict, "园区内限制扩建, 须\"产能置换\"", "须实施产能置换");
  Rule in_unit = make_rule("E-003", Effect::encourage, "鼓励发展绿色产业");
  std::vector<Site> sites;
  std::vector<SiteResult> results;
  ScreeningSummary summary;

  Sample() {
    Site point;
    point.id = "P-001";
    point.industry = "C2614";
    point.action = "new";
    point.geometry = Geometry::from_wkt("POINT (364090 3450958)");
    SiteResult r1;
    r1.id = point.id;
    r1.verdict = Verdict::prohibited;
    r1.location.unit = "0123";
    r1.location.manager = "T01";
    r1.location.township = "T02";
    r1.location.county = "420802";
    r1.location.basins = {{1, "01"}, {2, "0102"}, {3, "010203"}};
    AppliedRule near;
    near.rule = &near_river;
    near.file = "rules/city.yaml";
    near.evidence.distance_m = 812.34567;
    r1.rules.push_back(near);

    Site polygon;
    polygon.id = "P-002";
    polygon.industry = "C3011";
    polygon.action = "expand";
    polygon.geometry = Geometry::from_wkt(box(kX + 100, kY + 100, kX + 200, kY + 150));
    SiteResult r2;
    r2.id = polygon.id;
    r2.verdict = Verdict::restricted;
    r2.location.unit = "0456";
    r2.location.manager = "T02";
    r2.location.township = "T02";
    r2.location.county = "420802";
    r2.location.basins = {{1, "01"}, {2, "0102"}, {3, "010204"}};
    AppliedRule zone;
    zone.rule = &in_zone;
    zone.file = "rules/city.yaml";
    zone.evidence.overlap_m2 = 1234.56789;
    zone.evidence.zone = "CP01";
    r2.rules.push_back(zone);
    AppliedRule unit;
    unit.rule = &in_unit;
    unit.file = "rules/county.yaml";
    unit.evidence.unit = "0456";
    r2.rules.push_back(unit);
    r2.missing = {"capacity_t"};

    Site outside;
    outside.id = "P-003";
    outside.geometry = Geometry::from_wkt("POINT (300000 3300000)");
    SiteResult r3;
    r3.id = outside.id;
    r3.verdict = Verdict::unlisted;
    r3.location.outside_plan = true;

    sites.push_back(std::move(point));
    sites.push_back(std::move(polygon));
    sites.push_back(std::move(outside));
    results = {std::move(r1), std::move(r2), std::move(r3)};
    for (const SiteResult& r : results) summary.add(r.verdict);
  }

  void write(ScreeningWriter& out) const {
    for (size_t i = 0; i < sites.size(); ++i) out.write(sites[i], results[i]);
    out.finish(summary);
  }

  void write(const std::string& path) const {
    write(*open_screening_report(path, provenance, plan));
  }
};

std::set<std::string> keys_of(const json& object) {
  std::set<std::string> keys;
  for (const auto& item : object.items()) keys.insert(item.key());
  return keys;
}

/// Keys in the order they appear in the text (nlohmann::ordered_json keeps it).
std::vector<std::string> key_order(const nlohmann::ordered_json& object) {
  std::vector<std::string> keys;
  for (const auto& item : object.items()) keys.push_back(item.key());
  return keys;
}

const std::set<std::string> kSiteKeys = {"id", "verdict", "location", "rules", "missing"};
const std::set<std::string> kLocationKeys = {"unit",   "manager", "township",
                                             "county", "basins",  "outside_plan"};
const std::set<std::string> kRuleKeys = {"id",    "file",      "effect",  "title",
                                         "basis", "condition", "evidence"};

}  // namespace

TEST_CASE("Screening summary counts sites by verdict", "[screening-report]") {
  ScreeningSummary s;
  for (Verdict v : {Verdict::prohibited, Verdict::prohibited, Verdict::restricted,
                    Verdict::encouraged, Verdict::permitted, Verdict::unlisted})
    s.add(v);
  CHECK(s.sites == 6);
  CHECK(s.prohibited == 2);
  CHECK(s.restricted == 1);
  CHECK(s.encouraged == 1);
  CHECK(s.permitted == 1);
  CHECK(s.unlisted == 1);
}

TEST_CASE("Screening JSON has the sites, summary and provenance of DESIGN section 7",
          "[screening-report]") {
  TempDir dir;
  const Sample s;
  s.write(dir / "result.json");
  const std::string text = read_text(dir / "result.json");
  // Streamed: sites first, then the summary, then the provenance.
  CHECK(key_order(nlohmann::ordered_json::parse(text)) ==
        std::vector<std::string>{"sites", "summary", "provenance"});
  const json j = json::parse(text);

  CHECK(j["summary"] == json{{"sites", 3},
                             {"prohibited", 1},
                             {"restricted", 1},
                             {"encouraged", 0},
                             {"permitted", 0},
                             {"unlisted", 1}});
  CHECK(j["provenance"]["version"] == BASINKIT_VERSION);
  CHECK(j["provenance"]["inputs"][1]["role"] == "rules");

  const json& sites = j["sites"];
  REQUIRE(sites.size() == 3);
  for (const auto& site : sites) {
    CHECK(keys_of(site) == kSiteKeys);
    CHECK(keys_of(site["location"]) == kLocationKeys);
    CHECK(keys_of(site["location"]["basins"]) == std::set<std::string>{"1", "2", "3"});
    for (const auto& rule : site["rules"]) CHECK(keys_of(rule) == kRuleKeys);
  }

  // A prohibited point: codes as strings, distance rounded to the millimetre.
  const json& point = sites[0];
  CHECK(point["id"] == "P-001");
  CHECK(point["verdict"] == "prohibited");
  CHECK(point["location"] == json{{"unit", "0123"},
                                  {"manager", "T01"},
                                  {"township", "T02"},
                                  {"county", "420802"},
                                  {"basins", {{"1", "01"}, {"2", "0102"}, {"3", "010203"}}},
                                  {"outside_plan", false}});
  REQUIRE(point["rules"].size() == 1);
  const json& near = point["rules"][0];
  CHECK(near["id"] == "N-HJ-001");
  CHECK(near["file"] == "rules/city.yaml");
  CHECK(near["effect"] == "prohibit");
  CHECK(near["title"] == "汉江干流岸线1公里范围内禁止新建化工项目");
  CHECK(near["basis"] == "《中华人民共和国长江保护法》第二十六条");
  CHECK(near["condition"] == "");
  CHECK(near["evidence"] == json{{"distance_m", 812.346}});
  CHECK(point["missing"] == json::array());

  // A polygon: overlap and zone evidence, a condition, a missing attribute, two files.
  const json& polygon = sites[1];
  CHECK(polygon["verdict"] == "restricted");
  REQUIRE(polygon["rules"].size() == 2);
  CHECK(polygon["rules"][0]["effect"] == "restrict");
  CHECK(polygon["rules"][0]["condition"] == "须实施产能置换");
  CHECK(polygon["rules"][0]["evidence"] == json{{"overlap_m2", 1234.568}, {"zone", "CP01"}});
  CHECK(polygon["rules"][1]["file"] == "rules/county.yaml");
  CHECK(polygon["rules"][1]["evidence"] == json{{"unit", "0456"}});
  CHECK(polygon["missing"] == json{"capacity_t"});

  // Outside the plan: nulls everywhere, a key for every level all the same.
  const json& outside = sites[2];
  CHECK(outside["verdict"] == "unlisted");
  CHECK(outside["location"] == json{{"unit", nullptr},
                                    {"manager", nullptr},
                                    {"township", nullptr},
                                    {"county", nullptr},
                                    {"basins", {{"1", nullptr}, {"2", nullptr}, {"3", nullptr}}},
                                    {"outside_plan", true}});
  CHECK(outside["rules"] == json::array());

  // --format json writes the same text to a stream.
  std::ostringstream out;
  s.write(*json_screening_writer(out, s.provenance, s.plan));
  CHECK(out.str() == text);
}

TEST_CASE("Screening JSON keys every plan level in order, null where the location has none",
          "[screening-report]") {
  // A location from elsewhere: level 2 only, plus levels 0 and 5 the plan does not have;
  // then the same unit in other basins, another township, outside the plan: each site is
  // written with its own place, not the last one of its unit.
  const Sample s;
  SiteResult r = s.results[0];
  r.location.basins = {{0, "Z"}, {2, "0102"}, {5, "X"}};
  std::ostringstream out;
  {
    const auto writer = json_screening_writer(out, s.provenance, s.plan);
    writer->write(s.sites[0], r);
    r.location.basins = {{3, "010203"}};
    writer->write(s.sites[0], r);
    r.location.township = "T09";
    writer->write(s.sites[0], r);
    r.location.township = "T02";
    r.location.outside_plan = true;
    writer->write(s.sites[0], r);
    writer->finish(s.summary);
  }
  const json sites = json::parse(out.str())["sites"];
  REQUIRE(sites.size() == 4);
  CHECK(sites[2]["location"]["township"] == "T09");
  CHECK(sites[3]["location"]["township"] == "T02");
  CHECK(sites[3]["location"]["outside_plan"] == true);
  CHECK(sites[1]["location"]["outside_plan"] == false);
  CHECK(key_order(nlohmann::ordered_json::parse(out.str())["sites"][0]["location"]["basins"]) ==
        std::vector<std::string>{"1", "2", "3"});
  CHECK(sites[0]["location"]["basins"] == json{{"1", nullptr}, {"2", "0102"}, {"3", nullptr}});
  CHECK(sites[1]["location"]["basins"] == json{{"1", nullptr}, {"2", nullptr}, {"3", "010203"}});
}

TEST_CASE("Screening JSON of no sites is valid, and a site in error says why",
          "[screening-report]") {
  const Sample s;
  std::ostringstream empty;
  json_screening_writer(empty, s.provenance, s.plan)->finish({});
  const json none = json::parse(empty.str());
  CHECK(none["sites"] == json::array());
  CHECK(none["summary"]["sites"] == 0);

  Site bad;
  bad.id = "7";
  SiteResult result;
  result.id = bad.id;
  result.verdict = Verdict::unlisted;
  result.location.outside_plan = true;
  result.error = "the geometry is NULL";
  ScreeningSummary summary;
  summary.add(result.verdict);
  std::ostringstream out;
  auto writer = json_screening_writer(out, s.provenance, s.plan);
  writer->write(bad, result);
  writer->finish(summary);
  const json j = json::parse(out.str());
  REQUIRE(j["sites"].size() == 1);
  CHECK(j["sites"][0]["error"] == "the geometry is NULL");
  CHECK(j["sites"][0]["verdict"] == "unlisted");
  CHECK(j["summary"]["unlisted"] == 1);

  TempDir dir;
  auto geojson = open_screening_report(dir / "bad.geojson", s.provenance, s.plan);
  geojson->write(bad, result);
  geojson->finish(summary);
  const json g = json::parse(read_text(dir / "bad.geojson"));
  CHECK(g["features"][0]["geometry"].is_null());
  CHECK(g["features"][0]["properties"]["error"] == "the geometry is NULL");
}

TEST_CASE("Screening CSV starts with a BOM and keeps codes verbatim", "[screening-report]") {
  TempDir dir;
  const Sample s;
  s.write(dir / "result.csv");
  const std::string text = read_text(dir / "result.csv");
  REQUIRE(text.rfind("\xEF\xBB\xBF", 0) == 0);

  const auto rows = parse_csv(text.substr(3));
  REQUIRE(rows.size() == 4);
  const std::vector<std::string> header = {
      "id",      "verdict",    "unit",         "manager", "township", "county", "basin_1",
      "basin_2", "basin_3",    "outside_plan", "rules",   "effects",  "files",  "titles",
      "basis",   "conditions", "evidence",     "missing", "error"};
  CHECK(rows[0] == header);
  for (const auto& row : rows) REQUIRE(row.size() == header.size());

  const auto& point = rows[1];
  CHECK(point[0] == "P-001");
  CHECK(point[1] == "prohibited");
  CHECK(point[2] == "0123");
  CHECK(point[3] == "T01");
  CHECK(point[4] == "T02");
  CHECK(point[5] == "420802");
  CHECK(point[6] == "01");
  CHECK(point[7] == "0102");
  CHECK(point[8] == "010203");
  CHECK(point[9] == "false");
  CHECK(point[10] == "N-HJ-001");
  CHECK(point[11] == "prohibit");
  CHECK(point[12] == "rules/city.yaml");
  CHECK(point[16] == "N-HJ-001:distance_m=812.346");
  CHECK(point[17].empty());
  CHECK(point[18].empty());

  // Parallel lists joined with ';', a quoted title with a comma and quotes.
  const auto& polygon = rows[2];
  CHECK(polygon[10] == "R-ZONE-002;E-003");
  CHECK(polygon[11] == "restrict;encourage");
  CHECK(polygon[12] == "rules/city.yaml;rules/county.yaml");
  CHECK(polygon[13] == "园区内限制扩建, 须\"产能置换\";鼓励发展绿色产业");
  CHECK(polygon[15] == "须实施产能置换;");
  CHECK(polygon[16] == "R-ZONE-002:overlap_m2=1234.568,zone=CP01;E-003:unit=0456");
  CHECK(polygon[17] == "capacity_t");

  const auto& outside = rows[3];
  for (int i : {2, 3, 4, 5, 6, 7, 8, 10, 16}) CHECK(outside[i].empty());
  CHECK(outside[9] == "true");
  CHECK(outside[1] == "unlisted");

  // GDAL's CSV reader (as other programs would) sees the codes as text.
  const DatasetPtr ds = open_vector(dir / "result.csv");
  REQUIRE(ds);
  OGRLayer* layer = ds->GetLayer(0);
  REQUIRE(layer->GetFeatureCount() == 3);
  const int unit = layer->GetLayerDefn()->GetFieldIndex("unit");
  REQUIRE(unit >= 0);
  layer->ResetReading();
  OGRFeatureUniquePtr first(layer->GetNextFeature());
  CHECK(std::string(first->GetFieldAsString(unit)) == "0123");
}

TEST_CASE("Screening GeoJSON is in WGS 84 with the JSON site objects as properties",
          "[screening-report]") {
  TempDir dir;
  const Sample s;
  s.write(dir / "result.geojson");
  s.write(dir / "result.json");
  const json j = json::parse(read_text(dir / "result.geojson"));
  const json sites = json::parse(read_text(dir / "result.json"))["sites"];
  CHECK(j["type"] == "FeatureCollection");
  CHECK(j["provenance"]["version"] == BASINKIT_VERSION);
  CHECK(j["summary"]["prohibited"] == 1);
  const json& features = j["features"];
  REQUIRE(features.size() == 3);
  for (size_t i = 0; i < features.size(); ++i) {
    CHECK(features[i]["type"] == "Feature");
    CHECK(features[i]["properties"] == sites[i]);
  }

  const json& point = features[0]["geometry"];
  REQUIRE(point["type"] == "Point");
  CHECK(point["coordinates"][0].get<double>() == Approx(112.57442).margin(1e-4));
  CHECK(point["coordinates"][1].get<double>() == Approx(31.17235).margin(1e-4));

  // A polygon: lon/lat, exterior ring counterclockwise (RFC 7946 right-hand rule).
  const json& polygon = features[1]["geometry"];
  REQUIRE(polygon["type"] == "Polygon");
  const json& ring = polygon["coordinates"][0];
  double twice_area = 0;
  for (size_t i = 0; i + 1 < ring.size(); ++i)
    twice_area += ring[i][0].get<double>() * ring[i + 1][1].get<double>() -
                  ring[i + 1][0].get<double>() * ring[i][1].get<double>();
  CHECK(twice_area > 0);
  CHECK(ring[0][0].get<double>() == Approx(112.5755).margin(1e-3));

  const DatasetPtr ds = open_vector(dir / "result.geojson");
  REQUIRE(ds);
  CHECK(ds->GetLayer(0)->GetFeatureCount() == 3);
}

TEST_CASE("Screening GeoPackage has a layer 'sites' in the working CRS", "[screening-report]") {
  TempDir dir;
  const Sample s;
  write_text(dir / "result.gpkg", "not a geopackage");  // replaced
  s.write(dir / "result.gpkg");

  const DatasetPtr ds = open_vector(dir / "result.gpkg");
  REQUIRE(ds);
  REQUIRE(ds->GetLayerCount() == 2);  // and layer_styles: its QGIS style (gpkg_style_test)
  OGRLayer* layer = ds->GetLayerByName("sites");
  REQUIRE(layer);
  CHECK(layer->GetFeatureCount() == 3);
  const OGRSpatialReference* srs = layer->GetSpatialRef();
  REQUIRE(srs);
  CHECK(std::string(srs->GetAuthorityCode(nullptr)) == "4547");
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  for (const char* name : {"unit", "basin_1", "basin_3", "evidence", "error"}) {
    const int i = defn->GetFieldIndex(name);
    REQUIRE(i >= 0);
    CHECK(defn->GetFieldDefn(i)->GetType() == OFTString);
  }
  const int outside_plan = defn->GetFieldIndex("outside_plan");
  REQUIRE(outside_plan >= 0);
  CHECK(defn->GetFieldDefn(outside_plan)->GetSubType() == OFSTBoolean);

  layer->ResetReading();
  OGRFeatureUniquePtr point(layer->GetNextFeature());
  REQUIRE(point);
  CHECK(std::string(point->GetFieldAsString("id")) == "P-001");
  CHECK(std::string(point->GetFieldAsString("unit")) == "0123");
  CHECK(std::string(point->GetFieldAsString("basin_1")) == "01");
  CHECK(std::string(point->GetFieldAsString("evidence")) == "N-HJ-001:distance_m=812.346");
  CHECK(point->GetFieldAsInteger("outside_plan") == 0);
  CHECK(point->IsFieldNull(defn->GetFieldIndex("error")));
  REQUIRE(point->GetGeometryRef());
  CHECK(point->GetGeometryRef()->toPoint()->getX() == kX);

  OGRFeatureUniquePtr polygon(layer->GetNextFeature());
  REQUIRE(polygon);
  REQUIRE(polygon->GetGeometryRef());
  CHECK(wkbFlatten(polygon->GetGeometryRef()->getGeometryType()) == wkbPolygon);
  CHECK(polygon->GetGeometryRef()->toPolygon()->get_Area() == Approx(5000));

  OGRFeatureUniquePtr outside(layer->GetNextFeature());
  REQUIRE(outside);
  CHECK(outside->IsFieldNull(defn->GetFieldIndex("unit")));
  CHECK(outside->IsFieldNull(defn->GetFieldIndex("basin_2")));
  CHECK(outside->GetFieldAsInteger("outside_plan") == 1);

  const char* provenance = ds->GetMetadataItem("basinkit_provenance");
  REQUIRE(provenance);
  CHECK(json::parse(provenance)["version"] == BASINKIT_VERSION);
  const char* summary = ds->GetMetadataItem("basinkit_summary");
  REQUIRE(summary);
  CHECK(json::parse(summary)["sites"] == 3);
}

TEST_CASE("Screening XLSX has a sheet 'sites' with codes as text cells", "[screening-report]") {
  TempDir dir;
  const Sample s;
  s.write(dir / "result.xlsx");
  const DatasetPtr ds = open_vector(dir / "result.xlsx");
  REQUIRE(ds);
  OGRLayer* layer = ds->GetLayerByName("sites");
  REQUIRE(layer);
  CHECK(layer->GetFeatureCount() == 3);
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  const int unit = defn->GetFieldIndex("unit");
  REQUIRE(unit >= 0);
  CHECK(defn->GetFieldDefn(unit)->GetType() == OFTString);  // "0123", not 123
  layer->ResetReading();
  OGRFeatureUniquePtr point(layer->GetNextFeature());
  REQUIRE(point);
  CHECK(std::string(point->GetFieldAsString("unit")) == "0123");
  CHECK(std::string(point->GetFieldAsString("basin_1")) == "01");
}

TEST_CASE("Screening GeoPackage commits long runs in several transactions", "[screening-report]") {
  TempDir dir;
  const Sample s;
  auto out = open_screening_report(dir / "many.gpkg", s.provenance, s.plan);
  ScreeningSummary summary;
  const int count = 10050;  // more than one transaction's worth
  for (int i = 0; i < count; ++i) {
    Site site;
    site.id = std::to_string(i + 1);
    site.geometry = Geometry::from_wkt(fmt::format("POINT ({} {})", kX + i, kY));
    SiteResult result;
    result.id = site.id;
    out->write(site, result);
    summary.add(result.verdict);
  }
  out->finish(summary);
  out.reset();
  const DatasetPtr ds = open_vector(dir / "many.gpkg");
  REQUIRE(ds);
  CHECK(ds->GetLayerByName("sites")->GetFeatureCount() == count);
}

TEST_CASE("A screening report with an unknown extension is an input error naming the formats",
          "[screening-report]") {
  TempDir dir;
  const Sample s;
  const std::string path = dir / "result.txt";
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      if (attempt == 0)
        check_screening_report_path(path);
      else
        open_screening_report(path, s.provenance, s.plan);
      FAIL("no error");
    } catch (const InputError& e) {
      const std::string what = e.what();
      CHECK(what.find(path) != std::string::npos);
      CHECK(what.find("'.txt'") != std::string::npos);
      for (const char* ext : {".json", ".csv", ".geojson", ".gpkg"})
        CHECK(what.find(ext) != std::string::npos);
    }
  }
  CHECK_THROWS_AS(check_screening_report_path(dir / "result"), InputError);
  CHECK_NOTHROW(check_screening_report_path(dir / "result.GeoJSON"));
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("An unwritable screening report path is an input error naming it", "[screening-report]") {
  TempDir dir;
  const Sample s;
  for (const char* name : {"result.json", "result.csv", "result.geojson", "result.gpkg"}) {
    const std::string path = dir / (std::string("no/such/folder/") + name);
    try {
      open_screening_report(path, s.provenance, s.plan);
      FAIL("no error for " << path);
    } catch (const InputError& e) {
      CHECK(std::string(e.what()).find(path) != std::string::npos);
    }
  }
  std::filesystem::create_directories(dir / "folder.gpkg");
  CHECK_THROWS_AS(open_screening_report(dir / "folder.gpkg", s.provenance, s.plan), InputError);
}
