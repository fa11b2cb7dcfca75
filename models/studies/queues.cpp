#include <models/studies/analytic.hpp>
#include <models/studies/queues.hpp>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace eslabon {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Work of a mix of jobs: rates and the first two moments, and whether every job is one
// exponential draw of the same mean.
struct Mix {
  double rate = 0, work = 0, second = 0;
  bool exponential = true;
  double exp_mean = -1;
  void add(double r, const Moments& w) {
    if (!(r > 0)) return;
    rate += r;
    work += r * w.mean;
    second += r * w.second();
    if (!w.exponential || (exp_mean >= 0 && std::abs(w.mean - exp_mean) > 1e-12 * exp_mean)) exponential = false;
    exp_mean = w.mean;
  }
  Moments moments() const {
    if (!(rate > 0)) return {};
    const double mean = work / rate;
    return {mean, std::max(0.0, second / rate - mean * mean), exponential};
  }
};

// A stream of jobs into a unit: first visits of a task (a split of the orders ready for it), or
// its redos (a split of the unit's own departures, fed back).
struct JobClass {
  double rate = 0;
  std::size_t task = 0;  // index of the task in the linear system's unknowns
  double skip = 0;       // first visits: the task's skip probability
  bool feedback = false;
};

struct UnitJobs {
  Mix mix;
  std::vector<JobClass> classes;
  bool broken = false;   // a handoff of one of its tasks never gets through
  bool markov = true;    // every flow it serves is Poisson at a constant rate and nobody reneges
};

// sum D^k / T over the closures (no server) of length D of a unit's week of length T. With k = 2,
// halved: the mean time a Poisson arrival waits for the unit to open.
double closures(const Unit& u, int k) {
  if (!u.has_shifts() || !u.closes()) return 0;
  const double T = u.shift_period;
  double sum = 0, run = 0;
  const std::size_t n = u.shifts.size();
  // Start after a change point that opens the unit, so that a closure across the week's end is one.
  std::size_t first = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (u.shifts[i].servers > 0) first = i;
  for (std::size_t s = 1; s <= n; ++s) {
    const std::size_t i = (first + s) % n, next = (i + 1) % n;
    const double end = next == 0 ? T : u.shifts[next].at;
    const double length = end - u.shifts[i].at;
    if (u.shifts[i].servers == 0) {
      run += length;
    } else {
      sum += std::pow(run, k);
      run = 0;
    }
  }
  sum += std::pow(run, k);
  return sum / T;
}

}  // namespace

double erlang_c(int c, double a) {
  if (!(a < c)) return 1.0;
  double term = 1.0, sum = 0.0;  // term = a^k / k!
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double last = term * c / (c - a);
  return last / (sum + last);
}

std::vector<UnitQueue> unit_queues(const Model& m, const std::vector<FlowVisits>& visits,
                                   const std::vector<UnitLoad>& given) {
  const std::size_t U = m.units.size();
  std::vector<std::size_t> offset(m.flows.size());  // of each flow's tasks among the unknowns
  std::size_t n = U;
  for (std::size_t f = 0; f < m.flows.size(); ++f) {
    offset[f] = n;
    n += m.flows[f].tasks.size();
  }
  std::vector<UnitJobs> jobs(U);
  for (std::size_t f = 0; f < m.flows.size(); ++f) {
    const Flow& fl = m.flows[f];
    const FlowVisits& v = visits[f];
    for (std::size_t k = 0; k < fl.tasks.size(); ++k) {
      UnitJobs& uj = jobs[static_cast<std::size_t>(fl.tasks[k].unit)];
      const TaskVisits& tv = v.tasks[k];
      if (v.shares.task[k] > 0) uj.markov = uj.markov && v.poisson && !fl.has_patience;
      const double first = v.rate * v.shares.task[k] * (1 - tv.skip);
      if (first > 0) {
        uj.mix.add(first, tv.first);
        uj.classes.push_back({first, offset[f] + k, tv.skip, false});
      }
      Mix redo;
      for (int e : fl.tasks[k].out) {
        const HandoffVisits& h = v.edges[static_cast<std::size_t>(e)];
        uj.broken = uj.broken || (h.faulty && v.shares.edge[static_cast<std::size_t>(e)] > 0);
        const double along = v.rate * v.shares.edge[static_cast<std::size_t>(e)];
        redo.add(along * h.full_redos, tv.own);
        redo.add(along * h.reworks, h.rework);
      }
      if (redo.rate > 0) {
        uj.mix.add(redo.rate, redo.moments());
        uj.classes.push_back({redo.rate, 0, 0, true});
      }
    }
  }
  // Each unit's figures; what the offered load counts beyond these visits (complaints) is one more
  // class, with the complaint service's variability at the complaint desk and Poisson-like elsewhere.
  const std::vector<UnitLoad> load = given.empty() ? offered_load(m) : given;
  std::vector<UnitQueue> q(U);
  std::vector<double> other(U, 0.0), pause_second(U, 0.0);
  for (std::size_t u = 0; u < U; ++u) {
    const Unit& un = m.units[u];
    UnitQueue& Q = q[u];
    Mix mix = jobs[u].mix;
    const double extra = load[u].arrival_rate - mix.rate;
    if (extra > 1e-12 * std::max(1.0, load[u].arrival_rate)) {
      const double mean = std::max(0.0, load[u].work_rate - mix.work) / extra;
      const bool desk = m.complaints.enabled && m.complaints.unit == static_cast<int>(u);
      const double cv = desk ? m.complaints.service.cv() : 1.0;
      mix.add(extra, {mean, cv * cv * mean * mean, false});
      other[u] = extra;
    }
    const Moments w = mix.moments();
    Q.arrival_rate = mix.rate;
    Q.servers = std::max(1, un.servers);
    double avail = 1.0;
    Q.service_scv = w.mean > 0 ? w.variance / (w.mean * w.mean) : 1.0;
    Q.departure_scv = Q.service_scv;
    // Interruptions: a Poisson arrival falls in one of length D with probability D / T and waits
    // D / 2 on average, then the backlog piled up meanwhile drains at the spare capacity c / m - lambda:
    // per job, E[D^2] / (2 E[T]) / (1 - lambda m / c) (a fluid view, T the cycle of outage and repair,
    // or the week of shifts). In that view the jobs delayed are those of a period D / (1 - rho) from
    // the start of each interruption, their waits falling from D to 0 (uniform given D), so
    // E[wait^2] = E[D^3] / (3 E[T]) / (1 - rho).
    const double spare = Q.servers > 0 ? 1 - mix.work / Q.servers : 0.0;
    if (un.outages) {
      // Outages stop every server at once: a job's service stretches by 1 / A. Downstream, its
      // departures are burstier: Hopp and Spearman's preemptive outages, c (1 + c_r^2) A (1 - A) m_r / m
      // added to c_s^2, times the c servers that stop together.
      const double mr = un.mttr.mean(), cr = un.mttr.cv();
      avail = un.mtbf / (un.mtbf + mr);
      if (w.mean > 0) Q.departure_scv += Q.servers * (1 + cr * cr) * avail * (1 - avail) * mr / w.mean;
      Q.interruption_wait = mr * mr * (1 + cr * cr) / (2 * (un.mtbf + mr));
      // E[D^3] as a gamma law's of the repair's mean and cv (exact for exponential and constant repairs).
      pause_second[u] = mr * mr * mr * (1 + cr * cr) * (1 + 2 * cr * cr) / (3 * (un.mtbf + mr));
    }
    Q.interruption_wait += closures(un, 2) / 2;
    pause_second[u] += closures(un, 3) / 3;
    if (Q.interruption_wait > 0) {
      Q.interruption_wait = spare > 0 ? Q.interruption_wait / spare : kInf;
      pause_second[u] = spare > 0 ? pause_second[u] / spare : kInf;
    }
    Q.availability = avail;
    Q.capacity_share = un.has_shifts() ? un.mean_servers() / Q.servers : 1.0;
    Q.service_mean = w.mean / avail;
    Q.utilisation = Q.arrival_rate * Q.service_mean / (Q.servers * Q.capacity_share);
    // Exact (Erlang C) only for what M/M/c describes: no outages, shifts, pressure or capacity, first
    // come first served (a discipline keeps the mean over all the work, not each flow's).
    Q.exact = w.exponential && jobs[u].markov && other[u] == 0 && !un.outages && !un.has_shifts() &&
              !un.has_pressure() && un.capacity < 0 && un.discipline == Discipline::Fifo;
  }
  // QNA's linear system: unknowns c_a^2 of each unit, then the squared cv of the stream of orders
  // ready for each task. A unit's departures: c_d^2 = alpha + beta c_a^2.
  std::vector<double> alpha(U), beta(U);
  for (std::size_t u = 0; u < U; ++u) {
    const double r = std::min(1.0, q[u].utilisation);
    alpha[u] = r * r * (1 + (std::max(q[u].departure_scv, 0.2) - 1) / std::sqrt(static_cast<double>(q[u].servers)));
    beta[u] = 1 - r * r;
  }
  Eigen::MatrixXd M = Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  Eigen::VectorXd b = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(n));
  const auto at = [](std::size_t i) { return static_cast<Eigen::Index>(i); };
  for (std::size_t u = 0; u < U; ++u) {
    const double rate = q[u].arrival_rate;
    if (!(rate > 0)) {
      b[at(u)] = 1;
      continue;
    }
    double sum_p2 = 0;
    for (const JobClass& c : jobs[u].classes) sum_p2 += (c.rate / rate) * (c.rate / rate);
    sum_p2 += (other[u] / rate) * (other[u] / rate);
    // Whitt's merging weight: w = 1 / (1 + 4 (1 - rho)^2 (v - 1)), v = 1 / sum p_i^2.
    const double r = std::min(1.0, q[u].utilisation);
    const double w = 1 / (1 + 4 * (1 - r) * (1 - r) * (1 / sum_p2 - 1));
    b[at(u)] = 1 - w + w * other[u] / rate;
    for (const JobClass& c : jobs[u].classes) {
      const double p = c.rate / rate;
      if (c.feedback) {  // split of the unit's departures with probability p
        M(at(u), at(u)) -= w * p * p * beta[u];
        b[at(u)] += w * p * (p * alpha[u] + 1 - p);
      } else {  // split of the orders ready for the task: those not skipped
        M(at(u), at(c.task)) -= w * p * (1 - c.skip);
        b[at(u)] += w * p * c.skip;
      }
    }
  }
  for (std::size_t f = 0; f < m.flows.size(); ++f) {
    const Flow& fl = m.flows[f];
    const FlowVisits& v = visits[f];
    std::vector<double> in(fl.tasks.size(), 0.0);
    for (std::size_t e = 0; e < fl.edges.size(); ++e) in[static_cast<std::size_t>(fl.edges[e].to)] += v.shares.edge[e];
    for (std::size_t k = 0; k < fl.tasks.size(); ++k)
      if (fl.tasks[k].after.empty()) b[at(offset[f] + k)] = v.arrival_scv;
      else if (!(in[k] > 0)) b[at(offset[f] + k)] = 1;
    // A join or a merge of routes: the weighted mean of the streams handed over to it.
    for (std::size_t e = 0; e < fl.edges.size(); ++e) {
      const std::size_t j = static_cast<std::size_t>(fl.edges[e].from), k = static_cast<std::size_t>(fl.edges[e].to);
      if (!(in[k] > 0) || !(v.shares.edge[e] > 0)) continue;
      const std::size_t u = static_cast<std::size_t>(fl.tasks[j].unit);
      const double omega = v.shares.edge[e] / in[k], g = fl.tasks[j].routes ? fl.route[e] : 1.0;
      const double sk = v.tasks[j].skip;
      const double pi = q[u].arrival_rate > 0 ? v.rate * v.shares.task[j] * (1 - sk) / q[u].arrival_rate : 0.0;
      // Task j's completions: the skipped orders (a split of those ready) merged with the served
      // ones (a split of its unit's departures); a route takes a split of them.
      const double constant = sk * (1 - sk) + (1 - sk) * (pi * alpha[u] + 1 - pi);
      M(at(offset[f] + k), at(offset[f] + j)) -= omega * g * sk * sk;
      M(at(offset[f] + k), at(u)) -= omega * g * (1 - sk) * pi * beta[u];
      b[at(offset[f] + k)] += omega * (g * constant + 1 - g);
    }
  }
  const Eigen::VectorXd z = M.fullPivLu().solve(b);
  for (std::size_t u = 0; u < U; ++u) {
    UnitQueue& Q = q[u];
    Q.arrival_scv = std::isfinite(z[at(u)]) ? std::max(0.0, z[at(u)]) : 1.0;
    Q.exact = Q.exact && std::abs(Q.arrival_scv - 1) < 1e-9;
    if (jobs[u].broken || !(Q.utilisation < 1) || !std::isfinite(Q.interruption_wait)) {
      Q.wait = kInf;
      continue;
    }
    if (!(Q.arrival_rate > 0)) continue;
    // Shifts: the servers at the week's mean level, as if each job's work were longer in that ratio.
    const double s = Q.service_mean / Q.capacity_share, a = Q.arrival_rate * s;
    const double mmc = erlang_c(Q.servers, a) * s / (Q.servers - a);
    const double line = (Q.exact ? 1.0 : (Q.arrival_scv + Q.service_scv) / 2) * mmc, pause = Q.interruption_wait;
    Q.wait = line + pause;
    // The line's wait: zero, or with Erlang C's probability C an exponential of mean line / C (exact
    // for M/M/c): E[X^2] = 2 line^2 / C; the interruptions' (above); the two taken as independent.
    const double waits = erlang_c(Q.servers, a);
    Q.wait_second = (line > 0 ? 2 * line * line / waits : 0.0) + pause_second[u] + 2 * line * pause;
  }
  return q;
}

}  // namespace eslabon
