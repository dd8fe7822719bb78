#include "screening/site_rows.hpp"

#include <ogr_recordbatch.h>
#include <ogrsf_frmts.h>

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

namespace basinkit::screening {
namespace {

class FeatureRows final : public SiteRows {
 public:
  FeatureRows(OGRLayer& layer, Where where) : layer_(layer), where_(std::move(where)) {}

  bool next() override {
    CPLErrorReset();
    feature_.reset(layer_.GetNextFeature());
    if (!feature_ && CPLGetLastErrorType() == CE_Failure)
      throw InputError(fmt::format("reading the sites failed: {}", CPLGetLastErrorMsg()), where_);
    return feature_ != nullptr;
  }
  bool is_set(int field) const override { return feature_->IsFieldSetAndNotNull(field); }
  std::string text(int field) override { return feature_->GetFieldAsString(field); }
  std::int64_t fid() const override { return feature_->GetFID(); }
  std::unique_ptr<OGRGeometry> geometry() override {
    return std::unique_ptr<OGRGeometry>(feature_->StealGeometry());
  }
  bool columnar() const override { return false; }

 private:
  OGRLayer& layer_;
  Where where_;
  std::unique_ptr<OGRFeature> feature_;
};

/// The Arrow columns basinkit reads; anything else (dates, lists, binary fields) sends
/// the layer to FeatureRows. So do booleans: GDAL 3.6.2's generic stream packs their
/// bits wrongly (the tests caught it).
bool is_text(const char* f) { return !std::strcmp(f, "u") || !std::strcmp(f, "U"); }
bool is_number(const char* f) {
  return !std::strcmp(f, "c") || !std::strcmp(f, "s") || !std::strcmp(f, "i") ||
         !std::strcmp(f, "l") || !std::strcmp(f, "f") || !std::strcmp(f, "g");
}
bool is_binary(const char* f) { return !std::strcmp(f, "z") || !std::strcmp(f, "Z"); }

class ArrowRows final : public SiteRows {
 public:
  ArrowRows(OGRLayer& layer, Where where, ArrowArrayStream stream, ArrowSchema schema)
      : layer_(layer),
        where_(std::move(where)),
        stream_(stream),
        schema_(schema),
        scratch_(layer.GetLayerDefn()) {
    OGRFeatureDefn& defn = *layer.GetLayerDefn();
    for (int i = 0; i < defn.GetFieldCount(); ++i) {
      const OGRFieldDefn& f = *defn.GetFieldDefn(i);
      const char format = schema_.children[1 + i]->format[0];
      // OGR writes integers with "%d" / "%lld" and a plain double field with "%.15g" (a
      // width or a float32 subtype has formats of their own, left to OGR).
      const bool integer = (f.GetType() == OFTInteger && format && std::strchr("csi", format)) ||
                           (f.GetType() == OFTInteger64 && format == 'l');
      const bool real = format == 'g' && f.GetType() == OFTReal && f.GetWidth() == 0 &&
                        f.GetSubType() == OFSTNone;
      number_.push_back(integer ? Number::integer : real ? Number::plain_real : Number::ogr);
    }
  }

  ~ArrowRows() override {
    release_batch();
    schema_.release(&schema_);
    stream_.release(&stream_);
  }
  ArrowRows(const ArrowRows&) = delete;
  ArrowRows& operator=(const ArrowRows&) = delete;

  /// The layer's schema as this class reads it: the FID, then every attribute field in
  /// order, then one geometry (or none); false when it is anything else.
  static bool readable(const ArrowSchema& schema, OGRFeatureDefn& defn) {
    const int fields = defn.GetFieldCount(), geometries = defn.GetGeomFieldCount();
    if (geometries > 1 || schema.n_children != 1 + fields + geometries) return false;
    if (std::strcmp(schema.children[0]->format, "l")) return false;
    for (int i = 0; i < fields; ++i) {
      const ArrowSchema& c = *schema.children[1 + i];
      if (std::strcmp(c.name, defn.GetFieldDefn(i)->GetNameRef()) || c.dictionary ||
          !(is_text(c.format) || is_number(c.format)))
        return false;
    }
    return geometries == 0 || is_binary(schema.children[1 + fields]->format);
  }

  bool next() override {
    if (batch_.release && ++row_ < batch_.length) return true;
    for (;;) {
      release_batch();
      if (const int code = stream_.get_next(&stream_, &batch_)) {
        const char* why = stream_.get_last_error(&stream_);
        batch_.release = nullptr;
        throw InputError(
            fmt::format("reading the sites failed: {}", why ? why : std::strerror(code)), where_);
      }
      if (!batch_.release) return false;  // the end
      if (batch_.n_children != schema_.n_children)
        throw InputError("reading the sites failed: a batch does not match the layer", where_);
      row_ = 0;
      if (batch_.length > 0) return true;
    }
  }

  bool is_set(int field) const override { return !is_null(*batch_.children[1 + field]); }

  std::string text(int field) override {
    const ArrowArray& column = *batch_.children[1 + field];
    const char* format = schema_.children[1 + field]->format;
    if (is_text(format)) {
      std::string_view s = bytes(column, format[0] == 'U');
      return std::string(s);
    }
    // Numbers as OGR writes them, so that both readers give the same text.
    const int64_t at = column.offset + row_;
    const void* values = column.buffers[1];
    // std::to_chars is printf in the C locale (with a precision, %g), as OGR's
    // CPLsnprintf is, at a fraction of its cost: formatting one real was a fifth of reading
    // the bench's sites. Infinities are left to OGR.
    char digits[32];
    const bool integer = format[0] && std::strchr("csil", format[0]);
    if (integer && number_[field] == Number::integer) {
      const auto written = std::to_chars(digits, std::end(digits), integer_at(format[0], column));
      return std::string(digits, written.ptr);
    }
    if (number_[field] == Number::plain_real) {
      const double v = static_cast<const double*>(values)[at];
      if (std::isfinite(v)) {
        const auto written =
            std::to_chars(digits, std::end(digits), v, std::chars_format::general, 15);
        return std::string(digits, written.ptr);
      }
    }
    if (format[0] == 'l')
      scratch_.SetField(field, static_cast<GIntBig>(integer_at('l', column)));
    else if (integer)
      scratch_.SetField(field, static_cast<int>(integer_at(format[0], column)));
    else if (format[0] == 'f')
      scratch_.SetField(field, static_cast<double>(static_cast<const float*>(values)[at]));
    else if (format[0] == 'g')
      scratch_.SetField(field, static_cast<const double*>(values)[at]);
    return scratch_.GetFieldAsString(field);
  }

  std::int64_t fid() const override {
    const ArrowArray& column = *batch_.children[0];
    return static_cast<const int64_t*>(column.buffers[1])[column.offset + row_];
  }

  std::unique_ptr<OGRGeometry> geometry() override {
    problem_.clear();
    const std::optional<std::string_view> wkb = geometry_wkb();
    if (!wkb) return nullptr;
    OGRGeometry* g = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb->data(), nullptr, &g, wkb->size()) != OGRERR_NONE) {
      delete g;
      problem_ = "the geometry cannot be read (bad WKB)";
      return nullptr;
    }
    return std::unique_ptr<OGRGeometry>(g);
  }

  bool point(double& x, double& y) const override {
    // A 2D point's WKB: byte order, type 1, x, y (21 bytes). Anything else, including
    // POINT EMPTY (NaN coordinates), goes through geometry().
    const std::optional<std::string_view> cell = geometry_wkb();
    if (!cell) return false;
    const std::string_view wkb = *cell;
    if (wkb.size() != 21 || (wkb[0] != 0 && wkb[0] != 1)) return false;
    const bool little = wkb[0] == 1;
    // Reads n bytes at `at` as an unsigned number in the WKB's byte order.
    auto number = [&](size_t at, int n) {
      std::uint64_t v = 0;
      for (int k = 0; k < n; ++k) {
        const auto byte =
            static_cast<unsigned char>(wkb[at + static_cast<size_t>(little ? n - 1 - k : k)]);
        v = (v << 8) | byte;
      }
      return v;
    };
    if (number(1, 4) != 1) return false;
    const std::uint64_t xb = number(5, 8), yb = number(13, 8);
    std::memcpy(&x, &xb, sizeof x);
    std::memcpy(&y, &yb, sizeof y);
    return std::isfinite(x) && std::isfinite(y);
  }
  std::string geometry_problem() const override { return problem_; }
  bool columnar() const override { return true; }

 private:
  static bool bit(const uint8_t* bits, int64_t i) { return (bits[i / 8] >> (i % 8)) & 1; }

  bool is_null(const ArrowArray& column) const {
    const auto* validity = static_cast<const uint8_t*>(column.buffers[0]);
    return column.null_count != 0 && validity && !bit(validity, column.offset + row_);
  }

  /// The row's geometry as WKB; none when the layer or the row has no geometry.
  std::optional<std::string_view> geometry_wkb() const {
    const int fields = layer_.GetLayerDefn()->GetFieldCount();
    if (schema_.n_children == 1 + fields) return std::nullopt;
    const ArrowArray& column = *batch_.children[1 + fields];
    if (is_null(column)) return std::nullopt;
    return bytes(column, schema_.children[1 + fields]->format[0] == 'Z');
  }

  /// The value of an integer cell of Arrow format `format` (c, s, i or l).
  std::int64_t integer_at(char format, const ArrowArray& column) const {
    const int64_t at = column.offset + row_;
    const void* values = column.buffers[1];
    switch (format) {
      case 'c':
        return static_cast<const int8_t*>(values)[at];
      case 's':
        return static_cast<const int16_t*>(values)[at];
      case 'i':
        return static_cast<const int32_t*>(values)[at];
      default:
        return static_cast<const int64_t*>(values)[at];
    }
  }

  /// The bytes of a string or binary cell (32- or 64-bit offsets).
  std::string_view bytes(const ArrowArray& column, bool large) const {
    const int64_t at = column.offset + row_;
    int64_t begin = 0, end = 0;
    if (large) {
      const auto* offsets = static_cast<const int64_t*>(column.buffers[1]);
      begin = offsets[at];
      end = offsets[at + 1];
    } else {
      const auto* offsets = static_cast<const int32_t*>(column.buffers[1]);
      begin = offsets[at];
      end = offsets[at + 1];
    }
    return {static_cast<const char*>(column.buffers[2]) + begin, static_cast<size_t>(end - begin)};
  }

  void release_batch() {
    if (batch_.release) batch_.release(&batch_);
    batch_.release = nullptr;
  }

  OGRLayer& layer_;
  Where where_;
  ArrowArrayStream stream_;
  ArrowSchema schema_;
  ArrowArray batch_{};
  int64_t row_ = 0;
  OGRFeature scratch_;  ///< formats numbers as OGR does
  enum class Number { integer, plain_real, ogr };
  std::vector<Number> number_;  ///< per attribute field: how its numbers are written
  std::string problem_;
};

}  // namespace

std::unique_ptr<SiteRows> open_site_rows(OGRLayer& layer, const Where& where) {
  layer.ResetReading();
  ArrowArrayStream stream{};
  const char* options[] = {"INCLUDE_FID=YES", nullptr};
  if (layer.GetArrowStream(&stream, options)) {
    ArrowSchema schema{};
    if (stream.get_schema(&stream, &schema) == 0) {
      if (ArrowRows::readable(schema, *layer.GetLayerDefn()))
        return std::make_unique<ArrowRows>(layer, where, stream, schema);
      schema.release(&schema);
    }
    stream.release(&stream);
    layer.ResetReading();
  }
  return std::make_unique<FeatureRows>(layer, where);
}

}  // namespace basinkit::screening
