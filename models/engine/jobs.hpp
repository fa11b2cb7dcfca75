#pragma once
// Jobs: work for one order at one unit (a task, a rework, a complaint), and handoffs in
// transit, as parallel arrays indexed by a pooled job index. A job's generation counts its
// lives (and outage interruptions): a ServiceEnd event carries the generation it was
// scheduled for, so a stale event (cancelled by an outage) is recognised and skipped.

#include <models/engine/index_pool.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace eslabon {

// What a job is for.
enum JobKind : std::uint8_t { TaskJob = 0, ReworkJob = 1, ComplaintJob = 2, HandoffRecord = 3 };

// Who is charged for a rework job's time: an origin index, kNoBlame (task and complaint
// jobs, never charged), or kManyOrigins (several origins caught at the inspection that sent
// it back: split by what was caught of each there, kept with the job).
inline constexpr std::int32_t kNoBlame = -1, kManyOrigins = -2;

struct JobSpec {
  std::uint32_t order = 0;
  int task = 0;
  JobKind kind = TaskJob;
  std::uint32_t attempt = 0;
  std::uint32_t edge = 0;  // rework and handoffs: the edge the work goes out on
  std::uint32_t link = 0;  // rework: the link that sent it back
  std::int32_t blame = kNoBlame;
  const std::uint8_t* caught = nullptr;  // kManyOrigins: the counts caught per origin
  // Rework: the task is done again in full with its own service (its handoff was lost),
  // whatever the link's rework_service. Kept in the job's flag.
  bool full_redo = false;
};

// A job's flag bits. kFullRedo: a rework done again in full (JobSpec::full_redo). A handoff
// record's kHandoffLost: the attempt in transit was lost (its defect, if any, is on the order
// already). kWithdrawn: the job's order was lost while it waited; its entry in the unit's
// line is skipped when it comes up.
inline constexpr std::uint8_t kFullRedo = 1, kHandoffLost = 2, kWithdrawn = 4;

class Jobs {
 public:
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

  explicit Jobs(std::size_t origins) : origins_(origins) {}

  std::uint32_t take(const JobSpec& s, double now) {
    const std::uint32_t j = pool_.take();
    if (j == order_.size()) grow();
    order_[j] = s.order;
    task_[j] = static_cast<std::uint32_t>(s.task);
    attempt_[j] = s.attempt;
    kind_[j] = s.kind;
    flag_[j] = s.full_redo ? kFullRedo : 0;
    edge_[j] = s.edge;
    link_[j] = s.link;
    blame_[j] = s.blame;
    if (s.blame == kManyOrigins) std::copy(s.caught, s.caught + origins_, weights_.data() + j * origins_);
    enqueued_[j] = now;
    return j;
  }
  // Back to the pool; a pending ServiceEnd of this job becomes stale.
  void retire(std::uint32_t j) {
    ++gen_[j];
    pool_.give(j);
  }
  // A handoff record back to the pool (it has no ServiceEnd).
  void give(std::uint32_t j) { pool_.give(j); }
  // Cancels the job's pending ServiceEnd (an outage froze it).
  void cancel_end(std::uint32_t j) { ++gen_[j]; }
  // The generation stamp a ServiceEnd event carries.
  std::uint32_t stamp(std::uint32_t j) const { return gen_[j] & 0xFFFFFF; }

  std::uint32_t order(std::uint32_t j) const { return order_[j]; }
  std::uint32_t task(std::uint32_t j) const { return task_[j]; }
  JobKind kind(std::uint32_t j) const { return static_cast<JobKind>(kind_[j]); }
  std::uint32_t attempt(std::uint32_t j) const { return attempt_[j]; }
  std::uint32_t edge(std::uint32_t j) const { return edge_[j]; }
  std::uint32_t link(std::uint32_t j) const { return link_[j]; }
  std::int32_t blame(std::uint32_t j) const { return blame_[j]; }
  // kManyOrigins: whom the job's cost is split over (counts per origin).
  const std::uint8_t* weights(std::uint32_t j) const { return weights_.data() + j * origins_; }
  std::uint8_t& flag(std::uint32_t j) { return flag_[j]; }                // handoff records: kHandoff*
  bool full_redo(std::uint32_t j) const { return flag_[j] & kFullRedo; }  // rework jobs (JobSpec::full_redo)
  bool withdrawn(std::uint32_t j) const { return flag_[j] & kWithdrawn; }
  void withdraw(std::uint32_t j) { flag_[j] |= kWithdrawn; }

  // The jobs of one order waiting in units' lines, a doubly linked list through the jobs
  // (`head` is the order's, Orders::waiting), so that a lost order's waiting work can leave
  // the lines at once: O(1) to join and leave, nothing allocated.
  void join_waiting(std::uint32_t j, std::uint32_t& head) {
    prev_[j] = kNone;
    next_[j] = head;
    if (head != kNone) prev_[head] = j;
    head = j;
  }
  void leave_waiting(std::uint32_t j, std::uint32_t& head) {
    if (prev_[j] != kNone)
      next_[prev_[j]] = next_[j];
    else
      head = next_[j];
    if (next_[j] != kNone) prev_[next_[j]] = prev_[j];
  }
  std::uint32_t next_waiting(std::uint32_t j) const { return next_[j]; }
  double enqueued(std::uint32_t j) const { return enqueued_[j]; }
  double& end(std::uint32_t j) { return end_[j]; }  // service end; the remaining work while frozen
  // Its own service draw, made when it joined a unit whose discipline orders by it (spt).
  double& service(std::uint32_t j) { return service_[j]; }
  std::uint32_t& slot(std::uint32_t j) { return slot_[j]; }  // place in its unit's in-service list

 private:
  void grow() {
    order_.push_back(0);
    task_.push_back(0);
    attempt_.push_back(0);
    kind_.push_back(0);
    flag_.push_back(0);
    edge_.push_back(0);
    link_.push_back(0);
    blame_.push_back(0);
    gen_.push_back(0);
    slot_.push_back(0);
    next_.push_back(kNone);
    prev_.push_back(kNone);
    enqueued_.push_back(0);
    end_.push_back(0);
    service_.push_back(0);
    weights_.resize(weights_.size() + origins_, 0);
  }
  std::size_t origins_;
  IndexPool pool_;
  std::vector<std::uint32_t> order_, task_, attempt_, edge_, link_, gen_, slot_;
  std::vector<std::uint32_t> next_, prev_;  // the order's waiting jobs (join_waiting)
  std::vector<std::int32_t> blame_;
  std::vector<std::uint8_t> kind_, flag_;
  std::vector<std::uint8_t> weights_;  // per job x origin
  std::vector<double> enqueued_, end_, service_;
};

}  // namespace eslabon
