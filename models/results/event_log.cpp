#include <models/results/event_log.hpp>

#include <models/model/link_faults.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>

namespace eslabon {

std::string model_date(const Model& m, double t) {
  using namespace std::chrono;
  int y = 2026, mo = 1, d = 1, hh = 0, mm = 0;
  std::sscanf(m.run.calendar_start.c_str(), "%d-%d-%dT%d:%d", &y, &mo, &d, &hh, &mm);
  const sys_days day = year{y} / month{static_cast<unsigned>(mo)} / std::chrono::day{static_cast<unsigned>(d)};
  const auto at = sys_time<milliseconds>(day) + hours{hh} + minutes{mm} +
                  milliseconds{std::llround(t * m.time_unit_hours * 3600000.0)};
  const sys_days date = floor<days>(at);
  const year_month_day ymd{date};
  const hh_mm_ss<milliseconds> clock{at - date};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return buf;
}

EventLog::EventLog(const Model& m, std::uint64_t replication, std::uint64_t orders, std::uint64_t max_events)
    : m_(m), replication_(replication), limit_(orders), max_events_(max_events) {}

bool EventLog::admit(std::uint32_t, std::uint64_t) {
  if (admitted_ < limit_) {
    ++admitted_;
    return true;
  }
  ++refused_;
  return false;
}

void EventLog::push(const TraceEvent& e, std::int64_t defect, std::int32_t origins) {
  if (rows_.size() >= max_events_) {
    cut_ = true;
    return;
  }
  Row r{e, defect, origins};
  r.e.caught = nullptr;
  rows_.push_back(r);
}

std::vector<std::vector<std::int64_t>>& EventLog::open(const TraceEvent& e) {
  auto& v = open_[key(e.flow, e.number)];
  if (v.size() < m_.origins.size()) v.resize(m_.origins.size());
  return v;
}

// The order leaves (delivered: its defects reach the customer; lost: they reach nobody).
void EventLog::close(const TraceEvent& e, std::int8_t outcome) {
  auto it = open_.find(key(e.flow, e.number));
  if (it == open_.end()) return;
  for (const auto& ids : it->second)
    for (std::int64_t id : ids) outcome_[static_cast<std::size_t>(id)] = outcome;
  open_.erase(it);
}

void EventLog::record(const TraceEvent& e) {
  if (e.origin == kManyOrigins && e.caught) {  // rework owned by several origins: their names
    std::string names;
    for (std::size_t g = 0; g < m_.origins.size(); ++g)
      if (e.caught[g]) names += (names.empty() ? "" : ";") + m_.origins[g].name;
    many_.push_back(names);
    return push(e, -1, static_cast<std::int32_t>(many_.size()) - 1);
  }
  switch (e.activity) {
    case Activity::DefectMade: {
      const auto id = static_cast<std::int64_t>(outcome_.size());
      outcome_.push_back(-1);
      open(e)[static_cast<std::size_t>(e.origin)].push_back(id);
      push(e, id);
      return;
    }
    case Activity::DefectCaught: {  // one row per defect caught, the oldest of its origin first
      auto& ids = open(e)[static_cast<std::size_t>(e.origin)];
      for (int i = 0; i < e.count; ++i) {
        std::int64_t id = -1;
        if (!ids.empty()) {
          id = ids.front();
          ids.erase(ids.begin());
          outcome_[static_cast<std::size_t>(id)] = 1;
        }
        push(e, id);
      }
      return;
    }
    case Activity::Delivered:
      push(e);
      close(e, 0);
      return;
    case Activity::Lost:
      push(e);
      close(e, -1);
      return;
    default:
      break;
  }
  push(e);
}

void EventLog::create_columns(Table& t) {
  t.i64("replication");
  t.str("case");
  t.str("flow");
  t.i64("order");
  t.str("activity");
  t.str("task");
  t.str("unit");
  t.str("job");
  t.i64("attempt");
  t.f64("time");
  t.str("timestamp");
  t.str("handoff");
  t.str("origin");
  t.i64("defect");
  t.i64("caught");
  t.str("detail");
  for (const char* w : kWaitPartNames) t.f64(w);
}

Table EventLog::table() const {
  Table t("events");
  create_columns(t);
  auto& rep = t.i64("replication");
  auto& cases = t.str("case");
  auto& flow = t.str("flow");
  auto& order = t.i64("order");
  auto& activity = t.str("activity");
  auto& task = t.str("task");
  auto& unit = t.str("unit");
  auto& job = t.str("job");
  auto& attempt = t.i64("attempt");
  auto& time = t.f64("time");
  auto& stamp = t.str("timestamp");
  auto& handoff = t.str("handoff");
  auto& origin = t.str("origin");
  auto& defect = t.i64("defect");
  auto& caught = t.i64("caught");
  auto& detail = t.str("detail");
  std::vector<std::vector<double>*> waits;
  for (const char* w : kWaitPartNames) waits.push_back(&t.f64(w));
  std::string prefix = "r";  // (built in steps: "r" + to_string(...) trips GCC 12's -Wrestrict)
  prefix += std::to_string(replication_);
  prefix += '/';
  for (const Row& r : rows_) {
    const TraceEvent& e = r.e;
    const Flow& fl = m_.flows[e.flow];
    rep.push_back(static_cast<std::int64_t>(replication_));
    cases.push_back(prefix + fl.name + "/" + std::to_string(e.number));
    flow.push_back(fl.name);
    order.push_back(static_cast<std::int64_t>(e.number));
    activity.push_back(activities()[static_cast<std::size_t>(e.activity)].name);
    task.push_back(e.task >= 0 ? fl.tasks[static_cast<std::size_t>(e.task)].name : "");
    unit.push_back(e.unit >= 0 ? m_.units[static_cast<std::size_t>(e.unit)].name : "");
    job.push_back(e.job >= 0 ? kJobNames[static_cast<std::size_t>(e.job)] : "");
    attempt.push_back(static_cast<std::int64_t>(e.attempt));
    time.push_back(e.time);
    stamp.push_back(model_date(m_, e.time));
    if (e.edge >= 0) {
      const Edge& ed = fl.edges[static_cast<std::size_t>(e.edge)];
      handoff.push_back(fl.tasks[static_cast<std::size_t>(ed.from)].name + "->" +
                        fl.tasks[static_cast<std::size_t>(ed.to)].name);
    } else {
      handoff.push_back("");
    }
    if (r.origins >= 0)
      origin.push_back(many_[static_cast<std::size_t>(r.origins)]);
    else
      origin.push_back(e.origin >= 0 ? m_.origins[static_cast<std::size_t>(e.origin)].name : "");
    defect.push_back(r.defect);
    std::int64_t c = -1;
    if (e.activity == Activity::DefectCaught) c = 1;
    if (e.activity == Activity::DefectMade && r.defect >= 0) c = outcome_[static_cast<std::size_t>(r.defect)];
    caught.push_back(c);
    detail.push_back(e.on_detect >= 0 ? on_detect_outcomes()[static_cast<std::size_t>(e.on_detect)].name
                                      : trace_detail_name(e.detail));
    for (int w = 0; w < kWaitParts; ++w)
      waits[static_cast<std::size_t>(w)]->push_back(e.wait[static_cast<std::size_t>(w)]);
  }
  return t;
}

}  // namespace eslabon
