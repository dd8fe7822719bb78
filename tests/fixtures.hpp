#pragma once
// Test fixtures: temporary folders and small layers written with OGR from WKT, so unit
// tests build their geometries in code.

#include <memory>
#include <string>
#include <vector>

class GDALDataset;

namespace basinkit::test {

/// A fresh folder under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct FixtureFeature {
  std::vector<std::string> values;  ///< one per field, as text ("" = NULL)
  std::string wkt;                  ///< "" = NULL geometry
};

struct FixtureLayer {
  std::string driver = "GPKG";  ///< any OGR vector driver
  std::string layer = "layer";
  std::string srs = "EPSG:4547";    ///< "" = no CRS
  std::vector<std::string> fields;  ///< all text fields; "LEVEL:int" makes an integer field
  std::vector<FixtureFeature> features;
  std::vector<std::string> creation_options;  ///< layer creation options, e.g. ENCODING=UTF-8
};

/// Writes `layer` to `path` (created or appended for GPKG).
void write_layer(const std::string& path, const FixtureLayer& layer);

void write_text(const std::string& path, const std::string& text);
std::string read_text(const std::string& path);

/// A place near Jingmen in EPSG:4547 (so that GCJ-02, the identity outside China, is
/// really exercised): fixtures written relative to it use near_jingmen_box/line.
constexpr double kJingmenX = 340000, kJingmenY = 3450000;
/// WKT of a rectangle / segment whose coordinates are offsets from (kJingmenX, kJingmenY).
std::string near_jingmen_box(double x0, double y0, double x1, double y1);
std::string near_jingmen_line(double x0, double y0, double x1, double y1);

/// WKT of an axis-aligned rectangle.
std::string box(double x0, double y0, double x1, double y1);

/// RFC 4180 records of a CSV text (quoted fields may hold commas, quotes, line breaks;
/// records end with CRLF or LF).
std::vector<std::vector<std::string>> parse_csv(const std::string& text);

struct DatasetCloser {
  void operator()(GDALDataset* d) const noexcept;
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;
/// Opens a vector data source read-only (null when GDAL cannot).
DatasetPtr open_vector(const std::string& path);

/// Path of a file under tests/data.
std::string data_path(const std::string& relative);

}  // namespace basinkit::test
