// Databases as sources and outputs, without a database: passwords never reach messages or
// reports, PG: is no network source, table names are checked before connecting, a PG:
// source is not resolved against the manifest's folder. (The end-to-end test against a
// real PostgreSQL is tests/postgis/postgis_e2e.sh.)
#include <basinkit/database_report.hpp>
#include <basinkit/error.hpp>
#include <basinkit/manifest.hpp>

#include <catch2/catch.hpp>

#include <string>

#include "io/connection.hpp"
#include "io/source_guard.hpp"
#include "report/report_common.hpp"

using namespace basinkit;

TEST_CASE("Passwords are hidden in connection strings, URIs and messages") {
  using io::redact_secrets;
  CHECK(redact_secrets("PG:dbname=plans host=gis user=jm password=s3cret port=5433") ==
        "PG:dbname=plans host=gis user=jm password=*** port=5433");
  CHECK(redact_secrets("PG:dbname=plans password = 's3 cr\\'et' user=jm") ==
        "PG:dbname=plans password = *** user=jm");
  CHECK(redact_secrets("PG:PASSWORD=abc") == "PG:PASSWORD=***");
  CHECK(redact_secrets("PG:postgresql://jm:s3cret@gis:5433/plans?sslmode=require") ==
        "PG:postgresql://jm:***@gis:5433/plans?sslmode=require");
  CHECK(redact_secrets("PG:postgresql://gis/plans?user=jm&password=s3cret&sslmode=require") ==
        "PG:postgresql://gis/plans?user=jm&password=***&sslmode=require");
  CHECK(redact_secrets("-o \"PG:dbname=x password=y\" --out-layer t") ==
        "-o \"PG:dbname=x password=***\" --out-layer t");
  // Idempotent, and text without a password is unchanged.
  CHECK(redact_secrets("PG:dbname=x password=***") == "PG:dbname=x password=***");
  CHECK(redact_secrets("units.shp; passwords are not here; http://example.org/a") ==
        "units.shp; passwords are not here; http://example.org/a");
  CHECK(redact_secrets("PG:postgresql://jm@gis/plans") == "PG:postgresql://jm@gis/plans");

  const InputError e("cannot open PG:dbname=x password=y",
                     Where("PG:dbname=x password=s3cret", "units"));
  CHECK(std::string(e.what()).find("s3cret") == std::string::npos);
  CHECK(std::string(e.what()).find("password=y") == std::string::npos);
  CHECK(e.where().file == "PG:dbname=x password=***");
  CHECK(e.problem() == "cannot open PG:dbname=x password=***");
}

TEST_CASE("Reports carry no password: provenance command line and input paths") {
  Provenance p;
  p.command_line = "basinkit screen plan.yaml -o PG:dbname=x password=s3cret --out-layer t";
  p.inputs.push_back({"sites", "PG:dbname=x password=s3cret", "sites", "", "", ""});
  const std::string text = report::dump(report::provenance_json(p));
  CHECK(text.find("s3cret") == std::string::npos);
  CHECK(text.find("password=***") != std::string::npos);
}

TEST_CASE("PG: sources are databases, allowed without --allow-network, never resolved") {
  CHECK(io::is_database_source("PG:dbname=x"));
  CHECK(io::is_database_source("pg:dbname=x"));
  CHECK_FALSE(io::is_database_source("units.shp"));
  CHECK_FALSE(io::is_database_source("PGunits.shp"));
  CHECK_FALSE(io::is_network_source("PG:dbname=x host=gis.example.org"));
  CHECK_FALSE(io::is_network_source("PG:postgresql://jm@gis.example.org/plans"));
  CHECK(io::is_network_source("/vsicurl/https://example.org/units.shp"));
  CHECK(is_database_output("PG:dbname=x"));
  CHECK_FALSE(is_database_output("report.gpkg"));

  const Manifest m = parse_manifest(
      "crs: EPSG:4547\n"
      "layers:\n"
      "  units: { source: 'PG:dbname=plans host=gis', layer: public.units }\n",
      "/data/plan/plan.yaml");
  REQUIRE(m.find("units"));
  CHECK(m.find("units")->resolved == "PG:dbname=plans host=gis");
  CHECK(m.find("units")->layer == "public.units");
}

TEST_CASE("Output table names are checked before connecting") {
  // No server listens on port 1: these fail on the name, not on the connection.
  for (const char* bad : {"", "Sites", "screening-2026", "1st", "a.b.c", "public.", ".t",
                          "t;drop table x", "\xe7\xab\x99\xe7\x82\xb9"}) {
    CAPTURE(bad);
    try {
      check_database_table({"PG:dbname=x host=127.0.0.1 port=1 password=s3cret", bad});
      FAIL("accepted");
    } catch (const InputError& e) {
      CHECK(std::string(e.what()).find("no plain table name") != std::string::npos);
      CHECK(std::string(e.what()).find("s3cret") == std::string::npos);
    }
  }
  CHECK_THROWS_WITH(check_database_table({std::string(64, 'a') + ".gpkg", "t"}),
                    Catch::Contains("not a database"));
  // A good name goes on to connect, which fails here: the message hides the password.
  try {
    check_database_table({"PG:dbname=x host=127.0.0.1 port=1 password=s3cret", "public.t_2"});
    FAIL("connected");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("cannot open the database") != std::string::npos);
    CHECK(std::string(e.what()).find("s3cret") == std::string::npos);
  }
}

TEST_CASE("Flat list columns keep empty parts in place (found comparing a table with JSON)") {
  CHECK(report::joined({"", "condition of the second"}) == ";condition of the second");
  CHECK(report::joined({"a", "", "c"}) == "a;;c");
  CHECK(report::joined({"", ""}) == ";");
  CHECK(report::joined({}).empty());
}
