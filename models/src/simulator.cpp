#include <eslabon/models/simulator.hpp>

#include <eslabon/core/event_list.hpp>
#include <eslabon/core/runner.hpp>
#include <eslabon/core/statistics.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace eslabon {

const std::array<const char*, kKpiCount>& kpi_names() {
  static const std::array<const char*, kKpiCount> names = {
      "lead_time_mean", "lead_time_p50",   "lead_time_p95", "on_time_rate", "throughput",
      "wip_mean",       "orders_delivered", "orders_arrived", "loss_rate", "orders_unfinished"};
  return names;
}

const std::array<const char*, kUnitStatCount>& unit_stat_names() {
  static const std::array<const char*, kUnitStatCount> names = {"utilisation", "mean_queue", "mean_wait",
                                                                 "throughput",  "mean_busy",  "rejected"};
  return names;
}

const std::array<const char*, kFlowStatCount>& flow_stat_names() {
  static const std::array<const char*, kFlowStatCount> names = {
      "lead_time_mean", "lead_time_p50", "lead_time_p95", "on_time_rate", "throughput", "orders_delivered", "orders_arrived", "loss_rate"};
  return names;
}

namespace {

enum EventKind : std::uint32_t { ServiceEnd = 0, Arrival = 1 };
constexpr std::uint8_t kClassServiceEnd = 0;
constexpr std::uint8_t kClassArrival = 1;

// Waiting line of one unit: a ring buffer for FIFO, a binary heap on (key, sequence) for
// priority and earliest-due-date. Both grow to the largest queue seen and then allocate
// nothing more.
class WaitingLine {
 public:
  explicit WaitingLine(Discipline d) : fifo_(d == Discipline::Fifo) {}

  std::size_t size() const { return fifo_ ? count_ : heap_.size(); }
  bool empty() const { return size() == 0; }

  void push(std::uint32_t job, double key) {
    if (fifo_) {
      if (count_ == ring_.size()) grow();
      ring_[(head_ + count_) & (ring_.size() - 1)] = job;
      ++count_;
    } else {
      heap_.push_back(Entry{key, seq_++, job});
      std::push_heap(heap_.begin(), heap_.end(), Later{});
    }
  }

  std::uint32_t pop() {
    if (fifo_) {
      std::uint32_t j = ring_[head_];
      head_ = (head_ + 1) & (ring_.size() - 1);
      --count_;
      return j;
    }
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    std::uint32_t j = heap_.back().job;
    heap_.pop_back();
    return j;
  }

 private:
  struct Entry {
    double key;
    std::uint64_t seq;
    std::uint32_t job;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.key > b.key || (a.key == b.key && a.seq > b.seq);
    }
  };
  void grow() {
    std::vector<std::uint32_t> r(ring_.empty() ? 16 : ring_.size() * 2);
    for (std::size_t i = 0; i < count_; ++i) r[i] = ring_[(head_ + i) & (ring_.size() - 1)];
    ring_ = std::move(r);
    head_ = 0;
  }
  bool fifo_;
  std::vector<std::uint32_t> ring_;
  std::size_t head_ = 0, count_ = 0;
  std::vector<Entry> heap_;
  std::uint64_t seq_ = 0;
};

struct FlowState {
  Welford lead;
  QuantileSketch lead_q;
  std::uint64_t on_time = 0, delivered_in_window = 0, arrived = 0, lost = 0;
};

struct UnitState {
  int servers;
  std::int64_t capacity;
  Discipline discipline;
  int busy = 0;
  WaitingLine line;
  TimeWeighted busy_tw, queue_tw;
  Welford wait;
  std::uint64_t completions = 0;  // in the window
  std::uint64_t rejected = 0;     // tagged or not, in the window
};

// Free-list pool of indices; the arrays it indexes grow only when the free list is empty.
class IndexPool {
 public:
  std::uint32_t take() {
    if (!free_.empty()) {
      std::uint32_t i = free_.back();
      free_.pop_back();
      return i;
    }
    return size_++;
  }
  void give(std::uint32_t i) { free_.push_back(i); }
  std::uint32_t size() const { return size_; }
  std::uint32_t live() const { return size_ - static_cast<std::uint32_t>(free_.size()); }

 private:
  std::vector<std::uint32_t> free_;
  std::uint32_t size_ = 0;
};

class Replication {
 public:
  Replication(const Model& m, std::uint64_t seed, std::uint64_t rep, const SimOptions& opt)
      : m_(m), rng_(seed, rep), opt_(opt), max_tasks_(m.max_tasks()) {
    horizon_ = m.run.horizon;
    warmup_ = m.run.warmup;
    cap_ = horizon_ + (horizon_ - warmup_);
    units_.reserve(m.units.size());
    for (const auto& u : m.units) {
      units_.push_back(UnitState{u.servers, u.capacity, u.discipline, 0, WaitingLine(u.discipline),
                                 TimeWeighted(warmup_, horizon_), TimeWeighted(warmup_, horizon_), {}, 0, 0});
    }
    wip_.window(warmup_, horizon_);
    next_arrival_.assign(m.flows.size(), 0);
    for (std::uint32_t f = 0; f < m.flows.size(); ++f)
      arrival_streams_.push_back(rng_.stream(make_purpose(purpose::arrival, f), 0));
    flows_.resize(m.flows.size());
    result_.replication = rep;
    result_.units.resize(m.units.size());
    result_.flows.resize(m.flows.size());
    if (opt_.record_orders) {
      // Create the columns in a fixed order.
      auto& t = result_.orders;
      t.i64("replication");
      t.str("flow");
      t.i64("order");
      t.f64("arrival");
      t.f64("delivered");
      t.f64("lead_time");
      t.f64("due");
      t.i64("on_time");
      t.i64("lost");
    }
  }

  ReplicationResult run() {
    for (std::uint32_t f = 0; f < m_.flows.size(); ++f) schedule_arrival(f, 0.0);
    std::uint64_t n = 0;
    while (!events_.empty()) {
      const Event e = events_.top();
      now_ = e.time;
      if (now_ >= horizon_ && tagged_open_ == 0) break;
      if (now_ > cap_) break;
      events_.hold();  // the handler's first push replaces this event (hold fast path)
      if (e.kind == ServiceEnd)
        service_end(e.id);
      else
        arrival(e.id);
      events_.release();
      if ((++n & 0x3FFF) == 0) {
        if (events_.size() > peak_events_) peak_events_ = events_.size();
        if (opt_.stop && opt_.stop->load(std::memory_order_relaxed)) throw Interrupted();
        if (opt_.progress) opt_.progress->store(std::min(1.0, now_ / horizon_), std::memory_order_relaxed);
      }
    }
    finish(n);
    if (opt_.progress) opt_.progress->store(1.0, std::memory_order_relaxed);
    return std::move(result_);
  }

 private:
  // The measurement window is half-open, [warmup, horizon): an event exactly at the
  // horizon belongs to the next window, as an order arriving then is not tagged.
  bool in_window() const { return now_ >= warmup_ && now_ < horizon_; }

  // --- orders ---------------------------------------------------------------------------
  std::uint32_t new_order(std::uint32_t flow, std::uint64_t number) {
    std::uint32_t o = orders_.take();
    if (o == o_flow_.size()) {
      o_flow_.push_back(0);
      o_number_.push_back(0);
      o_arrival_.push_back(0);
      o_due_.push_back(0);
      o_sinks_.push_back(0);
      o_inflight_.push_back(0);
      o_flags_.push_back(0);
      pending_.resize(pending_.size() + max_tasks_, 0);
    }
    const Flow& fl = m_.flows[flow];
    o_flow_[o] = flow;
    o_number_[o] = number;
    o_arrival_[o] = now_;
    o_due_[o] = now_ + fl.due;
    o_sinks_[o] = static_cast<std::uint32_t>(fl.sinks);
    o_inflight_[o] = 0;
    o_flags_[o] = in_window() ? kTagged : 0;
    std::uint16_t* p = &pending_[static_cast<std::size_t>(o) * max_tasks_];
    for (std::size_t k = 0; k < fl.tasks.size(); ++k) p[k] = static_cast<std::uint16_t>(fl.tasks[k].after.size());
    return o;
  }

  void end_order(std::uint32_t o, bool lost) {
    const bool tagged = o_flags_[o] & kTagged;
    const double lead = now_ - o_arrival_[o];
    FlowState& fs = flows_[o_flow_[o]];
    wip_.add(now_, -1.0);
    if (tagged) {
      --tagged_open_;
      if (lost) {
        ++tagged_lost_;
        ++fs.lost;
      } else {
        lead_.add(lead);
        lead_q_.add(lead);
        fs.lead.add(lead);
        fs.lead_q.add(lead);
        if (now_ <= o_due_[o]) {
          ++on_time_;
          ++fs.on_time;
        }
      }
    }
    if (!lost && in_window()) {
      ++delivered_in_window_;
      ++fs.delivered_in_window;
    }
    if (opt_.record_orders && tagged) {
      auto& t = result_.orders;
      t.i64("replication").push_back(static_cast<std::int64_t>(result_.replication));
      t.str("flow").push_back(m_.flows[o_flow_[o]].name);
      t.i64("order").push_back(static_cast<std::int64_t>(o_number_[o]));
      t.f64("arrival").push_back(o_arrival_[o]);
      t.f64("delivered").push_back(lost ? std::numeric_limits<double>::quiet_NaN() : now_);
      t.f64("lead_time").push_back(lost ? std::numeric_limits<double>::quiet_NaN() : lead);
      t.f64("due").push_back(o_due_[o]);
      t.i64("on_time").push_back(!lost && now_ <= o_due_[o] ? 1 : 0);
      t.i64("lost").push_back(lost ? 1 : 0);
    }
    if (lost) {
      o_flags_[o] |= kLost;
      if (o_inflight_[o] == 0) orders_.give(o);  // else freed when its last job finishes
    } else {
      orders_.give(o);
    }
  }

  // --- arrivals -------------------------------------------------------------------------
  void schedule_arrival(std::uint32_t f, double from) {
    const Flow& fl = m_.flows[f];
    RandomStream& rs = arrival_streams_[f];
    events_.push(from + fl.interarrival.sample(rs), kClassArrival, Arrival, f);
  }

  void arrival(std::uint32_t f) {
    const Flow& fl = m_.flows[f];
    const std::uint64_t number = next_arrival_[f]++;
    schedule_arrival(f, now_);
    std::uint32_t o = new_order(f, number);
    wip_.add(now_, 1.0);
    if (o_flags_[o] & kTagged) {
      ++tagged_open_;
      ++tagged_arrived_;
      ++flows_[f].arrived;
    }
    for (int k : fl.sources) {
      if (o_flags_[o] & kLost) break;
      submit(o, k, 0);
    }
  }

  // --- jobs (one task of one order at one unit) ------------------------------------------
  void submit(std::uint32_t o, int task, std::uint32_t attempt) {
    const Flow& fl = m_.flows[o_flow_[o]];
    const int u = fl.tasks[task].unit;
    UnitState& us = units_[u];
    if (us.capacity >= 0 && static_cast<std::int64_t>(us.line.size()) + us.busy >= us.capacity) {
      if (in_window()) ++us.rejected;
      end_order(o, true);
      return;
    }
    std::uint32_t j = jobs_.take();
    if (j == j_order_.size()) {
      j_order_.push_back(0);
      j_task_.push_back(0);
      j_attempt_.push_back(0);
      j_enqueued_.push_back(0);
    }
    j_order_[j] = o;
    j_task_[j] = static_cast<std::uint32_t>(task);
    j_attempt_[j] = attempt;
    j_enqueued_[j] = now_;
    ++o_inflight_[o];
    if (us.busy < us.servers) {
      start(u, j);
    } else {
      double key = us.discipline == Discipline::Priority ? -static_cast<double>(fl.priority)
                   : us.discipline == Discipline::Edf    ? o_due_[o]
                                                         : 0.0;
      us.line.push(j, key);
      us.queue_tw.set(now_, static_cast<double>(us.line.size()));
    }
  }

  void start(int u, std::uint32_t j) {
    UnitState& us = units_[u];
    ++us.busy;
    us.busy_tw.set(now_, us.busy);
    if (in_window()) us.wait.add(now_ - j_enqueued_[j]);
    const std::uint32_t o = j_order_[j];
    const std::uint32_t f = o_flow_[o];
    const Task& t = m_.flows[f].tasks[j_task_[j]];
    RandomStream rs = rng_.stream(make_purpose(purpose::service, f), o_number_[o],
                                  (std::uint64_t{j_task_[j]} << 32) | j_attempt_[j]);
    events_.push(now_ + t.service.sample(rs), kClassServiceEnd, ServiceEnd, j);
  }

  void service_end(std::uint32_t j) {
    const std::uint32_t o = j_order_[j];
    const int task = static_cast<int>(j_task_[j]);
    const Flow& fl = m_.flows[o_flow_[o]];
    const int u = fl.tasks[task].unit;
    UnitState& us = units_[u];
    // Release before seize: the freed server takes the next waiting job first, so work
    // routed on from this task queues behind it.
    --us.busy;
    if (in_window()) ++us.completions;
    if (!us.line.empty()) {
      std::uint32_t next = us.line.pop();
      us.queue_tw.set(now_, static_cast<double>(us.line.size()));
      start(u, next);
    } else {
      us.busy_tw.set(now_, us.busy);
    }
    jobs_.give(j);
    --o_inflight_[o];
    if (o_flags_[o] & kLost) {
      if (o_inflight_[o] == 0) orders_.give(o);
      return;
    }
    task_done(o, task);
  }

  void task_done(std::uint32_t o, int task) {
    const Flow& fl = m_.flows[o_flow_[o]];
    const Task& t = fl.tasks[task];
    if (t.next.empty()) {
      if (--o_sinks_[o] == 0) end_order(o, false);
      return;
    }
    std::uint16_t* p = &pending_[static_cast<std::size_t>(o) * max_tasks_];
    for (int s : t.next) {
      if (--p[s] == 0) {
        submit(o, s, 0);
        if (o_flags_[o] & kLost) return;
      }
    }
  }

  void finish(std::uint64_t n) {
    const double window = horizon_ - warmup_;
    auto& k = result_.kpi;
    auto at = [&](Kpi x) -> double& { return k[static_cast<int>(x)]; };
    const double nan = std::numeric_limits<double>::quiet_NaN();
    at(Kpi::LeadTimeMean) = lead_.count() ? lead_.mean() : nan;
    at(Kpi::LeadTimeP50) = lead_q_.quantile(0.5);
    at(Kpi::LeadTimeP95) = lead_q_.quantile(0.95);
    const std::uint64_t settled = lead_.count();
    at(Kpi::OnTimeRate) = settled ? static_cast<double>(on_time_) / static_cast<double>(settled) : nan;
    at(Kpi::Throughput) = static_cast<double>(delivered_in_window_) / window;
    at(Kpi::WipMean) = wip_.mean(horizon_);
    at(Kpi::OrdersDelivered) = static_cast<double>(delivered_in_window_);
    at(Kpi::OrdersArrived) = static_cast<double>(tagged_arrived_);
    at(Kpi::OrdersUnfinished) = static_cast<double>(tagged_open_);
    at(Kpi::LossRate) =
        tagged_arrived_ ? static_cast<double>(tagged_lost_) / static_cast<double>(tagged_arrived_) : nan;
    for (std::size_t u = 0; u < units_.size(); ++u) {
      auto& us = units_[u];
      auto& s = result_.units[u];
      double busy = us.busy_tw.mean(horizon_);
      s[static_cast<int>(UnitStat::Utilisation)] = busy / us.servers;
      s[static_cast<int>(UnitStat::MeanQueue)] = us.queue_tw.mean(horizon_);
      s[static_cast<int>(UnitStat::MeanWait)] = us.wait.count() ? us.wait.mean() : nan;
      s[static_cast<int>(UnitStat::Throughput)] = static_cast<double>(us.completions) / window;
      s[static_cast<int>(UnitStat::MeanBusy)] = busy;
      s[static_cast<int>(UnitStat::Rejected)] = static_cast<double>(us.rejected);
    }
    for (std::size_t f = 0; f < flows_.size(); ++f) {
      const FlowState& fs = flows_[f];
      auto& s = result_.flows[f];
      auto put = [&](FlowStat x, double v) { s[static_cast<int>(x)] = v; };
      const std::uint64_t done = fs.lead.count();
      put(FlowStat::LeadTimeMean, done ? fs.lead.mean() : nan);
      put(FlowStat::LeadTimeP50, fs.lead_q.quantile(0.5));
      put(FlowStat::LeadTimeP95, fs.lead_q.quantile(0.95));
      put(FlowStat::OnTimeRate, done ? static_cast<double>(fs.on_time) / static_cast<double>(done) : nan);
      put(FlowStat::Throughput, static_cast<double>(fs.delivered_in_window) / window);
      put(FlowStat::OrdersDelivered, static_cast<double>(fs.delivered_in_window));
      put(FlowStat::OrdersArrived, static_cast<double>(fs.arrived));
      put(FlowStat::LossRate, fs.arrived ? static_cast<double>(fs.lost) / static_cast<double>(fs.arrived) : nan);
    }
    result_.events = n;
    result_.peak_orders = orders_.size();
    result_.peak_events = std::max<std::uint64_t>(peak_events_, events_.size());
  }

  static constexpr std::uint8_t kTagged = 1;
  static constexpr std::uint8_t kLost = 2;

  const Model& m_;
  RandomSource rng_;
  SimOptions opt_;
  std::size_t max_tasks_;
  double now_ = 0, horizon_ = 0, warmup_ = 0, cap_ = 0;
  EventList events_;
  std::vector<UnitState> units_;
  std::vector<std::uint64_t> next_arrival_;
  // One stream per flow, read in order: interarrival times depend only on the flow's own
  // arrival process (so they stay common between scenarios), and a Philox block serves
  // four arrivals instead of one.
  std::vector<RandomStream> arrival_streams_;

  IndexPool orders_;
  std::vector<std::uint32_t> o_flow_;
  std::vector<std::uint64_t> o_number_;
  std::vector<double> o_arrival_, o_due_;
  std::vector<std::uint32_t> o_sinks_, o_inflight_;
  std::vector<std::uint8_t> o_flags_;
  std::vector<std::uint16_t> pending_;

  IndexPool jobs_;
  std::vector<std::uint32_t> j_order_, j_task_, j_attempt_;
  std::vector<double> j_enqueued_;

  std::vector<FlowState> flows_;
  TimeWeighted wip_;
  Welford lead_;
  QuantileSketch lead_q_;
  std::uint64_t on_time_ = 0, delivered_in_window_ = 0;
  std::uint64_t tagged_open_ = 0, tagged_arrived_ = 0, tagged_lost_ = 0;
  std::uint64_t peak_events_ = 0;
  ReplicationResult result_;
};

}  // namespace

const char* to_string(Discipline d) {
  switch (d) {
    case Discipline::Fifo: return "fifo";
    case Discipline::Priority: return "priority";
    case Discipline::Edf: return "edf";
  }
  return "?";
}

int Model::unit_index(const std::string& name) const {
  for (std::size_t i = 0; i < units.size(); ++i)
    if (units[i].name == name) return static_cast<int>(i);
  return -1;
}

std::size_t Model::max_tasks() const {
  std::size_t n = 1;
  for (const auto& f : flows) n = std::max(n, f.tasks.size());
  return n;
}

ReplicationResult simulate(const Model& model, std::uint64_t seed, std::uint64_t replication,
                           const SimOptions& options) {
  Replication r(model, seed, replication, options);
  return r.run();
}

}  // namespace eslabon
