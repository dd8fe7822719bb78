/* The C API (basinkit_c.h) from plain C on the demo plan: open, validate, screen one
 * site, free, and the error codes and messages of bad input. Exit status 0 = passed. */
#include <basinkit/basinkit_c.h>

#include <stdio.h>
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

int main(void) {
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
  bk_plan_free(plan);
  bk_plan_free(NULL);
  bk_screener_free(NULL);
  bk_string_free(NULL);
  bk_error_free(NULL);

  if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
  return failures ? 1 : 0;
}
