#pragma once
// Screening project sites against rule lists (DESIGN.md sections 6 and 7): "may this
// project be built here, and why?"
//
//   basinkit::Plan plan = basinkit::load_plan("plan.yaml");
//   basinkit::Screener screener(plan, {basinkit::read_rules("rules.yaml")});
//   basinkit::Site site = ...;  // geometry in the working CRS
//   basinkit::SiteResult r = screener.screen(site);  // r.verdict, r.rules

#include <basinkit/geometry.hpp>
#include <basinkit/locate.hpp>
#include <basinkit/plan.hpp>
#include <basinkit/rules.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace basinkit {

/// A candidate project site.
struct Site {
  std::string id;        ///< text; the feature id when the source has no id field
  std::string industry;  ///< GB/T 4754 code
  std::string action;    ///< new | expand | rebuild | relocate
  /// Other attributes by field name, as text; absent or NULL fields are not in the map.
  std::map<std::string, std::string> attributes;
  Geometry geometry;  ///< working CRS; point, line or polygon
};

enum class Verdict { prohibited, restricted, encouraged, permitted, unlisted };
const char* to_string(Verdict verdict);

/// Why a rule applied.
struct Evidence {
  std::optional<double> distance_m;  ///< near: distance to the nearest scoped feature
  std::optional<double> overlap_m2;  ///< area of a polygon site inside the scope (0 on the edge)
  std::optional<std::string> unit;   ///< unit scope: the matched unit
  std::optional<std::string> zone;   ///< in / basin / township / county: the matched feature
};

struct AppliedRule {
  const Rule* rule = nullptr;  ///< into the Screener's rule files
  std::string file;            ///< the rule file as given
  Evidence evidence;
};

struct SiteResult {
  std::string id;
  Verdict verdict = Verdict::unlisted;
  Location location;               ///< for lines and polygons: the unit/township holding most of it
  std::vector<AppliedRule> rules;  ///< every applicable rule, in file then rule order
  std::vector<std::string> missing;  ///< attributes a comparison needed but the site lacks
  std::string error;  ///< non-empty when the site could not be screened (bad geometry)
};

class SiteReader;
struct StreamOptions;

/// Rules compiled against a plan: every scope indexed once. Throws InputError (file,
/// line, rule id) for a rule naming an unknown layer, field, basin, unit, township or
/// county, before any site is read. screen() is const and safe to call from several
/// threads at once.
class Screener {
 public:
  Screener(const Plan& plan, std::vector<RuleFile> files);
  ~Screener();
  Screener(Screener&&) noexcept;
  Screener& operator=(Screener&&) noexcept;

  SiteResult screen(const Site& site) const;
  /// screen() into the result of an earlier site: all of it is overwritten, but its
  /// strings, map and vectors are reused, so a loop over many sites stops allocating them.
  void screen(const Site& site, SiteResult& out) const;
  const std::vector<RuleFile>& files() const;

 private:
  friend std::int64_t screen_stream(const Screener&, SiteReader&,
                                    const std::function<void(const Site&, const SiteResult&)>&,
                                    const StreamOptions&);
  /// screen(site, out) of a point site whose coordinates the caller has already read (the stream
  /// reads them to sort its chunks): no second visit to the site's GEOS point.
  void screen_point(const Site& site, double x, double y, SiteResult& out) const;

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// How to read sites from an OGR source.
struct SiteSource {
  std::string path;   ///< any OGR source; CSV/XLSX with lon/lat, x/y or 经度/纬度 columns
  std::string layer;  ///< when the source has several
  std::string srs;    ///< overrides the source's CRS; "GCJ02" allowed; CSV default EPSG:4326
  /// Role → field name: id, industry, action (e.g. {"id", "XMBH"}).
  std::map<std::string, std::string> fields;
  /// DEFAULT all. The other fields to read into Site::attributes, when not all are needed:
  /// compared_attributes() of the rules, for a screen (turning each value of a field into
  /// text has a cost, a real number's most of all). A name the layer does not have is
  /// ignored: a rule comparing it finds it missing, as it would without this list.
  std::optional<std::set<std::string>> attributes;
  bool allow_network = false;
};

/// Reads sites one chunk at a time, in input order, reprojected to the working CRS.
/// Sites whose geometry is bad are still returned (with a null geometry and the reason
/// in `error`), so that every input site appears in the output.
class SiteReader {
 public:
  SiteReader(const SiteSource& source, const std::string& working_crs);
  ~SiteReader();
  /// Up to `max` next sites (fewer at the end; empty when done). `errors[i]` is empty
  /// or why site i has no usable geometry.
  std::vector<Site> next(size_t max, std::vector<std::string>* errors);
  /// The same into `sites`, whose elements (from an earlier call) are reused: strings and
  /// attribute maps assigned, not rebuilt. `sites` is resized to the number read.
  void next(size_t max, std::vector<Site>& sites, std::vector<std::string>* errors);
  /// CRS of the source and the transformation used, for provenance.
  std::string description() const;
  /// How many sites the source holds when it can tell without reading them all
  /// (GeoPackage, shapefile, …: OGR's fast feature count), else -1 (e.g. CSV). For a
  /// progress bar's total.
  std::int64_t count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Screens every site `reader` yields, in fixed-size chunks on `threads` workers, and
/// hands each site and its result to `sink` in input order (memory stays flat however
/// many sites). Returns the number of sites.
struct StreamOptions {
  int threads = 0;            ///< DEFAULT 0 = all cores
  size_t chunk_size = 16384;  ///< DEFAULT 16384 sites per chunk (memory stays bounded)
  /// DEFAULT none. Progress, for a progress bar: the number of sites done (screened and
  /// handed to `sink`), after each chunk; it rises and its last value is the total that
  /// screen_stream returns (SiteReader::count() when the source knew it; no call without
  /// sites). Called from a writing thread, never from two at once; it must not throw.
  std::function<void(std::int64_t sites_done)> progress;
};
std::int64_t screen_stream(const Screener& screener, SiteReader& reader,
                           const std::function<void(const Site&, const SiteResult&)>& sink,
                           const StreamOptions& options);

}  // namespace basinkit
