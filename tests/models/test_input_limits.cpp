// What the loader reads, and how much (README "Limits"; models/config/input_limits.hpp): alias
// bombs, deep nesting, several documents, encodings, file kinds and sizes, control characters in
// names and messages, a sweep grid too large to count, and run.max_events. Each bad input must end
// in a ConfigError (exit 2) that says where and what, quickly, and quotes nothing but a short,
// escaped token of the file.

#include <eslabon/core/text.hpp>
#include <models/config/durations.hpp>
#include <models/config/input_limits.hpp>
#include <models/config/loader.hpp>
#include <models/config/sweep_file.hpp>
#include <models/engine/simulate.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

namespace {

using namespace eslabon;

const std::string kModel =
    "run: {horizon: 200, replications: 2, seed: 1}\n"
    "units: {u: {servers: 1}}\n"
    "flows: {f: {arrivals: {poisson: 0.5}, tasks: {a: {unit: u, service: {exponential: {mean: 1}}}}}}\n";

// The message of the ConfigError that `load` throws ("" when it throws none).
template <class Load>
std::string error_of(Load load) {
  try {
    load();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

// The message of the ConfigError that loading `text` throws ("" when it loads).
std::string load_error(const std::string& text) {
  return error_of([&] { load_model_text(text, "m.yaml"); });
}

// The same for a sweep file's text, its model path relative to `dir`.
std::string sweep_error(const std::string& text, const std::filesystem::path& dir) {
  return error_of([&] { load_sweep_text(text, "s.yaml", dir.string()); });
}

// Nine levels of nine aliases each: 9^9 nodes once expanded (the "billion laughs").
std::string alias_bomb(const std::string& indent) {
  std::string s = indent + "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < 9; ++i) {
    const std::string p = "*a" + std::to_string(i - 1);
    s += indent + "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + p;
    for (int k = 1; k < 9; ++k) s += ", " + p;
    s += "]\n";
  }
  return s;
}

std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("eslabon_limits_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(InputLimits, AliasBombInScenariosIsRefusedAtTheAliasThatPassesTheLimit) {
  const std::string msg = load_error(kModel + "scenarios:\n  bomb:\n" + alias_bomb("    "));
  // a1 to a4 repeat 90 + 819 + 7380 + 66429 nodes; the first *a4 on a5's line (66430 more) passes 100000.
  EXPECT_EQ(msg.rfind("m.yaml:11:14: *a4: expected YAML aliases that repeat at most 100000 nodes in all, got 141148 "
                      "with this one",
                      0),
            0u)
      << msg;
}

TEST(InputLimits, AliasBombInASweepFileIsRefused) {
  const auto dir = temp_dir("sweep_bomb");
  std::ofstream(dir / "m.yaml") << kModel;
  const std::string msg = sweep_error("model: m.yaml\ngrid: {units.u.servers: [1, 2]}\nscenarios:\n" + alias_bomb("  "), dir);
  EXPECT_NE(msg.find("s.yaml:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected YAML aliases that repeat at most"), std::string::npos) << msg;
  std::filesystem::remove_all(dir);
}

TEST(InputLimits, AnAliasInAnOverrideValueIsCheckedToo) {
  EXPECT_NO_THROW(load_model_text(kModel, "m.yaml", {Override{"run.seed", "&s 3", ""}}));
  std::string big = "[&a0 [x, x, x, x, x, x, x, x, x, x]";
  for (int i = 1; i < 7; ++i) {
    std::string p = "*a" + std::to_string(i - 1);
    big += ", &a" + std::to_string(i) + " [" + p + ", " + p + ", " + p + ", " + p + ", " + p + ", " + p + ", " + p +
           ", " + p + ", " + p + ", " + p + "]";
  }
  big += "]";
  const std::string msg = error_of([&] { load_model_text(kModel, "m.yaml", {Override{"name", big, ""}}); });
  EXPECT_NE(msg.find("--set name="), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected YAML aliases that repeat at most"), std::string::npos) << msg;
}

TEST(InputLimits, OrdinaryAliasesStillWork) {
  const std::string text =
      "run: {horizon: 200, replications: 2, seed: 1}\n"
      "units: {u: {servers: 1}, v: {servers: 1}}\n"
      "flows: {f: {arrivals: {poisson: 0.5}, tasks: {a: {unit: u, service: &svc {exponential: {mean: 1}}},\n"
      "                                           b: {unit: v, service: *svc, after: [a]}}}}\n";
  const Model m = load_model_text(text, "m.yaml");
  EXPECT_EQ(m.flows.at(0).tasks.size(), 2u);
}

TEST(InputLimits, AnAliasInsideTheNodeItNamesIsACycle) {
  const std::string msg = load_error(kModel + "scenarios: &s {x: *s}\n");
  EXPECT_NE(msg.find("m.yaml:4:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("*s: expected an alias of a node that ends before it"), std::string::npos) << msg;
}

TEST(InputLimits, DeepNestingIsRefusedWithoutOverflowingTheStack) {
  const std::string msg = load_error(kModel + "name: " + std::string(100000, '[') + "\n");
  EXPECT_NE(msg.find("m.yaml:4:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected mappings and lists nested at most 64 deep"), std::string::npos) << msg;
  // Within the limit, the loader reads it (and says what it expected instead).
  const std::string ok = load_error(kModel + "name: " + std::string(60, '[') + std::string(60, ']') + "\n");
  EXPECT_NE(ok.find("name: expected a string, got a list"), std::string::npos) << ok;
}

TEST(InputLimits, OneDocumentPerFile) {
  const std::string msg = load_error(kModel + "---\nname: other\n");
  EXPECT_NE(msg.find("m.yaml:4:1: expected one YAML document per file, found a second one"), std::string::npos) << msg;
  EXPECT_EQ(load_error("---\n" + kModel + "...\n"), "");  // markers around one document are fine
}

TEST(InputLimits, InvalidUtf8IsRefusedWithItsPlaceAndByte) {
  const std::string msg = load_error(kModel + "name: caf\xE9 model\n");
  EXPECT_NE(msg.find("m.yaml:4:10: expected UTF-8 text, found the byte 0xE9"), std::string::npos) << msg;
}

TEST(InputLimits, Utf16AndUtf32AreRefusedAndAUtf8ByteOrderMarkIsDropped) {
  EXPECT_NE(load_error(std::string("\xFF\xFEr\0u\0", 6)).find("m.yaml:1:1: expected UTF-8 text, found a UTF-16 byte"),
            std::string::npos);
  EXPECT_NE(load_error(std::string("\xFE\xFF\0r", 4)).find("UTF-16 byte order mark"), std::string::npos);
  EXPECT_NE(load_error(std::string("\xFF\xFE\0\0r\0\0\0", 8)).find("UTF-32 byte order mark"), std::string::npos);
  EXPECT_NE(load_error(std::string("r\0u\0n\0", 6)).find("m.yaml:1:2: expected YAML text, found the control character 0x00"),
            std::string::npos);
  const Model m = load_model_text("\xEF\xBB\xBF" + kModel, "m.yaml");
  EXPECT_EQ(m.config_text, kModel);  // what HDF5 stores: UTF-8 without the mark
}

TEST(InputLimits, SizeIsCappedBeforeReading) {
  const std::string big(kMaxConfigBytes + 1, ' ');
  EXPECT_NE(load_error(big).find("m.yaml: expected a text of at most 16 MiB (16777216 bytes), got 16777217 bytes"),
            std::string::npos);
  const auto dir = temp_dir("size");
  {
    std::ofstream f(dir / "big.yaml");
    f.seekp(static_cast<std::streamoff>(kMaxConfigBytes));  // a sparse file: no time spent writing it
    f << "x";
  }
  const std::string msg = error_of([&] { load_model_file((dir / "big.yaml").string()); });
  EXPECT_NE(msg.find("big.yaml: expected a YAML file of at most 16 MiB"), std::string::npos) << msg;
  std::filesystem::remove_all(dir);
}

TEST(InputLimits, DevicesAndDirectoriesAreNotRead) {
  EXPECT_EQ(error_of([&] { load_model_file("/dev/zero"); }), "/dev/zero: expected a YAML file, found a character device");
  EXPECT_EQ(error_of([&] { load_sweep_file("/tmp"); }), "/tmp: expected a sweep file, found a directory");
}

TEST(InputLimits, ANonConfigFileIsNotQuoted) {
  const std::string secret = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n";
  const std::string msg = load_error(secret);
  EXPECT_EQ(msg, "m.yaml:1:1: expected a mapping with units and flows, got text (is this a YAML config?)");
  const auto dir = temp_dir("passwd");
  std::ofstream(dir / "passwd") << secret;
  const std::string in_sweep = sweep_error("model: passwd\ngrid: {units.u.servers: [1]}\n", dir);
  EXPECT_EQ(in_sweep.find("root:"), std::string::npos) << in_sweep;
  EXPECT_NE(in_sweep.find("passwd:1:1: expected a mapping with units and flows, got text"), std::string::npos)
      << in_sweep;
  std::filesystem::remove_all(dir);
}

TEST(InputLimits, AValueQuotedInAMessageIsAShortEscapedToken) {
  const std::string msg = load_error(kModel + "time_unit: \"" + std::string(500, 'h') + "\\e[2J\"\n");
  EXPECT_NE(msg.find("got '" + std::string(40, 'h') + "...'"), std::string::npos) << msg;
  EXPECT_LT(msg.size(), 200u) << msg;
}

TEST(InputLimits, ControlCharactersInNamesAreRefusedAndEscapedInTheMessage) {
  const std::string text =
      "run: {horizon: 200}\n"
      "units: {\"u\\e[31m\": {servers: 1}}\n"
      "flows: {f: {arrivals: {poisson: 0.5}, tasks: {a: {unit: u, service: 1}}}}\n";
  const std::string msg = load_error(text);
  EXPECT_EQ(msg.find('\x1b'), std::string::npos);
  EXPECT_NE(msg.find("units: expected a name without control characters"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'u\\x1B[31m'"), std::string::npos) << msg;
  // Any other unicode is a name like any other.
  const std::string unicode =
      "run: {horizon: 200}\n"
      "units: {ventas_é_販売_📦: {servers: 1}}\n"
      "flows: {f: {arrivals: {poisson: 0.5}, tasks: {a: {unit: ventas_é_販売_📦, service: 1}}}}\n";
  EXPECT_EQ(load_error(unicode), "");
  // An unknown key with an escape: the message escapes it.
  const std::string key = load_error(kModel + "\"nam\\e]0;x\\a\": 1\n");
  EXPECT_EQ(key.find('\x1b'), std::string::npos);
  EXPECT_NE(key.find("nam\\x1B]0;x\\x07: unknown key"), std::string::npos) << key;
}

TEST(InputLimits, PrintableEscapesControlsAndKeepsUnicode) {
  EXPECT_EQ(printable("a\x1b[31mb\tc\n\x7f"), "a\\x1B[31mb\\tc\\n\\x7F");
  EXPECT_EQ(printable("x\xc2\x9b" "y"), "x\\u009By");  // C1 CSI
  EXPECT_EQ(printable("caf\xe9"), "caf\\xE9");           // not UTF-8
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xED\\xA0\\x80");  // a surrogate
  EXPECT_EQ(printable("販売 ñ 📦"), "販売 ñ 📦");
  EXPECT_EQ(printable("a\nb", true), "a\nb");
  const std::string once = printable("\x1b\xff\xc2\x85 z");
  EXPECT_EQ(printable(once), once);
  EXPECT_EQ(printable_token("販売販売", 2), "販売...");
  EXPECT_EQ(printable_token("abc", 3), "abc");
  EXPECT_TRUE(has_control("a\tb"));
  EXPECT_TRUE(has_control("a\xc2\x80"));
  EXPECT_FALSE(has_control("販売 ñ"));
  EXPECT_EQ(invalid_utf8("ok \xc3\xa9 \xc3"), 6u);
  EXPECT_EQ(invalid_utf8("\xe0\x80\x80"), 0u);  // overlong
}

TEST(InputLimits, ConfigErrorsCannotCarryControlCharacters) {
  const ConfigError e("where\x1b", "key\x9b", "detail\x07\nnext");
  EXPECT_STREQ(e.what(), "where\\x1B: key\\x9B: detail\\x07\nnext");
  EXPECT_EQ(ConfigError("a\x1b" "b").what(), std::string("a\\x1Bb"));
}

TEST(InputLimits, ASweepGridTooLargeToCountIsRefused) {
  const auto dir = temp_dir("grid");
  std::ofstream(dir / "m.yaml")
      << "run: {horizon: 200, replications: 2, seed: 1}\n"
         "units: {u: {servers: 1}, v: {servers: 1}}\n"
         "flows: {f: {arrivals: {poisson: 0.5}, tasks: {a: {unit: u, service: 1}, b: {unit: v, service: 1, after: "
         "[a]}}}}\n"
         "links: [{from: a, to: b, defect: 0.1}]\n";
  // Twenty factors of ten values that each give a valid model: 10^20 points, past 2^64 (which
  // wrapped the count to 0 and ran nothing).
  const char* paths[] = {"run.seed", "run.horizon", "run.max_wip", "run.max_events", "run.replications",
                         "units.u.servers", "units.v.servers", "units.u.cost_per_hour", "units.v.cost_per_hour",
                         "units.u.capacity", "units.v.capacity", "flows.f.priority", "flows.f.value", "flows.f.due",
                         "flows.f.tasks.a.service", "flows.f.tasks.b.service", "flows.f.arrivals.poisson",
                         "links.a->b.defect", "links.a->b.detect", "links.a->b.lost"};
  std::string sweep = "model: m.yaml\ngrid:\n";
  for (const char* p : paths) {
    const bool probability = std::string(p).rfind("links", 0) == 0;
    sweep += std::string("  ") + p + (probability ? ": [0, .1, .2, .3, .4, .5, .6, .7, .8, .9]\n"
                                                  : ": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n");
  }
  sweep.replace(sweep.find("links.a->b.lost: [0,"), 20, "links.a->b.false_alarm: [0,");
  EXPECT_EQ(sweep_error(sweep, dir), "s.yaml:3:3: grid: expected at most 100000 points, got 1e+20 (see README \"Limits\")");
  // Past the limit without overflowing: the exact count.
  const std::string ten = ": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n";
  const std::string msg = sweep_error("model: m.yaml\ngrid:\n  run.seed" + ten + "  run.horizon" + ten + "  run.max_wip" +
                                          ten + "  run.replications" + ten + "  units.u.servers" + ten +
                                          "  units.v.servers: [1, 2]\n",
                                      dir);
  EXPECT_NE(msg.find("grid: expected at most 100000 points, got 200000 "), std::string::npos) << msg;
  std::filesystem::remove_all(dir);
}

// A duration's text is scanned by hand (durations.cpp): std::regex recursed once per character,
// and fuzz_config found a 22 kB value that overflowed the stack. The scanner accepts exactly what
// the regex did (the regex is the oracle here, on every text of up to 4 characters from an
// alphabet that reaches each branch), and a long value is refused, not a crash.
TEST(InputLimits, DurationsAreScannedAsTheRegexDidAndLongOnesDoNotOverflow) {
  const std::regex re(R"(^\s*([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)\s*$)");
  const std::string alphabet = "1.e-+ hx";
  std::vector<std::string> texts = {""};
  for (int len = 1; len <= 4; ++len) {
    const std::size_t from = texts.size();
    for (std::size_t k = 0; k < from; ++k)
      if (texts[k].size() == static_cast<std::size_t>(len - 1))
        for (char c : alphabet) texts.push_back(texts[k] + c);
  }
  texts.insert(texts.end(), {"1e5h", "1E-3min", ".5d", "5.", "-2 w", "1e", "1eh", "\t3\n", "+.e1", "2 h h"});
  for (const std::string& t : texts) {
    std::smatch m;
    std::string accepted = "refused", got = "refused";
    if (std::regex_match(t, m, re)) accepted = m[2].str().empty() || unit_in_hours(m[2].str()) > 0 ? "ok" : "unit";
    try {
      parse_duration(t, "hour");
      got = "ok";
    } catch (const std::invalid_argument& e) {
      got = std::string(e.what()).find("unknown time unit") != std::string::npos ? "unit"
            : std::string(e.what()).find("range of a double") != std::string::npos ? "ok"
                                                                                    : "refused";
    }
    EXPECT_EQ(got, accepted) << "'" << t << "'";
  }
  EXPECT_DOUBLE_EQ(parse_duration(" 1.5e1 min ", "hour"), 0.25);
  EXPECT_THROW(parse_duration("10" + std::string(200000, 'F'), "hour"), std::invalid_argument);
  EXPECT_THROW(parse_duration(std::string(200000, '1') + "x", "hour"), std::invalid_argument);
  const std::string long_horizon = "run: {horizon: 10" + std::string(22000, 'F') + ", replications: 2, seed: 1}\n" +
                                   kModel.substr(kModel.find('\n') + 1);
  EXPECT_NE(load_error(long_horizon).find("m.yaml:1:16: run.horizon: "), std::string::npos) << load_error(long_horizon);
}

TEST(InputLimits, MaxEventsStopsAReplicationExactlyPastIt) {
  // Fewer events than the engine's periodic check (2^14) and many more.
  for (const char* horizon : {"200", "200000"}) {
    Model m = load_model_text(kModel, "m.yaml", {Override{"run.horizon", horizon, ""}});
    const ReplicationResult full = simulate(m, 1, 0);
    ASSERT_GT(full.events, 10u);
    m.run.max_events = full.events;  // exactly as many: the run is the same
    const ReplicationResult same = simulate(m, 1, 0);
    EXPECT_EQ(same.events, full.events);
    EXPECT_EQ(same.peak_events, full.peak_events);
    EXPECT_EQ(std::memcmp(same.kpi.data(), full.kpi.data(), sizeof full.kpi), 0);  // bit for bit (NaN too)
    m.run.max_events = full.events - 1;
    try {
      simulate(m, 1, 0);
      ADD_FAILURE() << "ran past run.max_events with horizon " << horizon;
    } catch (const EventsExceeded& e) {
      EXPECT_NE(std::string(e.what()).find("run.max_events: more than " + std::to_string(full.events - 1) +
                                           " events in replication 0, at time"),
                std::string::npos)
          << e.what();
    }
  }
  const std::string read = load_error(
      "run: {horizon: 200, max_events: 0}\nunits: {u: }\nflows: {f: {arrivals: {poisson: 1}, tasks: {a: {unit: u, "
      "service: 1}}}}\n");
  EXPECT_NE(read.find("run.max_events: expected an integer from 1 to 1000000000000000, got 0"), std::string::npos)
      << read;
}

}  // namespace
