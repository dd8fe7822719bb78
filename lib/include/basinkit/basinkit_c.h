/* basinkit's C API: a small, stable interface for programs that cannot use C++.
 *
 * It covers the library's main jobs: open a basin plan, validate it, screen one site
 * against rule lists, trace the river network and assess its monitoring sections. Everything is
 * reached through opaque handles (`bk_plan`, `bk_screener`, `bk_error`) that the caller frees with
 * the matching `*_free` function. No C++ exception crosses this boundary: every function catches
 * them and reports a status instead.
 *
 * Conventions
 * - Strings are UTF-8 and NUL-terminated. Strings returned through `char**` are owned by
 *   the caller and freed with bk_string_free().
 * - Functions that create a handle return it, or NULL on failure. Other functions return
 *   a bk_status: BK_OK (0) or the error code, which mirrors the CLI's exit statuses
 *   (DESIGN.md section 7): BK_ERROR_INPUT (2) for bad input or bad usage,
 *   BK_ERROR_INTERNAL (3) for an internal error.
 * - The last parameter, `bk_error** error`, may be NULL. When it is not and the call
 *   fails, `*error` receives a new error (code and message, which names the file, layer,
 *   feature and field as far as they are known); free it with bk_error_free(). On success
 *   `*error` is left untouched.
 * - JSON documents returned have exactly the shape of the CLI's `--format json` output
 *   (docs/cli.md).
 *
 *   bk_error* err = NULL;
 *   bk_plan* plan = bk_plan_open("data/shapefiles/plan.yaml", &err);
 *   if (!plan) { fprintf(stderr, "%s\n", bk_error_message(err)); bk_error_free(err); }
 *
 * Thread safety: handles may be shared between threads for the const operations
 * (bk_validate, bk_screen_point, bk_trace, bk_assess); opening and freeing must not race with their
 * use.
 */
#ifndef BASINKIT_BASINKIT_C_H
#define BASINKIT_BASINKIT_C_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Status of a call; the error codes equal the CLI's exit statuses. */
typedef enum bk_status {
  BK_OK = 0,
  BK_ERROR_INPUT = 2,   /**< bad input or bad usage: missing file, bad rule, NULL argument */
  BK_ERROR_INTERNAL = 3 /**< an internal error (out of memory, a bug) */
} bk_status;

/** A loaded plan (basins, units, townships, other layers) in its working CRS. */
typedef struct bk_plan bk_plan;
/** Rule files compiled against a plan, ready to screen sites. */
typedef struct bk_screener bk_screener;
/** Why a call failed: a code and a message. */
typedef struct bk_error bk_error;

/** The verdict of a screened site, strongest first (DESIGN.md section 6). */
typedef enum bk_verdict {
  BK_VERDICT_PROHIBITED = 0,
  BK_VERDICT_RESTRICTED = 1,
  BK_VERDICT_ENCOURAGED = 2,
  BK_VERDICT_PERMITTED = 3,
  BK_VERDICT_UNLISTED = 4
} bk_verdict;

/** Check groups for bk_validate(), as `basinkit validate --only` names them; combine with |.
 *  0 runs every group. */
enum { BK_CHECK_HIERARCHY = 1, BK_CHECK_COVERAGE = 2, BK_CHECK_JURISDICTION = 4 };

/** basinkit's version, e.g. "0.1.0" (static storage; do not free). */
const char* bk_version(void);

/** The error's code: BK_ERROR_INPUT or BK_ERROR_INTERNAL (BK_OK for a NULL error). */
bk_status bk_error_code(const bk_error* error);
/** The error's message (owned by the error; "" for a NULL error). */
const char* bk_error_message(const bk_error* error);
/** Frees an error; NULL is allowed. */
void bk_error_free(bk_error* error);

/** Frees a string returned by this API; NULL is allowed. */
void bk_string_free(char* text);

/** "prohibited", "restricted", "encouraged", "permitted" or "unlisted" (static storage);
 *  "" for a value outside the enum. */
const char* bk_verdict_name(bk_verdict verdict);

/** Reads a plan manifest (YAML) and every layer it names, reprojected to the working CRS.
 *  Network sources (URLs, /vsicurl/...) are refused. Returns NULL on failure: a missing
 *  or bad file, layer or field is BK_ERROR_INPUT and the message names it. */
bk_plan* bk_plan_open(const char* manifest_path, bk_error** error);
/** Frees a plan; NULL is allowed. Free every screener opened on it first. */
void bk_plan_free(bk_plan* plan);

/** Validates the plan (`basinkit validate`). `checks`: BK_CHECK_* flags, 0 = all;
 *  `threads`: worker threads, 0 = all cores. Outputs are optional (NULL to skip):
 *  `errors` and `warnings` receive the counts of findings by severity, `report_json` a
 *  new string holding the JSON report (findings, summary, provenance). */
bk_status bk_validate(const bk_plan* plan, unsigned checks, int threads, int64_t* errors,
                      int64_t* warnings, char** report_json, bk_error** error);

/** Compiles `n_rules` rule files (YAML, province/city/county lists in order) against the
 *  plan. The plan must outlive the screener. Returns NULL on failure: a rule naming an
 *  unknown layer, field or code is BK_ERROR_INPUT and the message names file, line and
 *  rule id. */
bk_screener* bk_screener_open(const bk_plan* plan, const char* const* rule_paths, size_t n_rules,
                              bk_error** error);
/** Frees a screener; NULL is allowed. */
void bk_screener_free(bk_screener* screener);

/** Screens one point site (`basinkit screen --at X,Y`). `x`, `y`: easting/longitude and
 *  northing/latitude in `srs` (any PROJ/OGR definition or "GCJ02"; NULL means
 *  "EPSG:4326", lon,lat whatever the CRS's axis order). `industry`: GB/T 4754 code, e.g.
 *  "C2614"; `action`: "new", "expand", "rebuild" or "relocate" (either may be NULL).
 *  Outputs are optional: `verdict` receives the verdict, `result_json` a new string
 *  holding the screening report of this one site (id "1", its location and every
 *  applicable rule with its legal basis). */
bk_status bk_screen_point(const bk_screener* screener, double x, double y, const char* srs,
                          const char* industry, const char* action, bk_verdict* verdict,
                          char** result_json, bk_error** error);

/** The direction of bk_trace(). */
typedef enum bk_direction {
  BK_DOWNSTREAM = 0, /**< where the water goes */
  BK_UPSTREAM = 1    /**< where the water comes from */
} bk_direction;

/** Traces the plan's river network (`basinkit trace --section CODE` or `--unit CODE`,
 *  with `--upstream` or `--downstream`): give exactly one of `section` (a monitoring
 *  section code) and `unit` (a control unit code); the other is NULL. `result_json`
 *  (required) receives a new string holding the trace, the CLI's `--format json` output
 *  (docs/network.md). An unknown code is BK_ERROR_INPUT and the message names it. The
 *  network is built from the plan on each call, as the CLI does. `direction` is a
 *  bk_direction, passed as an int so that any other value is a checked BK_ERROR_INPUT
 *  (an out-of-range enum value is undefined behaviour in the C++ that implements it). */
bk_status bk_trace(const bk_plan* plan, const char* section, const char* unit, int direction,
                   char** result_json, bk_error** error);

/** Assesses the plan's monitoring sections (`basinkit assess`, docs/assessment.md).
 *  `monitoring_path`: the monitoring rows (CSV, XLSX, GPKG or any OGR table);
 *  `period`: "2026-10", "2026" or "2026-01..2026-06", NULL (or "") for the latest month
 *  in the data; `config_path`: an assessment config (YAML), NULL (or "") for the
 *  defaults.
 *  `report_json` (required) receives a new string holding the report, the CLI's
 *  `--format json` output. A missing or bad file, row or value is BK_ERROR_INPUT and the
 *  message names file, row and column. */
bk_status bk_assess(const bk_plan* plan, const char* monitoring_path, const char* period,
                    const char* config_path, char** report_json, bk_error** error);

#ifdef __cplusplus
}
#endif

#endif /* BASINKIT_BASINKIT_C_H */
