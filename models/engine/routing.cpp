// Routing with probabilities (README "Routing with probabilities"): a task with `next` hands
// over to exactly one of its successors, drawn from the order's own stream; the others are
// routed away, and so is every task all of whose suppliers were routed away. A task is ready
// when each of its suppliers has handed over or been routed away, and at least one handed
// over. Out of the hot path: models without `next` never come here. See replication.hpp.

#include <models/engine/replication.hpp>

namespace eslabon::engine {

// Task k (with `next`) is done: one uniform u, addressed by the order and the task (attempt 0:
// a task is done once per order, and redone work goes back along the handoff that sent it
// back), picks the first successor by name whose cumulative probability exceeds u. The others
// are routed away first, at this instant, then the handoff to the chosen one is made.
void Replication::route(std::uint32_t o, int k) {
  const std::uint32_t f = orders_.flow(o);
  const Flow& fl = m_.flows[f];
  const std::vector<int>& out = names_.out[f][static_cast<std::size_t>(k)];  // by the receiver's name
  RandomStream rs = streams(o, draws_.task(f, k))(purpose::route);
  const double u = rs.uniform();
  int chosen = -1;
  double cumulative = 0;
  for (int e : out) {
    const double p = fl.route[static_cast<std::size_t>(e)];
    if (!(p > 0)) continue;
    chosen = e;  // when rounding leaves u beyond the sum: the last with p > 0
    cumulative += p;
    if (u < cumulative) break;
  }
  for (int e : out) {
    if (e == chosen) continue;
    not_taken(o, e);
    if (orders_.lost(o)) return;
  }
  handoff(o, chosen);
}

// The handoff along edge e will not happen for this order. When it was its receiver's last
// supplier to resolve, the receiver is ready (some handoff reached it) or routed away.
void Replication::not_taken(std::uint32_t o, int e) {
  const int to = flow_of(o).edges[static_cast<std::size_t>(e)].to;
  if (--orders_.pending(o, to) != 0) return;
  delays_.accepted(o, e, to, true);
  if (orders_.reached(o, to))
    task_ready_out_of_line(o, to);
  else
    route_away(o, to);
}

// Task k does no work for this order: no queue, no handoff, no draw. A routed-away sink no
// longer holds up the delivery.
void Replication::route_away(std::uint32_t o, int k) {
  const std::uint32_t f = orders_.flow(o);
  delays_.passed(o, k, now_);
  if (m_.flows[f].tasks[static_cast<std::size_t>(k)].next.empty()) {
    if (--orders_.sinks(o) == 0) sinks_done(o, k);
    return;
  }
  for (int e : names_.out[f][static_cast<std::size_t>(k)]) {
    not_taken(o, e);
    if (orders_.lost(o)) return;
  }
}

}  // namespace eslabon::engine
