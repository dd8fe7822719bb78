/* The C API (basinkit_c.h) from plain C on the demo plan: open, validate, screen one
 * site, trace, assess, free, and the error codes and messages of bad input. argv[1] is
 * the basinkit CLI, run to compare its JSON with the C API's. Exit status 0 = passed. */
#define _POSIX_C_SOURCE 200809L /* popen */

#include <basinkit/basinkit_c.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef BASINKIT_DEMO_DIR
#error "BASINKIT_DEMO_DIR must name data/shapefiles"
#endif

static int failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

static const char* const kPlan = BASINKIT_DEMO_DIR "/plan.yaml";
static const char* const kRules = BASINKIT_DEMO_DIR "/rules.yaml";
static const char* const kMonitoring = BASINKIT_DEMO_DIR "/monitoring.csv";
static const char* cli = NULL; /* argv[1] */

static void version_is_set(void) { CHECK(strlen(bk_version()) > 0); }

static void a_missing_plan_is_bad_input_naming_the_file(void) {
  const char* path = "/nonexistent/basinkit/plan.yaml";
  bk_error* err = NULL;
  bk_plan* plan = bk_plan_open(path, &err);
  CHECK(plan == NULL);
  CHECK(err != NULL);
  CHECK(bk_error_code(err) == BK_ERROR_INPUT);
  CHECK(strstr(bk_error_message(err), path) != NULL);
  if (err) fprintf(stderr, "expected error: %s\n", bk_error_message(err));
  bk_error_free(err);
  /* The error out-parameter is optional. */
  CHECK(bk_plan_open(path, NULL) == NULL);
}

static void null_arguments_are_bad_input(void) {
  bk_error* err = NULL;
  CHECK(bk_plan_open(NULL, &err) == NULL);
  CHECK(bk_error_code(err) == BK_ERROR_INPUT);
  CHECK(strstr(bk_error_message(err), "manifest_path") != NULL);
  bk_error_free(err);
  err = NULL;
  CHECK(bk_validate(NULL, 0, 0, NULL, NULL, NULL, &err) == BK_ERROR_INPUT);
  bk_error_free(err);
  CHECK(bk_error_code(NULL) == BK_OK);
  CHECK(strcmp(bk_error_message(NULL), "") == 0);
}

static void the_demo_plan_validates_with_seven_warnings(const bk_plan* plan) {
  bk_error* err = NULL;
  int64_t errors = -1, warnings = -1;
  char* json = NULL;
  CHECK(bk_validate(plan, 0, 0, &errors, &warnings, &json, &err) == BK_OK);
  CHECK(err == NULL);
  CHECK(errors == 0);
  CHECK(warnings == 7);
  CHECK(json != NULL);
  if (json) {
    CHECK(strstr(json, "\"findings\"") != NULL);
    CHECK(strstr(json, "\"provenance\"") != NULL);
  }
  bk_string_free(json);
  /* Counts only, one group. */
  CHECK(bk_validate(plan, BK_CHECK_HIERARCHY, 1, &errors, NULL, NULL, NULL) == BK_OK);
  CHECK(errors == 0);
  CHECK(bk_validate(plan, 64, 0, NULL, NULL, NULL, &err) == BK_ERROR_INPUT);
  bk_error_free(err);
}

static void a_chemical_plant_by_the_han_river_is_prohibited(const bk_plan* plan) {
  bk_error* err = NULL;
  const char* rules[] = {kRules};
  bk_screener* screener = bk_screener_open(plan, rules, 1, &err);
  CHECK(screener != NULL);
  CHECK(err == NULL);
  if (!screener) {
    fprintf(stderr, "%s\n", bk_error_message(err));
    bk_error_free(err);
    return;
  }
  bk_verdict verdict = BK_VERDICT_UNLISTED;
  char* json = NULL;
  CHECK(bk_screen_point(screener, 112.42309, 31.36735, "EPSG:4326", "C2614", "new", &verdict, &json,
                        &err) == BK_OK);
  CHECK(verdict == BK_VERDICT_PROHIBITED);
  CHECK(strcmp(bk_verdict_name(verdict), "prohibited") == 0);
  CHECK(json != NULL);
  if (json) {
    CHECK(strstr(json, "\"verdict\":\"prohibited\"") != NULL);
    CHECK(strstr(json, "\"sites\"") != NULL);
  }
  bk_string_free(json);

  /* NULL srs means EPSG:4326; the JSON output is optional. */
  verdict = BK_VERDICT_UNLISTED;
  CHECK(bk_screen_point(screener, 112.42309, 31.36735, NULL, "C2614", "new", &verdict, NULL,
                        NULL) == BK_OK);
  CHECK(verdict == BK_VERDICT_PROHIBITED);

  CHECK(bk_screen_point(screener, 112.42309, 31.36735, NULL, "C2614", "demolish", &verdict, NULL,
                        &err) == BK_ERROR_INPUT);
  CHECK(strstr(bk_error_message(err), "demolish") != NULL);
  bk_error_free(err);
  err = NULL;
  CHECK(bk_screen_point(screener, 112.42309, 31.36735, "EPSG:not-a-crs", "C2614", "new", &verdict,
                        NULL, &err) == BK_ERROR_INPUT);
  bk_error_free(err);
  bk_screener_free(screener);
}

static void a_missing_rule_file_is_bad_input_naming_the_file(const bk_plan* plan) {
  const char* rules[] = {"/nonexistent/basinkit/rules.yaml"};
  bk_error* err = NULL;
  CHECK(bk_screener_open(plan, rules, 1, &err) == NULL);
  CHECK(bk_error_code(err) == BK_ERROR_INPUT);
  CHECK(strstr(bk_error_message(err), rules[0]) != NULL);
  bk_error_free(err);
}

/* The stdout of `cli ARGS` (a new string to free), or NULL when it fails. */
static char* run_cli(const char* args) {
  char command[4096];
  snprintf(command, sizeof command, "'%s' %s", cli, args);
  FILE* pipe = popen(command, "r");
  if (!pipe) return NULL;
  size_t size = 0, capacity = 1 << 16;
  char* out = malloc(capacity);
  size_t n;
  while (out && (n = fread(out + size, 1, capacity - size - 1, pipe)) > 0) {
    size += n;
    if (capacity - size < 2) {
      char* grown = realloc(out, capacity *= 2);
      if (!grown) free(out);
      out = grown;
    }
  }
  if (pclose(pipe) != 0 || !out) {
    fprintf(stderr, "failed: %s\n", command);
    free(out);
    return NULL;
  }
  out[size] = '\0';
  return out;
}

/* Drops the provenance lines that differ between any two runs (when, and the command
 * line: "basinkit trace ..." or "bk_trace (basinkit C API) ..."), in place. */
static void drop_run_lines(char* json) {
  char* to = json;
  const char* line = json;
  while (*line) {
    const char* end = strchr(line, '\n');
    size_t length = end ? (size_t)(end - line) + 1 : strlen(line);
    const char* text = line + strspn(line, " ");
    if (strncmp(text, "\"command_line\":", 15) != 0 && strncmp(text, "\"created_utc\":", 14) != 0) {
      memmove(to, line, length);
      to += length;
    }
    line += length;
  }
  *to = '\0';
}

/* The C API's JSON equals the CLI's `--format json` byte for byte, but for when and how it
 * was run. */
static void same_json_as_the_cli(char* from_c, const char* cli_args) {
  char* from_cli = run_cli(cli_args);
  CHECK(from_cli != NULL);
  CHECK(from_c != NULL);
  if (from_c && from_cli) {
    drop_run_lines(from_c);
    drop_run_lines(from_cli);
    CHECK(strcmp(from_c, from_cli) == 0);
    if (strcmp(from_c, from_cli) != 0) {
      size_t at = 0;
      while (from_c[at] && from_c[at] == from_cli[at]) ++at;
      fprintf(stderr, "basinkit %s: the JSON differs at byte %zu:\n%.80s\nvs the CLI's\n%.80s\n",
              cli_args, at, from_c + at, from_cli + at);
    }
  }
  free(from_cli);
}

static void traces_equal_the_cli(const bk_plan* plan) {
  char args[2048];
  bk_error* err = NULL;
  char* json = NULL;
  /* 竹皮河 SEC06 flows on past SEC05 and SEC04 on the Han. */
  CHECK(bk_trace(plan, "SEC06", NULL, BK_DOWNSTREAM, &json, &err) == BK_OK);
  CHECK(err == NULL);
  CHECK(json != NULL && strstr(json, "\"SEC04\"") != NULL);
  snprintf(args, sizeof args, "trace '%s' --section SEC06 --format json", kPlan);
  same_json_as_the_cli(json, args);
  bk_string_free(json);

  json = NULL;
  CHECK(bk_trace(plan, NULL, "HJ020301", BK_UPSTREAM, &json, &err) == BK_OK);
  CHECK(json != NULL && strstr(json, "\"HJ020409\"") != NULL);
  snprintf(args, sizeof args, "trace '%s' --unit HJ020301 --upstream --format json", kPlan);
  same_json_as_the_cli(json, args);
  bk_string_free(json);
}

static void bad_traces_are_bad_input(const bk_plan* plan) {
  bk_error* err = NULL;
  char* json = NULL;
  CHECK(bk_trace(plan, "NOPE", NULL, BK_DOWNSTREAM, &json, &err) == BK_ERROR_INPUT);
  CHECK(json == NULL);
  CHECK(bk_error_code(err) == BK_ERROR_INPUT);
  CHECK(strstr(bk_error_message(err), "no section with code 'NOPE'") != NULL);
  bk_error_free(err);
  err = NULL;
  CHECK(bk_trace(plan, NULL, "NOPE", BK_UPSTREAM, &json, &err) == BK_ERROR_INPUT);
  CHECK(strstr(bk_error_message(err), "no unit with code 'NOPE'") != NULL);
  bk_error_free(err);
  err = NULL;
  CHECK(bk_trace(plan, "SEC06", "HJ020301", BK_DOWNSTREAM, &json, &err) == BK_ERROR_INPUT);
  CHECK(strstr(bk_error_message(err), "exactly one of section and unit") != NULL);
  bk_error_free(err);
  err = NULL;
  CHECK(bk_trace(plan, "SEC06", NULL, 7, &json, &err) == BK_ERROR_INPUT);
  bk_error_free(err);
  err = NULL;
  CHECK(bk_trace(plan, "SEC06", NULL, BK_DOWNSTREAM, NULL, &err) == BK_ERROR_INPUT);
  CHECK(strstr(bk_error_message(err), "result_json") != NULL);
  bk_error_free(err);
  CHECK(json == NULL);
}

static void assessments_equal_the_cli(const bk_plan* plan) {
  char args[2048];
  bk_error* err = NULL;
  char* json = NULL;
  /* December 2026, the latest month: 竹皮河 SEC06 is red. */
  CHECK(bk_assess(plan, kMonitoring, NULL, NULL, &json, &err) == BK_OK);
  CHECK(err == NULL);
  CHECK(json != NULL && strstr(json, "\"period\": \"2026-12\"") != NULL);
  snprintf(args, sizeof args, "assess '%s' --monitoring '%s' --format json", kPlan, kMonitoring);
  same_json_as_the_cli(json, args);
  bk_string_free(json);

  json = NULL;
  CHECK(bk_assess(plan, kMonitoring, "2026", "", &json, &err) == BK_OK);
  CHECK(json != NULL && strstr(json, "\"payer\": \"420802\"") != NULL);
  snprintf(args, sizeof args, "assess '%s' --monitoring '%s' --period 2026 --format json", kPlan,
           kMonitoring);
  same_json_as_the_cli(json, args);
  bk_string_free(json);
}

static void bad_assessments_are_bad_input(const bk_plan* plan) {
  const char* missing = "/nonexistent/basinkit/monitoring.csv";
  bk_error* err = NULL;
  char* json = NULL;
  CHECK(bk_assess(plan, missing, NULL, NULL, &json, &err) == BK_ERROR_INPUT);
  CHECK(json == NULL);
  CHECK(bk_error_code(err) == BK_ERROR_INPUT);
  CHECK(strstr(bk_error_message(err), missing) != NULL);
  if (err) fprintf(stderr, "expected error: %s\n", bk_error_message(err));
  bk_error_free(err);
  err = NULL;
  const char* no_config = "/nonexistent/basinkit/assessment.yaml";
  CHECK(bk_assess(plan, kMonitoring, NULL, no_config, &json, &err) == BK_ERROR_INPUT);
  CHECK(strstr(bk_error_message(err), no_config) != NULL);
  bk_error_free(err);
  err = NULL;
  CHECK(bk_assess(plan, kMonitoring, "October", NULL, &json, &err) == BK_ERROR_INPUT);
  CHECK(strstr(bk_error_message(err), "'October' is no period") != NULL);
  bk_error_free(err);
  err = NULL;
  CHECK(bk_assess(plan, kMonitoring, "2025-10", NULL, &json, &err) == BK_ERROR_INPUT);
  CHECK(strstr(bk_error_message(err), "no monitoring rows in the period 2025-10") != NULL);
  bk_error_free(err);
  err = NULL;
  CHECK(bk_assess(plan, NULL, NULL, NULL, &json, &err) == BK_ERROR_INPUT);
  CHECK(strstr(bk_error_message(err), "monitoring_path") != NULL);
  bk_error_free(err);
  CHECK(bk_assess(NULL, kMonitoring, NULL, NULL, &json, NULL) == BK_ERROR_INPUT);
  CHECK(json == NULL);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s BASINKIT_CLI\n", argv[0]);
    return 1;
  }
  cli = argv[1];
  version_is_set();
  a_missing_plan_is_bad_input_naming_the_file();
  null_arguments_are_bad_input();

  bk_error* err = NULL;
  bk_plan* plan = bk_plan_open(kPlan, &err);
  CHECK(plan != NULL);
  if (!plan) {
    fprintf(stderr, "cannot open %s: %s\n", kPlan, bk_error_message(err));
    bk_error_free(err);
    return 1;
  }
  the_demo_plan_validates_with_seven_warnings(plan);
  a_chemical_plant_by_the_han_river_is_prohibited(plan);
  a_missing_rule_file_is_bad_input_naming_the_file(plan);
  traces_equal_the_cli(plan);
  bad_traces_are_bad_input(plan);
  assessments_equal_the_cli(plan);
  bad_assessments_are_bad_input(plan);
  bk_plan_free(plan);
  bk_plan_free(NULL);
  bk_screener_free(NULL);
  bk_string_free(NULL);
  bk_error_free(NULL);

  if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
  return failures ? 1 : 0;
}
