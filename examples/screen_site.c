/* Screens one project site with basinkit's C API (basinkit_c.h): "may a chemical plant be
 * built here, and why?" — the verdict, then the JSON report of the site (location, and
 * every applicable rule with its legal basis).
 *
 *   screen_site_c PLAN RULES [LON LAT [INDUSTRY [ACTION]]]
 *   screen_site_c data/shapefiles/plan.yaml data/shapefiles/rules.yaml
 *
 * Exit status as the CLI's: 0 done, 2 bad input, 3 internal error. */
#include <basinkit/basinkit_c.h>

#include <stdio.h>
#include <stdlib.h>

static int fail(bk_error* err) {
  const int code = (int)bk_error_code(err);
  fprintf(stderr, "error: %s\n", bk_error_message(err));
  bk_error_free(err);
  return code ? code : BK_ERROR_INTERNAL;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s PLAN RULES [LON LAT [INDUSTRY [ACTION]]]\n", argv[0]);
    return BK_ERROR_INPUT;
  }
  /* A chemical plant (GB/T 4754 C2614) next to the Han river in the demo plan. */
  const double lon = argc > 4 ? strtod(argv[3], NULL) : 112.42309;
  const double lat = argc > 4 ? strtod(argv[4], NULL) : 31.36735;
  const char* industry = argc > 5 ? argv[5] : "C2614";
  const char* action = argc > 6 ? argv[6] : "new";

  bk_error* err = NULL;
  bk_plan* plan = bk_plan_open(argv[1], &err);
  if (!plan) return fail(err);

  const char* rules[] = {argv[2]};
  bk_screener* screener = bk_screener_open(plan, rules, 1, &err);
  if (!screener) {
    bk_plan_free(plan);
    return fail(err);
  }

  bk_verdict verdict;
  char* json = NULL;
  const bk_status status =
      bk_screen_point(screener, lon, lat, "EPSG:4326", industry, action, &verdict, &json, &err);
  if (status == BK_OK) {
    printf("basinkit %s\nverdict: %s\n%s", bk_version(), bk_verdict_name(verdict), json);
    bk_string_free(json);
  }
  bk_screener_free(screener); /* before the plan it was opened on */
  bk_plan_free(plan);
  return status == BK_OK ? 0 : fail(err);
}
