// eslabon engine benchmarks (Google Benchmark).
//
// What is measured and why: bench/README.md. In short:
//
//   BM_Engine_Chain          configs/chain.yaml, one replication per iteration
//   BM_Engine_WeakLink       configs/weak_link.yaml with Poisson arrivals (every fault kind)
//   BM_Engine_MM1            an M/M/1 model (lambda 0.9, mu 1) given as YAML text
//   BM_Baseline_MM1          the same M/M/1 as a minimal hand-written loop (lower bound)
//   BM_Engine_Network64x4    64 units x 4 servers, 8 flows with fork/join (~200 pending)
//   BM_Engine_Pending/U      U units x 25 servers, long services: ~10^3 to ~10^5 pending events
//   BM_RunModel_Chain        replications/s of chain.yaml through run_model, 1 and 2 threads
//   BM_Calibration_Threads   the hand-written M/M/1 on 1 and 2 threads: the parallelism the
//                            machine offers at the moment (it is shared), to judge the above
//
// Every benchmark reports events/s and orders/s as rate counters and checks its own run
// against theory (or against a single-threaded reference), so a broken engine shows up
// as an error instead of a fast but meaningless number.
//
// Conventions: warmup is overridden to 0 so that every order arriving before the horizon
// is counted in orders_arrived (the engine's event sequence does not depend on warmup);
// events are ReplicationResult::events (every event the run loop processed, the drain
// after the horizon included); orders are Kpi::OrdersArrived. Fixed seeds throughout.

#include <models/config/loader.hpp>
#include <models/engine/simulate.hpp>
#include <models/results/run_result.hpp>
#include <models/studies/analytic.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using eslabon::Kpi;
using eslabon::UnitStat;

constexpr std::uint64_t kSeed = 42;

// ---------------------------------------------------------------------------------------
// Sizes. One iteration of each single-replication benchmark takes ~0.1-0.5 s on the
// reference machine (2-vCPU AMD EPYC VM, Release build); see bench/README.md.
// ---------------------------------------------------------------------------------------
constexpr double kChainHorizon = 400000;  // hours; ~1 order/h, 5 events per order
constexpr double kMm1Horizon = 2000000;   // ~1.8 M customers, 2 events each
constexpr double kMm1Lambda = 0.9;
constexpr double kMm1Mu = 1.0;
constexpr double kNetHorizon = 8000;  // 8 flows x 1.6 orders/unit time, 17 events each
constexpr int kNetUnits = 64;
constexpr int kNetServers = 4;
constexpr int kNetFlows = 8;
constexpr int kNetTasks = 16;  // per flow; every unit is visited by 2 flows
constexpr double kNetRho = 0.8;

std::string source_path(const std::string& rel) { return std::string(ESLABON_SOURCE_DIR) + "/" + rel; }

double kpi(const eslabon::ReplicationResult& r, Kpi k) { return r.kpi[static_cast<int>(k)]; }
double ustat(const eslabon::ReplicationResult& r, std::size_t u, UnitStat s) { return r.units[u][static_cast<int>(s)]; }

bool within(double x, double lo, double hi) { return x >= lo && x <= hi; }  // false for NaN

std::string strf(const char* f, double a, double b = 0, double c = 0) {
  char buf[256];
  std::snprintf(buf, sizeof buf, f, a, b, c);
  return buf;
}

void set_rates(benchmark::State& state, double events, double orders) {
  state.counters["events/s"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
  state.counters["orders/s"] = benchmark::Counter(orders, benchmark::Counter::kIsRate);
  state.counters["time/event"] = benchmark::Counter(events, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["ev/order"] = orders > 0 ? events / orders : 0.0;
}

// Loads a model, turning a ConfigError into a skipped benchmark. Returns false on error.
template <class Load>
bool load_or_skip(benchmark::State& state, eslabon::Model& out, Load&& load) {
  try {
    out = load();
    return true;
  } catch (const std::exception& e) {
    state.SkipWithError((std::string("cannot load the model: ") + e.what()).c_str());
    return false;
  }
}

// ---------------------------------------------------------------------------------------
// Validation of one replication. Returns "" when the run looks right, else the reason.
// ---------------------------------------------------------------------------------------

// configs/chain.yaml: Poisson(1/h) orders through four units in tandem, all stable,
// unlimited capacity. Offered loads from analytic.hpp; a long run must match them.
std::string check_chain(const eslabon::Model& m, const eslabon::ReplicationResult& r) {
  const double arrived = kpi(r, Kpi::OrdersArrived);
  const double expect = m.run.horizon / m.flows[0].interarrival.mean();
  if (!within(arrived, 0.97 * expect, 1.03 * expect))
    return strf("orders_arrived %.0f, expected ~%.0f", arrived, expect);
  const double epo = static_cast<double>(r.events) / arrived;
  const double tasks = static_cast<double>(m.flows[0].tasks.size());
  if (!within(epo, tasks + 1 - 0.05, tasks + 1 + 0.05))  // one arrival + one service end per task
    return strf("%.3f events per order, expected ~%.0f", epo, tasks + 1);
  if (!within(kpi(r, Kpi::LossRate), 0, 0)) return strf("loss rate %.4f, expected 0", kpi(r, Kpi::LossRate));
  if (!within(kpi(r, Kpi::OrdersUnfinished), 0, 0))
    return strf("%.0f orders unfinished, expected 0", kpi(r, Kpi::OrdersUnfinished));
  const auto load = eslabon::offered_load(m);
  for (std::size_t u = 0; u < load.size(); ++u) {
    const double util = ustat(r, u, UnitStat::Utilisation);
    if (!within(util, load[u].utilisation - 0.03, load[u].utilisation + 0.03))
      return strf("unit %.0f utilisation %.4f, offered load %.4f", static_cast<double>(u), util, load[u].utilisation);
  }
  double work = 0;
  for (const auto& t : m.flows[0].tasks) work += t.service.mean();
  const double lead = kpi(r, Kpi::LeadTimeMean);
  if (!within(lead, work, 20 * work)) return strf("mean lead time %.3f, expected > %.3f and finite", lead, work);
  return "";
}

// ---------------------------------------------------------------------------------------
// 1. The engine on configs/chain.yaml.
// ---------------------------------------------------------------------------------------
void BM_Engine_Chain(benchmark::State& state) {
  eslabon::Model model;
  if (!load_or_skip(state, model, [] {
        return eslabon::load_model_file(source_path("configs/chain.yaml"),
                                        {{"run.horizon", strf("%.0f", kChainHorizon)}, {"run.warmup", "0"}});
      }))
    return;
  double events = 0, orders = 0, pending = 0;
  for (auto _ : state) {
    eslabon::ReplicationResult r = eslabon::simulate(model, kSeed, 0);
    benchmark::DoNotOptimize(r.kpi.data());
    if (std::string why = check_chain(model, r); !why.empty()) {
      state.SkipWithError(("invalid run: " + why).c_str());
      break;
    }
    events += static_cast<double>(r.events);
    orders += kpi(r, Kpi::OrdersArrived);
    pending = static_cast<double>(r.peak_events);
  }
  set_rates(state, events, orders);
  state.counters["peak_pending"] = pending;
}
BENCHMARK(BM_Engine_Chain)->Unit(benchmark::kMillisecond);

// 1b. configs/weak_link.yaml with Poisson arrivals (1 order/h instead of a finite customer
//     base, so the run is stationary): links with defects, rework, fixes and delays, a skip,
//     outages, complaints and churn. Checked: every order that arrived was delivered or is
//     still open, and the throughput is the arrival rate.
void BM_Engine_WeakLink(benchmark::State& state) {
  eslabon::Model model;
  if (!load_or_skip(state, model, [] {
        return eslabon::load_model_file(
            source_path("configs/weak_link.yaml"),
            {{"run.horizon", "400000"}, {"run.warmup", "0"}, {"flows.standard.arrivals", "{poisson: 1.0}"}});
      }))
    return;
  double events = 0, orders = 0;
  for (auto _ : state) {
    eslabon::ReplicationResult r = eslabon::simulate(model, kSeed, 0);
    const double arrived = kpi(r, Kpi::OrdersArrived), tp = kpi(r, Kpi::Throughput);
    if (!within(arrived, 0.99 * 400000, 1.01 * 400000) || !within(tp, 0.99, 1.01)) {
      state.SkipWithError(
          strf("invalid run: %.0f orders, throughput %.4f, expected ~400000 and 1", arrived, tp).c_str());
      break;
    }
    events += static_cast<double>(r.events);
    orders += arrived;
  }
  set_rates(state, events, orders);
}
BENCHMARK(BM_Engine_WeakLink)->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------------------
// 2. The engine on M/M/1 (lambda 0.9, mu 1): W_q = rho / (mu - lambda) = 9, W = 10.
// ---------------------------------------------------------------------------------------
std::string mm1_yaml(double horizon) {
  std::ostringstream y;
  y << "name: mm1\n"
    << "time_unit: hour\n"
    << "run: {horizon: " << horizon << ", warmup: 0, replications: 1, seed: " << kSeed << "}\n"
    << "units:\n"
    << "  server: {servers: 1}\n"
    << "flows:\n"
    << "  customers:\n"
    << "    arrivals: {poisson: " << kMm1Lambda << "}\n"
    << "    tasks:\n"
    << "      serve: {unit: server, service: {exponential: {mean: " << 1.0 / kMm1Mu << "}}}\n";
  return y.str();
}

// Loose: at rho = 0.9 and ~1.8e6 customers the standard error of the mean wait is ~0.15.
constexpr double kMm1Wq = kMm1Lambda / kMm1Mu / (kMm1Mu - kMm1Lambda);  // 9
constexpr double kMm1WqLo = 0.8 * kMm1Wq, kMm1WqHi = 1.2 * kMm1Wq;

void BM_Engine_MM1(benchmark::State& state) {
  eslabon::Model model;
  if (!load_or_skip(state, model, [] { return eslabon::load_model_text(mm1_yaml(kMm1Horizon), "<mm1>"); })) return;
  double events = 0, orders = 0, wq = 0;
  for (auto _ : state) {
    eslabon::ReplicationResult r = eslabon::simulate(model, kSeed, 0);
    benchmark::DoNotOptimize(r.kpi.data());
    const double arrived = kpi(r, Kpi::OrdersArrived);
    const double rho = ustat(r, 0, UnitStat::Utilisation);
    wq = ustat(r, 0, UnitStat::MeanWait);
    const double w = kpi(r, Kpi::LeadTimeMean);
    std::string why;
    if (!within(arrived, 0.99 * kMm1Lambda * kMm1Horizon, 1.01 * kMm1Lambda * kMm1Horizon))
      why = strf("%.0f customers, expected ~%.0f", arrived, kMm1Lambda * kMm1Horizon);
    else if (!within(static_cast<double>(r.events) / arrived, 1.99, 2.01))
      why = strf("%.4f events per customer, expected 2", static_cast<double>(r.events) / arrived);
    else if (!within(rho, 0.88, 0.92))
      why = strf("utilisation %.4f, expected 0.9", rho);
    else if (!within(kpi(r, Kpi::OrdersUnfinished), 0, 0))
      why = strf("%.0f customers unfinished, expected 0", kpi(r, Kpi::OrdersUnfinished));
    else if (!within(wq, kMm1WqLo, kMm1WqHi))
      why = strf("mean wait in queue %.3f, theory %.3f", wq, kMm1Wq);
    else if (!within(w - wq, 0.97 / kMm1Mu, 1.03 / kMm1Mu))  // W - W_q = mean service time
      why = strf("mean sojourn - mean wait = %.4f, expected %.4f", w - wq, 1.0 / kMm1Mu);
    if (!why.empty()) {
      state.SkipWithError(("invalid run: " + why).c_str());
      break;
    }
    events += static_cast<double>(r.events);
    orders += arrived;
  }
  set_rates(state, events, orders);
  state.counters["mean_wait"] = wq;
}
BENCHMARK(BM_Engine_MM1)->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------------------
// 3. Baseline: the same M/M/1 as a minimal hand-written loop. Two pending events (next
//    arrival, next departure) held in two doubles, xoshiro256++ seeded by splitmix64,
//    -log(u) exponentials with glibc log, a FIFO ring of arrival times, and the mean wait
//    in queue. Same number of customers as the engine's run (lambda * horizon).
// ---------------------------------------------------------------------------------------
inline std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class Xoshiro256pp {
 public:
  explicit Xoshiro256pp(std::uint64_t seed) {
    for (auto& w : s_) w = splitmix64(seed);
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Exponential with the given mean: -mean * log(u), u in (0, 1).
  double exponential(double mean) {
    const double u = (static_cast<double>(next() >> 11) + 0.5) * 0x1p-53;
    return -mean * std::log(u);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

struct Mm1Result {
  std::uint64_t events = 0;
  std::uint64_t customers = 0;
  double mean_wait = 0;  // in queue
  double utilisation = 0;
};

Mm1Result mm1_baseline(std::uint64_t customers, double lambda, double mu, std::uint64_t seed) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  Xoshiro256pp g(seed);
  const double mean_ia = 1.0 / lambda, mean_s = 1.0 / mu;
  std::vector<double> ring(1024);  // arrival times of the customers in the system (FIFO)
  std::size_t mask = ring.size() - 1, head = 0, in_system = 0;
  std::uint64_t arrived = 0, served = 0, events = 0, waits = 0;
  double t_arr = g.exponential(mean_ia), t_dep = inf, now = 0, wait_sum = 0, busy = 0, last = 0;
  while (served < customers) {
    ++events;
    if (t_arr < t_dep) {  // arrival
      now = t_arr;
      if (in_system > 0) busy += now - last;
      last = now;
      if (in_system == ring.size()) {  // grow the ring (rare)
        std::vector<double> r(ring.size() * 2);
        for (std::size_t i = 0; i < in_system; ++i) r[i] = ring[(head + i) & mask];
        ring.swap(r);
        mask = ring.size() - 1;
        head = 0;
      }
      ring[(head + in_system) & mask] = now;
      ++in_system;
      ++arrived;
      t_arr = arrived < customers ? now + g.exponential(mean_ia) : inf;
      if (in_system == 1) {  // straight into service, wait 0
        ++waits;
        t_dep = now + g.exponential(mean_s);
      }
    } else {  // departure
      now = t_dep;
      busy += now - last;
      last = now;
      head = (head + 1) & mask;
      --in_system;
      ++served;
      if (in_system > 0) {
        wait_sum += now - ring[head];
        ++waits;
        t_dep = now + g.exponential(mean_s);
      } else {
        t_dep = inf;
      }
    }
  }
  return Mm1Result{events, served, wait_sum / static_cast<double>(waits), busy / now};
}

void BM_Baseline_MM1(benchmark::State& state) {
  const auto customers = static_cast<std::uint64_t>(kMm1Lambda * kMm1Horizon);
  double events = 0, orders = 0, wq = 0;
  for (auto _ : state) {
    Mm1Result r = mm1_baseline(customers, kMm1Lambda, kMm1Mu, kSeed);
    benchmark::DoNotOptimize(r);
    wq = r.mean_wait;
    std::string why;
    if (r.customers != customers || r.events != 2 * customers)
      why = strf("%.0f customers / %.0f events, expected %.0f customers", static_cast<double>(r.customers),
                 static_cast<double>(r.events), static_cast<double>(customers));
    else if (!within(r.utilisation, 0.88, 0.92))
      why = strf("utilisation %.4f, expected 0.9", r.utilisation);
    else if (!within(wq, kMm1WqLo, kMm1WqHi))
      why = strf("mean wait in queue %.3f, theory %.3f", wq, kMm1Wq);
    if (!why.empty()) {
      state.SkipWithError(("invalid run: " + why).c_str());
      break;
    }
    events += static_cast<double>(r.events);
    orders += static_cast<double>(r.customers);
  }
  set_rates(state, events, orders);
  state.counters["mean_wait"] = wq;
}
BENCHMARK(BM_Baseline_MM1)->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------------------
// 4. A larger network: 64 units x 4 servers, 8 flows of 16 tasks each with three 3-way
//    fork/joins and one 2-way fork/join. Flow f's task k runs at unit (8 f + k) mod 64 (8 = units / flows), so
//    every unit serves 2 flows; Exp(1) service and 1.6 orders per time unit per flow give
//    utilisation 0.8 everywhere, i.e. ~205 busy servers = ~205 pending service ends plus
//    8 pending arrivals.
// ---------------------------------------------------------------------------------------
std::string network_yaml(double horizon) {
  // Task graph (indices): 0 -> {1,2,3} -> 4 -> {5,6,7} -> 8 -> {9,10,11} -> 12 -> {13,14} -> 15
  static const std::vector<std::vector<int>> after = {{},        {0}, {0}, {0}, {1, 2, 3},   {4},  {4},  {4},
                                                      {5, 6, 7}, {8}, {8}, {8}, {9, 10, 11}, {12}, {12}, {13, 14}};
  static_assert(kNetTasks == 16 && kNetUnits % kNetFlows == 0);
  const int visits = kNetFlows * kNetTasks / kNetUnits;  // flows per unit
  const double rate = kNetRho * kNetServers / visits;    // per flow, with E[S] = 1
  auto name2 = [](char prefix, int i) { return prefix + std::string(i < 10 ? "0" : "") + std::to_string(i); };
  auto unit = [&](int u) { return name2('u', u); };
  auto task = [&](int k) { return name2('t', k); };
  std::ostringstream y;
  y << "name: network " << kNetUnits << "x" << kNetServers << "\n"
    << "time_unit: hour\n"
    << "run: {horizon: " << horizon << ", warmup: 0, replications: 1, seed: " << kSeed << "}\n"
    << "units:\n";
  for (int u = 0; u < kNetUnits; ++u) y << "  " << unit(u) << ": {servers: " << kNetServers << "}\n";
  y << "flows:\n";
  for (int f = 0; f < kNetFlows; ++f) {
    y << "  f" << f << ":\n"
      << "    arrivals: {poisson: " << rate << "}\n"
      << "    tasks:\n";
    for (int k = 0; k < kNetTasks; ++k) {
      y << "      " << task(k) << ": {unit: " << unit((kNetUnits / kNetFlows * f + k) % kNetUnits)
        << ", service: {exponential: {mean: 1}}";
      if (!after[k].empty()) {
        y << ", after: [";
        for (std::size_t i = 0; i < after[k].size(); ++i) y << (i ? ", " : "") << task(after[k][i]);
        y << "]";
      }
      y << "}\n";
    }
  }
  return y.str();
}

std::string check_network(const eslabon::Model& m, const eslabon::ReplicationResult& r) {
  double expect = 0;
  for (const auto& f : m.flows) expect += m.run.horizon / f.interarrival.mean();
  const double arrived = kpi(r, Kpi::OrdersArrived);
  if (!within(arrived, 0.98 * expect, 1.02 * expect))
    return strf("orders_arrived %.0f, expected ~%.0f", arrived, expect);
  const double epo = static_cast<double>(r.events) / arrived;
  if (!within(epo, kNetTasks + 1 - 0.1, kNetTasks + 1 + 0.1))
    return strf("%.3f events per order, expected ~%.0f", epo, kNetTasks + 1);
  if (!within(kpi(r, Kpi::LossRate), 0, 0)) return strf("loss rate %.4f, expected 0", kpi(r, Kpi::LossRate));
  if (!within(kpi(r, Kpi::OrdersUnfinished), 0, 0))
    return strf("%.0f orders unfinished, expected 0", kpi(r, Kpi::OrdersUnfinished));
  const auto load = eslabon::offered_load(m);
  for (std::size_t u = 0; u < load.size(); ++u) {
    const double util = ustat(r, u, UnitStat::Utilisation);
    if (std::abs(load[u].utilisation - kNetRho) > 1e-9 || !within(util, kNetRho - 0.04, kNetRho + 0.04))
      return strf("unit %.0f utilisation %.4f, offered %.4f", static_cast<double>(u), util, load[u].utilisation);
  }
  const double pending = static_cast<double>(r.peak_events);
  if (!within(pending, 100, 600)) return strf("peak pending events %.0f, expected a few hundred", pending);
  return "";
}

void BM_Engine_Network64x4(benchmark::State& state) {
  eslabon::Model model;
  if (!load_or_skip(state, model, [] { return eslabon::load_model_text(network_yaml(kNetHorizon), "<network>"); }))
    return;
  double events = 0, orders = 0, pending = 0;
  for (auto _ : state) {
    eslabon::ReplicationResult r = eslabon::simulate(model, kSeed, 0);
    benchmark::DoNotOptimize(r.kpi.data());
    if (std::string why = check_network(model, r); !why.empty()) {
      state.SkipWithError(("invalid run: " + why).c_str());
      break;
    }
    events += static_cast<double>(r.events);
    orders += kpi(r, Kpi::OrdersArrived);
    pending = static_cast<double>(r.peak_events);
  }
  set_rates(state, events, orders);
  state.counters["peak_pending"] = pending;
}
BENCHMARK(BM_Engine_Network64x4)->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------------------
// 4b. Many pending events: U units of 25 servers, each fed by its own Poisson flow with one
//     task of exponential service (mean 25, load 0.8): about 20 U service ends and U arrivals
//     pending at once (~10^3 to ~10^5 for U = 50 to 4000), so the event list's cost per event
//     shows as it grows. Each unit is an M/M/25; the check is its utilisation.
// ---------------------------------------------------------------------------------------
std::string pending_yaml(int units, double horizon) {
  std::ostringstream y;
  y << "name: pending\ntime_unit: hour\nrun: {horizon: " << horizon << ", warmup: " << horizon / 5
    << ", replications: 1, seed: 1}\nunits:\n";
  for (int u = 0; u < units; ++u) y << "  u" << u << ": {servers: 25}\n";
  y << "flows:\n";
  for (int u = 0; u < units; ++u)
    y << "  f" << u << ":\n    arrivals: {poisson: 0.8}\n    tasks:\n      t: {unit: u" << u
      << ", service: {exponential: {mean: 25}}}\n";
  return y.str();
}

void BM_Engine_Pending(benchmark::State& state) {
  const int units = static_cast<int>(state.range(0));
  const double horizon = 4.0e6 / units;  // ~3.2 M arrivals whatever the size
  eslabon::Model model;
  if (!load_or_skip(state, model, [&] { return eslabon::load_model_text(pending_yaml(units, horizon), "<pending>"); }))
    return;
  double events = 0, orders = 0, peak = 0;
  for (auto _ : state) {
    eslabon::ReplicationResult r = eslabon::simulate(model, kSeed, 0);
    double busy = 0;
    for (int u = 0; u < units; ++u) busy += ustat(r, static_cast<std::size_t>(u), UnitStat::Utilisation);
    // Utilisation over [horizon/5, horizon]: after the start-up transient (empty units).
    if (!within(busy / units, 0.78, 0.81)) {
      state.SkipWithError(strf("invalid run: mean utilisation %.4f, expected 0.8", busy / units).c_str());
      break;
    }
    events += static_cast<double>(r.events);
    orders += kpi(r, Kpi::OrdersArrived);
    peak = static_cast<double>(r.peak_events);
  }
  set_rates(state, events, orders);
  state.counters["peak_pending"] = peak;
}
BENCHMARK(BM_Engine_Pending)->Arg(50)->Arg(500)->Arg(4000)->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------------------
// 5. Replications per second: configs/chain.yaml as configured (horizon 20000 h, 10
//    replications, seed 42; warmup overridden to 0 as everywhere here) through run_model
//    with 1 and 2 threads, wall-clock time. Each iteration's results must equal a
//    single-threaded reference computed with simulate() before timing (the runner
//    promises identical output whatever the number of threads).
// ---------------------------------------------------------------------------------------
void BM_RunModel_Chain(benchmark::State& state) {
  eslabon::Model model;
  if (!load_or_skip(state, model, [] {
        return eslabon::load_model_file(source_path("configs/chain.yaml"), {{"run.warmup", "0"}});
      }))
    return;
  const int reps = model.run.replications;
  std::vector<eslabon::ReplicationResult> ref;
  for (int i = 0; i < reps; ++i) {
    ref.push_back(eslabon::simulate(model, model.run.seed, static_cast<std::uint64_t>(i)));
    if (std::string why = check_chain(model, ref.back()); !why.empty()) {
      state.SkipWithError(("invalid reference run: " + why).c_str());
      return;
    }
  }
  eslabon::RunOptions opt;
  opt.threads = static_cast<unsigned>(state.range(0));
  double events = 0, orders = 0, replications = 0;
  for (auto _ : state) {
    eslabon::RunResult r = eslabon::run_model(model, opt);
    benchmark::DoNotOptimize(r.replications.data());
    std::string why;
    if (r.replications.size() != static_cast<std::size_t>(reps))
      why = strf("%.0f replications, expected %.0f", static_cast<double>(r.replications.size()), reps);
    for (std::size_t i = 0; why.empty() && i < r.replications.size(); ++i) {
      const auto& a = r.replications[i];
      const auto& b = ref[i];
      if (a.replication != i || a.events != b.events || std::memcmp(a.kpi.data(), b.kpi.data(), sizeof a.kpi) != 0)
        why = strf("replication %.0f differs from the single-threaded reference (%.0f vs %.0f events)",
                   static_cast<double>(i), static_cast<double>(a.events), static_cast<double>(b.events));
    }
    if (!why.empty()) {
      state.SkipWithError(("invalid run: " + why).c_str());
      break;
    }
    for (const auto& x : r.replications) orders += kpi(x, Kpi::OrdersArrived);
    events += static_cast<double>(r.events());
    replications += static_cast<double>(r.replications.size());
  }
  set_rates(state, events, orders);
  state.counters["reps/s"] = benchmark::Counter(replications, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RunModel_Chain)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------------------
// 5b. Calibration for 5: how much parallelism the machine gives right now. N threads each
//     run 5 replications of the hand-written M/M/1 (1/8 of the size above, tiny working set,
//     no sharing), wall-clock time. On an idle 2-core machine the 2-thread rate is ~2x the
//     1-thread rate; when other work occupies a core it is not, and run_model cannot do
//     better than this either.
// ---------------------------------------------------------------------------------------
void BM_Calibration_Threads(benchmark::State& state) {
  const auto threads = static_cast<int>(state.range(0));
  const auto customers = static_cast<std::uint64_t>(kMm1Lambda * kMm1Horizon / 8);
  constexpr int kRepsPerThread = 5;
  double replications = 0, events = 0;
  for (auto _ : state) {
    std::vector<Mm1Result> out(static_cast<std::size_t>(threads * kRepsPerThread));
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        for (int k = 0; k < kRepsPerThread; ++k)
          out[static_cast<std::size_t>(t * kRepsPerThread + k)] =
              mm1_baseline(customers, kMm1Lambda, kMm1Mu, kSeed + static_cast<std::uint64_t>(t * kRepsPerThread + k));
      });
    for (auto& th : pool) th.join();
    std::string why;
    for (const auto& r : out) {
      if (r.customers != customers || !within(r.utilisation, 0.85, 0.95)) why = "invalid calibration run";
      events += static_cast<double>(r.events);
    }
    if (!why.empty()) {
      state.SkipWithError(why.c_str());
      break;
    }
    replications += static_cast<double>(out.size());
  }
  state.counters["events/s"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
  state.counters["reps/s"] = benchmark::Counter(replications, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Calibration_Threads)->ArgName("threads")->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

// ---------------------------------------------------------------------------------------
// Summary: after the normal report, derived figures that need two benchmarks (engine vs
// baseline, 2 vs 1 threads, engine vs its targets). A forwarding
// reporter keeps the display format chosen by --benchmark_format / _counters_tabular.
// ---------------------------------------------------------------------------------------
class SummaryReporter : public benchmark::BenchmarkReporter {
 public:
  explicit SummaryReporter(benchmark::BenchmarkReporter* inner) : inner_(inner) {}

  bool ReportContext(const Context& c) override { return inner_->ReportContext(c); }

  void ReportRuns(const std::vector<Run>& runs) override {
    inner_->ReportRuns(runs);
    for (const auto& r : runs) {
      if (r.error_occurred) continue;
      const bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
      if (r.run_type == Run::RT_Aggregate && !median) continue;
      Seen& s = seen_[r.run_name.str()];
      if (s.from_median && !median) continue;
      s.from_median = median;
      s.counters.clear();
      for (const auto& [k, v] : r.counters) s.counters[k] = v.value;
    }
  }

  void Finalize() override {
    inner_->Finalize();
    std::ostringstream o;
    auto get = [&](const std::string& name, const std::string& counter) {
      auto it = seen_.find(name);
      if (it == seen_.end()) return std::numeric_limits<double>::quiet_NaN();
      auto c = it->second.counters.find(counter);
      return c == it->second.counters.end() ? std::numeric_limits<double>::quiet_NaN() : c->second;
    };
    const double eng = get("BM_Engine_MM1", "events/s"), base = get("BM_Baseline_MM1", "events/s");
    if (eng > 0 && base > 0)
      o << strf(
          "M/M/1: engine %.2f M events/s, baseline %.2f M events/s: the engine takes %.2fx the baseline's time per event\n",
          eng / 1e6, base / 1e6, base / eng);
    const double t1 = get("BM_RunModel_Chain/threads:1/real_time", "reps/s");
    const double t2 = get("BM_RunModel_Chain/threads:2/real_time", "reps/s");
    if (t1 > 0 && t2 > 0)
      o << strf("run_model chain.yaml: %.2f replications/s on 1 thread, %.2f on 2: speed-up %.2fx\n", t1, t2, t2 / t1);
    const double c1 = get("BM_Calibration_Threads/threads:1/real_time", "reps/s");
    const double c2 = get("BM_Calibration_Threads/threads:2/real_time", "reps/s");
    if (c1 > 0 && c2 > 0)
      o << strf("calibration (hand-written M/M/1 replications, nothing shared): speed-up %.2fx on 2 threads", c2 / c1)
        << (t1 > 0 && t2 > 0 ? strf(", run_model reaches %.0f%% of that", 100 * (t2 / t1) / (c2 / c1)) : "")
        << (c2 / c1 < 1.8 ? " (other work held a core: the 2-thread figures of this run are not meaningful)" : "")
        << "\n";
    // The engine v2 targets (bench/README.md, "Engine v2 against its targets").
    const double chain = get("BM_Engine_Chain", "events/s"), net = get("BM_Engine_Network64x4", "events/s");
    const double weak = get("BM_Engine_WeakLink", "orders/s");
    if (eng > 0 && base > 0) o << strf("M/M/1: %.2fx the hand-written loop's customers/s (target 0.5x)\n", eng / base);
    if (chain > 0) o << strf("chain.yaml: %.2f M events/s (target 12 M: %.0f%%)\n", chain / 1e6, chain / 12e4);
    if (net > 0) o << strf("network 64x4: %.2f M events/s (target 10 M: %.0f%%)\n", net / 1e6, net / 1e5);
    if (weak > 0)
      o << strf("weak-link model, Poisson arrivals: %.2f M orders/s (target 2 M: %.0f%%)\n", weak / 1e6, weak / 2e4);
    if (o.str().empty()) return;
    // Plain text would break --benchmark_format=json/csv on stdout: use stderr there.
    std::ostream& out =
        dynamic_cast<benchmark::ConsoleReporter*>(inner_.get()) ? inner_->GetOutputStream() : inner_->GetErrorStream();
    out << "\nSummary (medians when repeated)\n" << o.str() << std::flush;
  }

 private:
  struct Seen {
    bool from_median = false;
    std::map<std::string, double> counters;
  };
  std::unique_ptr<benchmark::BenchmarkReporter> inner_;
  std::map<std::string, Seen> seen_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  SummaryReporter reporter(benchmark::CreateDefaultDisplayReporter());
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
