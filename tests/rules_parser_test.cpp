// The rule-file parser on its own (DESIGN.md section 6): every construct, and parse errors
// that name the file, the line and the rule id. Checks against a plan are in
// screening_test.cpp.
#include <basinkit/error.hpp>
#include <basinkit/rules.hpp>

#include <catch2/catch.hpp>

#include <string>

#include "fixtures.hpp"

using namespace basinkit;
using basinkit::test::TempDir;
using basinkit::test::write_text;

namespace {

const std::string kPath = "/plans/jm/rules.yaml";

/// A rule file with one rule N-1 on lines 3-7 (list on line 4, effect on line 5); `extra`
/// starts on line 8.
std::string one_rule(const std::string& extra, const std::string& list = "negative",
                     const std::string& effect = "prohibit") {
  return "name: test\nrules:\n  - id: N-1\n    list: " + list + "\n    effect: " + effect +
         "\n    title: t\n    basis: b\n" + extra;
}

/// The InputError parse_rules throws on `text`.
InputError error_of(const std::string& text) {
  try {
    parse_rules(text, kPath);
  } catch (const InputError& e) {
    return e;
  }
  FAIL("no InputError for:\n" << text);
  throw;  // not reached
}

/// The error names the file, the line and (when given) the rule id, and says `problem`.
void check_error(const std::string& text, int line, const std::string& id,
                 const std::string& problem) {
  const InputError e = error_of(text);
  INFO(e.what());
  CHECK(e.where().file == kPath);
  CHECK(e.where().line == line);
  CHECK_THAT(e.what(), Catch::StartsWith(kPath + ":" + std::to_string(line) + ": "));
  if (!id.empty()) CHECK_THAT(e.problem(), Catch::StartsWith("rule " + id + ": "));
  CHECK_THAT(e.problem(), Catch::Contains(problem));
}

}  // namespace

TEST_CASE("Rule parse errors name the file, the line and the rule id", "[rules]") {
  SECTION("unknown effect") {
    check_error(one_rule("", "negative", "ban"), 5, "N-1", "effect 'ban' on a negative list");
  }
  SECTION("effect not matching the list") {
    check_error(one_rule("", "positive", "prohibit"), 5, "N-1",
                "effect 'prohibit' on a positive list (permit | encourage)");
    check_error(one_rule("", "negative", "encourage"), 5, "N-1",
                "effect 'encourage' on a negative list (prohibit | restrict)");
  }
  SECTION("unknown list") { check_error(one_rule("", "black"), 4, "N-1", "unknown list 'black'"); }
  SECTION("bad industry code") {
    check_error(one_rule("    applies_to:\n      industry: [C26, c2614]\n"), 9, "N-1",
                "'c2614' is not a GB/T 4754 industry code");
    check_error(one_rule("    applies_to: { industry: C261455 }\n"), 8, "N-1",
                "'C261455' is not a GB/T 4754 industry code");
  }
  SECTION("unknown action") {
    check_error(one_rule("    applies_to:\n      action: [new, demolish]\n"), 9, "N-1",
                "unknown action 'demolish'");
  }
  SECTION("attr with an unknown op") {
    check_error(one_rule("    applies_to:\n      attr:\n"
                         "        - { field: water_m3_d, op: \"=>\", value: 1 }\n"),
                10, "N-1", "unknown op '=>'");
  }
  SECTION("attr without a value, attr not a list, in without a list") {
    check_error(one_rule("    applies_to:\n      attr:\n        - { field: f, op: \"=\" }\n"), 10,
                "N-1", "needs field, op and value");
    check_error(one_rule("    applies_to:\n      attr: { field: f, op: \"=\", value: 1 }\n"), 9,
                "N-1", "'attr' must be a list");
    check_error(
        one_rule("    applies_to:\n      attr:\n        - { field: f, op: in, value: 1 }\n"), 10,
        "N-1", "'in' needs a list of values");
  }
  SECTION("in without layer") {
    check_error(one_rule("    scope:\n      in: { where: \"KIND = 'x'\" }\n"), 9, "N-1",
                "'in' needs a 'layer'");
  }
  SECTION("near without within_m, or with a bad one") {
    check_error(one_rule("    scope:\n      near: { layer: rivers }\n"), 9, "N-1",
                "'near' needs 'within_m' (metres)");
    check_error(one_rule("    scope:\n      near: { layer: rivers, within_m: -5 }\n"), 9, "N-1",
                "'within_m' must be >= 0");
    check_error(one_rule("    scope:\n      near: { layer: rivers, within_m: 1km }\n"), 9, "N-1",
                "'within_m' must be a number, not '1km'");
    check_error(one_rule("    scope:\n      near: { layer: rivers, within_m: .nan }\n"), 9, "N-1",
                "'within_m' must be a number");
  }
  SECTION("duplicate ids: the second rule is named") {
    check_error(one_rule("  - { id: N-1, list: positive, effect: permit, title: t, basis: b }\n"),
                8, "N-1", "the id is used twice in this file");
  }
  SECTION("condition on a rule that does not restrict") {
    check_error(one_rule("    condition: 总量替代\n"), 8, "N-1",
                "'condition' is for restrict rules only");
  }
  SECTION("unknown keys") {
    check_error(one_rule("    scop: { basin: HJ }\n"), 8, "N-1", "unknown key 'scop' in rule");
    check_error(one_rule("    scope: { basins: HJ }\n"), 8, "N-1", "unknown key 'basins' in scope");
    check_error(one_rule("    scope:\n      in: { layer: z, whrere: x }\n"), 9, "N-1",
                "unknown key 'whrere' in in");
    check_error(one_rule("    applies_to: { industries: [C26] }\n"), 8, "N-1",
                "unknown key 'industries' in applies_to");
    check_error(one_rule("    unless: { scop: { basin: HJ } }\n"), 8, "N-1",
                "unknown key 'scop' in unless");
    check_error("nam: x\nrules: []\n", 1, "", "unknown key 'nam' in the rule file");
  }
  SECTION("missing keys, empty unless, empty lists, empty id") {
    check_error(one_rule("  - { id: N-2, list: negative, effect: prohibit, title: t }\n"), 8, "N-2",
                "missing 'basis'");
    check_error(one_rule("    unless: {}\n"), 8, "N-1", "'unless' needs a scope and/or applies_to");
    check_error(one_rule("    scope: { basin: [] }\n"), 8, "N-1", "'basin' is an empty list");
    check_error(one_rule("    scope: { any: [] }\n"), 8, "N-1",
                "'any' must be a non-empty list of scopes");
    check_error("rules:\n  - { id: \"\", list: negative, effect: prohibit, title: t, basis: b }\n",
                2, "", "empty 'id'");
    check_error("name: x\n", 1, "", "the rule file needs a 'rules:' list");
    check_error("rules:\n  - just a string\n", 2, "", "each rule must be a mapping");
  }
  SECTION("YAML syntax error") {
    check_error(one_rule("    scope: { in: { layer: zones\n"), 9, "", "not valid YAML");
  }
  SECTION("deep nesting: scopes, and YAML itself") {
    std::string deep = "{ basin: HJ }";
    for (int i = 0; i < 40; ++i) deep = "{ not: " + deep + " }";
    check_error(one_rule("    scope: " + deep + "\n"), 8, "N-1", "scope nested too deeply");
    // yaml-cpp refuses documents nested more than 2000 deep; still an InputError.
    const InputError e = error_of(std::string(5000, '[') + std::string(5000, ']'));
    CHECK_THAT(e.what(), Catch::Contains("not valid YAML"));
  }
  SECTION("a layer of the file's own without source") {
    check_error("layers:\n  parks: { layer: p }\nrules: []\n", 2, "",
                "layer 'parks' has no 'source'");
  }
}

TEST_CASE("Found by fuzzing: aliases repeating a scope in itself are bounded, not expanded",
          "[rules][fuzz]") {
  // Each level names the previous one 8 times: 8^10 scopes from a few hundred bytes.
  std::string text = one_rule("    scope:\n      any:\n        - &a0 { basin: HJ }\n");
  for (int level = 1; level <= 10; ++level) {
    text += "        - &a" + std::to_string(level) + " { any: [";
    for (int i = 0; i < 8; ++i) text += (i ? ", *a" : "*a") + std::to_string(level - 1);
    text += "] }\n";
  }
  const InputError e = error_of(text);
  CHECK(e.where().file == kPath);
  CHECK_THAT(e.problem(), Catch::StartsWith("rule N-1: ") && Catch::Contains("too large"));
}

TEST_CASE("Found by fuzzing: a long source of a rule file's own layer is no stack overflow",
          "[rules][fuzz]") {
  const std::string text = "layers:\n  parks: " + std::string(200000, 'a') + ":x\nrules: []\n";
  const RuleFile f = parse_rules(text, kPath);
  REQUIRE(f.layers.size() == 1);
  CHECK(f.layers[0].resolved == f.layers[0].source);  // a connection string, kept as is
}

TEST_CASE("Every construct of the rule language parses", "[rules]") {
  const RuleFile f = parse_rules(R"(name: 全部写法
level: county
layers:
  parks: { source: parks.gpkg, layer: parks, where: "KIND = 'p'", fields: { code: PCODE } }
  wells: wells.shp
  db: "PG:dbname=x"
rules:
  - id: P-1
    list: positive
    effect: encourage
    title: 鼓励类
    basis: 依据
    scope:
      any:
        - { basin: [HJ01*, "CJ?2"] }
        - not: { unit: HJ010101 }
        - all: [ { township: "420881102" }, { county: [420881, 420882] } ]
    applies_to:
      industry: C26
      action: new
      attr:
        - { field: water_m3_d, op: ">=", value: 100 }
        - { field: code, op: "=", value: "0123" }
        - { field: code, op: "!=", value: 0123 }
        - { field: kind, op: in, value: [a, b] }
        - { field: level, op: in, value: [1, 2.5] }
        - { field: level, op: in, value: [1, "2"] }
        - { field: x, op: "<", value: -1e3 }
        - { field: x, op: "<=", value: 0 }
        - { field: x, op: ">", value: 1 }
  - id: N-2
    list: negative
    effect: restrict
    condition: 总量替代
    title: 限制类
    basis: 依据
    scope: { county: "420881", near: { layer: wells, where: "DEPTH > 10", within_m: 50 } }
    applies_to: { industry: [A, C2614], action: [expand, rebuild, relocate] }
    unless: { scope: { in: { layer: parks } }, applies_to: { industry: [D46] } }
  - id: N-3
    list: negative
    effect: prohibit
    title: 禁止类
    basis: 依据
    unless: { scope: { in: { layer: parks, where: "A = 1" } } }
  - id: N-4
    list: negative
    effect: prohibit
    title: 禁止类
    basis: 依据
    unless: { applies_to: { action: relocate } }
  - id: P-5
    list: positive
    effect: permit
    title: 允许类
    basis: 依据
)",
                                 kPath);
  CHECK(f.path == kPath);
  CHECK(f.name == "全部写法");
  CHECK(f.level == "county");
  REQUIRE(f.layers.size() == 3);
  CHECK(f.layers[0].key == "parks");
  CHECK(f.layers[0].resolved == "/plans/jm/parks.gpkg");
  CHECK(f.layers[0].layer == "parks");
  CHECK(f.layers[0].where == "KIND = 'p'");
  CHECK(f.layers[0].fields.at("code") == "PCODE");
  CHECK(f.layers[1].resolved == "/plans/jm/wells.shp");
  CHECK(f.layers[2].resolved == "PG:dbname=x");
  REQUIRE(f.rules.size() == 5);

  const Rule& p1 = f.rules[0];
  CHECK(p1.id == "P-1");
  CHECK(p1.line == 8);
  CHECK(p1.list == RuleList::positive);
  CHECK(p1.effect == Effect::encourage);
  CHECK(p1.title == "鼓励类");
  CHECK(p1.basis == "依据");
  REQUIRE(p1.scope);
  const Scope& any = *p1.scope;
  CHECK(any.kind == Scope::Kind::any);
  REQUIRE(any.children.size() == 3);
  CHECK(any.children[0].kind == Scope::Kind::basin);
  CHECK(any.children[0].codes == std::vector<std::string>{"HJ01*", "CJ?2"});
  CHECK(any.children[1].kind == Scope::Kind::negation);
  REQUIRE(any.children[1].children.size() == 1);
  CHECK(any.children[1].children[0].kind == Scope::Kind::unit);
  CHECK(any.children[1].children[0].codes == std::vector<std::string>{"HJ010101"});
  const Scope& all = any.children[2];
  CHECK(all.kind == Scope::Kind::all);
  REQUIRE(all.children.size() == 2);
  CHECK(all.children[0].kind == Scope::Kind::township);
  CHECK(all.children[0].codes == std::vector<std::string>{"420881102"});
  CHECK(all.children[1].kind == Scope::Kind::county);
  CHECK(all.children[1].codes == std::vector<std::string>{"420881", "420882"});

  CHECK(p1.applies_to.industry == std::vector<std::string>{"C26"});
  CHECK(p1.applies_to.action == std::vector<std::string>{"new"});
  const auto& attr = p1.applies_to.attr;
  REQUIRE(attr.size() == 9);
  CHECK(attr[0].field == "water_m3_d");
  CHECK(attr[0].op == AttributeTest::Op::ge);
  CHECK(attr[0].values == std::vector<std::string>{"100"});
  CHECK(attr[0].numeric);
  CHECK(attr[0].line == 22);
  CHECK(attr[1].op == AttributeTest::Op::eq);
  CHECK(attr[1].values == std::vector<std::string>{"0123"});
  CHECK_FALSE(attr[1].numeric);  // quoted: text
  CHECK(attr[2].op == AttributeTest::Op::ne);
  CHECK(attr[2].numeric);  // plain: a number
  CHECK(attr[3].op == AttributeTest::Op::in);
  CHECK(attr[3].values == std::vector<std::string>{"a", "b"});
  CHECK_FALSE(attr[3].numeric);
  CHECK(attr[4].values == std::vector<std::string>{"1", "2.5"});
  CHECK(attr[4].numeric);
  CHECK_FALSE(attr[5].numeric);  // one quoted value makes the list text
  CHECK(attr[6].op == AttributeTest::Op::lt);
  CHECK(attr[6].numeric);
  CHECK(attr[7].op == AttributeTest::Op::le);
  CHECK(attr[8].op == AttributeTest::Op::gt);
  CHECK_FALSE(p1.unless_scope);
  CHECK_FALSE(p1.unless_applies_to);

  const Rule& n2 = f.rules[1];
  CHECK(n2.effect == Effect::restrict);
  CHECK(n2.condition == "总量替代");
  REQUIRE(n2.scope);
  CHECK(n2.scope->kind == Scope::Kind::all);  // several keys in one mapping mean all
  REQUIRE(n2.scope->children.size() == 2);
  CHECK(n2.scope->children[0].kind == Scope::Kind::county);
  const Scope& near = n2.scope->children[1];
  CHECK(near.kind == Scope::Kind::near);
  CHECK(near.layer == "wells");
  CHECK(near.where == "DEPTH > 10");
  CHECK(near.within_m == 50);
  CHECK(n2.applies_to.industry == std::vector<std::string>{"A", "C2614"});
  CHECK(n2.applies_to.action == std::vector<std::string>{"expand", "rebuild", "relocate"});
  REQUIRE(n2.unless_scope);
  CHECK(n2.unless_scope->kind == Scope::Kind::in);
  CHECK(n2.unless_scope->layer == "parks");
  CHECK(n2.unless_scope->where.empty());
  REQUIRE(n2.unless_applies_to);
  CHECK(n2.unless_applies_to->industry == std::vector<std::string>{"D46"});

  const Rule& n3 = f.rules[2];  // unless with a scope only
  CHECK_FALSE(n3.scope);        // the whole plan area
  REQUIRE(n3.unless_scope);
  CHECK(n3.unless_scope->where == "A = 1");
  CHECK_FALSE(n3.unless_applies_to);

  const Rule& n4 = f.rules[3];  // unless with applies_to only
  CHECK_FALSE(n4.unless_scope);
  REQUIRE(n4.unless_applies_to);
  CHECK(n4.unless_applies_to->action == std::vector<std::string>{"relocate"});
  CHECK(n4.applies_to.industry.empty());

  CHECK(f.rules[4].effect == Effect::permit);
}

TEST_CASE("A rule file read from disk; an empty condition is allowed on any rule", "[rules]") {
  TempDir dir;
  write_text(dir / "r.yaml", one_rule("    condition: \"\"\n"));
  const RuleFile f = read_rules(dir / "r.yaml");
  CHECK(f.path == dir / "r.yaml");
  REQUIRE(f.rules.size() == 1);
  CHECK(f.rules[0].condition.empty());
  CHECK_THROWS_WITH(read_rules(dir / "none.yaml"),
                    Catch::Contains(dir / "none.yaml") && Catch::Contains("cannot open"));
}

TEST_CASE("The demo rule file parses", "[rules]") {
  const RuleFile f = read_rules(std::string(BASINKIT_SOURCE_DIR) + "/data/shapefiles/rules.yaml");
  CHECK_FALSE(f.rules.empty());
  for (const Rule& r : f.rules) CHECK_FALSE(r.id.empty());
}

TEST_CASE("The attributes a screen reads are those the rules compare, unless included", "[rules]") {
  const RuleFile first = parse_rules(R"(name: a
level: city
rules:
  - id: N-1
    list: negative
    effect: prohibit
    title: t
    basis: b
    applies_to: { industry: C26, attr: [{ field: water_m3_d, op: ">", value: 500 }] }
    unless: { applies_to: { attr: [{ field: cap_swap, op: "=", value: "yes" }] } }
  - id: N-2
    list: negative
    effect: restrict
    title: t
    basis: b
)",
                                     kPath);
  const RuleFile second = parse_rules(R"(name: b
level: county
rules:
  - id: P-1
    list: positive
    effect: permit
    title: t
    basis: b
    applies_to: { attr: [{ field: 投资, op: ">=", value: 1 }, { field: water_m3_d, op: "<", value: 9 }] }
)",
                                      kPath);
  CHECK(compared_attributes({first, second}) ==
        std::set<std::string>{"cap_swap", "water_m3_d", "投资"});
  CHECK(compared_attributes({}).empty());
}
