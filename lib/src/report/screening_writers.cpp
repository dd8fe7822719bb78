// Screening reports (DESIGN.md section 7): JSON, CSV, GeoJSON and GeoPackage, written one
// site at a time as the sites are screened, so that memory does not grow with their number.
//
// Every format carries the same site record: its JSON object is in site_json.hpp.
// The flat form (CSV, GeoPackage) has one row per site; its list
// columns (rules, effects, files, titles, basis, conditions) run in parallel, joined
// with ';', and `evidence` reads "N-HJ-001:distance_m=812.3" (rules without evidence
// left out, several members of one rule joined with ',').

#include <basinkit/error.hpp>
#include <basinkit/screening_report.hpp>

#include <fmt/format.h>

#include <fstream>
#include <optional>

#include "common/quiet_gdal.hpp"
#include "report/gpkg_styles.hpp"
#include "report/html_screening.hpp"
#include "report/report_common.hpp"
#include "report/site_json.hpp"
#include "report/table_output.hpp"

namespace basinkit {

void ScreeningSummary::add(Verdict v) {
  ++sites;
  switch (v) {
    case Verdict::prohibited:
      ++prohibited;
      break;
    case Verdict::restricted:
      ++restricted;
      break;
    case Verdict::encouraged:
      ++encouraged;
      break;
    case Verdict::permitted:
      ++permitted;
      break;
    case Verdict::unlisted:
      ++unlisted;
      break;
  }
}

namespace report {
namespace {

/// Features written to a GeoPackage between two commits: one transaction per feature
/// would be slow, one for the whole report would hold every site in the journal.
constexpr int kFeaturesPerTransaction = 10000;
/// JSON text gathered before a write to the stream.
constexpr size_t kFlushBytes = 1 << 20;

Json screening_summary_json(const ScreeningSummary& s) {
  return Json{{"sites", s.sites},           {"prohibited", s.prohibited},
              {"restricted", s.restricted}, {"encouraged", s.encouraged},
              {"permitted", s.permitted},   {"unlisted", s.unlisted}};
}

// ---- Flat form (CSV, GeoPackage) ------------------------------------------------------

std::vector<Column> site_columns(const std::vector<int>& levels) {
  std::vector<Column> columns = {{"id"},      {"verdict"},  {"unit"},
                                 {"manager"}, {"township"}, {"county"}};
  for (int level : levels) columns.push_back({fmt::format("basin_{}", level)});
  columns.push_back({"outside_plan", ColumnKind::boolean});
  for (const char* name : {"rules", "effects", "files", "titles", "basis", "conditions", "evidence",
                           "missing", "error"})
    columns.push_back({name});
  return columns;
}

/// "N-HJ-001:distance_m=812.3,zone=CP01;N-HJ-002:…" (numbers rounded, shortest form).
std::string evidence_text(const std::vector<AppliedRule>& rules) {
  std::vector<std::string> parts;
  for (const AppliedRule& applied : rules) {
    const Evidence& e = applied.evidence;
    std::vector<std::string> members;
    if (e.distance_m)
      members.push_back(fmt::format("distance_m={}", rounded(*e.distance_m, kMetricDecimals)));
    if (e.overlap_m2)
      members.push_back(fmt::format("overlap_m2={}", rounded(*e.overlap_m2, kMetricDecimals)));
    if (e.unit) members.push_back("unit=" + *e.unit);
    if (e.zone) members.push_back("zone=" + *e.zone);
    if (!members.empty())
      parts.push_back(fmt::format("{}:{}", rule_of(applied).id, fmt::join(members, ",")));
  }
  return joined(parts);
}

std::vector<FlatValue> site_values(const Site& site, const SiteResult& result,
                                   const std::vector<int>& levels) {
  const Location& at = result.location;
  std::vector<FlatValue> values = {
      text_value(site_id(site, result)), text_value(to_string(result.verdict)),
      optional_text_value(at.unit),      optional_text_value(at.manager),
      optional_text_value(at.township),  optional_text_value(at.county)};
  for (int level : levels) values.push_back(optional_text_value(basin_at(at, level)));
  values.push_back(boolean_value(at.outside_plan));

  std::vector<std::string> ids, effects, files, titles, basis, conditions;
  for (const AppliedRule& applied : result.rules) {
    const Rule& rule = rule_of(applied);
    ids.push_back(rule.id);
    effects.push_back(to_string(rule.effect));
    files.push_back(applied.file);
    titles.push_back(rule.title);
    basis.push_back(rule.basis);
    conditions.push_back(rule.condition);
  }
  for (const auto* list : {&ids, &effects, &files, &titles, &basis, &conditions})
    values.push_back(text_value(joined(*list)));
  values.push_back(text_value(evidence_text(result.rules)));
  values.push_back(text_value(joined(result.missing)));
  values.push_back(result.error.empty() ? FlatValue{} : text_value(result.error));
  return values;
}

/// Plan facts every writer needs.
struct PlanFacts {
  std::vector<int> levels;
  std::string working_crs;
};

PlanFacts facts_of(const Plan& plan, const Provenance& provenance) {
  return {plan.levels(), plan.working_crs.empty() ? provenance.working_crs : plan.working_crs};
}

// ---- Writers ---------------------------------------------------------------------------

/// JSON: `{"sites": [...], "summary": {...}, "provenance": {...}}`. The summary follows
/// the sites because they are streamed before it is known (JSON key order carries no
/// meaning, RFC 8259); the provenance is kept last with it.
class JsonWriter final : public ScreeningWriter {
 public:
  /// On a stream the caller owns.
  JsonWriter(std::ostream& out, const Provenance& provenance, const Plan& plan)
      : out_(&out), provenance_(provenance), facts_(facts_of(plan, provenance)) {
    start();
  }
  /// To a file.
  JsonWriter(const std::string& path, const Provenance& provenance, const Plan& plan)
      : file_(open_output(path)),
        path_(path),
        out_(&*file_),
        provenance_(provenance),
        facts_(facts_of(plan, provenance)) {
    start();
  }

  void write(const Site& site, const SiteResult& result) override {
    buffer_ += first_ ? "\n" : ",\n";
    site_json_.append(buffer_, site, result);
    first_ = false;
    if (buffer_.size() >= kFlushBytes) flush();
  }

  void finish(const ScreeningSummary& summary) override {
    flush();
    *out_ << (first_ ? "" : "\n") << "],\n\"summary\":" << dump(screening_summary_json(summary))
          << ",\n\"provenance\":" << dump(provenance_json(provenance_)) << "}\n";
    if (file_) finish_output(*file_, path_);
  }

 private:
  void start() { *out_ << "{\"sites\":["; }
  void flush() {
    out_->write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }

  std::optional<std::ofstream> file_;
  std::string path_;
  std::ostream* out_;
  Provenance provenance_;
  PlanFacts facts_;
  SiteJson site_json_{facts_.levels};
  bool first_ = true;
  std::string buffer_;  ///< sites not yet handed to the stream
};

class CsvWriter final : public ScreeningWriter {
 public:
  CsvWriter(const std::string& path, const Plan& plan, const Provenance& provenance)
      : out_(open_output(path)),
        path_(path),
        facts_(facts_of(plan, provenance)),
        columns_(site_columns(facts_.levels)) {
    write_csv_header(out_, columns_);
  }

  void write(const Site& site, const SiteResult& result) override {
    write_csv_row(out_, columns_, site_values(site, result, facts_.levels));
  }

  void finish(const ScreeningSummary&) override { finish_output(out_, path_); }

 private:
  std::ofstream out_;
  std::string path_;
  PlanFacts facts_;
  std::vector<Column> columns_;
};

/// GeoJSON FeatureCollection; provenance and summary are foreign members (RFC 7946
/// section 6.1), the summary after the features for the same reason as in JSON.
class GeoJsonWriter final : public ScreeningWriter {
 public:
  GeoJsonWriter(const std::string& path, const Provenance& provenance, const Plan& plan)
      : facts_(facts_of(plan, provenance)),
        to_lonlat_(facts_.working_crs, path),
        out_(open_output(path)),
        path_(path) {
    out_ << "{\"type\":\"FeatureCollection\",\n\"provenance\":" << dump(provenance_json(provenance))
         << ",\n\"features\":[";
  }

  void write(const Site& site, const SiteResult& result) override {
    const QuietGdal quiet;
    const std::string& id = site_id(site, result);
    const std::string geometry =
        geojson_geometry(to_ogr(site.geometry), to_lonlat_, fmt::format("site '{}'", id), path_);
    std::string properties;
    site_json_.append(properties, site, result);
    out_ << (first_ ? "\n" : ",\n") << "{\"type\":\"Feature\",\"properties\":" << properties
         << ",\"geometry\":" << geometry << '}';
    first_ = false;
  }

  void finish(const ScreeningSummary& summary) override {
    out_ << (first_ ? "" : "\n") << "],\n\"summary\":" << dump(screening_summary_json(summary))
         << "}\n";
    finish_output(out_, path_);
  }

 private:
  PlanFacts facts_;
  SiteJson site_json_{facts_.levels};
  ToLonLat to_lonlat_;
  std::ofstream out_;
  std::string path_;
  bool first_ = true;
};

/// GeoPackage: layer "sites" in the working CRS, the flat columns as fields; provenance
/// and summary in the dataset metadata (basinkit_provenance, basinkit_summary). XLSX: the
/// same columns on a sheet "sites", without geometry, codes as text cells. PostGIS: the
/// same as a table (pg_writer.cpp), provenance and summary in its comment.
class TableWriter final : public ScreeningWriter {
 public:
  TableWriter(TableTarget target, const Provenance& provenance, const Plan& plan)
      : target_(std::move(target)),
        path_(target_.path),
        format_(target_.format),
        facts_(facts_of(plan, provenance)),
        columns_(site_columns(facts_.levels)) {
    const QuietGdal quiet;
    crs::SrsPtr srs;
    if (!facts_.working_crs.empty()) srs = parse_crs(facts_.working_crs, path_);
    ds_ = open_table_output(target_);
    transactions_ = has_transactions(*ds_);
    ds_->SetMetadataItem("basinkit_provenance", dump(provenance_json(provenance)).c_str());
    layer_ = create_table_output_layer(*ds_, target_, srs.get(), columns_);
    begin();
  }

  ~TableWriter() override {
    if (ds_ && in_transaction_) {
      const QuietGdal quiet;
      ds_->RollbackTransaction();
    }
  }

  void write(const Site& site, const SiteResult& result) override {
    const QuietGdal quiet;
    OGRFeature feature(layer_->GetLayerDefn());
    set_fields(feature, site_values(site, result, facts_.levels));
    if (has_geometry(format_))
      if (OgrGeometryPtr g = to_ogr(site.geometry)) {
        kinds_ |= geometry_kinds(g.get());
        feature.SetGeometryDirectly(g.release());
      }
    CPLErrorReset();
    if (layer_->CreateFeature(&feature) != OGRERR_NONE)
      throw InputError(fmt::format("cannot write the site{}", gdal_detail()),
                       Where(path_, target_.layer, site_id(site, result)));
    if (++pending_ >= kFeaturesPerTransaction) {
      commit();
      begin();
    }
  }

  void finish(const ScreeningSummary& summary) override {
    const QuietGdal quiet;
    commit();
    // Its default QGIS style: sites coloured by verdict.
    if (format_ == TableFormat::gpkg)
      write_layer_styles(*ds_, {site_style("sites", kinds_)}, path_);
    ds_->SetMetadataItem("basinkit_summary", dump(screening_summary_json(summary)).c_str());
    close_table_output(std::move(ds_), target_);
  }

 private:
  void begin() {
    if (!transactions_) return;
    CPLErrorReset();
    if (ds_->StartTransaction() != OGRERR_NONE)
      throw InputError(fmt::format("cannot start a transaction{}", gdal_detail()),
                       Where(path_, target_.layer));
    in_transaction_ = true;
    pending_ = 0;
  }

  void commit() {
    if (!in_transaction_) return;
    in_transaction_ = false;
    CPLErrorReset();
    if (ds_->CommitTransaction() != OGRERR_NONE)
      throw InputError(fmt::format("cannot commit the sites{}", gdal_detail()),
                       Where(path_, target_.layer));
  }

  TableTarget target_;
  std::string path_;
  TableFormat format_;
  PlanFacts facts_;
  std::vector<Column> columns_;
  DatasetPtr ds_;
  bool transactions_ = false;
  OGRLayer* layer_ = nullptr;  ///< owned by ds_
  bool in_transaction_ = false;
  int pending_ = 0;
  unsigned kinds_ = 0;  ///< GeometryKind bits of the sites written
};

}  // namespace

std::unique_ptr<ScreeningWriter> table_screening_writer(const TableTarget& target,
                                                        const Provenance& provenance,
                                                        const Plan& plan) {
  return std::make_unique<TableWriter>(target, provenance, plan);
}

}  // namespace report

void check_screening_report_path(const std::string& path) {
  // The formats of finding reports, with the same message.
  check_report_path(path);
}

std::unique_ptr<ScreeningWriter> open_screening_report(const std::string& path,
                                                       const Provenance& provenance,
                                                       const Plan& plan) {
  check_screening_report_path(path);
  const std::string ext = report::extension_of(path);
  if (ext == ".json") return std::make_unique<report::JsonWriter>(path, provenance, plan);
  if (ext == ".csv") return std::make_unique<report::CsvWriter>(path, plan, provenance);
  if (ext == ".geojson") return std::make_unique<report::GeoJsonWriter>(path, provenance, plan);
  if (ext == ".html") return report::open_html_screening_report(path, provenance, plan);
  return report::table_screening_writer({path, report::table_format(path), "sites"}, provenance,
                                        plan);
}

std::unique_ptr<ScreeningWriter> json_screening_writer(std::ostream& out,
                                                       const Provenance& provenance,
                                                       const Plan& plan) {
  return std::make_unique<report::JsonWriter>(out, provenance, plan);
}

}  // namespace basinkit
