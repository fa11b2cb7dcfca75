#include <models/config/keys.hpp>
#include <models/config/rate_profile.hpp>

#include <cmath>

namespace eslabon {
namespace {

const char* kForms = "{rates: [RATE, ...], every: DURATION} or {schedule: [[FROM, RATE], ...]}";

double read_rate(const YamlReader& r, const YAML::Node& n, const std::string& path) {
  const double v = r.number(n, path);
  if (!(v >= 0) || !std::isfinite(v))
    r.fail(n, path, "expected a rate >= 0 (arrivals per " + r.time_unit() + "), got " + found(n));
  return v;
}

void need_list(const YamlReader& r, const YAML::Node& n, const std::string& path, const std::string& what) {
  if (!n.IsSequence() || n.size() == 0)
    r.fail(n, path, "expected a non-empty list of " + what + ", got " + (n.IsSequence() ? "an empty list" : found(n)));
}

std::string key_list(const YAML::Node& n) {
  std::string keys;
  for (auto it = n.begin(); it != n.end(); ++it) keys += (keys.empty() ? "" : ", ") + it->first.Scalar();
  return keys.empty() ? "(none)" : keys;
}

}  // namespace

RateProfile read_rate_profile(const YamlReader& r, const YAML::Node& n, const std::string& path) {
  r.keys(n, path, config_keys::poisson_profile);
  RateProfile p;
  const YAML::Node rates = n["rates"], every = n["every"], schedule = n["schedule"];
  if (schedule ? (rates || every) : !(rates && every))
    r.fail(n, path, std::string("expected ") + kForms + ", got the keys " + key_list(n));
  YAML::Node all;  // the node that holds every rate, for "at least one rate > 0"
  if (schedule) {
    all = schedule;
    need_list(r, schedule, path + ".schedule", "[FROM, RATE] pairs");
    for (std::size_t i = 0; i < schedule.size(); ++i) {
      const YAML::Node item = schedule[i];
      const std::string ip = path + ".schedule." + std::to_string(i);
      if (!item.IsSequence() || item.size() != 2)
        r.fail(item, ip,
               "expected a pair [FROM, RATE] (a time from which the rate holds, then the rate), got " + found(item));
      const double from = r.duration(item[0], ip + ".0");
      if (i == 0 && from != 0)
        r.fail(item[0], ip + ".0", "expected the first piece to start at 0, got " + found(item[0]));
      if (i > 0 && !(from > p.from.back()))
        r.fail(item[0], ip + ".0",
               "expected a time after the previous piece's (" + found(schedule[i - 1][0]) + "), got " + found(item[0]));
      p.from.push_back(from);
      p.rate.push_back(read_rate(r, item[1], ip + ".1"));
    }
  } else {
    all = rates;
    need_list(r, rates, path + ".rates", "rates");
    for (std::size_t i = 0; i < rates.size(); ++i)
      p.rate.push_back(read_rate(r, rates[i], path + ".rates." + std::to_string(i)));
    p.every = r.duration(every, path + ".every");
    if (!(p.every > 0)) r.fail(every, path + ".every", "expected a duration > 0, got " + found(every));
    for (std::size_t i = 0; i < p.rate.size(); ++i) p.from.push_back(static_cast<double>(i) * p.every);
    if (!std::isfinite(static_cast<double>(p.rate.size()) * p.every))
      r.fail(every, path + ".every",
             "expected a period (every x the number of rates) that is finite, got " + found(every));
  }
  bool any = false;
  for (double v : p.rate) any = any || v > 0;
  if (!any) r.fail(all, path + (schedule ? ".schedule" : ".rates"), "expected at least one rate > 0, got none");
  p.finish();
  if (!std::isfinite(1.0 / p.max))
    r.fail(all, path + (schedule ? ".schedule" : ".rates"), "expected a largest rate whose inverse is finite");
  return p;
}

}  // namespace eslabon
