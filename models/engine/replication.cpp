#include <models/engine/simulate.hpp>

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
      "wip_mean",       "orders_delivered", "orders_arrived", "loss_rate", "orders_unfinished",
      "defect_escape_rate", "visible_defect_rate", "perfect_order_rate", "rework_per_order", "complaint_rate",
      "complaint_resolution_time_mean", "churn_rate", "copq_per_order", "revenue"};
  return names;
}

const std::array<const char*, kUnitStatCount>& unit_stat_names() {
  static const std::array<const char*, kUnitStatCount> names = {"utilisation", "mean_queue", "mean_wait",
                                                                 "throughput",  "mean_busy",  "rejected", "availability"};
  return names;
}

const std::array<const char*, kLinkStatCount>& link_stat_names() {
  static const std::array<const char*, kLinkStatCount> names = {"handoffs", "defects", "detected", "escaped",
                                                                 "rework_time", "sla_met_rate", "copq"};
  return names;
}

const std::array<const char*, kOriginStatCount>& origin_stat_names() {
  static const std::array<const char*, kOriginStatCount> names = {"visible_defects", "visible_share", "copq", "copq_share"};
  return names;
}

const std::array<const char*, kFlowStatCount>& flow_stat_names() {
  static const std::array<const char*, kFlowStatCount> names = {
      "lead_time_mean", "lead_time_p50", "lead_time_p95", "on_time_rate", "throughput", "orders_delivered", "orders_arrived", "loss_rate"};
  return names;
}

namespace {

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
  std::int64_t customers_left = 0;  // finite customer base only
};

struct UnitState {
  int servers;
  std::int64_t capacity;
  Discipline discipline;
  int busy = 0;                      // servers holding a job (working, or frozen by an outage)
  bool down = false;
  bool outages = false;              // only then are the jobs in service tracked
  WaitingLine line;
  TimeWeighted busy_tw, queue_tw, down_tw;
  Welford wait;
  std::uint64_t completions = 0;     // in the window
  std::uint64_t rejected = 0;        // in the window
  std::vector<std::uint32_t> in_service;  // jobs holding a server (for outages)
  RandomStream outage_stream;
};

struct LinkState {
  std::uint64_t handoffs = 0, defects = 0, detected = 0, escaped = 0, accepted = 0, sla_met = 0;
  double rework_time = 0;
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

 private:
  std::vector<std::uint32_t> free_;
  std::uint32_t size_ = 0;
};

// What a job is for.
enum JobKind : std::uint8_t { TaskJob = 0, ReworkJob = 1, ComplaintJob = 2, HandoffRecord = 3 };

class Replication {
 public:
  Replication(const Model& m, std::uint64_t seed, std::uint64_t rep, const SimOptions& opt)
      : m_(m), rng_(seed, rep), opt_(opt), max_tasks_(m.max_tasks()), n_origins_(m.origins.size()) {
    horizon_ = m.run.horizon;
    warmup_ = m.run.warmup;
    cap_ = horizon_ + (horizon_ - warmup_);
    units_.reserve(m.units.size());
    for (std::uint32_t u = 0; u < m.units.size(); ++u) {
      const Unit& mu = m.units[u];
      units_.push_back(UnitState{mu.servers, mu.capacity, mu.discipline, 0, false, mu.outages, WaitingLine(mu.discipline),
                                 TimeWeighted(warmup_, horizon_), TimeWeighted(warmup_, horizon_),
                                 TimeWeighted(warmup_, horizon_), {}, 0, 0, {},
                                 rng_.stream(make_purpose(purpose::outage, u), 0)});
    }
    wip_.window(warmup_, horizon_);
    next_arrival_.assign(m.flows.size(), 0);
    flows_.resize(m.flows.size());
    for (std::uint32_t f = 0; f < m.flows.size(); ++f) {
      arrival_streams_.push_back(rng_.stream(make_purpose(purpose::arrival, f), 0));
      thinning_streams_.push_back(rng_.stream(make_purpose(purpose::thinning, f), 0));
      flows_[f].customers_left = m.flows[f].customers;
    }
    links_.resize(m.links.size());
    seen_.assign(n_origins_, 0);
    origin_visible_.assign(n_origins_ + 1, 0.0);
    origin_copq_.assign(n_origins_ + 1, 0.0);
    result_.replication = rep;
    result_.units.resize(m.units.size());
    result_.flows.resize(m.flows.size());
    result_.links.resize(m.links.size());
    result_.origins.resize(n_origins_ + 1);
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
      t.i64("defects");
      t.i64("visible_defects");
      t.str("defect_origins");
      t.i64("reworks");
      t.i64("complained");
      t.i64("resolved");
      t.i64("churned");
      t.f64("copq");
    }
  }

  ReplicationResult run() {
    for (std::uint32_t f = 0; f < m_.flows.size(); ++f) schedule_arrival(f, 0.0);
    for (std::uint32_t u = 0; u < m_.units.size(); ++u)
      if (m_.units[u].outages) schedule_failure(u);
    std::uint64_t n = 0;
    while (!events_.empty()) {
      const Event e = events_.top();
      now_ = e.time;
      if (now_ >= horizon_ && tagged_open_ == 0) break;
      if (now_ > cap_) break;
      events_.hold();  // the handler's first push replaces this event (hold fast path)
      switch (e.kind & 0xFF) {
        case ServiceEnd:
          if ((e.kind >> 8) == (j_gen_[e.id] & 0xFFFFFF)) service_end(e.id);  // else cancelled by an outage
          break;
        case Arrival: arrival(e.id); break;
        case Handoff: handoff_arrives(e.id); break;
        case Failure: failure(e.id); break;
        case Repair: repair(e.id); break;
      }
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
  enum EventKind : std::uint32_t { ServiceEnd = 0, Arrival = 1, Handoff = 2, Failure = 3, Repair = 4 };
  static constexpr std::uint8_t kClassRepair = 0, kClassServiceEnd = 1, kClassHandoff = 1, kClassFailure = 2,
                                kClassArrival = 3;
  static constexpr std::uint8_t kTagged = 1, kLost = 2, kDelivered = 4;

  // The measurement window is half-open, [warmup, horizon): an event exactly at the
  // horizon belongs to the next window, as an order arriving then is not tagged.
  bool in_window() const { return now_ >= warmup_ && now_ < horizon_; }
  bool tagged(std::uint32_t o) const { return o_flags_[o] & kTagged; }

  std::uint64_t order_key(std::uint32_t o) const { return o_number_[o]; }
  RandomStream stream(std::uint16_t tag, std::uint32_t o, std::uint64_t b) const {
    return rng_.stream(make_purpose(tag, o_flow_[o]), order_key(o), b);
  }

  // --- orders ---------------------------------------------------------------------------
  std::uint32_t new_order(std::uint32_t flow, std::uint64_t number) {
    std::uint32_t o = orders_.take();
    if (o == o_flow_.size()) {
      o_flow_.push_back(0);
      o_number_.push_back(0);
      o_arrival_.push_back(0);
      o_due_.push_back(0);
      o_delivered_.push_back(0);
      o_copq_.push_back(0);
      o_sinks_.push_back(0);
      o_inflight_.push_back(0);
      o_reworks_.push_back(0);
      o_carried_.push_back(0);
      o_visible_.push_back(0);
      o_flags_.push_back(0);
      pending_.resize(pending_.size() + max_tasks_, 0);
      attempt_.resize(attempt_.size() + max_tasks_, 0);
      first_enqueue_.resize(first_enqueue_.size() + max_tasks_, 0);
      extra_.resize(extra_.size() + max_tasks_, 0);
      defects_.resize(defects_.size() + n_origins_, 0);
      detected_.resize(detected_.size() + n_origins_, 0);
    }
    const Flow& fl = m_.flows[flow];
    o_flow_[o] = flow;
    o_number_[o] = number;
    o_arrival_[o] = now_;
    o_due_[o] = now_ + fl.due;
    o_delivered_[o] = 0;
    o_copq_[o] = 0;
    o_sinks_[o] = static_cast<std::uint32_t>(fl.sinks);
    o_inflight_[o] = 0;
    o_reworks_[o] = 0;
    o_carried_[o] = 0;
    o_visible_[o] = 0;
    o_flags_[o] = in_window() ? kTagged : 0;
    const std::size_t tb = static_cast<std::size_t>(o) * max_tasks_;
    for (std::size_t k = 0; k < fl.tasks.size(); ++k) {
      pending_[tb + k] = static_cast<std::uint16_t>(fl.tasks[k].after.size());
      attempt_[tb + k] = 0;
      extra_[tb + k] = 0;
    }
    if (n_origins_) {
      const std::size_t ob = static_cast<std::size_t>(o) * n_origins_;
      std::fill(&defects_[ob], &defects_[ob] + n_origins_, 0);
      std::fill(&detected_[ob], &detected_[ob] + n_origins_, 0);
    }
    return o;
  }

  std::uint8_t* defects_of(std::uint32_t o) { return &defects_[static_cast<std::size_t>(o) * n_origins_]; }
  std::uint8_t* detected_of(std::uint32_t o) { return &detected_[static_cast<std::size_t>(o) * n_origins_]; }

  // Charges `amount` of cost of poor quality to the origins in `weights` (counts per origin,
  // split in proportion), or to "(unattributed)" when they are all zero. Tagged orders only.
  void charge(std::uint32_t o, double amount, const std::uint8_t* weights) {
    if (amount <= 0 || !tagged(o)) return;
    o_copq_[o] += amount;
    copq_total_ += amount;
    double total = 0;
    for (std::size_t g = 0; g < n_origins_; ++g) total += weights ? weights[g] : 0;
    if (total <= 0) {
      origin_copq_[n_origins_] += amount;
      return;
    }
    for (std::size_t g = 0; g < n_origins_; ++g)
      if (weights[g]) origin_copq_[g] += amount * weights[g] / total;
  }

  void charge_one(std::uint32_t o, double amount, int origin) {
    if (amount <= 0 || !tagged(o)) return;
    o_copq_[o] += amount;
    copq_total_ += amount;
    origin_copq_[origin < 0 ? n_origins_ : static_cast<std::size_t>(origin)] += amount;
  }

  // The order leaves: delivered (lost = false) or lost to a full unit.
  void end_order(std::uint32_t o, bool lost) {
    const bool tg = tagged(o);
    const double lead = now_ - o_arrival_[o];
    const std::uint32_t f = o_flow_[o];
    FlowState& fs = flows_[f];
    wip_.add(now_, -1.0);
    if (lost) {
      if (tg) {
        ++tagged_lost_;
        ++fs.lost;
      }
      o_flags_[o] |= kLost;
      record_order(o, false, false, false, false);
      finish_order_if_idle(o);
      return;
    }
    o_flags_[o] |= kDelivered;
    o_delivered_[o] = now_;
    // On time when the lead time is within the promise; the tolerance absorbs the rounding
    // of arrival + service sums (0.1 + 0.2 with due 0.3 is on time whenever it arrives).
    const bool on_time = lead <= m_.flows[f].due + 1e-12 * std::max(1.0, now_);
    if (tg) {
      lead_.add(lead);
      lead_q_.add(lead);
      fs.lead.add(lead);
      fs.lead_q.add(lead);
      if (on_time) {
        ++on_time_;
        ++fs.on_time;
      }
    }
    if (in_window()) {
      ++delivered_in_window_;
      ++fs.delivered_in_window;
      revenue_in_window_ += m_.flows[f].value;
    }
    // What the customer sees: each carried defect is noticed with probability `visible`.
    int carried = 0, visible = 0;
    std::fill(seen_.begin(), seen_.end(), 0);
    if (n_origins_) {
      const std::uint8_t* d = defects_of(o);
      RandomStream vis = stream(purpose::visible, o, 0);
      for (std::size_t g = 0; g < n_origins_; ++g)
        for (int i = 0; i < d[g]; ++i) {
          ++carried;
          if (vis.uniform() < m_.complaints.visible) {
            ++seen_[g];
            ++visible;
          }
        }
    }
    o_carried_[o] = static_cast<std::uint16_t>(std::min(carried, 65535));
    o_visible_[o] = static_cast<std::uint16_t>(std::min(visible, 65535));
    const bool late = !on_time;
    if (tg) {
      ++delivered_tagged_;
      if (carried) ++escaped_orders_;
      if (visible) ++visible_orders_;
      if (on_time && !visible) ++perfect_orders_;
      reworks_total_ += o_reworks_[o];
      for (std::size_t g = 0; g < n_origins_; ++g) origin_visible_[g] += seen_[g];
    }
    // Late penalty: to the origins whose defects were caught on the way (they made it late);
    // unattributed when none were.
    if (late) charge(o, m_.costs.late_penalty, n_origins_ ? detected_of(o) : nullptr);
    // From here on detected_ holds whom dissatisfaction is blamed on: the visible defects,
    // else the defects that made the order late.
    if (visible && n_origins_) std::copy(seen_.begin(), seen_.end(), detected_of(o));
    const std::uint8_t* blame = n_origins_ ? detected_of(o) : nullptr;
    const bool dissatisfied = visible > 0 || (late && m_.complaints.late_dissatisfies);
    bool churn = false;
    if (m_.complaints.enabled && dissatisfied) {
      RandomStream cs = stream(purpose::complaint, o, 0);
      const double u_complain = cs.uniform();
      if (u_complain < m_.complaints.complain) {
        if (tg) ++complaints_;
        charge(o, m_.costs.complaint, blame);
        o_flags_[o] |= kComplaining;
        submit_complaint(o);
        return;
      }
      churn = cs.uniform() < m_.complaints.churn_if_silent;
      if (churn) lose_customer(o, blame);
    }
    record_order(o, false, false, churn, true);
    finish_order_if_idle(o);
  }

  void lose_customer(std::uint32_t o, const std::uint8_t* blame) {
    FlowState& fs = flows_[o_flow_[o]];
    if (tagged(o)) ++churned_;
    if (fs.customers_left > 0) --fs.customers_left;
    charge(o, m_.costs.lost_customer, blame);
  }

  void finish_order_if_idle(std::uint32_t o) {
    if (o_inflight_[o] != 0 || (o_flags_[o] & kComplaining)) return;
    if (tagged(o)) --tagged_open_;
    orders_.give(o);
  }

  void record_order(std::uint32_t o, bool complained, bool resolved, bool churned, bool delivered = true) {
    if (!opt_.record_orders || !tagged(o)) return;
    delivered = delivered && (o_flags_[o] & kDelivered);
    auto& t = result_.orders;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double at = delivered ? o_delivered_[o] : nan;
    t.i64("replication").push_back(static_cast<std::int64_t>(result_.replication));
    t.str("flow").push_back(m_.flows[o_flow_[o]].name);
    t.i64("order").push_back(static_cast<std::int64_t>(o_number_[o]));
    t.f64("arrival").push_back(o_arrival_[o]);
    t.f64("delivered").push_back(at);
    t.f64("lead_time").push_back(delivered ? at - o_arrival_[o] : nan);
    t.f64("due").push_back(o_due_[o]);
    t.i64("on_time").push_back(delivered && at - o_arrival_[o] <= m_.flows[o_flow_[o]].due + 1e-12 * std::max(1.0, at) ? 1 : 0);
    t.i64("lost").push_back(delivered ? 0 : 1);
    t.i64("defects").push_back(delivered ? o_carried_[o] : 0);
    t.i64("visible_defects").push_back(delivered ? o_visible_[o] : 0);
    std::string origins;
    if (n_origins_ && delivered) {
      const std::uint8_t* d = defects_of(o);
      for (std::size_t g = 0; g < n_origins_; ++g)
        if (d[g]) origins += (origins.empty() ? "" : ";") + m_.origins[g].name;
    }
    t.str("defect_origins").push_back(origins);
    t.i64("reworks").push_back(o_reworks_[o]);
    t.i64("complained").push_back(complained ? 1 : 0);
    t.i64("resolved").push_back(resolved ? 1 : 0);
    t.i64("churned").push_back(churned ? 1 : 0);
    t.f64("copq").push_back(o_copq_[o]);
  }

  // --- arrivals -------------------------------------------------------------------------
  void schedule_arrival(std::uint32_t f, double from) {
    const Flow& fl = m_.flows[f];
    RandomStream& rs = arrival_streams_[f];
    events_.push(from + fl.interarrival.sample(rs), kClassArrival, Arrival, f);
  }

  void arrival(std::uint32_t f) {
    const Flow& fl = m_.flows[f];
    schedule_arrival(f, now_);
    // Orders are numbered by candidate, so that the same candidate has the same random
    // numbers in every scenario, whether or not churn has thinned it away in some.
    const std::uint64_t number = next_arrival_[f]++;
    if (fl.customers > 0) {
      // Thinning: a candidate from the full base becomes an order with probability
      // customers_left / customers.
      const double u = thinning_streams_[f].uniform();
      if (u * static_cast<double>(fl.customers) >= static_cast<double>(flows_[f].customers_left)) return;
    }
    std::uint32_t o = new_order(f, number);
    wip_.add(now_, 1.0);
    if (tagged(o)) {
      ++tagged_open_;
      ++tagged_arrived_;
      ++flows_[f].arrived;
    }
    for (int k : fl.sources) {
      if (o_flags_[o] & kLost) break;
      task_ready(o, k);
    }
  }

  // --- tasks and handoffs ---------------------------------------------------------------
  // All of task k's suppliers have handed over: skip it, or queue it at its unit.
  void task_ready(std::uint32_t o, int k) {
    const Task& t = m_.flows[o_flow_[o]].tasks[k];
    const std::size_t tb = static_cast<std::size_t>(o) * max_tasks_;
    first_enqueue_[tb + k] = now_;
    if (t.skip > 0) {
      RandomStream rs = stream(purpose::skip, o, static_cast<std::uint64_t>(k));
      if (rs.uniform() < t.skip) {
        if (t.skip_defect > 0 && rs.uniform() < t.skip_defect) add_defect(o, t.skip_origin);
        task_complete(o, k);
        return;
      }
    }
    submit(o, k, TaskJob, 0);
  }

  void add_defect(std::uint32_t o, int origin) {
    std::uint8_t& c = defects_of(o)[origin];
    if (c < 255) ++c;
  }

  // Task k's work is done for the first time: hand it over to every successor.
  void task_complete(std::uint32_t o, int k) {
    const Flow& fl = m_.flows[o_flow_[o]];
    const Task& t = fl.tasks[k];
    if (t.next.empty()) {
      if (--o_sinks_[o] == 0) end_order(o, false);
      return;
    }
    for (int e : t.out) {
      handoff(o, e);
      if (o_flags_[o] & kLost) return;
    }
  }

  // One attempt at handing task `from` over to `to` along edge e.
  void handoff(std::uint32_t o, int e) {
    const Flow& fl = m_.flows[o_flow_[o]];
    const Edge& ed = fl.edges[e];
    if (ed.link < 0) {
      accept(o, e);
      return;
    }
    const Link& L = m_.links[ed.link];
    LinkState& ls = links_[ed.link];
    const std::uint32_t attempt = attempt_[static_cast<std::size_t>(o) * max_tasks_ + ed.from];
    const std::uint64_t addr = (static_cast<std::uint64_t>(e) << 32) | attempt;
    const bool active = now_ >= L.active_begin && now_ < L.active_end;
    bool defective = false;
    if (active && L.defect > 0) {
      RandomStream rs = stream(purpose::defect, o, addr);
      defective = rs.uniform() < L.defect;
      if (defective) add_defect(o, L.origin);
    }
    if (tagged(o)) {
      ++ls.handoffs;
      if (defective) ++ls.defects;
    }
    if (active && L.has_delay) {
      RandomStream rs = stream(purpose::delay, o, addr);
      const double d = L.delay.sample(rs);
      std::uint32_t h = new_job(o, ed.from, HandoffRecord, attempt, static_cast<std::uint32_t>(e));
      j_flag_[h] = defective;
      ++o_inflight_[o];
      events_.push(now_ + d, kClassHandoff, Handoff, h);
      return;
    }
    receive(o, e, attempt, defective);
  }

  void handoff_arrives(std::uint32_t h) {
    const std::uint32_t o = j_order_[h];
    const int e = static_cast<int>(j_edge_[h]);
    const std::uint32_t attempt = j_attempt_[h];
    const bool defective = j_flag_[h];
    jobs_.give(h);
    --o_inflight_[o];
    if (o_flags_[o] & kLost) {
      finish_order_if_idle(o);
      return;
    }
    receive(o, e, attempt, defective);
  }

  // The receiver inspects what it got: each defect the order carries is noticed with
  // probability `detect` and sent back to this link's supplier.
  void receive(std::uint32_t o, int e, std::uint32_t attempt, bool new_defect) {
    const Flow& fl = m_.flows[o_flow_[o]];
    const Edge& ed = fl.edges[e];
    const Link& L = m_.links[ed.link];
    LinkState& ls = links_[ed.link];
    const std::uint64_t addr = (static_cast<std::uint64_t>(e) << 32) | attempt;
    std::uint8_t* d = defects_of(o);
    int caught = 0;
    std::fill(seen_.begin(), seen_.end(), 0);  // caught per origin
    bool new_escaped = new_defect;
    if (L.detect > 0) {
      RandomStream rs = stream(purpose::detect, o, addr);
      for (std::size_t g = 0; g < n_origins_; ++g) {
        for (int i = 0; i < d[g]; ++i)
          if (rs.uniform() < L.detect) ++seen_[g];
        caught += seen_[g];
      }
      if (new_defect && seen_[L.origin] >= d[L.origin]) new_escaped = false;
      for (std::size_t g = 0; g < n_origins_; ++g) {
        d[g] = static_cast<std::uint8_t>(d[g] - seen_[g]);
        std::uint8_t& c = detected_of(o)[g];
        c = static_cast<std::uint8_t>(std::min(255, c + seen_[g]));
      }
    }
    if (tagged(o)) ls.detected += static_cast<std::uint64_t>(caught);
    if (caught > 0) {
      if (L.on_detect == OnDetect::Fix) {
        // The receiver fixes what it caught: extra work on the receiving task.
        RandomStream rs = stream(purpose::fix, o, addr);
        double extra = 0;
        for (int i = 0; i < caught; ++i) extra += L.fix_service.sample(rs);
        extra_[static_cast<std::size_t>(o) * max_tasks_ + ed.to] += extra;
        const Task& rt = fl.tasks[ed.to];
        charge(o, extra * m_.units[rt.unit].cost_per_time, seen_.data());
        if (tagged(o)) ls.rework_time += extra;
      } else {
        // Rework or scrap: the supplier task goes back to the end of its unit's queue and
        // hands over again when redone (a new attempt, which can be defective again).
        if (L.on_detect == OnDetect::Scrap) charge(o, m_.costs.scrap, seen_.data());
        ++o_reworks_[o];
        std::uint16_t& a = attempt_[static_cast<std::size_t>(o) * max_tasks_ + ed.from];
        ++a;
        // The job knows its edge, link and whom to charge before it can start: the single
        // origin caught, or kManyOrigins (split by the order's detected counts).
        submit(o, ed.from, ReworkJob, a, static_cast<std::uint32_t>(e), static_cast<std::uint32_t>(ed.link),
               single_origin(seen_));
        return;
      }
    }
    if (tagged(o)) {
      if (new_escaped) ++ls.escaped;
      ++ls.accepted;
      if (now_ - first_enqueue_[static_cast<std::size_t>(o) * max_tasks_ + ed.from] <= L.sla) ++ls.sla_met;
    }
    accept(o, e);
  }

  static constexpr std::int32_t kManyOrigins = -2;
  std::int32_t single_origin(const std::vector<std::uint8_t>& v) const {
    std::int32_t found = -1;
    for (std::size_t g = 0; g < v.size(); ++g)
      if (v[g]) {
        if (found >= 0) return kManyOrigins;
        found = static_cast<std::int32_t>(g);
      }
    return found;
  }

  // The handoff along edge e is accepted: the receiving task may start once all its
  // suppliers have handed over.
  void accept(std::uint32_t o, int e) {
    const Edge& ed = m_.flows[o_flow_[o]].edges[e];
    std::uint16_t& p = pending_[static_cast<std::size_t>(o) * max_tasks_ + ed.to];
    if (--p == 0) task_ready(o, ed.to);
  }

  // --- jobs (work for one order at one unit) -------------------------------------------
  static constexpr std::uint32_t kNoJob = std::numeric_limits<std::uint32_t>::max();

  std::uint32_t new_job(std::uint32_t o, int task, JobKind kind, std::uint32_t attempt, std::uint32_t edge = 0,
                        std::uint32_t link = 0, std::int32_t blame = -1) {
    std::uint32_t j = jobs_.take();
    if (j == j_order_.size()) {
      j_order_.push_back(0);
      j_task_.push_back(0);
      j_attempt_.push_back(0);
      j_kind_.push_back(0);
      j_flag_.push_back(0);
      j_edge_.push_back(0);
      j_link_.push_back(0);
      j_blame_.push_back(0);
      j_gen_.push_back(0);
      j_slot_.push_back(0);
      j_enqueued_.push_back(0);
      j_end_.push_back(0);
      j_service_.push_back(0);
    }
    j_order_[j] = o;
    j_task_[j] = static_cast<std::uint32_t>(task);
    j_attempt_[j] = attempt;
    j_kind_[j] = kind;
    j_flag_[j] = 0;
    j_edge_[j] = edge;
    j_link_[j] = link;
    j_blame_[j] = blame;
    j_enqueued_[j] = now_;
    return j;
  }

  int unit_of(std::uint32_t j) const {
    if (j_kind_[j] == ComplaintJob) return m_.complaints.unit;
    return m_.flows[o_flow_[j_order_[j]]].tasks[j_task_[j]].unit;
  }

  // Queues work at its unit (or starts it on a free server). Returns the job, or kNoJob
  // when the unit was full and the order was lost.
  std::uint32_t submit(std::uint32_t o, int task, JobKind kind, std::uint32_t attempt, std::uint32_t edge = 0,
                       std::uint32_t link = 0, std::int32_t blame = -1) {
    const Flow& fl = m_.flows[o_flow_[o]];
    const int u = kind == ComplaintJob ? m_.complaints.unit : fl.tasks[task].unit;
    UnitState& us = units_[u];
    if (us.capacity >= 0 && static_cast<std::int64_t>(us.line.size()) + us.busy >= us.capacity) {
      if (in_window()) ++us.rejected;
      if (kind == ComplaintJob) {  // a complaint nobody takes is not resolved
        complaint_done(o, false);
        return kNoJob;
      }
      end_order(o, true);
      return kNoJob;
    }
    std::uint32_t j = new_job(o, task, kind, attempt, edge, link, blame);
    ++o_inflight_[o];
    if (us.busy < us.servers && !us.down) {
      start(u, j);
    } else {
      double key = us.discipline == Discipline::Priority ? -static_cast<double>(fl.priority)
                   : us.discipline == Discipline::Edf    ? o_due_[o]
                                                         : 0.0;
      us.line.push(j, key);
      us.queue_tw.set(now_, static_cast<double>(us.line.size()));
    }
    return j;
  }

  double draw_service(std::uint32_t j) {
    const std::uint32_t o = j_order_[j];
    if (j_kind_[j] == ComplaintJob) {
      RandomStream rs = stream(purpose::complaint_service, o, 0);
      return m_.complaints.service.sample(rs);
    }
    const Flow& fl = m_.flows[o_flow_[o]];
    const std::uint32_t k = j_task_[j];
    const Task& t = fl.tasks[k];
    RandomStream rs = stream(purpose::service, o, (std::uint64_t{k} << 32) | j_attempt_[j]);
    if (j_kind_[j] == ReworkJob) {
      const Link& L = m_.links[j_link_[j]];
      const Distribution& d = L.on_detect == OnDetect::Rework && L.has_rework_service ? L.rework_service : t.service;
      return d.sample(rs);
    }
    double s = t.service.sample(rs);
    double& extra = extra_[static_cast<std::size_t>(o) * max_tasks_ + k];
    s += extra;  // fixes of defects caught at receipt
    extra = 0;
    return s;
  }

  void start(int u, std::uint32_t j) {
    UnitState& us = units_[u];
    ++us.busy;
    us.busy_tw.set(now_, us.busy);
    if (in_window()) us.wait.add(now_ - j_enqueued_[j]);
    const double s = draw_service(j);
    j_service_[j] = s;
    if (j_kind_[j] == ReworkJob) {
      const std::uint32_t o = j_order_[j];
      if (tagged(o)) links_[j_link_[j]].rework_time += s;
      const double c = s * m_.units[u].cost_per_time;
      if (j_blame_[j] >= 0) charge_one(o, c, j_blame_[j]);
      else charge(o, c, n_origins_ ? detected_of(o) : nullptr);
    }
    if (us.outages) {
      j_slot_[j] = static_cast<std::uint32_t>(us.in_service.size());
      us.in_service.push_back(j);
    }
    j_end_[j] = now_ + s;
    events_.push(j_end_[j], kClassServiceEnd, ServiceEnd | ((j_gen_[j] & 0xFFFFFF) << 8), j);
  }

  void service_end(std::uint32_t j) {
    const std::uint32_t o = j_order_[j];
    const int u = unit_of(j);
    UnitState& us = units_[u];
    // Release before seize: the freed server takes the next waiting job first, so work
    // routed on from this task queues behind it.
    --us.busy;
    if (us.outages) {
      const std::uint32_t slot = j_slot_[j];
      const std::uint32_t last = us.in_service.back();
      us.in_service[slot] = last;
      j_slot_[last] = slot;
      us.in_service.pop_back();
    }
    if (in_window()) ++us.completions;
    const std::uint32_t next = next_waiting(us);
    if (next != kNoJob)
      start(u, next);
    else
      us.busy_tw.set(now_, us.busy);
    const JobKind kind = static_cast<JobKind>(j_kind_[j]);
    const int task = static_cast<int>(j_task_[j]);
    const int edge = static_cast<int>(j_edge_[j]);
    ++j_gen_[j];
    jobs_.give(j);
    --o_inflight_[o];
    if (kind == ComplaintJob) {
      RandomStream cs = stream(purpose::complaint, o, 0);
      cs.uniform();  // the complain draw
      complaint_done(o, cs.uniform() < m_.complaints.resolve);
      return;
    }
    if (o_flags_[o] & kLost) {
      finish_order_if_idle(o);
      return;
    }
    if (kind == ReworkJob)
      handoff(o, edge);  // hand the redone work over again, on the edge that sent it back
    else
      task_complete(o, task);
  }

  // The next job to serve from a unit's waiting line, or kNoJob. Jobs of orders lost in the
  // meantime (another branch was rejected by a full unit) are withdrawn as they come up,
  // unserved: whichever branch was listed first, a lost order's waiting work is not done.
  std::uint32_t next_waiting(UnitState& us) {
    while (!us.line.empty()) {
      const std::uint32_t j = us.line.pop();
      us.queue_tw.set(now_, static_cast<double>(us.line.size()));
      const std::uint32_t o = j_order_[j];
      if (j_kind_[j] != ComplaintJob && (o_flags_[o] & kLost)) {
        ++j_gen_[j];
        jobs_.give(j);
        --o_inflight_[o];
        finish_order_if_idle(o);
        continue;
      }
      return j;
    }
    return kNoJob;
  }

  // --- complaints -----------------------------------------------------------------------
  void submit_complaint(std::uint32_t o) { submit(o, 0, ComplaintJob, 0); }

  void complaint_done(std::uint32_t o, bool resolved) {
    const double p = resolved ? m_.complaints.churn_if_resolved : m_.complaints.churn_if_unresolved;
    RandomStream cs = stream(purpose::complaint, o, 0);
    cs.uniform();
    cs.uniform();
    const bool churn = cs.uniform() < p;
    if (tagged(o)) complaint_time_.add(now_ - o_delivered_[o]);
    if (churn) lose_customer(o, n_origins_ ? detected_of(o) : nullptr);
    o_flags_[o] &= static_cast<std::uint8_t>(~kComplaining);
    record_order(o, true, resolved, churn);
    finish_order_if_idle(o);
  }

  // --- outages --------------------------------------------------------------------------
  void schedule_failure(std::uint32_t u) {
    const double ttf = -m_.units[u].mtbf * std::log(units_[u].outage_stream.uniform());
    events_.push(now_ + ttf, kClassFailure, Failure, u);
  }

  void failure(std::uint32_t u) {
    UnitState& us = units_[u];
    us.down = true;
    us.down_tw.set(now_, 1.0);
    // Every server stops; the work in progress keeps its server and resumes after repair.
    for (std::uint32_t j : us.in_service) {
      j_end_[j] -= now_;  // now the remaining work
      ++j_gen_[j];        // cancels its ServiceEnd
    }
    us.busy_tw.set(now_, 0.0);
    const double ttr = m_.units[u].mttr.sample(us.outage_stream);
    events_.push(now_ + ttr, kClassRepair, Repair, u);
  }

  void repair(std::uint32_t u) {
    UnitState& us = units_[u];
    us.down = false;
    us.down_tw.set(now_, 0.0);
    us.busy_tw.set(now_, us.busy);
    for (std::uint32_t j : us.in_service) {
      j_end_[j] += now_;
      events_.push(j_end_[j], kClassServiceEnd, ServiceEnd | ((j_gen_[j] & 0xFFFFFF) << 8), j);
    }
    while (us.busy < us.servers) {
      const std::uint32_t next = next_waiting(us);
      if (next == kNoJob) break;
      start(static_cast<int>(u), next);
    }
    schedule_failure(u);
  }

  void finish(std::uint64_t n) {
    const double window = horizon_ - warmup_;
    auto& k = result_.kpi;
    auto at = [&](Kpi x) -> double& { return k[static_cast<int>(x)]; };
    const double nan = std::numeric_limits<double>::quiet_NaN();
    auto ratio = [&](double a, double b) { return b > 0 ? a / b : nan; };
    at(Kpi::LeadTimeMean) = lead_.count() ? lead_.mean() : nan;
    at(Kpi::LeadTimeP50) = lead_q_.quantile(0.5);
    at(Kpi::LeadTimeP95) = lead_q_.quantile(0.95);
    const std::uint64_t settled = lead_.count();
    at(Kpi::OnTimeRate) = ratio(static_cast<double>(on_time_), static_cast<double>(settled));
    at(Kpi::Throughput) = static_cast<double>(delivered_in_window_) / window;
    at(Kpi::WipMean) = wip_.mean(horizon_);
    at(Kpi::OrdersDelivered) = static_cast<double>(delivered_in_window_);
    at(Kpi::OrdersArrived) = static_cast<double>(tagged_arrived_);
    at(Kpi::OrdersUnfinished) = static_cast<double>(tagged_open_);
    at(Kpi::LossRate) = ratio(static_cast<double>(tagged_lost_), static_cast<double>(tagged_arrived_));
    const double delivered = static_cast<double>(delivered_tagged_);
    at(Kpi::DefectEscapeRate) = ratio(static_cast<double>(escaped_orders_), delivered);
    at(Kpi::VisibleDefectRate) = ratio(static_cast<double>(visible_orders_), delivered);
    at(Kpi::PerfectOrderRate) = ratio(static_cast<double>(perfect_orders_), delivered);
    at(Kpi::ReworkPerOrder) = ratio(static_cast<double>(reworks_total_), delivered);
    at(Kpi::ComplaintRate) = ratio(static_cast<double>(complaints_), delivered);
    at(Kpi::ComplaintResolutionTimeMean) = complaint_time_.count() ? complaint_time_.mean() : nan;
    at(Kpi::ChurnRate) = ratio(static_cast<double>(churned_), delivered);
    at(Kpi::CopqPerOrder) = ratio(copq_total_, delivered);
    at(Kpi::Revenue) = revenue_in_window_ / window;
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
      s[static_cast<int>(UnitStat::Availability)] = 1.0 - us.down_tw.mean(horizon_);
    }
    for (std::size_t f = 0; f < flows_.size(); ++f) {
      const FlowState& fs = flows_[f];
      auto& s = result_.flows[f];
      auto put = [&](FlowStat x, double v) { s[static_cast<int>(x)] = v; };
      const std::uint64_t done = fs.lead.count();
      put(FlowStat::LeadTimeMean, done ? fs.lead.mean() : nan);
      put(FlowStat::LeadTimeP50, fs.lead_q.quantile(0.5));
      put(FlowStat::LeadTimeP95, fs.lead_q.quantile(0.95));
      put(FlowStat::OnTimeRate, ratio(static_cast<double>(fs.on_time), static_cast<double>(done)));
      put(FlowStat::Throughput, static_cast<double>(fs.delivered_in_window) / window);
      put(FlowStat::OrdersDelivered, static_cast<double>(fs.delivered_in_window));
      put(FlowStat::OrdersArrived, static_cast<double>(fs.arrived));
      put(FlowStat::LossRate, ratio(static_cast<double>(fs.lost), static_cast<double>(fs.arrived)));
    }
    for (std::size_t l = 0; l < links_.size(); ++l) {
      const LinkState& ls = links_[l];
      auto& s = result_.links[l];
      auto put = [&](LinkStat x, double v) { s[static_cast<int>(x)] = v; };
      put(LinkStat::Handoffs, static_cast<double>(ls.handoffs));
      put(LinkStat::Defects, static_cast<double>(ls.defects));
      put(LinkStat::Detected, static_cast<double>(ls.detected));
      put(LinkStat::Escaped, static_cast<double>(ls.escaped));
      put(LinkStat::ReworkTime, ls.rework_time);
      put(LinkStat::SlaMetRate, ratio(static_cast<double>(ls.sla_met), static_cast<double>(ls.accepted)));
      put(LinkStat::Copq, origin_copq_[static_cast<std::size_t>(m_.links[l].origin)]);
    }
    double visible_total = 0;
    for (std::size_t g = 0; g < n_origins_; ++g) visible_total += origin_visible_[g];
    for (std::size_t g = 0; g <= n_origins_; ++g) {
      auto& s = result_.origins[g];
      s[static_cast<int>(OriginStat::VisibleDefects)] = origin_visible_[g];
      s[static_cast<int>(OriginStat::VisibleShare)] = ratio(origin_visible_[g], visible_total);
      s[static_cast<int>(OriginStat::Copq)] = origin_copq_[g];
      s[static_cast<int>(OriginStat::CopqShare)] = ratio(origin_copq_[g], copq_total_);
    }
    result_.events = n;
    result_.peak_orders = orders_.size();
    result_.peak_events = std::max<std::uint64_t>(peak_events_, events_.size());
  }

  static constexpr std::uint8_t kComplaining = 8;

  const Model& m_;
  RandomSource rng_;
  SimOptions opt_;
  std::size_t max_tasks_;
  std::size_t n_origins_;
  double now_ = 0, horizon_ = 0, warmup_ = 0, cap_ = 0;
  EventList events_;
  std::vector<UnitState> units_;
  std::vector<std::uint64_t> next_arrival_;
  // One stream per flow, read in order: interarrival times depend only on the flow's own
  // arrival process (so they stay common between scenarios), and a Philox block serves
  // four arrivals instead of one.
  std::vector<RandomStream> arrival_streams_, thinning_streams_;

  IndexPool orders_;
  std::vector<std::uint32_t> o_flow_;
  std::vector<std::uint64_t> o_number_;
  std::vector<double> o_arrival_, o_due_, o_delivered_, o_copq_;
  std::vector<std::uint32_t> o_sinks_, o_inflight_;
  std::vector<std::uint16_t> o_reworks_, o_carried_, o_visible_;
  std::vector<std::uint8_t> o_flags_;
  std::vector<std::uint16_t> pending_, attempt_;   // per order x task
  std::vector<double> first_enqueue_, extra_;     // per order x task
  std::vector<std::uint8_t> defects_, detected_;  // per order x origin

  IndexPool jobs_;
  std::vector<std::uint32_t> j_order_, j_task_, j_attempt_, j_edge_, j_link_, j_gen_, j_slot_;
  std::vector<std::int32_t> j_blame_;
  std::vector<std::uint8_t> j_kind_, j_flag_;
  std::vector<double> j_enqueued_, j_end_, j_service_;

  std::vector<FlowState> flows_;
  std::vector<LinkState> links_;
  std::vector<std::uint8_t> seen_;  // per origin scratch (n_origins_ entries)
  std::vector<double> origin_visible_, origin_copq_;
  TimeWeighted wip_;
  Welford lead_, complaint_time_;
  QuantileSketch lead_q_;
  std::uint64_t on_time_ = 0, delivered_in_window_ = 0;
  std::uint64_t tagged_open_ = 0, tagged_arrived_ = 0, tagged_lost_ = 0;
  std::uint64_t delivered_tagged_ = 0, escaped_orders_ = 0, visible_orders_ = 0, perfect_orders_ = 0;
  std::uint64_t reworks_total_ = 0, complaints_ = 0, churned_ = 0;
  double copq_total_ = 0, revenue_in_window_ = 0;
  std::uint64_t peak_events_ = 0;
  ReplicationResult result_;
};

}  // namespace

ReplicationResult simulate(const Model& model, std::uint64_t seed, std::uint64_t replication,
                           const SimOptions& options) {
  Replication r(model, seed, replication, options);
  return r.run();
}

}  // namespace eslabon
