// Shifts and calendars (README "Shifts and calendars"): units.U.shifts, shift_end and
// run.calendar_start. Exact deterministic scenarios (a job across a shift's end under finish
// and under preempt, a closed weekend placed by calendar_start, the first matching rule wins,
// an overnight rule), a shift plan that never changes reproducing plain servers bit for bit,
// and an M/M/c/K whose servers alternate between two levels over the day against its
// time-inhomogeneous CTMC solved numerically over the period. And the config's errors.

#include <models/config/config_error.hpp>
#include <models/config/loader.hpp>
#include <models/engine/simulate.hpp>
#include <models/results/run_result.hpp>

#include <gtest/gtest.h>

#include "oracle.hpp"
#include "run_text.hpp"

#include <array>
#include <cmath>
#include <string>
#include <vector>

namespace {

using namespace eslabon_test;
using eslabon::DelayStat;
using eslabon::FlowStat;
using eslabon::Kpi;
using eslabon::ReplicationResult;
using eslabon::RunResult;
using eslabon::UnitStat;

double K(const ReplicationResult& r, Kpi k) { return r.kpi[static_cast<int>(k)]; }
double U(const ReplicationResult& r, std::size_t u, UnitStat s) { return r.units.at(u)[static_cast<int>(s)]; }
double F(const ReplicationResult& r, std::size_t f, FlowStat s) { return r.flows.at(f)[static_cast<int>(s)]; }
double D(const ReplicationResult& r, std::size_t c) { return r.delays.at(c)[static_cast<int>(DelayStat::Time)]; }

// One order every 48 h, at 00:00 (model time 0 is Monday 00:00, the default calendar_start), of
// 10 h of work at a desk open daily 08:00-17:00 with one server.
std::string day_shift(const std::string& shift_end) {
  return "name: shifts\nrun: {horizon: 1008, warmup: 48, replications: 1, seed: 1}\n"
         "units:\n  desk: {shifts: {daily 08:00-17:00: 1, else: 0}" +
         shift_end +
         "}\n"
         "flows:\n  f: {arrivals: {interarrival: 48}, tasks: {w: {unit: desk, service: 10}}}\n";
}

}  // namespace

// finish: the order waits for the desk to open at 08:00 and is served [8, 18], an hour past the
// shift's end: lead 18, of which 8 closed:desk (waiting while no server is scheduled) and no
// queue:desk. preempt: served [8, 17], its remaining hour goes back to the line and resumes at
// 08:00 the next day: lead 24 + 9 = 33, closed:desk 8 + 15.
// Utilisation is over the scheduled server-time: 10 h of work per 2 x 9 h scheduled.
TEST(Shifts, AJobAcrossAShiftEndFinishesOrResumesNextShift) {
  const RunResult finish = run_text(day_shift(""));
  const RunResult preempt = run_text(day_shift(", shift_end: preempt"));
  ASSERT_EQ(finish.calendar_start, "2026-01-05T00:00");
  for (const auto* r : {&finish, &preempt}) {
    const ReplicationResult& rep = r->replications.at(0);
    const bool pre = r == &preempt;
    EXPECT_EQ(F(rep, 0, FlowStat::LeadTimeMean), pre ? 33 : 18);
    EXPECT_EQ(D(rep, index_of(r->cause_names, "closed:desk")), pre ? 23 : 8);
    EXPECT_EQ(D(rep, index_of(r->cause_names, "queue:desk")), 0);
    EXPECT_EQ(D(rep, index_of(r->cause_names, "service:desk")), 10);
    EXPECT_NEAR(U(rep, 0, UnitStat::Utilisation), 10.0 / 18, 1e-12);
    EXPECT_NEAR(U(rep, 0, UnitStat::MeanBusy), 10.0 / 48, 1e-12);
    EXPECT_EQ(U(rep, 0, UnitStat::Throughput), 20.0 / 960);
    EXPECT_EQ(K(rep, Kpi::OrdersUnfinished), 0);
  }
}

// calendar_start places the week: model time 0 is Friday 20:00, so the weekly order (at model
// time 168 k) arrives on a Friday at 20:00 at a desk open Monday to Friday, all day. finish: 10 h
// into Saturday 06:00. preempt: 4 h on Friday, the other 6 h on Monday 00:00-06:00: lead 58.
TEST(Shifts, AClosedWeekendPlacedByCalendarStart) {
  auto model = [](const std::string& shift_end) {
    return "name: weekend\nrun: {horizon: 3528, warmup: 168, replications: 1, seed: 1, calendar_start: "
           "2026-01-09T20:00}\nunits:\n  desk: {shifts: {mon-fri: 1, else: 0}" +
           shift_end + "}\nflows:\n  f: {arrivals: {interarrival: 168}, tasks: {w: {unit: desk, service: 10}}}\n";
  };
  const RunResult finish = run_text(model(""));
  const RunResult preempt = run_text(model(", shift_end: preempt"));
  EXPECT_EQ(finish.calendar_start, "2026-01-09T20:00");
  EXPECT_EQ(F(finish.replications.at(0), 0, FlowStat::LeadTimeMean), 10);
  EXPECT_EQ(F(preempt.replications.at(0), 0, FlowStat::LeadTimeMean), 58);
  EXPECT_EQ(D(preempt.replications.at(0), index_of(preempt.cause_names, "closed:desk")), 48);
  EXPECT_EQ(D(preempt.replications.at(0), index_of(preempt.cause_names, "queue:desk")), 0);
}

// Two orders arrive together at 00:00 at a desk open 08:00-17:00 with one server (2 h each):
// both wait 8 h closed; the second then waits 2 h for the server (queue:desk) and is served
// [10, 12]. Per order: closed 8, queue 1, service 2; lateness (due 9) 1 and 3: the avoidable
// causes (closed, queue) take it in proportion to their times. A unit without a closed period
// has no closed: cause.
TEST(Shifts, WaitingWhileClosedIsItsOwnCause) {
  const RunResult r = run_text(
      "name: closed\nrun: {horizon: 1008, warmup: 48, replications: 1, seed: 1}\n"
      "units:\n  desk: {shifts: {daily 08:00-17:00: 1, else: 0}}\n  open: {shifts: {daily 08:00-17:00: 2, else: 1}}\n"
      "flows:\n  a: {due: 9, arrivals: {interarrival: 48}, tasks: {w: {unit: desk, service: 2}}}\n"
      "  b: {due: 9, arrivals: {interarrival: 48}, tasks: {w: {unit: desk, service: 2}}}\n"
      "  c: {arrivals: {interarrival: 48}, tasks: {w: {unit: open, service: 2}}}\n");
  const ReplicationResult& rep = r.replications.at(0);
  EXPECT_EQ(F(rep, 0, FlowStat::LeadTimeMean), 10);
  EXPECT_EQ(F(rep, 1, FlowStat::LeadTimeMean), 12);
  const std::size_t closed = index_of(r.cause_names, "closed:desk"), queue = index_of(r.cause_names, "queue:desk");
  EXPECT_DOUBLE_EQ(D(rep, closed), 8.0 * 2 / 3);  // the c orders (open unit) wait for nothing
  EXPECT_DOUBLE_EQ(D(rep, queue), 1.0 * 2 / 3);
  const double lateness = rep.delays.at(closed)[static_cast<int>(DelayStat::Lateness)] +
                          rep.delays.at(queue)[static_cast<int>(DelayStat::Lateness)];
  EXPECT_DOUBLE_EQ(lateness, 4.0 / 3);  // (1 + 3) over the three orders
  // b: lateness 3 over closed 8 and queue 2: 2.4 and 0.6; a: 1 over closed 8: 1.
  EXPECT_DOUBLE_EQ(rep.delays.at(queue)[static_cast<int>(DelayStat::Lateness)], 0.6 / 3);
  for (const std::string& c : r.cause_names) EXPECT_NE(c, "closed:open");
}

// A minute's servers are the first rule's that covers it. Monday 10:00-12:00 closed, then
// Monday to Friday 08:00-17:00 two servers: 2 x (45 - 2) server-hours a week. In the other
// order the Monday rule is never reached: 2 x 45. Change points are in model time from
// calendar_start (here Wednesday 12:00), the first at 0.
TEST(Shifts, TheFirstMatchingRuleWinsAndChangePointsFollowTheCalendar) {
  auto unit = [](const std::string& rules, const std::string& start) {
    return eslabon::load_model_text(
               "run: {horizon: 100, calendar_start: " + start + "}\nunits: {desk: {shifts: {" + rules +
                   "}}}\nflows: {f: {arrivals: {poisson: 1}, tasks: {w: {unit: desk, service: 0.1}}}}\n",
               "<test>")
        .units.at(0);
  };
  const auto first = unit("mon 10:00-12:00: 0, mon-fri 08:00-17:00: 2, else: 0", "2026-01-05");
  EXPECT_NEAR(first.mean_servers(), 2.0 * 43 / 168, 1e-12);
  EXPECT_EQ(first.servers, 2);
  EXPECT_EQ(first.shift_period, 168);
  EXPECT_NEAR(unit("mon-fri 08:00-17:00: 2, mon 10:00-12:00: 0, else: 0", "2026-01-05").mean_servers(), 2.0 * 45 / 168,
              1e-12);
  // Overnight: 22:00-06:00 on weekdays runs into the next morning (Friday's into Saturday).
  const auto night = unit("mon-fri 22:00-06:00: 3, else: 1", "2026-01-07T12:00");
  ASSERT_GE(night.shifts.size(), 3u);
  EXPECT_EQ(night.shifts[0].at, 0);
  EXPECT_EQ(night.shifts[0].servers, 1);
  EXPECT_EQ(night.shifts[1].at, 10);  // Wednesday 22:00
  EXPECT_EQ(night.shifts[1].servers, 3);
  EXPECT_EQ(night.shifts[2].at, 18);  // Thursday 06:00
  EXPECT_NEAR(night.mean_servers(), (5 * 8 * 3 + (168 - 40)) / 168.0, 1e-12);
  // In a flow mapping a rule with a comma is quoted (YAML splits entries at commas).
  EXPECT_NEAR(unit("\"sat,sun\": 2, fri-mon 09:00-10:00: 4, else: 1", "2026-01-05").mean_servers(),
              (48 * 2 + 2 * 4 + (168 - 50)) / 168.0, 1e-12);
}

// A plan that never changes is plain servers, bit for bit (no Shift event, the same utilisation).
TEST(Shifts, AConstantPlanIsPlainServersBitForBit) {
  const std::string head = "name: c\n" + run_block(50, 2000, 3, 7) + "units:\n  desk: {";
  const std::string tail =
      ", outages: {mtbf: 50, mttr: {exponential: {mean: 3}}}}\n"
      "flows:\n  f: {arrivals: {poisson: 1.5}, tasks: {w: {unit: desk, service: {exponential: {mean: 1}}}}}\n";
  const RunResult a = run_text(head + "servers: 2" + tail);
  const RunResult b = run_text(head + "shifts: {else: 2}, shift_end: preempt" + tail);
  auto bits = [](const auto& x) {  // NaN included: an empty figure is NaN in both
    return std::string(reinterpret_cast<const char*>(x.data()), x.size() * sizeof x[0]);
  };
  ASSERT_EQ(a.replications.size(), 3u);
  for (std::size_t i = 0; i < a.replications.size(); ++i) {
    EXPECT_EQ(bits(a.replications[i].kpi), bits(b.replications[i].kpi));
    EXPECT_EQ(bits(a.replications[i].units), bits(b.replications[i].units));
    EXPECT_EQ(bits(a.replications[i].delays), bits(b.replications[i].delays));
  }
}

namespace {

// The periodic steady state of an M/M/c/K queue whose servers are c(t) (piecewise constant over
// a period), by integrating the forward equations dp/dt = p Q(t) (RK4) over periods until the
// distribution at the period's start repeats. Returns time averages over a period of
// P(n = K), E[n], E[min(n, c(t))] and E[(n - c(t))+].
struct Periodic {
  double blocked = 0, in_system = 0, busy = 0, queue = 0;
};
Periodic periodic_mmck(double lambda, double mu, int K, const std::vector<std::pair<double, int>>& pieces) {
  std::vector<double> p(static_cast<std::size_t>(K) + 1, 0.0), last;
  p[0] = 1;
  const double h = 0.002;
  Periodic avg;
  auto deriv = [&](const std::vector<double>& x, int c) {
    std::vector<double> d(x.size(), 0.0);
    for (int n = 0; n <= K; ++n) {
      const double up = n < K ? lambda : 0, down = mu * std::min(n, c);
      d[static_cast<std::size_t>(n)] -= (up + down) * x[static_cast<std::size_t>(n)];
      if (n < K) d[static_cast<std::size_t>(n) + 1] += up * x[static_cast<std::size_t>(n)];
      if (n > 0) d[static_cast<std::size_t>(n) - 1] += down * x[static_cast<std::size_t>(n)];
    }
    return d;
  };
  for (int period = 0; period < 400; ++period) {
    last = p;
    Periodic acc;
    double total = 0;
    for (const auto& [length, c] : pieces) {
      const int steps = static_cast<int>(std::lround(length / h));
      for (int s = 0; s < steps; ++s) {
        auto add = [&](const std::vector<double>& a, const std::vector<double>& b, double f) {
          std::vector<double> r(a.size());
          for (std::size_t i = 0; i < a.size(); ++i) r[i] = a[i] + f * b[i];
          return r;
        };
        const auto k1 = deriv(p, c), k2 = deriv(add(p, k1, h / 2), c), k3 = deriv(add(p, k2, h / 2), c),
                   k4 = deriv(add(p, k3, h), c);
        std::vector<double> next(p.size());
        for (std::size_t i = 0; i < p.size(); ++i) next[i] = p[i] + h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
        for (int n = 0; n <= K; ++n) {  // trapezoid over the step
          const double w = h / 2 * (p[static_cast<std::size_t>(n)] + next[static_cast<std::size_t>(n)]);
          acc.in_system += n * w;
          acc.busy += std::min(n, c) * w;
          acc.queue += std::max(n - c, 0) * w;
          if (n == K) acc.blocked += w;
        }
        p = next;
      }
      total += length;
    }
    avg = Periodic{acc.blocked / total, acc.in_system / total, acc.busy / total, acc.queue / total};
    double diff = 0;
    for (std::size_t i = 0; i < p.size(); ++i) diff = std::max(diff, std::abs(p[i] - last[i]));
    if (period > 5 && diff < 1e-13) break;
  }
  return avg;
}

}  // namespace

// Exponential service under shift_end: preempt is memoryless, so the number in the system is a
// CTMC with service rate mu min(n, c(t)): two servers 08:00-20:00, one otherwise, capacity 4.
// Throughput lambda (1 - P(full)) by PASTA, the loss rate P(full), the utilisation E[min(n,
// c)] / 1.5 over the scheduled servers and the mean queue E[(n - c)+], all averaged over the day.
TEST(Shifts, MMcKWithTwoLevelsMatchesItsPeriodicCtmc) {
  const double lambda = 1.5, mu = 1;
  const int places = 4;
  const Periodic th = periodic_mmck(lambda, mu, places, {{8, 1}, {12, 2}, {4, 1}});
  const RunResult r = run_text(
      "name: mmck\n" + run_block(240, 24 * 400, 20, 11) +
      "units:\n  desk: {shifts: {daily 08:00-20:00: 2, else: 1}, shift_end: preempt, capacity: 4}\n"
      "flows:\n  f: {arrivals: {poisson: 1.5}, tasks: {w: {unit: desk, service: {exponential: {mean: 1}}}}}\n");
  std::vector<double> thr, loss, util, queue;
  for (const auto& rep : r.replications) {
    thr.push_back(U(rep, 0, UnitStat::Throughput));
    loss.push_back(K(rep, Kpi::LossRate));
    util.push_back(U(rep, 0, UnitStat::Utilisation));
    queue.push_back(U(rep, 0, UnitStat::MeanQueue));
  }
  EXPECT_TRUE(Covers("throughput = lambda (1 - P(full))", thr, lambda * (1 - th.blocked)));
  EXPECT_TRUE(Covers("loss rate = P(full)", loss, th.blocked));
  EXPECT_TRUE(Covers("utilisation = E[min(n, c)] / 1.5", util, th.busy / 1.5));
  EXPECT_TRUE(Covers("mean queue = E[(n - c)+]", queue, th.queue));
  // Far more blocking than with two servers all day.
  const Periodic flat = periodic_mmck(lambda, mu, places, {{24, 2}});
  EXPECT_GT(th.blocked, 1.5 * flat.blocked);
}

TEST(Shifts, ConfigErrors) {
  const std::string head = "run: {horizon: 100}\nunits:\n  desk: ";
  const std::string tail = "\nflows: {f: {arrivals: {poisson: 1}, tasks: {w: {unit: desk, service: 0.1}}}}\n";
  auto err = [&](const std::string& unit) { return error_of(head + unit + tail); };
  EXPECT_EQ(err("{shifts: {mon-fri 08:00-17:00: 2}}"),
            "m.yaml:3:18: units.desk.shifts.else: missing; expected the servers outside every rule, e.g. else: 0");
  EXPECT_EQ(err("{shifts: {mon-fry 08:00-17:00: 2, else: 0}}"),
            "m.yaml:3:19: units.desk.shifts.mon-fry 08:00-17:00: expected a rule DAYS HH:MM-HH:MM (DAYS: mon..sun, a range mon-fri, a list sat,sun or daily; either part may be left out), got 'mon-fry 08:00-17:00'");
  EXPECT_EQ(err("{shifts: {mon-fri 08:00-25:00: 2, else: 0}}"),
            "m.yaml:3:19: units.desk.shifts.mon-fri 08:00-25:00: expected a rule DAYS HH:MM-HH:MM (DAYS: mon..sun, a range mon-fri, a list sat,sun or daily; either part may be left out), got 'mon-fri 08:00-25:00'");
  EXPECT_EQ(err("{shifts: {mon-fri 08:00-17:00: -1, else: 0}}"),
            "m.yaml:3:40: units.desk.shifts.mon-fri 08:00-17:00: expected an integer from 0 to 1000000, got -1");
  EXPECT_EQ(err("{shifts: {mon-fri 08:00-17:00: 0, else: 0}}"),
            "m.yaml:3:18: units.desk.shifts: expected at least one rule with servers >= 1, got none");
  EXPECT_EQ(err("{servers: 2, shifts: {mon-fri 08:00-17:00: 2, else: 0}}"),
            "m.yaml:3:19: units.desk.servers: expected either servers or shifts, not both (with shifts the servers are the shifts' levels)");
  EXPECT_EQ(err("{servers: 2, shift_end: preempt}"),
            "m.yaml:3:33: units.desk.shift_end: expected shifts beside it (shift_end says what happens at a shift's end)");
  EXPECT_EQ(err("{shifts: {else: 1}, shift_end: stop}"),
            "m.yaml:3:40: units.desk.shift_end: expected finish or preempt, got 'stop'");
  EXPECT_EQ(err("{shifts: [1, 2]}"),
            "m.yaml:3:18: units.desk.shifts: expected a mapping of shift rules to servers, e.g. {mon-fri 08:00-17:00: 3, else: 0}, got a list");
  EXPECT_EQ(err("{shifts: {else: 1}, capacity: 1}"), "(no error)");
  EXPECT_EQ(err("{shifts: {daily 08:00-17:00: 3, else: 0}, capacity: 2}"),
            "m.yaml:3:61: units.desk.capacity: expected at least as many places as servers (3), got 2");
  EXPECT_EQ(error_of("run: {horizon: 100, calendar_start: 2026-02-30}\nunits: {desk: {}}" + tail),
            "m.yaml:1:37: run.calendar_start: expected a date YYYY-MM-DD or a date and time YYYY-MM-DDTHH:MM, got '2026-02-30'");
  EXPECT_EQ(error_of("run: {horizon: 100, calendar_start: 2026-01-05T8:00}\nunits: {desk: {}}" + tail),
            "m.yaml:1:37: run.calendar_start: expected a date YYYY-MM-DD or a date and time YYYY-MM-DDTHH:MM, got '2026-01-05T8:00'");
  EXPECT_EQ(error_of("run: {horizon: 100, calendar_start: 2024-02-29 23:59}\nunits: {desk: {}}" + tail),
            "(no error)");
}
