#include "io/layer_reader.hpp"

#include <basinkit/crs.hpp>
#include <basinkit/error.hpp>

#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <fmt/format.h>

#include <filesystem>

#include "common/quiet_gdal.hpp"
#include "crs/srs.hpp"
#include "io/source_guard.hpp"

namespace basinkit::io {
namespace {

struct DatasetCloser {
  void operator()(GDALDataset* d) const noexcept { GDALClose(d); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

DatasetPtr open(const std::string& path, const CPLStringList& open_options) {
  static const bool registered = [] {
    GDALAllRegister();
    return true;
  }();
  (void)registered;
  return DatasetPtr(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
                                      open_options.List(), nullptr));
}

bool is_shapefile(GDALDataset* ds) {
  return ds->GetDriver() && EQUAL(ds->GetDriver()->GetDescription(), "ESRI Shapefile");
}

std::string layer_names(GDALDataset* ds) {
  std::string names;
  for (auto* l : ds->GetLayers()) names += (names.empty() ? "" : ", ") + std::string(l->GetName());
  return names;
}

/// `text` recoded to UTF-8 when `recode_from` is set.
std::string recode(const char* text, const std::string& recode_from) {
  if (recode_from.empty()) return text;
  char* utf8 = CPLRecode(text, recode_from.c_str(), CPL_ENC_UTF8);
  std::string out = utf8;
  CPLFree(utf8);
  return out;
}

}  // namespace

LayerContents read_layer(const LayerSpec& spec, const std::vector<FieldRole>& roles,
                         GeometryKind kind, const OGRSpatialReference& working,
                         const ReadOptions& options) {
  // The library never prints: GDAL's messages are taken into our errors instead.
  const QuietGdal quiet;
  Where where{spec.source};
  where.layer = spec.key;
  check_source_allowed(spec.resolved, options.allow_network);

  const bool plain_path =
      spec.resolved.rfind("/vsi", 0) != 0 && spec.resolved.find(':') == std::string::npos;
  if (plain_path && !std::filesystem::exists(spec.resolved))
    throw InputError(fmt::format("no such file: {}", spec.resolved), where);

  CPLErrorReset();
  DatasetPtr ds = open(spec.resolved, CPLStringList());
  if (!ds) {
    const std::string detail = CPLGetLastErrorMsg();
    throw InputError(
        fmt::format("cannot open as a vector data source{}{}", detail.empty() ? "" : ": ", detail),
        where);
  }
  // The shapefile driver recodes a declared encoding itself. A shapefile with no .cpg and
  // no code page in its header it reads as Latin-1 without a word: reopen that raw, so
  // that GBK text is caught below instead of silently garbled.
  if (is_shapefile(ds.get()) && ds->GetLayerCount() == 1) {
    OGRLayer* l = ds->GetLayer(0);
    const bool declared_in_file = l->GetMetadataItem("ENCODING_FROM_CPG", "SHAPEFILE") ||
                                  l->GetMetadataItem("ENCODING_FROM_LDID", "SHAPEFILE");
    if (!spec.encoding.empty() || !declared_in_file) {
      CPLStringList open_options;
      open_options.SetNameValue("ENCODING", spec.encoding.c_str());
      ds = open(spec.resolved, open_options);
      if (!ds) throw InputError("cannot reopen the shapefile", where);
    }
  }
  // The shapefile driver recodes declared encodings itself; other drivers are recoded here.
  const std::string recode_from =
      !spec.encoding.empty() && !is_shapefile(ds.get()) ? spec.encoding : "";

  OGRLayer* layer = nullptr;
  if (!spec.layer.empty()) {
    layer = ds->GetLayerByName(spec.layer.c_str());
    if (!layer)
      throw InputError(fmt::format("no layer '{}' in the source (it has: {})", spec.layer,
                                   layer_names(ds.get())),
                       where);
  } else if (ds->GetLayerCount() == 1) {
    layer = ds->GetLayer(0);
  } else {
    throw InputError(fmt::format("the source has {} layers ({}); say which with 'layer:'",
                                 ds->GetLayerCount(), layer_names(ds.get())),
                     where);
  }
  where.layer =
      spec.key == layer->GetName() ? spec.key : fmt::format("{}' ('{}", spec.key, layer->GetName());

  // Field mapping: explicit names must exist; roles default to a field of their name.
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  std::vector<std::string> field_names;
  for (int i = 0; i < defn->GetFieldCount(); ++i)
    field_names.push_back(recode(defn->GetFieldDefn(i)->GetNameRef(), recode_from));
  auto field_index = [&](const std::string& name) {
    for (size_t i = 0; i < field_names.size(); ++i)
      if (EQUAL(field_names[i].c_str(), name.c_str())) return static_cast<int>(i);
    return -1;
  };
  auto field_list = [&] {
    std::string names;
    for (const auto& n : field_names) names += (names.empty() ? "" : ", ") + n;
    return names;
  };
  std::vector<std::pair<std::string, int>> mapped;
  for (const auto& [role, name] : spec.fields) {
    const int index = field_index(name);
    if (index < 0) {
      Where w = where;
      w.field = name;
      throw InputError(
          fmt::format("no such field (for '{}'); the layer has: {}", role, field_list()), w);
    }
    mapped.emplace_back(role, index);
  }
  for (const auto& r : roles) {
    if (spec.fields.count(r.role)) continue;
    const int index = field_index(r.role);
    if (index >= 0) {
      mapped.emplace_back(r.role, index);
    } else if (r.required) {
      Where w = where;
      w.field = r.role;
      throw InputError(fmt::format("no field for '{}': map it with 'fields: {{{}: NAME}}' "
                                   "(the layer has: {})",
                                   r.role, r.role, field_list()),
                       w);
    }
  }

  // CRS: the manifest's srs overrides what the file declares (AMap files lie).
  const bool gcj = !spec.srs.empty() && is_gcj02(spec.srs);
  crs::SrsPtr source_srs;
  try {
    if (!spec.srs.empty() && !gcj) source_srs = crs::parse(spec.srs);
  } catch (const InputError& e) {
    throw InputError(e.problem(), where);
  }
  if (spec.srs.empty()) {
    const OGRSpatialReference* declared = layer->GetSpatialRef();
    if (!declared || crs::is_undefined(*declared))
      throw InputError(
          "the layer has no CRS; give it with 'srs:' in the manifest (e.g. "
          "srs: EPSG:4490, or srs: GCJ02 for AMap data)",
          where);
    source_srs = crs::traditional_copy(*declared);
  }
  if (!options.allow_ballpark && source_srs) {
    const std::string refused = crs::ballpark_datum(*source_srs);
    if (!refused.empty() && refused != crs::ballpark_datum(working))
      throw InputError(
          fmt::format("the layer's datum is {}: PROJ has only a ballpark transformation to "
                      "the working CRS (metres off); convert it first, or set "
                      "'allow_ballpark: true' in the manifest",
                      refused),
          where);
  }
  LayerContents out;
  crs::TransformPtr transform;
  try {
    transform = crs::to_working(source_srs.get(), gcj, working, &out.source.transformation);
  } catch (const InputError& e) {
    throw InputError(e.problem(), where);
  }
  const bool identity = !gcj && source_srs->IsSame(&working);

  out.source.key = spec.key;
  out.source.source = spec.source;
  out.source.resolved = spec.resolved;
  out.source.layer_name = layer->GetName();
  out.source.source_crs = gcj ? "GCJ02" : crs::describe(*source_srs);

  if (!spec.where.empty()) {
    CPLErrorReset();
    if (layer->SetAttributeFilter(spec.where.c_str()) != OGRERR_NONE)
      throw InputError(
          fmt::format("bad 'where' filter \"{}\": {}", spec.where, CPLGetLastErrorMsg()), where);
  }
  layer->ResetReading();
  CPLErrorReset();
  for (auto& feature : *layer) {
    RawFeature raw;
    raw.fid = feature->GetFID();
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
      if (defn->GetFieldDefn(i)->GetType() != OFTString || !feature->IsFieldSetAndNotNull(i))
        continue;
      if (recode_from.empty() && !CPLIsUTF8(feature->GetFieldAsString(i), -1)) {
        Where w = where;
        w.feature = std::to_string(raw.fid);
        w.field = defn->GetFieldDefn(i)->GetNameRef();
        throw InputError(
            "text is not UTF-8 and the layer declares no encoding (a GBK file "
            "without .cpg?); add 'encoding: GBK' to the layer in the manifest",
            w);
      }
    }
    for (const auto& [role, index] : mapped) {
      if (feature->IsFieldSetAndNotNull(index))
        raw.values[role] = recode(feature->GetFieldAsString(index), recode_from);
      else
        raw.values[role] = std::nullopt;
    }
    ImportedGeometry g =
        import_geometry(feature->GetGeometryRef(), kind, identity ? nullptr : transform.get());
    raw.geometry = std::move(g.geometry);
    raw.issue = std::move(g.issue);
    out.features.push_back(std::move(raw));
  }
  // A driver that fails mid-way (a corrupt record, a `where` a database rejects) ends
  // the iteration early: stop rather than lose the rest of the layer.
  if (CPLGetLastErrorType() == CE_Failure) {
    Where w = where;
    if (!out.features.empty()) w.feature = "after " + std::to_string(out.features.back().fid);
    throw InputError(fmt::format("reading failed{}: {}",
                                 spec.where.empty() ? "" : " (where \"" + spec.where + "\")",
                                 CPLGetLastErrorMsg()),
                     w);
  }
  out.source.features = static_cast<std::int64_t>(out.features.size());
  return out;
}

std::string main_source_file(const LayerSource& source) {
  std::error_code ec;
  if (!source.layer_name.empty() && std::filesystem::is_directory(source.resolved, ec))
    return (std::filesystem::path(source.resolved) / (source.layer_name + ".shp")).string();
  return source.resolved;
}

}  // namespace basinkit::io
