// basinkit diff (plan_diff.hpp): a revision of the demo plan generated here, from
// data/shapefiles, with one change of each kind the plan offices make — every change is
// found and nothing else; the plan against itself and against a copy in another CRS and
// format reports nothing.
#include <basinkit/error.hpp>
#include <basinkit/plan_diff.hpp>

#include <fmt/format.h>
#include <gdal_priv.h>
#include <gdal_utils.h>
#include <ogrsf_frmts.h>
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

#include "fixtures.hpp"
#include "plan_builder.hpp"

namespace basinkit {
namespace {

using test::TempDir;

std::string demo(const std::string& file) {
  return std::string(BASINKIT_SOURCE_DIR) + "/data/shapefiles/" + file;
}

/// ogr2ogr `source` into `target` with `args` (GDAL's library form of the utility).
void translate(const std::string& source, const std::string& target,
               std::vector<std::string> args) {
  GDALAllRegister();
  GDALDatasetH src = GDALOpenEx(source.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
  REQUIRE(src);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  GDALVectorTranslateOptions* options = GDALVectorTranslateOptionsNew(argv.data(), nullptr);
  const bool update = std::find(args.begin(), args.end(), "-update") != args.end();
  GDALDatasetH existing = update ? GDALOpenEx(target.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE,
                                              nullptr, nullptr, nullptr)
                                 : nullptr;
  int error = 0;
  GDALDatasetH dst =
      GDALVectorTranslate(update ? nullptr : target.c_str(), existing, 1, &src, options, &error);
  GDALVectorTranslateOptionsFree(options);
  GDALClose(src);
  REQUIRE(dst);
  REQUIRE(error == 0);
  GDALClose(dst);
}

/// The demo manifest (data/shapefiles/plan.yaml, every field mapping kept) written to
/// `dir` with the layers of `sources` read from elsewhere (key → "source: …" text), the
/// others from the demo folder, and `crs` as working CRS when given.
std::string demo_manifest(const TempDir& dir, const std::string& name,
                          const std::map<std::string, std::string>& sources,
                          const std::string& crs = "") {
  const std::string text = test::read_text(demo("plan.yaml"));
  static const std::regex source("source: ([a-z_]+)\\.shp");
  std::string out;
  auto at = text.cbegin();
  for (std::smatch m; std::regex_search(at, text.cend(), m, source); at = m.suffix().first) {
    out.append(at, m.prefix().second);
    auto it = sources.find(m[1].str());
    out +=
        it != sources.end() ? it->second : fmt::format("source: '{}'", demo(m[1].str() + ".shp"));
  }
  out.append(at, text.cend());
  if (!crs.empty()) out = std::regex_replace(out, std::regex("\ncrs: [^ \n]+"), "\ncrs: " + crs);
  const std::string path = dir / name;
  test::write_text(path, out);
  return path;
}

/// The layer keys of the demo manifest.
std::vector<std::string> demo_layers() {
  const std::string text = test::read_text(demo("plan.yaml"));
  static const std::regex source("source: ([a-z_]+)\\.shp");
  std::vector<std::string> keys;
  for (std::sregex_iterator it(text.begin(), text.end(), source), end; it != end; ++it)
    keys.push_back((*it)[1].str());
  return keys;
}

using GeometryPtr = std::unique_ptr<OGRGeometry>;

/// Edits a layer of a GeoPackage copy feature by feature.
class LayerEditor {
 public:
  LayerEditor(const std::string& path, const char* code_field) : code_field_(code_field) {
    ds_.reset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
    REQUIRE(ds_);
    layer_ = ds_->GetLayer(0);
  }
  OGRFeatureUniquePtr get(const std::string& code) {
    layer_->SetAttributeFilter(fmt::format("{} = '{}'", code_field_, code).c_str());
    layer_->ResetReading();
    OGRFeatureUniquePtr f(layer_->GetNextFeature());
    layer_->SetAttributeFilter(nullptr);
    REQUIRE(f);
    return f;
  }
  GeometryPtr geometry(const std::string& code) {
    return GeometryPtr(get(code)->GetGeometryRef()->clone());
  }
  void set_geometry(const std::string& code, const OGRGeometry& g) {
    OGRFeatureUniquePtr f = get(code);
    f->SetGeometryDirectly(multi(g));
    REQUIRE(layer_->SetFeature(f.get()) == OGRERR_NONE);
  }
  void set_field(const std::string& code, const char* field, const std::string& value) {
    OGRFeatureUniquePtr f = get(code);
    f->SetField(field, value.c_str());
    REQUIRE(layer_->SetFeature(f.get()) == OGRERR_NONE);
  }
  /// A copy of `code`'s feature with another code, name and geometry.
  void add_copy(const std::string& code, const std::string& new_code, const std::string& name,
                const OGRGeometry& g) {
    OGRFeatureUniquePtr f = get(code);
    f->SetFID(OGRNullFID);
    f->SetField(code_field_, new_code.c_str());
    f->SetField(name_field(), name.c_str());
    f->SetGeometryDirectly(multi(g));
    REQUIRE(layer_->CreateFeature(f.get()) == OGRERR_NONE);
  }
  void remove(const std::string& code) {
    REQUIRE(layer_->DeleteFeature(get(code)->GetFID()) == OGRERR_NONE);
  }

 private:
  /// The layers are MultiPolygon (ogr2ogr -nlt PROMOTE_TO_MULTI).
  static OGRGeometry* multi(const OGRGeometry& g) {
    return OGRGeometryFactory::forceToMultiPolygon(g.clone());
  }
  const char* name_field() const {
    return std::string(code_field_) == "UNIT_CODE" ? "UNIT_NAME" : "TOWN_NAME";
  }
  struct Closer {
    void operator()(GDALDataset* d) const { GDALClose(d); }
  };
  std::unique_ptr<GDALDataset, Closer> ds_;
  OGRLayer* layer_ = nullptr;
  const char* code_field_;
};

GeometryPtr clip(const OGRGeometry& g, double x0, double y0, double x1, double y1) {
  OGRPolygon box;
  OGRLinearRing ring;
  ring.addPoint(x0, y0);
  ring.addPoint(x1, y0);
  ring.addPoint(x1, y1);
  ring.addPoint(x0, y1);
  ring.addPoint(x0, y0);
  box.addRing(&ring);
  return GeometryPtr(g.Intersection(&box));
}

/// Areas the revision moved, for checking the reported figures.
struct Revision {
  std::string manifest;
  double moved_m2 = 0;  ///< the 300 m band HJ010302 took from HJ010304
  double fixed_m2 = 0;  ///< the part of HJ010107 given to its managing township
};

/// The demo plan revised: HJ020211 split in two halves (HJ020291, HJ020292); HJ020302
/// and HJ020303 merged into HJ020391; HJ010201 recoded HJ010299; the boundary between
/// HJ010302 and HJ010304 moved 300 m into HJ010304 (and so between their townships
/// 420882003 and 420882455); HJ010115 reassigned from township 420881453 to 420881450;
/// the interleaved part of HJ010107 in 420881454 given to its manager 420881200.
Revision make_revision(const TempDir& dir) {
  Revision r;
  const std::string units = dir / "units.gpkg", towns = dir / "townships.gpkg";
  translate(demo("units.shp"), units, {"-f", "GPKG", "-nln", "units", "-nlt", "PROMOTE_TO_MULTI"});
  translate(demo("townships.shp"), towns,
            {"-f", "GPKG", "-nln", "townships", "-nlt", "PROMOTE_TO_MULTI"});
  LayerEditor u(units, "UNIT_CODE"), t(towns, "TOWN_CODE");

  // Split down the middle of its extent.
  GeometryPtr whole = u.geometry("HJ020211");
  OGREnvelope e;
  whole->getEnvelope(&e);
  const double xm = (e.MinX + e.MaxX) / 2;
  GeometryPtr west = clip(*whole, e.MinX - 1, e.MinY - 1, xm, e.MaxY + 1);
  GeometryPtr east = clip(*whole, xm, e.MinY - 1, e.MaxX + 1, e.MaxY + 1);
  REQUIRE(wkbFlatten(west->getGeometryType()) == wkbPolygon);
  REQUIRE(wkbFlatten(east->getGeometryType()) == wkbPolygon);
  u.add_copy("HJ020211", "HJ020292", "拆分东单元", *east);
  u.set_geometry("HJ020211", *west);
  u.set_field("HJ020211", "UNIT_NAME", "拆分西单元");
  u.set_field("HJ020211", "UNIT_CODE", "HJ020291");

  // Merge.
  GeometryPtr merged(u.geometry("HJ020302")->Union(u.geometry("HJ020303").get()));
  u.set_geometry("HJ020302", *merged);
  u.set_field("HJ020302", "UNIT_NAME", "合并单元");
  u.set_field("HJ020302", "UNIT_CODE", "HJ020391");
  u.remove("HJ020303");

  // Recode.
  u.set_field("HJ010201", "UNIT_CODE", "HJ010299");

  // A boundary moved by 300 m, in the units and in the townships.
  GeometryPtr a = u.geometry("HJ010302");
  GeometryPtr b = u.geometry("HJ010304");
  GeometryPtr buffer(a->Buffer(300, 16));
  GeometryPtr band(b->Intersection(buffer.get()));
  r.moved_m2 = OGR_G_Area(OGRGeometry::ToHandle(band.get()));
  u.set_geometry("HJ010302", *GeometryPtr(a->Union(band.get())));
  u.set_geometry("HJ010304", *GeometryPtr(b->Difference(band.get())));
  t.set_geometry("420882003", *GeometryPtr(t.geometry("420882003")->Union(band.get())));
  t.set_geometry("420882455", *GeometryPtr(t.geometry("420882455")->Difference(band.get())));

  // Reassign.
  u.set_field("HJ010115", "TOWN_CODE", "420881450");

  // Fix an interleaved unit: its part in the other township goes to its manager.
  GeometryPtr piece(u.geometry("HJ010107")->Intersection(t.geometry("420881454").get()));
  r.fixed_m2 = OGR_G_Area(OGRGeometry::ToHandle(piece.get()));
  t.set_geometry("420881200", *GeometryPtr(t.geometry("420881200")->Union(piece.get())));
  t.set_geometry("420881454", *GeometryPtr(t.geometry("420881454")->Difference(piece.get())));

  r.manifest = demo_manifest(dir, "revision.yaml",
                             {{"units", fmt::format("source: '{}'", units)},
                              {"townships", fmt::format("source: '{}'", towns)}});
  return r;
}

std::string describe(const PlanChange& c) {
  std::string s = fmt::format("{} {} {} -> {}", c.layer, to_string(c.type),
                              fmt::join(c.old_codes, ","), fmt::join(c.new_codes, ","));
  if (!c.field.empty()) s += fmt::format(" {}: {} -> {}", c.field, c.old_value, c.new_value);
  return s;
}

std::string describe(const Finding& f) {
  return fmt::format("{} {}", to_string(f.type), fmt::join(f.codes, ","));
}

template <typename T>
std::set<std::string> described(const std::vector<T>& items) {
  std::set<std::string> out;
  for (const auto& i : items) out.insert(describe(i));
  return out;
}

const PlanChange& find_change(const PlanDiff& d, ChangeType type, const std::string& code) {
  for (const PlanChange& c : d.changes)
    if (c.type == type && (c.new_codes.empty() ? c.old_codes : c.new_codes).front() == code)
      return c;
  FAIL("no " << to_string(type) << " change of " << code);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("diff finds every change of a revision of the demo plan and nothing else", "[diff]") {
  TempDir dir;
  const Revision revision = make_revision(dir);
  const PlanPair plans = load_plan_pair(demo("plan.yaml"), revision.manifest);
  const PlanDiff d = diff_plans(plans.old_plan, plans.new_plan, {});

  CHECK(described(d.changes) ==
        std::set<std::string>{
            "units split HJ020211 -> HJ020291,HJ020292",
            "units merged HJ020302,HJ020303 -> HJ020391",
            "units recoded HJ010201 -> HJ010299",
            "units reshaped HJ010302 -> HJ010302",
            "units reshaped HJ010304 -> HJ010304",
            "units reassigned HJ010115 -> HJ010115 township: 420881453 -> 420881450",
            "townships reshaped 420882003 -> 420882003",
            "townships reshaped 420882455 -> 420882455",
            "townships reshaped 420881200 -> 420881200",
            "townships reshaped 420881454 -> 420881454",
        });

  SECTION("the moved boundary: area in km² both ways, and the neighbour") {
    const PlanChange& gained = find_change(d, ChangeType::reshaped, "HJ010302");
    CHECK(gained.gained_m2 == Approx(revision.moved_m2).epsilon(1e-6));
    CHECK(gained.lost_m2 == 0);
    CHECK(gained.gained_from == std::vector<std::string>{"HJ010304"});
    CHECK(gained.lost_to.empty());
    const PlanChange& lost = find_change(d, ChangeType::reshaped, "HJ010304");
    CHECK(lost.lost_m2 == Approx(revision.moved_m2).epsilon(1e-6));
    CHECK(lost.lost_to == std::vector<std::string>{"HJ010302"});
    CHECK(revision.moved_m2 > 300 * 10000);  // a 15 km boundary moved by 300 m
    const PlanChange& town = find_change(d, ChangeType::reshaped, "420881200");
    CHECK(town.gained_m2 == Approx(revision.fixed_m2).epsilon(1e-6));
    CHECK(town.gained_from == std::vector<std::string>{"420881454"});
    CHECK(town.townships == std::vector<std::string>{"420881200"});
    CHECK(town.counties == std::vector<std::string>{"420881"});
  }
  SECTION("split and merged shares; recoded overlap") {
    const PlanChange& split = find_change(d, ChangeType::split, "HJ020291");
    REQUIRE(split.shares.size() == 2);
    CHECK(split.shares[0] + split.shares[1] == Approx(1).epsilon(1e-6));
    CHECK(split.shares[0] > 0.05);
    const PlanChange& merged = find_change(d, ChangeType::merged, "HJ020391");
    REQUIRE(merged.shares.size() == 2);
    CHECK(merged.shares[0] + merged.shares[1] == Approx(1).epsilon(1e-6));
    const PlanChange& recoded = find_change(d, ChangeType::recoded, "HJ010299");
    REQUIRE(recoded.shares.size() == 2);
    CHECK(recoded.shares[0] == Approx(1).epsilon(1e-9));
    CHECK(recoded.shares[1] == Approx(1).epsilon(1e-9));
    CHECK(recoded.message.find("HJ010201") != std::string::npos);
  }
  SECTION("findings: the interleaved unit fixed, the reassignment's and merge's new ones") {
    REQUIRE(d.findings_compared);
    // The interleaved part of HJ010107 was an exclave of 420881454 (飞地 → 插花地): giving
    // it to the unit's manager fixes both.
    CHECK(described(d.resolved) ==
          std::set<std::string>{"exclave 420881454", "interleaved HJ010107,420881454"});
    // The merge leaves HJ020301's DOWNSTREAM naming a unit that is gone (the revision
    // does not update it), and its river now flows into the merged unit.
    CHECK(described(d.added) == std::set<std::string>{
                                    "downstream_conflict HJ020301,HJ020391",
                                    "downstream_unknown HJ020301,HJ020302",
                                    "interleaved HJ010115,420881453",
                                    "interleaved HJ020391,420822400",
                                    "unit_outside_manager HJ010115,420881450",
                                });
    CHECK(d.new_errors() == 2);
    // The recoded unit's interleaved part is the same finding under its new code.
    CHECK(described(d.unchanged).count("interleaved HJ010299,420881456") == 1);
    CHECK(d.unchanged.size() == 5);
    CHECK(d.by_county.at("420881").resolved == 2);
    CHECK(d.by_township.at("420881454").resolved == 2);
    CHECK(d.by_township.at("420881450").new_errors == 1);
  }
}

TEST_CASE("diff of a plan against itself reports nothing", "[diff]") {
  const PlanPair plans = load_plan_pair(demo("plan.yaml"), demo("plan.yaml"));
  const PlanDiff d = diff_plans(plans.old_plan, plans.new_plan, {});
  CHECK(d.changes.empty());
  CHECK(d.resolved.empty());
  CHECK(d.added.empty());
  CHECK(d.unchanged.size() == 7);
}

TEST_CASE("diff of the demo plan against a GeoPackage copy in EPSG:4546 reports nothing",
          "[diff]") {
  TempDir dir;
  const std::string gpkg = dir / "plan4546.gpkg";
  std::map<std::string, std::string> sources;
  bool first = true;
  for (const std::string& key : demo_layers()) {
    std::vector<std::string> args{"-f", "GPKG", "-t_srs", "EPSG:4546", "-nln", key};
    if (!first) args.push_back("-update");
    translate(demo(key + ".shp"), gpkg, args);
    sources[key] = fmt::format("source: '{}', layer: {}", gpkg, key);
    first = false;
  }
  const std::string manifest = demo_manifest(dir, "plan4546.yaml", sources, "EPSG:4546");
  const PlanPair plans = load_plan_pair(demo("plan.yaml"), manifest);
  CHECK(plans.old_plan.working_crs == "EPSG:4546");
  const PlanDiff d = diff_plans(plans.old_plan, plans.new_plan, {});
  CHECK(described(d.changes).empty());
  CHECK(d.resolved.empty());
  CHECK(d.added.empty());
  CHECK(d.unchanged.size() == 7);
}

TEST_CASE("diff tolerances: a boundary moved less than tolerance_m is no change", "[diff]") {
  TempDir a_dir, b_dir;
  auto plan = [](double x) {
    test::PlanBuilder b;
    b.basin("B", 1, "", test::box(0, 0, 2000, 1000))
        .township("T", "C", test::box(0, 0, 2000, 1000))
        .unit("B01", "B", "T", test::box(0, 0, x, 1000))
        .unit("B02", "B", "T", test::box(x, 0, 2000, 1000));
    return b;
  };
  const Plan before = plan(1000).load(a_dir);
  const Plan after = plan(1000.5).load(b_dir);
  DiffOptions o;
  o.findings = false;
  CHECK(diff_plans(before, after, o).changes.empty());  // 0.5 m < DEFAULT 1 m
  o.tolerance_m = 0.1;
  const PlanDiff d = diff_plans(before, after, o);
  CHECK(described(d.changes) ==
        std::set<std::string>{"units reshaped B01 -> B01", "units reshaped B02 -> B02"});
  CHECK(d.changes.front().gained_m2 == Approx(500));
}

TEST_CASE("diff by ground: many-to-many is removed and added; an unrelated new code is added",
          "[diff]") {
  TempDir a_dir, b_dir;
  test::PlanBuilder before, after;
  before.basin("B", 1, "", test::box(0, 0, 3000, 1000))
      .unit("B01", "B", "", test::box(0, 0, 1500, 1000))
      .unit("B02", "B", "", test::box(1500, 0, 3000, 1000));
  // Redrawn across: two old units become two new ones, each straddling both.
  after.basin("B", 1, "", test::box(0, 0, 3000, 1000))
      .unit("B11", "B", "", test::box(0, 0, 3000, 500))
      .unit("B12", "B", "", test::box(0, 500, 3000, 1000));
  DiffOptions o;
  o.findings = false;
  const PlanDiff d = diff_plans(before.load(a_dir), after.load(b_dir), o);
  CHECK(described(d.changes) ==
        std::set<std::string>{"units removed B01 -> ", "units removed B02 -> ",
                              "units added  -> B11", "units added  -> B12"});
}

TEST_CASE("diff: bad manifests name their file; plans in different CRSs are refused", "[diff]") {
  TempDir dir;
  const std::string missing = dir / "missing.yaml";
  test::write_text(missing, "crs: EPSG:4547\nlayers:\n  units: { source: nowhere.shp }\n");
  try {
    load_plan_pair(missing, demo("plan.yaml"));
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK_THAT(e.what(), Catch::Contains("nowhere.shp") && Catch::Contains("old plan") &&
                             Catch::Contains("missing.yaml"));
  }
  try {
    load_plan_pair(demo("plan.yaml"), missing);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK_THAT(e.what(), Catch::Contains("nowhere.shp") && Catch::Contains("new plan"));
  }
  const Plan a = load_plan(demo("plan.yaml"));
  Manifest m = read_manifest(demo("plan.yaml"));
  m.crs = "EPSG:4546";
  const Plan b = load_plan(m);
  CHECK_THROWS_WITH(diff_plans(a, b, {}), Catch::Contains("different working CRSs"));
}

TEST_CASE("diff reports: JSON, CSV with BOM, GeoPackage layers per change, XLSX, HTML", "[diff]") {
  TempDir dir;
  const Revision revision = make_revision(dir);
  const PlanPair plans = load_plan_pair(demo("plan.yaml"), revision.manifest);
  const PlanDiff d = diff_plans(plans.old_plan, plans.new_plan, {});
  DiffReport report;
  report.diff = &d;
  report.provenance = diff_provenance(plans.old_plan, plans.new_plan, "basinkit diff a b");
  report.old_plan = &plans.old_plan;
  report.new_plan = &plans.new_plan;

  std::ostringstream json_text;
  write_diff_json(report, json_text);
  const auto j = nlohmann::json::parse(json_text.str());
  CHECK(j["summary"]["changes"] == 10);
  CHECK(j["summary"]["by_change"]["reshaped"] == 6);
  CHECK(j["summary"]["findings"]["new_errors"] == 2);
  CHECK(j["findings"]["resolved"].size() == 2);
  CHECK(j["provenance"]["inputs"][0]["role"] == "new manifest");
  bool reshaped_km2 = false;
  for (const auto& c : j["changes"])
    if (c["type"] == "reshaped" && c["new_codes"][0] == "HJ010302") {
      CHECK(c["gained_km2"].get<double>() == Approx(revision.moved_m2 / 1e6).epsilon(1e-5));
      CHECK(c["gained_from"] == nlohmann::json::array({"HJ010304"}));
      reshaped_km2 = true;
    }
  CHECK(reshaped_km2);

  write_diff_report(report, dir / "diff.csv");
  const std::string csv = test::read_text(dir / "diff.csv");
  CHECK(csv.rfind("\xEF\xBB\xBFkind,change,layer", 0) == 0);
  const auto rows = test::parse_csv(csv);
  CHECK(rows.size() == 1 + 10 + 2 + 5 + 5);  // header, changes, resolved, new, unchanged

  write_diff_report(report, dir / "diff.gpkg");
  test::DatasetPtr gpkg = test::open_vector(dir / "diff.gpkg");
  REQUIRE(gpkg);
  std::map<std::string, GIntBig> layers;
  for (auto* layer : gpkg->GetLayers()) layers[layer->GetName()] = layer->GetFeatureCount();
  CHECK(layers.at("reshaped") == 6);
  CHECK(layers.at("split") == 1);
  CHECK(layers.at("findings_new") == 5);
  CHECK(layers.at("layer_styles") == static_cast<GIntBig>(layers.size()) - 1);

  write_diff_report(report, dir / "diff.xlsx");
  CHECK(std::filesystem::file_size(dir / "diff.xlsx") > 0);

  write_diff_report(report, dir / "diff.html");
  const std::string html = test::read_text(dir / "diff.html");
  CHECK(html.find("<g class=\"old-units\">") != std::string::npos);
  CHECK(html.find("class=\"reshaped\" data-i=") != std::string::npos);
  CHECK(html.find("class=\"new\" data-i=") != std::string::npos);
  CHECK(html.find("http") == html.find("http://www.w3.org/2000/svg"));  // offline

  CHECK_THROWS_WITH(write_diff_report(report, dir / "diff.geojson"),
                    Catch::Contains("diff.geojson") && Catch::Contains(".gpkg"));
}

}  // namespace basinkit
