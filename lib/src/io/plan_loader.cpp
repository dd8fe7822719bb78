// Loading a plan: one layer reader call per manifest layer, then the rows become the
// domain types of plan.hpp.
#include <basinkit/error.hpp>
#include <basinkit/plan.hpp>
#include <basinkit/report.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "common/parallel.hpp"
#include "crs/srs.hpp"
#include "io/layer_reader.hpp"

namespace basinkit {
namespace {

using io::FieldRole;
using io::GeometryKind;
using io::RawFeature;

std::string value(const RawFeature& f, const std::string& role) {
  auto it = f.values.find(role);
  if (it == f.values.end() || !it->second) return "";
  // Codes and names are compared exactly; stray spaces from fixed-width DBF fields are not
  // part of them.
  const std::string& s = *it->second;
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

void fill_common(PlanFeature& out, RawFeature& raw, const std::set<std::string>& own_roles) {
  out.fid = raw.fid;
  out.code = value(raw, "code");
  out.name = value(raw, "name");
  out.geometry = std::move(raw.geometry);
  out.geometry_issue = std::move(raw.issue);
  for (const auto& [role, v] : raw.values)
    if (!own_roles.count(role) && role != "code" && role != "name" && v) out.attributes[role] = *v;
}

int parse_level(const RawFeature& f, const LayerSource& src, const std::string& field) {
  const std::string s = value(f, "level");
  // At most 3 digits (levels 1..999): no overflow, whatever the data say.
  static const std::regex digits("^0*[0-9]{1,3}(\\.0*)?$");
  if (!std::regex_match(s, digits) || std::stoi(s) < 1) {
    Where w{src.source};
    w.layer = src.key;
    w.feature = std::to_string(f.fid);
    w.field = field;
    throw InputError(fmt::format("basin level must be a whole number >= 1, not '{}'", s), w);
  }
  return std::stoi(s);
}

/// County of a township without a county field: NBS township codes (9 or 12 digits)
/// start with their county's 6 digits.
std::string county_from_code(const std::string& code) {
  static const std::regex nbs("^[0-9]{9}([0-9]{3})?$");
  return std::regex_match(code, nbs) ? code.substr(0, 6) : "";
}

bool has_basins(const Manifest& manifest) {
  return std::any_of(manifest.layers.begin(), manifest.layers.end(),
                     [](const LayerSpec& l) { return l.key.rfind("basins", 0) == 0; });
}

struct LayerKind {
  GeometryKind geometry;
  std::vector<FieldRole> roles;
};

/// `manifest`: a units layer needs `basin` only in a plan with basins and `township`
/// only in a plan with townships (a watershed dataset has units alone).
LayerKind kind_of(const Manifest& manifest, const LayerSpec& spec, int basin_level) {
  if (spec.key == "basins")
    return {GeometryKind::polygon,
            {{"code", true}, {"name", false}, {"level", true}, {"parent", true}}};
  if (basin_level > 0)
    return {GeometryKind::polygon, {{"code", true}, {"name", false}, {"parent", basin_level > 1}}};
  if (spec.key == "units")
    return {GeometryKind::polygon,
            {{"code", true},
             {"name", false},
             {"basin", has_basins(manifest)},
             {"township", manifest.find("townships") != nullptr},
             {"downstream", false}}};
  if (spec.key == "townships")
    return {GeometryKind::polygon, {{"code", true}, {"name", false}, {"county", false}}};
  if (spec.key == "rivers")
    return {GeometryKind::line,
            {{"name", false},
             {"class", false},
             {"from", false},
             {"to", false},
             {"id", false},
             {"toid", false}}};
  if (spec.key == "sections")
    return {GeometryKind::point,
            {{"code", true},
             {"name", false},
             {"river", false},
             {"target", false},
             {"kind", false},
             {"unit", false}}};
  if (spec.key == "zones")
    return {GeometryKind::polygon, {{"code", true}, {"name", false}, {"kind", false}}};
  if (spec.key == "boundary" || spec.key == "allowed_gaps")
    return {GeometryKind::polygon, {{"code", false}, {"name", false}}};
  return {GeometryKind::any, {{"code", false}, {"name", false}}};
}

}  // namespace

Plan load_plan(const std::string& manifest_path, const LoadOptions& options) {
  return load_plan(read_manifest(manifest_path), options);
}

Plan load_plan(const Manifest& manifest, const LoadOptions& options) {
  Plan plan;
  plan.manifest = manifest;
  plan.working_crs = manifest.crs;
  crs::SrsPtr working;
  try {
    working = crs::working_crs(manifest.crs);
  } catch (const InputError& e) {
    throw InputError(e.problem(), Where{manifest.path, "", "", "crs"});
  }
  plan.working_crs_name = working->GetName() ? working->GetName() : manifest.crs;

  io::ReadOptions read_options;
  read_options.allow_network = options.allow_network;
  read_options.allow_ballpark = manifest.allow_ballpark;
  static const std::regex level_key("^basins_l([0-9]+)$");

  // The layers are read on every core (a province's units are millions of vertices),
  // then assembled in manifest order; the first layer in that order that fails is the
  // error reported, whatever the timing.
  const size_t n = manifest.layers.size();
  std::vector<int> levels(n, 0);
  std::vector<io::LayerContents> read(n);
  std::vector<std::exception_ptr> failed(n);
  // An OGRSpatialReference is not safe to share between threads, even to read: one each.
  std::vector<crs::SrsPtr> targets;
  for (size_t i = 0; i < n; ++i) {
    targets.push_back(crs::traditional_copy(*working));
    std::smatch match;
    if (std::regex_match(manifest.layers[i].key, match, level_key)) levels[i] = std::stoi(match[1]);
  }
  // The SHA-256 of each source file (LayerSource::sha256, for reports' provenance) is
  // taken on the same workers after the layers are handed out, so that it fills the time
  // a core would idle while the largest layer is read. Several layers often share one
  // file (a GeoPackage): each file once. A folder of shapefiles is hashed per layer, once
  // its .shp is known.
  std::map<std::string, std::string> digests;
  for (const LayerSpec& spec : manifest.layers) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(spec.resolved, ec)) digests[spec.resolved];
  }
  std::vector<std::map<std::string, std::string>::iterator> to_hash;
  for (auto it = digests.begin(); it != digests.end(); ++it) to_hash.push_back(it);
  parallel_for(n + to_hash.size(), 0, [&](size_t i, int) {
    if (i >= n) {
      to_hash[i - n]->second = sha256_of_file(to_hash[i - n]->first);
      return;
    }
    try {
      const LayerKind kind = kind_of(manifest, manifest.layers[i], levels[i]);
      read[i] =
          io::read_layer(manifest.layers[i], kind.roles, kind.geometry, *targets[i], read_options);
      if (!digests.count(read[i].source.resolved))
        read[i].source.sha256 = sha256_of_file(io::main_source_file(read[i].source));
    } catch (...) {
      failed[i] = std::current_exception();
    }
  });
  for (const std::exception_ptr& e : failed)
    if (e) std::rethrow_exception(e);
  for (io::LayerContents& contents : read) {
    const auto digest = digests.find(contents.source.resolved);
    if (digest != digests.end()) contents.source.sha256 = digest->second;
  }

  for (size_t i = 0; i < n; ++i) {
    const LayerSpec& spec = manifest.layers[i];
    const int basin_level = levels[i];
    io::LayerContents contents = std::move(read[i]);
    read[i] = {};
    const LayerSource& src = contents.source;

    if (spec.key == "basins" || basin_level > 0) {
      const auto level_field = spec.fields.count("level") ? spec.fields.at("level") : "level";
      for (RawFeature& raw : contents.features) {
        Basin b;
        b.level = basin_level > 0 ? basin_level : parse_level(raw, src, level_field);
        b.parent = value(raw, "parent");
        b.layer = spec.key;
        fill_common(b, raw, {"level", "parent"});
        plan.basins.push_back(std::move(b));
      }
    } else if (spec.key == "units") {
      for (RawFeature& raw : contents.features) {
        ControlUnit u;
        u.basin = value(raw, "basin");
        u.township = value(raw, "township");
        if (raw.values.count("downstream")) u.downstream = value(raw, "downstream");
        fill_common(u, raw, {"basin", "township", "downstream"});
        plan.units.push_back(std::move(u));
      }
    } else if (spec.key == "townships") {
      for (RawFeature& raw : contents.features) {
        Township t;
        fill_common(t, raw, {"county"});
        t.county = raw.values.count("county") ? value(raw, "county") : county_from_code(t.code);
        plan.townships.push_back(std::move(t));
      }
    } else {
      auto& features = plan.layers[spec.key];
      for (RawFeature& raw : contents.features) {
        PlanFeature f;
        fill_common(f, raw, {});
        features.push_back(std::move(f));
      }
    }
    plan.sources.push_back(src);
  }
  return plan;
}

}  // namespace basinkit
