#include <models/config/durations.hpp>
#include <models/config/shifts.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>

namespace eslabon {

namespace {

constexpr int kWeek = 7 * 24 * 60;  // minutes
const std::array<const char*, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

bool digits(const std::string& s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return false;
  for (std::size_t i = at; i < at + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

int number_at(const std::string& s, std::size_t at, std::size_t n) { return std::atoi(s.substr(at, n).c_str()); }

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
long days_from_civil(long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}

int day_index(const std::string& d) {
  for (std::size_t i = 0; i < kDays.size(); ++i)
    if (d == kDays[i]) return static_cast<int>(i);
  return -1;
}

// "HH:MM" as minutes of the day, 00:00 to 24:00; -1 if malformed.
int clock(const std::string& s) {
  if (s.size() != 5 || !digits(s, 0, 2) || s[2] != ':' || !digits(s, 3, 2)) return -1;
  const int h = number_at(s, 0, 2), m = number_at(s, 3, 2);
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return -1;
  return h * 60 + m;
}

// The minutes of the week (Monday 00:00 = 0) a rule covers, or an empty string saying what is wrong.
std::string rule_minutes(const std::string& rule, std::vector<char>& cover) {
  cover.assign(kWeek, 0);
  std::string days = "daily", times = "00:00-24:00";
  const std::size_t sp = rule.find(' ');
  const std::string first = rule.substr(0, sp);
  if (sp != std::string::npos) {
    days = first;
    times = rule.substr(sp + 1);
    while (!times.empty() && times.front() == ' ') times.erase(0, 1);
  } else if (first.find(':') != std::string::npos) {
    times = first;
  } else {
    days = first;
  }
  std::array<bool, 7> on{};
  std::size_t at = 0;
  while (at <= days.size()) {
    std::size_t comma = days.find(',', at);
    if (comma == std::string::npos) comma = days.size();
    const std::string item = days.substr(at, comma - at);
    if (item == "daily") {
      on.fill(true);
    } else {
      const std::size_t dash = item.find('-');
      const int a = day_index(item.substr(0, dash));
      const int b = dash == std::string::npos ? a : day_index(item.substr(dash + 1));
      if (a < 0 || b < 0) return "bad";
      for (int d = a;; d = (d + 1) % 7) {  // a range may wrap over Sunday: fri-mon
        on[static_cast<std::size_t>(d)] = true;
        if (d == b) break;
      }
    }
    at = comma + 1;
  }
  const std::size_t dash = times.find('-');
  if (dash == std::string::npos) return "bad";
  const int from = clock(times.substr(0, dash)), to = clock(times.substr(dash + 1));
  if (from < 0 || to < 0 || from == 24 * 60 || from == to) return "bad";
  // A span that ends at or before its start runs over midnight into the next day.
  const int length = to > from ? to - from : to + 24 * 60 - from;
  for (int d = 0; d < 7; ++d)
    if (on[static_cast<std::size_t>(d)])
      for (int m = 0; m < length; ++m) cover[static_cast<std::size_t>((d * 24 * 60 + from + m) % kWeek)] = 1;
  return "";
}

}  // namespace

void load_calendar_start(const YamlReader& r, const YAML::Node& n, RunSettings& run) {
  const std::string s = r.str(n, "run.calendar_start");
  auto bad = [&]() {
    r.fail(n, "run.calendar_start", "expected a date YYYY-MM-DD or a date and time YYYY-MM-DDTHH:MM, got " + found(n));
  };
  if (!digits(s, 0, 4) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' || !digits(s, 8, 2)) bad();
  const int y = number_at(s, 0, 4), mo = number_at(s, 5, 2), d = number_at(s, 8, 2);
  static const int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > month_days[mo - 1]) bad();
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo == 2 && d == 29 && !leap) bad();
  int minute = 0;
  if (s.size() > 10) {
    if ((s[10] != 'T' && s[10] != ' ') || s.size() != 16) bad();
    minute = clock(s.substr(11));
    if (minute < 0 || minute == 24 * 60) bad();
  }
  const long days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const int weekday = static_cast<int>(((days + 3) % 7 + 7) % 7);  // 1970-01-01 was a Thursday; Monday is 0
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d", y, mo, d, minute / 60, minute % 60);
  run.calendar_start = buf;
  run.calendar_minute_of_week = weekday * 24 * 60 + minute;
  run.calendar_given = true;
}

void load_shifts(const YamlReader& r, const YAML::Node& n, const std::string& p, const RunSettings& run, Unit& u) {
  const YAML::Node s = n["shifts"];
  if (n["shift_end"] && !s)
    r.fail(n["shift_end"], p + ".shift_end", "expected shifts beside it (shift_end says what happens at a shift's end)");
  if (!s) return;
  if (n["servers"])
    r.fail(n["servers"], p + ".servers",
           "expected either servers or shifts, not both (with shifts the servers are the shifts' levels)");
  const char* form = "a mapping of shift rules to servers, e.g. {mon-fri 08:00-17:00: 3, else: 0}";
  r.map(s, p + ".shifts", form);
  r.unique_keys(s, p + ".shifts");
  if (!s["else"]) r.fail(s, p + ".shifts.else", "missing; expected the servers outside every rule, e.g. else: 0");
  std::vector<int> level(kWeek, -1);
  std::vector<char> cover;
  int other = 0, top = 0;
  for (auto it = s.begin(); it != s.end(); ++it) {
    const std::string rule = it->first.Scalar();
    const std::string path = p + ".shifts." + rule;
    const int servers = static_cast<int>(r.integer(it->second, path, 0, 1000000));
    top = std::max(top, servers);
    if (rule == "else") {
      other = servers;
      continue;
    }
    if (!rule_minutes(rule, cover).empty())
      r.fail(it->first, path,
             "expected a rule DAYS HH:MM-HH:MM (DAYS: mon..sun, a range mon-fri, a list sat,sun or daily; "
             "either part may be left out), got '" +
                 rule + "'");
    for (int m = 0; m < kWeek; ++m)  // the first rule that covers a minute sets it
      if (cover[static_cast<std::size_t>(m)] && level[static_cast<std::size_t>(m)] < 0)
        level[static_cast<std::size_t>(m)] = servers;
    u.shift_rules.emplace_back(rule, servers);
  }
  u.shift_rules.emplace_back("else", other);
  if (top < 1) r.fail(s, p + ".shifts", "expected at least one rule with servers >= 1, got none");
  for (int& l : level)
    if (l < 0) l = other;
  // Model time 0 is calendar_start: minute m of the model's week is minute (start + m) of the calendar's.
  const double per_unit = unit_in_hours(r.time_unit()) * 60;  // minutes per time unit
  u.shift_period = kWeek / per_unit;
  for (int m = 0; m < kWeek; ++m) {
    const int l = level[static_cast<std::size_t>((run.calendar_minute_of_week + m) % kWeek)];
    if (u.shifts.empty() || u.shifts.back().servers != l) u.shifts.push_back(Unit::ShiftChange{m / per_unit, l});
  }
  u.servers = top;
  if (n["shift_end"]) u.shift_preempt = r.choice(n["shift_end"], p + ".shift_end", {"finish", "preempt"}) == 1;
}

}  // namespace eslabon
