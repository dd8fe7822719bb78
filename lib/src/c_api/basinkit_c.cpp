// The C API (basinkit_c.h): opaque handles over the C++ library. Every entry point is
// noexcept and catches every exception at the boundary, mapping it to a status that
// mirrors the CLI's exit statuses: InputError → BK_ERROR_INPUT (2), anything else →
// BK_ERROR_INTERNAL (3).

#include <basinkit/basinkit_c.h>
#include <basinkit/assessment.hpp>
#include <basinkit/crs.hpp>
#include <basinkit/error.hpp>
#include <basinkit/network.hpp>
#include <basinkit/report.hpp>
#include <basinkit/screening.hpp>
#include <basinkit/screening_report.hpp>
#include <basinkit/validate.hpp>
#include <basinkit/version.hpp>

#include <fmt/format.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "report/report_common.hpp"

struct bk_error {
  bk_status code = BK_ERROR_INTERNAL;
  std::string message;
};

struct bk_plan {
  basinkit::Plan plan;
};

struct bk_screener {
  bk_screener(const basinkit::Plan& p, std::vector<basinkit::RuleFile> files,
              basinkit::Provenance prov)
      : plan(&p), screener(p, std::move(files)), provenance(std::move(prov)) {}
  const basinkit::Plan* plan;  ///< not owned; must outlive the screener
  basinkit::Screener screener;
  /// The plan's and rule files' provenance (with their SHA-256), computed once at open.
  basinkit::Provenance provenance;
};

namespace {

/// Stores an error for the caller, if it asked for one. Never throws: when even the error
/// cannot be allocated, the caller still gets the status code.
void set_error(bk_error** error, bk_status code, const char* message) noexcept {
  if (!error) return;
  try {
    *error = new bk_error{code, message};
  } catch (...) {
    *error = nullptr;
  }
}

/// Runs `body`, turning every exception into a status (and an error for the caller).
template <class Body>
bk_status guarded(bk_error** error, Body&& body) noexcept {
  try {
    body();
    return BK_OK;
  } catch (const basinkit::InputError& e) {
    set_error(error, BK_ERROR_INPUT, e.what());
    return BK_ERROR_INPUT;
  } catch (const std::bad_alloc&) {
    set_error(error, BK_ERROR_INTERNAL, "internal error: out of memory");
    return BK_ERROR_INTERNAL;
  } catch (const std::exception& e) {
    try {
      set_error(error, BK_ERROR_INTERNAL, (std::string("internal error: ") + e.what()).c_str());
    } catch (...) {
      set_error(error, BK_ERROR_INTERNAL, "internal error");
    }
    return BK_ERROR_INTERNAL;
  } catch (...) {
    set_error(error, BK_ERROR_INTERNAL, "internal error: unknown exception");
    return BK_ERROR_INTERNAL;
  }
}

/// Bad usage from C (a NULL handle or path) is bad input, like a bad CLI argument.
void require(const void* argument, const char* function, const char* name) {
  if (!argument) throw basinkit::InputError(fmt::format("{}: {} is NULL", function, name));
}

/// A malloc'd copy, for bk_string_free().
char* malloc_copy(const std::string& text) {
  char* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (!out) throw std::bad_alloc();
  std::memcpy(out, text.c_str(), text.size() + 1);
  return out;
}

bk_verdict to_c(basinkit::Verdict v) {
  switch (v) {
    case basinkit::Verdict::prohibited:
      return BK_VERDICT_PROHIBITED;
    case basinkit::Verdict::restricted:
      return BK_VERDICT_RESTRICTED;
    case basinkit::Verdict::encouraged:
      return BK_VERDICT_ENCOURAGED;
    case basinkit::Verdict::permitted:
      return BK_VERDICT_PERMITTED;
    case basinkit::Verdict::unlisted:
      break;
  }
  return BK_VERDICT_UNLISTED;
}

}  // namespace

extern "C" {

const char* bk_version(void) { return BASINKIT_VERSION; }

bk_status bk_error_code(const bk_error* error) { return error ? error->code : BK_OK; }

const char* bk_error_message(const bk_error* error) { return error ? error->message.c_str() : ""; }

void bk_error_free(bk_error* error) { delete error; }

void bk_string_free(char* text) { std::free(text); }

const char* bk_verdict_name(bk_verdict verdict) {
  switch (verdict) {
    case BK_VERDICT_PROHIBITED:
      return to_string(basinkit::Verdict::prohibited);
    case BK_VERDICT_RESTRICTED:
      return to_string(basinkit::Verdict::restricted);
    case BK_VERDICT_ENCOURAGED:
      return to_string(basinkit::Verdict::encouraged);
    case BK_VERDICT_PERMITTED:
      return to_string(basinkit::Verdict::permitted);
    case BK_VERDICT_UNLISTED:
      return to_string(basinkit::Verdict::unlisted);
  }
  return "";
}

bk_plan* bk_plan_open(const char* manifest_path, bk_error** error) {
  bk_plan* out = nullptr;
  guarded(error, [&] {
    require(manifest_path, "bk_plan_open", "manifest_path");
    out = new bk_plan{basinkit::load_plan(manifest_path)};
  });
  return out;
}

void bk_plan_free(bk_plan* plan) { delete plan; }

bk_status bk_validate(const bk_plan* plan, unsigned checks, int threads, int64_t* errors,
                      int64_t* warnings, char** report_json, bk_error** error) {
  return guarded(error, [&] {
    require(plan, "bk_validate", "plan");
    constexpr unsigned kAll = BK_CHECK_HIERARCHY | BK_CHECK_COVERAGE | BK_CHECK_JURISDICTION;
    if ((checks & ~kAll) != 0)
      throw basinkit::InputError(
          fmt::format("bk_validate: unknown check flags {:#x} (use BK_CHECK_*)", checks & ~kAll));
    basinkit::ValidateOptions options;
    options.threads = threads < 0 ? 0 : threads;
    if (checks & BK_CHECK_HIERARCHY) options.only.insert(basinkit::CheckGroup::hierarchy);
    if (checks & BK_CHECK_COVERAGE) options.only.insert(basinkit::CheckGroup::coverage);
    if (checks & BK_CHECK_JURISDICTION) options.only.insert(basinkit::CheckGroup::jurisdiction);
    const basinkit::ValidationResult result = basinkit::validate(plan->plan, options);

    basinkit::FindingReport report;
    report.findings = &result.findings;
    report.summary = basinkit::summarize(result.findings);
    report.summary.skipped = result.skipped;
    char* json = nullptr;
    if (report_json) {
      report.provenance = basinkit::plan_provenance(plan->plan, "bk_validate (basinkit C API)");
      report.working_crs = plan->plan.working_crs;
      std::ostringstream text;
      basinkit::write_json(report, text);
      json = malloc_copy(text.str());
    }
    // Outputs are written only once nothing can fail any more.
    if (errors) *errors = report.summary.errors;
    if (warnings) *warnings = report.summary.warnings;
    if (report_json) *report_json = json;
  });
}

bk_screener* bk_screener_open(const bk_plan* plan, const char* const* rule_paths, size_t n_rules,
                              bk_error** error) {
  bk_screener* out = nullptr;
  guarded(error, [&] {
    require(plan, "bk_screener_open", "plan");
    if (n_rules > 0) require(rule_paths, "bk_screener_open", "rule_paths");
    std::vector<basinkit::RuleFile> files;
    basinkit::Provenance provenance = basinkit::plan_provenance(plan->plan, "");
    for (size_t i = 0; i < n_rules; ++i) {
      require(rule_paths[i], "bk_screener_open", "a rule path");
      files.push_back(basinkit::read_rules(rule_paths[i]));
      provenance.inputs.push_back(
          {"rules", rule_paths[i], "", basinkit::sha256_of_file(rule_paths[i]), "", ""});
    }
    out = new bk_screener(plan->plan, std::move(files), std::move(provenance));
  });
  return out;
}

void bk_screener_free(bk_screener* screener) { delete screener; }

bk_status bk_screen_point(const bk_screener* screener, double x, double y, const char* srs,
                          const char* industry, const char* action, bk_verdict* verdict,
                          char** result_json, bk_error** error) {
  return guarded(error, [&] {
    require(screener, "bk_screen_point", "screener");
    if (action && std::strcmp(action, "new") != 0 && std::strcmp(action, "expand") != 0 &&
        std::strcmp(action, "rebuild") != 0 && std::strcmp(action, "relocate") != 0)
      throw basinkit::InputError(fmt::format(
          "bk_screen_point: action '{}' is not one of new, expand, rebuild, relocate", action));
    const basinkit::Plan& plan = *screener->plan;
    const std::string from = srs && *srs ? srs : "EPSG:4326";
    const double given_x = x, given_y = y;
    basinkit::PointTransform(from, plan.working_crs).apply(x, y);

    basinkit::Site site;
    site.id = "1";
    site.industry = industry ? industry : "";
    site.action = action ? action : "";
    site.geometry = basinkit::Geometry::from_wkt(fmt::format("POINT ({:.17g} {:.17g})", x, y));
    const basinkit::SiteResult result = screener->screener.screen(site);

    char* json = nullptr;
    if (result_json) {
      basinkit::Provenance provenance = screener->provenance;
      provenance.created_utc = basinkit::report::now_utc();
      provenance.command_line = fmt::format(
          "bk_screen_point (basinkit C API) --at {:.17g},{:.17g} --srs {} --industry {} "
          "--action {}",
          given_x, given_y, from, site.industry, site.action);
      std::ostringstream text;
      basinkit::ScreeningSummary summary;
      summary.add(result.verdict);
      const auto writer = basinkit::json_screening_writer(text, provenance, plan);
      writer->write(site, result);
      writer->finish(summary);
      json = malloc_copy(text.str());
    }
    if (verdict) *verdict = to_c(result.verdict);
    if (result_json) *result_json = json;
  });
}

bk_status bk_trace(const bk_plan* plan, const char* section, const char* unit, int direction,
                   char** result_json, bk_error** error) {
  return guarded(error, [&] {
    require(plan, "bk_trace", "plan");
    require(result_json, "bk_trace", "result_json");
    if ((section == nullptr) == (unit == nullptr))
      throw basinkit::InputError("bk_trace: give exactly one of section and unit");
    if (direction != BK_DOWNSTREAM && direction != BK_UPSTREAM)
      throw basinkit::InputError(fmt::format(
          "bk_trace: unknown direction {} (use BK_DOWNSTREAM or BK_UPSTREAM)", direction));
    basinkit::TraceQuery query;
    query.direction = direction == BK_UPSTREAM ? basinkit::TraceDirection::upstream
                                               : basinkit::TraceDirection::downstream;
    if (section) query.section = section;
    if (unit) query.unit = unit;
    const basinkit::DrainageNetwork network = basinkit::build_network(plan->plan);
    const basinkit::TraceResult result = basinkit::trace(plan->plan, network, query);
    const basinkit::Provenance provenance = basinkit::plan_provenance(
        plan->plan, fmt::format("bk_trace (basinkit C API) --{} {} --{}",
                                section ? "section" : "unit", section ? section : unit,
                                direction == BK_UPSTREAM ? "upstream" : "downstream"));
    std::ostringstream text;
    basinkit::write_trace_json(plan->plan, network, result, provenance, text);
    *result_json = malloc_copy(text.str());
  });
}

bk_status bk_assess(const bk_plan* plan, const char* monitoring_path, const char* period,
                    const char* config_path, char** report_json, bk_error** error) {
  return guarded(error, [&] {
    require(plan, "bk_assess", "plan");
    require(monitoring_path, "bk_assess", "monitoring_path");
    require(report_json, "bk_assess", "report_json");
    // "" is no value, as an empty CLI option.
    if (period && !*period) period = nullptr;
    if (config_path && !*config_path) config_path = nullptr;
    std::string command_line =
        fmt::format("bk_assess (basinkit C API) --monitoring {}", monitoring_path);
    if (period) command_line += fmt::format(" --period {}", period);
    if (config_path) command_line += fmt::format(" --config {}", config_path);
    const basinkit::Assessment assessment =
        basinkit::run_assessment(plan->plan,
                                 basinkit::AssessmentRequest{monitoring_path, period ? period : "",
                                                             config_path ? config_path : ""},
                                 command_line);
    std::ostringstream text;
    basinkit::write_assessment_json(assessment.report(), text);
    *report_json = malloc_copy(text.str());
  });
}

}  // extern "C"
