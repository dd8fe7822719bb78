// The hand-written JSON of screening reports against nlohmann's serializer: the same
// text for the same document, strings with every kind of byte and reals of every size.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <random>

#include "report/json_text.hpp"
#include "report/report_common.hpp"

using basinkit::report::dump;
using basinkit::report::Json;
using basinkit::report::JsonText;

namespace {

std::string text_of(const std::string& s) {
  std::string out;
  JsonText(out).value(s);
  return out;
}

std::string text_of(double d) {
  std::string out;
  JsonText(out).value(d);
  return out;
}

}  // namespace

TEST_CASE("JSON strings are escaped as nlohmann escapes them, invalid UTF-8 replaced alike") {
  const std::vector<std::string> samples = {
      "",
      "plain ascii",
      "荆门市 汉江 流域综合治理",
      "quote \" backslash \\ slash / tab \t newline \n cr \r ff \f bs \b",
      std::string("nul \0 inside", 12),
      "\x01\x1f\x7f",
      "emoji 🌊 and 4-byte \xF0\x9F\x8C\x8A",
      "\x80 lone continuation",
      "\xC0\xAF overlong slash",
      "\xE0\x80\x80 overlong 3-byte",
      "\xED\xA0\x80 surrogate",
      "\xF4\x90\x80\x80 above U+10FFFF",
      "\xF5\xFF\xFE never in UTF-8",
      "truncated at the end \xE6\xB1",
      "truncated then ascii \xE6\xB1x",
      "\xE6\xB1\xE6\xB1\x9F two leads",
  };
  for (const std::string& s : samples) {
    INFO(s);
    CHECK(text_of(s) == dump(Json(s)));
  }
  // Random bytes, biased to the UTF-8 lead and continuation ranges.
  std::mt19937 random(7);
  std::uniform_int_distribution<int> length(0, 12), byte(0, 255), pick(0, 3);
  for (int k = 0; k < 20000; ++k) {
    std::string s;
    for (int n = length(random); n > 0; --n) {
      const int kind = pick(random);
      s += static_cast<char>(kind == 0   ? byte(random)
                             : kind == 1 ? 0x80 + byte(random) % 64
                             : kind == 2 ? 0xC0 + byte(random) % 64
                                         : 0x20 + byte(random) % 95);
    }
    INFO(k);
    REQUIRE(text_of(s) == dump(Json(s)));
  }
}

TEST_CASE("JSON reals read back as the same double, in nlohmann's form") {
  const std::vector<double> samples = {0.0,       -0.0, 1.0,           812.3, 999.999, 1000.0,
                                       0.001,     1e-5, 123456789.125, 1e15,  4.5e9,   -2.5,
                                       1.0 / 3.0, 1e-4, 9.99e-5,       2e300};
  for (double d : samples) {
    INFO(d);
    CHECK(text_of(d) == dump(Json(d)));
  }
  CHECK(text_of(NAN) == "null");
  CHECK(text_of(INFINITY) == "null");
  // Distances and areas as reports round them: mm from 0 to 10^12.
  std::mt19937 random(11);
  std::uniform_real_distribution<double> exponent(-3, 12);
  for (int k = 0; k < 100000; ++k) {
    const double d = basinkit::report::rounded(std::pow(10.0, exponent(random)), 3);
    INFO(d);
    REQUIRE(text_of(d) == dump(Json(d)));
    REQUIRE(std::stod(text_of(d)) == d);
  }
}

TEST_CASE("JSON containers get commas between members only, nested to any depth") {
  std::string out;
  JsonText j(out);
  j.begin_object();
  j.key("a").value(1.5);
  j.key("empty").begin_array().end_array();
  j.key("list").begin_array();
  j.value("x").null().value(true);
  j.begin_object().key("k").value(std::optional<std::string>()).end_object();
  j.begin_object().end_object();
  j.end_array();
  j.key("code").value(std::optional<std::string>("420802"));
  j.end_object();
  const Json expected = {{"a", 1.5},
                         {"empty", Json::array()},
                         {"list", {"x", nullptr, true, {{"k", nullptr}}, Json::object()}},
                         {"code", "420802"}};
  CHECK(out == dump(expected));
}

TEST_CASE("Members copied as text take their place and commas like members written one by one") {
  std::string members;
  {
    JsonText m(members);
    m.begin_object().key("id").value("N-1").key("title").value("禁止 \"化工\"").end_object();
  }
  members = members.substr(1, members.size() - 2);
  std::string copied;
  JsonText c(copied);
  c.begin_array().begin_object().members(members).key("n").value(1.0).end_object();
  c.begin_object().members(members).end_object().end_array();
  const Json want = Json::array({{{"id", "N-1"}, {"title", "禁止 \"化工\""}, {"n", 1.0}},
                                 {{"id", "N-1"}, {"title", "禁止 \"化工\""}}});
  CHECK(copied == dump(want));
}
