#include <models/studies/route_walk.hpp>
#include <models/studies/routes.hpp>
#include <models/studies/traffic.hpp>

#include <Eigen/SparseCore>
#include <Eigen/SparseLU>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <unordered_map>
#include <utility>

// The chain follows the engine's rules (README "Weak links", "People", "Routing with
// probabilities"): a task that is due is skipped with min(1, skip x errors) (leaving an untyped
// defect with skip_defect) or served (a contact at a unit with courtesy c offends with 1 - c);
// each handoff attempt on a link is lost with `lost` (the supplier redoes its task in full and
// hands over again; the attempt's defect goes with it), else defective with min(1, defect x
// errors) (split over the link's types in proportion), and the receiver inspects every defect the
// order carries, each caught with its detect (the type's own, else the link's). Anything caught:
// rework and scrap send the supplier task back (rework_service, else its own service) and the
// handoff is tried again with what was missed still carried; fix adds one fix_service per caught
// defect to the receiving task's work. Nothing caught: a false alarm with `false_alarm` acts as
// on_detect says, else the handoff is accepted. Each of these draws is independent of the
// others, so the order's state after each step depends only on its state before: a Markov chain.
// What is not followed: a link's `active` window (faults count as always on), losses (a full
// unit, impatience) and pressure levels other than the ones given through `errors` and `speed`.

namespace eslabon {
namespace {

enum class Step { Task, Edge, Deliver };

struct Stage {
  Step kind = Step::Deliver;
  int index = -1;
  double take = 1;  // sequential flows: the share of orders that meet it; the others go to `pass`
  int pass = -1;
  std::vector<std::pair<int, double>> then;  // where the order goes after it, with probabilities
};


// One source and no fork: every realised route is a path, and the order is at one step at a time.
bool one_path(const Flow& f) {
  if (f.sources.size() != 1) return false;
  for (const Task& t : f.tasks)
    if (!t.routes && t.out.size() > 1) return false;
  return true;
}

double binomial(int n, int k) {
  double b = 1;
  for (int i = 1; i <= k; ++i) b = b * (n - k + i) / i;
  return b;
}

class Chain {
 public:
  Chain(const Model& m, const Flow& f, const std::vector<double>& errors, const std::vector<double>& speed)
      : m_(m), f_(f), errors_(errors), speed_(speed) {
    const std::size_t classes = 1 + m.defect_types.size();
    out_.class_type.push_back(-1);
    for (std::size_t t = 0; t < m.defect_types.size(); ++t) out_.class_type.push_back(static_cast<int>(t));
    std::vector<char> used(classes, 0);
    for (const Task& t : f.tasks) used[0] = used[0] || (t.skip > 0 && t.skip_defect > 0);
    for (const Edge& e : f.edges) {
      if (e.link < 0) continue;
      const Link& L = m.links[static_cast<std::size_t>(e.link)];
      if (L.defect_types.empty()) used[0] = used[0] || L.defect > 0;
      for (const TypedDefect& d : L.defect_types) used[1 + static_cast<std::size_t>(d.type)] = used[1 + static_cast<std::size_t>(d.type)] || d.p > 0;
    }
    int n_used = 0;
    for (char u : used) n_used += u;
    // Follow up to K carried defects: K = 12 for one class, fewer when the classes would make
    // too many combinations (at most 2000 per step).
    int K = 12;
    while (K > 1 && binomial(K + std::max(1, n_used), std::max(1, n_used)) > 2000) --K;
    out_.max_carried = K;
    zero_ = intern(std::vector<int>(classes, 0));
    out_.tasks.resize(f.tasks.size());
    out_.edges.resize(f.edges.size());
    endless_.assign(f.edges.size(), 0);
    build_stages();
  }

  FlowTraffic solve() {
    std::vector<std::pair<int, double>> start;
    enter(start_, zero_, 0, 1.0, start);
    while (!queue_.empty()) {
      const int s = queue_.front();
      queue_.pop_front();
      expand(s);
    }
    const int n = static_cast<int>(states_.size());
    std::vector<Eigen::Triplet<double>> a;
    a.reserve(moves_.size() + static_cast<std::size_t>(n));
    for (int s = 0; s < n; ++s) a.emplace_back(s, s, 1.0);
    for (const Move& mv : moves_) a.emplace_back(mv.to, mv.from, -mv.p);  // (I - P^T)
    Eigen::SparseMatrix<double> A(n, n);
    A.setFromTriplets(a.begin(), a.end());  // duplicates (two ways to one state) add up
    Eigen::VectorXd b = Eigen::VectorXd::Zero(n);
    for (const auto& [s, p] : start) b[s] += p;
    Eigen::SparseLU<Eigen::SparseMatrix<double>> lu;
    lu.compute(A);
    Eigen::VectorXd x = lu.info() == Eigen::Success ? Eigen::VectorXd(lu.solve(b)) : Eigen::VectorXd();
    if (lu.info() != Eigen::Success || !x.allFinite())
      x = Eigen::VectorXd::Constant(n, std::numeric_limits<double>::infinity());
    for (const Account& c : accounts_) *counter(c.what) += x[c.state] * c.amount;
    for (int s = 0; s < n; ++s) {
      const State& st = states_[static_cast<std::size_t>(s)];
      if (stages_[static_cast<std::size_t>(st.stage)].kind == Step::Deliver && x[s] > 0)
        out_.delivered.push_back({carried_[static_cast<std::size_t>(st.carried)], st.offended != 0, x[s]});
    }
    // A handoff that can never be accepted (lost with 1, every attempt sent back) is reworked
    // without end: its supplier's work is infinite.
    const double inf = std::numeric_limits<double>::infinity();
    for (std::size_t e = 0; e < f_.edges.size(); ++e)
      if (endless_[e] && out_.edges[e].attempts > 0) {
        TaskTraffic& t = out_.tasks[static_cast<std::size_t>(f_.edges[e].from)];
        t.redos = t.work = inf;
      }
    out_.states = states_.size();
    return out_;
  }

 private:
  struct State {
    int stage, carried, offended;
  };
  struct Move {
    int from, to;
    double p;
  };
  // What a visit of a state adds to a figure of the flow, per visit.
  enum class Figure { Reached, Served, Redos, FullRedos, Work, Attempts, Lost, Defects, Caught, FalseAlarms };
  struct What {
    Figure figure;
    int index;  // task or edge
  };
  struct Account {
    int state;
    What what;
    double amount;
  };

  double* counter(What w) {
    const std::size_t i = static_cast<std::size_t>(w.index);
    switch (w.figure) {
      case Figure::Reached: return &out_.tasks[i].reached;
      case Figure::Served: return &out_.tasks[i].served;
      case Figure::Redos: return &out_.tasks[i].redos;
      case Figure::FullRedos: return &out_.tasks[i].full_redos;
      case Figure::Work: return &out_.tasks[i].work;
      case Figure::Attempts: return &out_.edges[i].attempts;
      case Figure::Lost: return &out_.edges[i].lost;
      case Figure::Defects: return &out_.edges[i].defects;
      case Figure::Caught: return &out_.edges[i].caught;
      case Figure::FalseAlarms: return &out_.edges[i].false_alarms;
    }
    return nullptr;
  }

  void build_stages() {
    const int T = static_cast<int>(f_.tasks.size()), E = static_cast<int>(f_.edges.size());
    if (one_path(f_)) {
      // The steps as the graph has them: a task, then its handoff (the route drawn), and so on.
      stages_.resize(static_cast<std::size_t>(T + E + 1));
      for (int k = 0; k < T; ++k) {
        const Task& t = f_.tasks[static_cast<std::size_t>(k)];
        Stage& s = stages_[static_cast<std::size_t>(k)];
        s.kind = Step::Task;
        s.index = k;
        if (t.out.empty()) s.then.push_back({T + E, 1.0});
        for (int e : t.out) {
          const double p = t.routes ? f_.route[static_cast<std::size_t>(e)] : 1.0;
          if (p > 0) s.then.push_back({T + e, p});
        }
      }
      for (int e = 0; e < E; ++e) {
        Stage& s = stages_[static_cast<std::size_t>(T + e)];
        s.kind = Step::Edge;
        s.index = e;
        s.then.push_back({f_.edges[static_cast<std::size_t>(e)].to, 1.0});
      }
      stages_.back().kind = Step::Deliver;
      start_ = f_.sources.front();
      return;
    }
    // Forks: the steps one after the other, in topological order (each task after the handoffs
    // into it), each met by its share of the orders.
    out_.sequential = true;
    const RouteShares shares = route_shares(f_);
    out_.routes_exact = shares.exact;
    std::vector<std::vector<int>> in(f_.tasks.size());
    for (int e = 0; e < E; ++e) in[static_cast<std::size_t>(f_.edges[static_cast<std::size_t>(e)].to)].push_back(e);
    for (int k : topological(f_)) {
      for (int e : in[static_cast<std::size_t>(k)]) {
        Stage s;
        s.kind = Step::Edge;
        s.index = e;
        s.take = shares.edge[static_cast<std::size_t>(e)];
        stages_.push_back(s);
      }
      Stage s;
      s.kind = Step::Task;
      s.index = k;
      s.take = shares.task[static_cast<std::size_t>(k)];
      stages_.push_back(s);
    }
    stages_.push_back(Stage{});  // delivery
    for (std::size_t i = 0; i + 1 < stages_.size(); ++i) {
      stages_[i].pass = static_cast<int>(i + 1);
      stages_[i].then.push_back({static_cast<int>(i + 1), 1.0});
    }
    start_ = 0;
  }

  int intern(const std::vector<int>& v) {
    auto [it, fresh] = ids_.try_emplace(v, static_cast<int>(carried_.size()));
    if (fresh) carried_.push_back(v);
    return it->second;
  }
  // One more defect of class c (beyond max_carried: not followed).
  int add(int id, int c) {
    std::vector<int> v = carried_[static_cast<std::size_t>(id)];
    int total = 0;
    for (int x : v) total += x;
    if (total >= out_.max_carried) return id;
    ++v[static_cast<std::size_t>(c)];
    return intern(v);
  }

  int state(int stage, int carried, int offended) {
    const std::int64_t key = (static_cast<std::int64_t>(stage) * 2 + offended) << 32 | carried;
    auto [it, fresh] = index_.try_emplace(key, static_cast<int>(states_.size()));
    if (fresh) {
      states_.push_back({stage, carried, offended});
      queue_.push_back(it->second);
    }
    return it->second;
  }

  // The order reaches stage `st` with probability p: the stages it does not meet pass it on.
  void enter(int st, int carried, int offended, double p, std::vector<std::pair<int, double>>& out) {
    while (p > 0) {
      const Stage& g = stages_[static_cast<std::size_t>(st)];
      if (g.take >= 1) {
        out.push_back({state(st, carried, offended), p});
        return;
      }
      if (g.take > 0) out.push_back({state(st, carried, offended), p * g.take});
      p *= 1 - g.take;
      st = g.pass;
    }
  }

  void go_on(int from, const Stage& g, int carried, int offended, double p) {
    std::vector<std::pair<int, double>> to;
    for (const auto& [st, q] : g.then) enter(st, carried, offended, p * q, to);
    for (const auto& [t, q] : to) moves_.push_back({from, t, q});
  }
  void count(int s, Figure what, int index, double amount) {
    if (amount != 0) accounts_.push_back({s, {what, index}, amount});
  }

  double errors_of(int unit) const {
    return errors_.empty() ? m_.units[static_cast<std::size_t>(unit)].error_factor()
                           : errors_[static_cast<std::size_t>(unit)];
  }
  double speed_of(int unit) const {
    return speed_.empty() ? m_.units[static_cast<std::size_t>(unit)].speed() : speed_[static_cast<std::size_t>(unit)];
  }
  double skip_of(const Task& t) const { return std::min(1.0, t.skip * errors_of(t.unit)); }

  void expand(int s) {
    const State st = states_[static_cast<std::size_t>(s)];
    const Stage& g = stages_[static_cast<std::size_t>(st.stage)];
    if (g.kind == Step::Task) return task(s, st, g);
    if (g.kind == Step::Edge) return edge(s, st, g);
  }

  void task(int s, const State& st, const Stage& g) {
    const Task& t = f_.tasks[static_cast<std::size_t>(g.index)];
    const double skip = skip_of(t), served = 1 - skip;
    count(s, Figure::Reached, g.index, 1.0);
    count(s, Figure::Served, g.index, served);
    count(s, Figure::Work, g.index, served * t.service.mean() / speed_of(t.unit));
    if (skip > 0) {
      go_on(s, g, add(st.carried, 0), st.offended, skip * t.skip_defect);
      go_on(s, g, st.carried, st.offended, skip * (1 - t.skip_defect));
    }
    if (t.contact && !st.offended) {
      const double c = m_.units[static_cast<std::size_t>(t.unit)].courtesy;
      go_on(s, g, st.carried, 1, served * (1 - c));
      go_on(s, g, st.carried, 0, served * c);
    } else {
      go_on(s, g, st.carried, st.offended, served);
    }
  }

  // One attempt at the handoff along edge g.index.
  void edge(int s, const State& st, const Stage& g) {
    const int e = g.index;
    const Edge& ed = f_.edges[static_cast<std::size_t>(e)];
    count(s, Figure::Attempts, e, 1.0);
    if (ed.link < 0) return go_on(s, g, st.carried, st.offended, 1.0);
    const Link& L = m_.links[static_cast<std::size_t>(ed.link)];
    const Task& from = f_.tasks[static_cast<std::size_t>(ed.from)];
    const Task& to = f_.tasks[static_cast<std::size_t>(ed.to)];
    const double v = speed_of(from.unit), own = from.service.mean() / v;
    const double redo = (L.on_detect == OnDetect::Rework && L.has_rework_service ? L.rework_service.mean() / v : own);
    const double fix = L.on_detect == OnDetect::Fix ? L.fix_service.mean() * (1 - skip_of(to)) : 0.0;
    // The defect of an attempt, by class: the staff's errors scale the link's probability (capped at 1).
    std::vector<std::pair<int, double>> outcomes;
    const double scale = L.defect > 0 ? std::min(1.0, L.defect * errors_of(from.unit)) / L.defect : 1.0;
    double none = 1, sure = 0;  // sure: the chance a new defect is made and caught
    if (L.defect_types.empty()) {
      if (L.defect > 0) outcomes.push_back({0, L.defect * scale});
    } else {
      for (const TypedDefect& d : L.defect_types)
        if (d.p > 0) outcomes.push_back({1 + d.type, d.p * scale});
    }
    for (const auto& [c, p] : outcomes) {
      none -= p;
      sure += p * detect(L, c);
    }
    const bool sends_back = L.on_detect != OnDetect::Fix;
    if (L.lost >= 1 || (sends_back && (L.false_alarm >= 1 || sure >= 1 - 1e-12))) {
      endless_[static_cast<std::size_t>(e)] = 1;
      return;
    }
    outcomes.push_back({-1, std::max(0.0, none)});
    const double lost = L.lost, kept = 1 - lost;
    if (lost > 0) {
      count(s, Figure::Lost, e, lost);
      count(s, Figure::FullRedos, ed.from, lost);
      count(s, Figure::Work, ed.from, lost * own);
      moves_.push_back({s, s, lost});
    }
    // Not a structured binding: the lambda below captures p, which clang 14 (the sanitizer build,
    // tests/fuzz/README.md) cannot do with one.
    for (const auto& outcome : outcomes) {
      const int c = outcome.first;
      const double p = outcome.second;
      if (!(p > 0)) continue;
      const int made = c < 0 ? st.carried : add(st.carried, c);
      if (c >= 0) count(s, Figure::Defects, e, kept * p);
      inspect(L, carried_[static_cast<std::size_t>(made)], 0, [&](const std::vector<int>& left, int n, double q) {
        const double w = kept * p * q;
        if (n > 0) {
          count(s, Figure::Caught, e, w * n);
          const int rest = intern(left);
          if (!sends_back) {
            count(s, Figure::Work, ed.to, w * n * fix);
            return go_on(s, g, rest, st.offended, w);
          }
          count(s, Figure::Redos, ed.from, w);
          count(s, Figure::Work, ed.from, w * redo);
          moves_.push_back({s, state(st.stage, rest, st.offended), w});
          return;
        }
        const double alarm = L.false_alarm;
        count(s, Figure::FalseAlarms, e, w * alarm);
        if (!sends_back) {
          count(s, Figure::Work, ed.to, w * alarm * fix);
          return go_on(s, g, made, st.offended, w);
        }
        if (alarm > 0) {
          count(s, Figure::Redos, ed.from, w * alarm);
          count(s, Figure::Work, ed.from, w * alarm * redo);
          moves_.push_back({s, state(st.stage, made, st.offended), w * alarm});
        }
        go_on(s, g, made, st.offended, w * (1 - alarm));
      });
    }
  }

  double detect(const Link& L, int c) const {
    if (c == 0) return L.detect;
    const double own = m_.defect_types[static_cast<std::size_t>(c - 1)].detect;
    return own >= 0 ? own : L.detect;  // NaN: the link's
  }

  // Every outcome of inspecting `carried` from class c on: what is left, how many were caught, and
  // its probability (each defect caught independently with its class's detect).
  template <class Visit>
  void inspect(const Link& L, std::vector<int> carried, std::size_t c, Visit&& visit, int n = 0, double q = 1) {
    while (c < carried.size() && carried[c] == 0) ++c;
    if (c == carried.size()) return visit(carried, n, q);
    const int have = carried[c];
    const double d = detect(L, static_cast<int>(c));
    for (int k = 0; k <= have; ++k) {
      const double pk = binomial(have, k) * std::pow(d, k) * std::pow(1 - d, have - k);
      if (!(pk > 0)) continue;
      carried[c] = have - k;
      inspect(L, carried, c + 1, visit, n + k, q * pk);
    }
  }

  const Model& m_;
  const Flow& f_;
  const std::vector<double>& errors_;
  const std::vector<double>& speed_;
  FlowTraffic out_;
  std::vector<Stage> stages_;
  int start_ = 0;
  std::map<std::vector<int>, int> ids_;
  std::vector<std::vector<int>> carried_;
  int zero_ = 0;
  std::unordered_map<std::int64_t, int> index_;
  std::vector<State> states_;
  std::deque<int> queue_;
  std::vector<Move> moves_;
  std::vector<Account> accounts_;
  std::vector<char> endless_;
};

}  // namespace

FlowTraffic flow_traffic(const Model& m, const Flow& f, const std::vector<double>& errors,
                         const std::vector<double>& speed) {
  return Chain(m, f, errors, speed).solve();
}

}  // namespace eslabon
