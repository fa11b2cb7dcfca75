#pragma once
// Jobs: work for one order at one unit (a task, a rework, a complaint), and handoffs in
// transit, as one-cache-line records indexed by a pooled job index. A job's generation counts its
// lives (and outage interruptions): a ServiceEnd event carries the generation it was
// scheduled for, so a stale event (cancelled by an outage) is recognised and skipped.

#include <models/engine/index_pool.hpp>

#include <cstdint>
#include <limits>
#include <vector>

namespace eslabon {

// What a job is for.
enum JobKind : std::uint8_t { TaskJob = 0, ReworkJob = 1, ComplaintJob = 2, HandoffRecord = 3 };

// Who is charged for a rework job's time: an origin index, kNoBlame (the order's caught
// defects), or kManyOrigins (several origins caught at once: split by the order's counts).
inline constexpr std::int32_t kNoBlame = -1, kManyOrigins = -2;

struct JobSpec {
  std::uint32_t order = 0;
  int task = 0;
  JobKind kind = TaskJob;
  std::uint32_t attempt = 0;
  std::uint32_t edge = 0;  // rework and handoffs: the edge the work goes out on
  std::uint32_t link = 0;  // rework: the link that sent it back
  std::int32_t blame = kNoBlame;
  // Rework: the task is done again in full with its own service (its handoff was lost),
  // whatever the link's rework_service. Kept in the job's flag.
  bool full_redo = false;
};

// A handoff record's flag: what the attempt in transit carries.
inline constexpr std::uint8_t kHandoffDefective = 1, kHandoffLost = 2;

class Jobs {
 public:
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

  // `unit`: where the job is served (a handoff record has none).
  std::uint32_t take(const JobSpec& s, double now, std::uint32_t unit = 0) {
    const std::uint32_t j = pool_.take();
    if (j == jobs_.size()) jobs_.emplace_back();
    Job& r = jobs_[j];
    r.order = s.order;
    r.task = static_cast<std::uint32_t>(s.task);
    r.attempt = s.attempt;
    r.kind = s.kind;
    r.flag = s.full_redo;
    r.edge = s.edge;
    r.link = s.link;
    r.blame = s.blame;
    r.unit = unit;
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
  std::uint8_t& flag(std::uint32_t j) { return jobs_[j].flag; }         // handoff records: kHandoff*
  bool full_redo(std::uint32_t j) const { return jobs_[j].flag != 0; }  // rework jobs (JobSpec::full_redo)
  double enqueued(std::uint32_t j) const { return jobs_[j].enqueued; }
  double& end(std::uint32_t j) { return jobs_[j].end; }  // service end; the remaining work while frozen
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
  IndexPool pool_;
  std::vector<Job> jobs_;
};

}  // namespace eslabon
