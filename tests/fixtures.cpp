#include "fixtures.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace basinkit::test {

TempDir::TempDir() {
  std::string templ = (std::filesystem::temp_directory_path() / "basinkit-test-XXXXXX").string();
  if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void write_layer(const std::string& path, const FixtureLayer& spec) {
  GDALAllRegister();
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(spec.driver.c_str());
  if (!driver) throw std::runtime_error("no driver " + spec.driver);
  GDALDataset* ds = nullptr;
  if (spec.driver == "GPKG" && std::filesystem::exists(path))
    ds = GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE);
  else
    ds = driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
  if (!ds) throw std::runtime_error("cannot create " + path);
  OGRSpatialReference* srs = nullptr;
  if (!spec.srs.empty()) {
    srs = new OGRSpatialReference();
    srs->SetFromUserInput(spec.srs.c_str());
  }
  char** options = nullptr;
  for (const auto& o : spec.creation_options) options = CSLAddString(options, o.c_str());
  OGRLayer* layer = ds->CreateLayer(spec.layer.c_str(), srs, wkbUnknown, options);
  CSLDestroy(options);
  if (srs) srs->Release();
  if (!layer) throw std::runtime_error("cannot create layer " + spec.layer);
  std::vector<std::string> names;
  for (const auto& f : spec.fields) {
    const auto colon = f.find(':');
    const std::string name = f.substr(0, colon);
    const OGRFieldType type =
        colon != std::string::npos && f.substr(colon + 1) == "int" ? OFTInteger : OFTString;
    OGRFieldDefn defn(name.c_str(), type);
    layer->CreateField(&defn);
    names.push_back(name);
  }
  for (const auto& ff : spec.features) {
    OGRFeature feature(layer->GetLayerDefn());
    for (size_t i = 0; i < ff.values.size() && i < names.size(); ++i)
      if (!ff.values[i].empty()) feature.SetField(names[i].c_str(), ff.values[i].c_str());
    if (!ff.wkt.empty()) {
      OGRGeometry* g = nullptr;
      if (OGRGeometryFactory::createFromWkt(ff.wkt.c_str(), nullptr, &g) != OGRERR_NONE)
        throw std::runtime_error("bad fixture WKT " + ff.wkt);
      feature.SetGeometryDirectly(g);
    }
    if (layer->CreateFeature(&feature) != OGRERR_NONE)
      throw std::runtime_error("cannot write a feature to " + path);
  }
  GDALClose(ds);
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(cell);
      cell.clear();
    } else if (c == '\n' || (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      rows.back().push_back(cell);
      cell.clear();
      rows.emplace_back();
      if (c == '\r') ++i;
    } else {
      cell += c;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

void DatasetCloser::operator()(GDALDataset* d) const noexcept { GDALClose(d); }

DatasetPtr open_vector(const std::string& path) {
  GDALAllRegister();
  return DatasetPtr(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
}

std::string box(double x0, double y0, double x1, double y1) {
  return fmt::format("POLYGON (({0} {1}, {2} {1}, {2} {3}, {0} {3}, {0} {1}))", x0, y0, x1, y1);
}

std::string near_jingmen_box(double x0, double y0, double x1, double y1) {
  return box(kJingmenX + x0, kJingmenY + y0, kJingmenX + x1, kJingmenY + y1);
}

std::string near_jingmen_line(double x0, double y0, double x1, double y1) {
  return fmt::format("LINESTRING ({} {}, {} {})", kJingmenX + x0, kJingmenY + y0, kJingmenX + x1,
                     kJingmenY + y1);
}

std::string data_path(const std::string& relative) {
  return std::string(BASINKIT_TEST_DATA) + "/" + relative;
}

}  // namespace basinkit::test
