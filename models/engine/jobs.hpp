#pragma once
// Jobs: work for one order at one unit (a task, a rework, a complaint), and handoffs in
// transit, as one-cache-line records indexed by a pooled job index. A job's generation counts its
// lives (and outage interruptions and preemptions): a ServiceEnd or Abandon event carries the
// generation it was scheduled for, so a stale event (cancelled by an outage or a preemption,
// or of a job since retired) is recognised and skipped.

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
// already); kFalseAlarm: the receiver will raise a false alarm on it if it catches nothing.
// kWithdrawn: the job's order was lost while it waited; its entry in the unit's line is skipped
// when it comes up. kPatient: it waits with an Abandon event pending, which is void once it
// leaves the line (served). kResumed: it was preempted, and `end` holds its remaining work.
inline constexpr std::uint8_t kFullRedo = 1, kHandoffLost = 2, kWithdrawn = 4, kPatient = 8, kResumed = 16,
                              kFalseAlarm = 32;

class Jobs {
 public:
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

  explicit Jobs(std::size_t origins) : origins_(origins) {}

  // `unit`: where the job is served (a handoff record has none).
  std::uint32_t take(const JobSpec& s, double now, std::uint32_t unit = 0) {
    const std::uint32_t j = pool_.take();
    if (j == jobs_.size()) grow();
    Job& r = jobs_[j];
    r.order = s.order;
    r.task = static_cast<std::uint32_t>(s.task);
    r.attempt = s.attempt;
    r.kind = s.kind;
    r.flag = s.full_redo ? kFullRedo : 0;
    r.edge = s.edge;
    r.link = s.link;
    r.blame = s.blame;
    r.unit = unit;
    if (s.blame == kManyOrigins) std::copy(s.caught, s.caught + origins_, weights_.data() + j * origins_);
    r.enqueued = now;
    return j;
  }
  // Back to the pool; a pending ServiceEnd of this job becomes stale.
  void retire(std::uint32_t j) {
    ++jobs_[j].gen;
    pool_.give(j);
  }
  // A handoff record back to the pool (it has no ServiceEnd).
  void give(std::uint32_t j) { pool_.give(j); }
  // Cancels the job's pending ServiceEnd (an outage froze it).
  void cancel_end(std::uint32_t j) { ++jobs_[j].gen; }
  // The generation stamp a ServiceEnd event carries.
  std::uint32_t stamp(std::uint32_t j) const { return jobs_[j].gen & 0xFFFFFF; }

  std::uint32_t order(std::uint32_t j) const { return jobs_[j].order; }
  std::uint32_t task(std::uint32_t j) const { return jobs_[j].task; }
  std::uint32_t unit(std::uint32_t j) const { return jobs_[j].unit; }
  JobKind kind(std::uint32_t j) const { return static_cast<JobKind>(jobs_[j].kind); }
  std::uint32_t attempt(std::uint32_t j) const { return jobs_[j].attempt; }
  std::uint32_t edge(std::uint32_t j) const { return jobs_[j].edge; }
  std::uint32_t link(std::uint32_t j) const { return jobs_[j].link; }
  std::int32_t blame(std::uint32_t j) const { return jobs_[j].blame; }
  // kManyOrigins: whom the job's cost is split over (counts per origin).
  const std::uint8_t* weights(std::uint32_t j) const { return weights_.data() + j * origins_; }
  std::uint8_t& flag(std::uint32_t j) { return jobs_[j].flag; }                // handoff records: kHandoff*
  bool full_redo(std::uint32_t j) const { return jobs_[j].flag & kFullRedo; }  // rework jobs (JobSpec::full_redo)
  bool withdrawn(std::uint32_t j) const { return jobs_[j].flag & kWithdrawn; }
  void withdraw(std::uint32_t j) { jobs_[j].flag |= kWithdrawn; }
  // Reneging (an Abandon event with the job's stamp is pending): the job still waits in its
  // line when its patience ends, or has left it (served, or withdrawn with its order).
  void await(std::uint32_t j) { jobs_[j].flag |= kPatient; }
  bool still_waiting(std::uint32_t j) const { return (jobs_[j].flag & (kPatient | kWithdrawn)) == kPatient; }
  void served(std::uint32_t j) { jobs_[j].flag &= static_cast<std::uint8_t>(~kPatient); }
  // Preempted at `now` (preemptive-resume): `end` becomes the remaining work and the pending
  // ServiceEnd goes stale; resume() takes the remaining work back.
  void preempt(std::uint32_t j, double now) {
    jobs_[j].end -= now;
    ++jobs_[j].gen;
    jobs_[j].flag |= kResumed;
  }
  bool resumes(std::uint32_t j) const { return jobs_[j].flag & kResumed; }
  double resume(std::uint32_t j) {
    jobs_[j].flag &= static_cast<std::uint8_t>(~kResumed);
    return jobs_[j].end;
  }

  // The jobs of one order waiting in units' lines, a doubly linked list through the jobs
  // (`head` is the order's, Orders::waiting), so that a lost order's waiting work can leave
  // the lines at once: O(1) to join and leave, nothing allocated.
  void join_waiting(std::uint32_t j, std::uint32_t& head) {
    waiting_[j].prev = kNone;
    waiting_[j].next = head;
    if (head != kNone) waiting_[head].prev = j;
    head = j;
  }
  void leave_waiting(std::uint32_t j, std::uint32_t& head) {
    const Waiting w = waiting_[j];
    if (w.prev != kNone)
      waiting_[w.prev].next = w.next;
    else
      head = w.next;
    if (w.next != kNone) waiting_[w.next].prev = w.prev;
  }
  std::uint32_t next_waiting(std::uint32_t j) const { return waiting_[j].next; }
  double enqueued(std::uint32_t j) const { return jobs_[j].enqueued; }
  void requeued(std::uint32_t j, double now) { jobs_[j].enqueued = now; }  // preempted: back in the line
  double& end(std::uint32_t j) { return jobs_[j].end; }  // service end; the remaining work while frozen or preempted
  // Its own service draw, made when it joined a unit whose discipline orders by it (spt).
  double& service(std::uint32_t j) { return jobs_[j].service; }
  std::uint32_t& slot(std::uint32_t j) { return jobs_[j].slot; }  // place in its unit's in-service list

 private:
  // One record per job, one cache line: an event touches one job, and with 10^4-10^5 jobs
  // alive a layout by field (an array each) cost a cache miss per field read.
  struct alignas(64) Job {
    std::uint32_t order = 0, task = 0, attempt = 0, edge = 0, link = 0, gen = 0, slot = 0;
    std::int32_t blame = 0;
    std::uint8_t kind = 0, flag = 0;
    std::uint32_t unit = 0;  // kept here so that a service end needs no look at the order first
    double enqueued = 0, end = 0, service = 0;
  };
  static_assert(sizeof(Job) == 64);
  struct Waiting {
    std::uint32_t next = kNone, prev = kNone;
  };
  void grow() {
    jobs_.emplace_back();
    waiting_.emplace_back();
    weights_.resize(weights_.size() + origins_, 0);
  }
  std::size_t origins_;
  IndexPool pool_;
  std::vector<Job> jobs_;
  std::vector<Waiting> waiting_;       // the order's waiting jobs (join_waiting)
  std::vector<std::uint8_t> weights_;  // per job x origin
};

}  // namespace eslabon
