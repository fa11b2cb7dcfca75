#pragma once
// The orders alive in a replication, as parallel arrays indexed by a pooled order index
// (structure of arrays: the hot loop touches a few fields of many orders). Per order and
// task: suppliers still to hand over, rework attempts, first queue entry, extra work from
// fixes. Per order and origin: defects carried, defects caught (or, once delivered, whom
// dissatisfaction is blamed on).

#include <models/engine/index_pool.hpp>
#include <models/model/model.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace eslabon {

class Orders {
 public:
  static constexpr std::uint8_t kTagged = 1, kLost = 2, kDelivered = 4, kComplaining = 8;
  static constexpr std::uint32_t kNoJob = 0xFFFFFFFFu;  // Jobs::kNone

  Orders(std::size_t max_tasks, std::size_t origins) : max_tasks_(max_tasks), origins_(origins) {}

  std::uint32_t take(const Flow& fl, std::uint32_t flow, std::uint64_t number, double now, bool tagged) {
    const std::uint32_t o = pool_.take();
    if (o == flow_.size()) grow();
    flow_[o] = flow;
    number_[o] = number;
    arrival_[o] = now;
    due_[o] = now + fl.due;
    delivered_[o] = 0;
    copq_[o] = 0;
    sinks_[o] = static_cast<std::uint32_t>(fl.sinks);
    inflight_[o] = 0;
    waiting_[o] = kNoJob;
    reworks_[o] = 0;
    carried_[o] = 0;
    visible_[o] = 0;
    flags_[o] = tagged ? kTagged : 0;
    const std::size_t tb = task_base(o);
    for (std::size_t k = 0; k < fl.tasks.size(); ++k) {
      pending_[tb + k] = static_cast<std::uint16_t>(fl.tasks[k].after.size());
      attempt_[tb + k] = 0;
      extra_[tb + k] = 0;
    }
    if (origins_) {
      std::fill(defects_of(o), defects_of(o) + origins_, 0);
      std::fill(detected_of(o), detected_of(o) + origins_, 0);
    }
    return o;
  }
  void give(std::uint32_t o) { pool_.give(o); }
  std::uint32_t peak() const { return pool_.size(); }

  bool tagged(std::uint32_t o) const { return flags_[o] & kTagged; }
  bool lost(std::uint32_t o) const { return flags_[o] & kLost; }
  bool has(std::uint32_t o, std::uint8_t flag) const { return flags_[o] & flag; }
  void set(std::uint32_t o, std::uint8_t flag) { flags_[o] |= flag; }
  void clear(std::uint32_t o, std::uint8_t flag) { flags_[o] &= static_cast<std::uint8_t>(~flag); }

  std::uint32_t flow(std::uint32_t o) const { return flow_[o]; }
  std::uint64_t number(std::uint32_t o) const { return number_[o]; }
  double arrival(std::uint32_t o) const { return arrival_[o]; }
  double due(std::uint32_t o) const { return due_[o]; }
  double& delivered(std::uint32_t o) { return delivered_[o]; }
  double delivered(std::uint32_t o) const { return delivered_[o]; }
  double& copq(std::uint32_t o) { return copq_[o]; }
  double copq(std::uint32_t o) const { return copq_[o]; }
  std::uint32_t& sinks(std::uint32_t o) { return sinks_[o]; }
  std::uint32_t& inflight(std::uint32_t o) { return inflight_[o]; }
  // The first of its jobs waiting in a unit's line (Jobs::join_waiting), or kNoJob.
  std::uint32_t& waiting(std::uint32_t o) { return waiting_[o]; }
  std::uint16_t& reworks(std::uint32_t o) { return reworks_[o]; }
  std::uint16_t reworks(std::uint32_t o) const { return reworks_[o]; }
  std::uint16_t& carried(std::uint32_t o) { return carried_[o]; }
  std::uint16_t carried(std::uint32_t o) const { return carried_[o]; }
  std::uint16_t& visible(std::uint32_t o) { return visible_[o]; }
  std::uint16_t visible(std::uint32_t o) const { return visible_[o]; }

  std::uint16_t& pending(std::uint32_t o, int k) { return pending_[task_base(o) + k]; }
  std::uint16_t& attempt(std::uint32_t o, int k) { return attempt_[task_base(o) + k]; }
  double& first_enqueue(std::uint32_t o, int k) { return first_enqueue_[task_base(o) + k]; }
  double& extra(std::uint32_t o, int k) { return extra_[task_base(o) + k]; }

  // (data() + offset: valid, and null + 0, in a model without origins, where nothing is read)
  std::uint8_t* defects_of(std::uint32_t o) { return defects_.data() + static_cast<std::size_t>(o) * origins_; }
  const std::uint8_t* defects_of(std::uint32_t o) const {
    return defects_.data() + static_cast<std::size_t>(o) * origins_;
  }
  std::uint8_t* detected_of(std::uint32_t o) { return detected_.data() + static_cast<std::size_t>(o) * origins_; }
  // Whom costs are blamed on (null when the model has no origins).
  const std::uint8_t* blame_of(std::uint32_t o) { return origins_ ? detected_of(o) : nullptr; }

 private:
  std::size_t task_base(std::uint32_t o) const { return static_cast<std::size_t>(o) * max_tasks_; }
  void grow() {
    flow_.push_back(0);
    number_.push_back(0);
    arrival_.push_back(0);
    due_.push_back(0);
    delivered_.push_back(0);
    copq_.push_back(0);
    sinks_.push_back(0);
    inflight_.push_back(0);
    waiting_.push_back(kNoJob);
    reworks_.push_back(0);
    carried_.push_back(0);
    visible_.push_back(0);
    flags_.push_back(0);
    pending_.resize(pending_.size() + max_tasks_, 0);
    attempt_.resize(attempt_.size() + max_tasks_, 0);
    first_enqueue_.resize(first_enqueue_.size() + max_tasks_, 0);
    extra_.resize(extra_.size() + max_tasks_, 0);
    defects_.resize(defects_.size() + origins_, 0);
    detected_.resize(detected_.size() + origins_, 0);
  }

  std::size_t max_tasks_, origins_;
  IndexPool pool_;
  std::vector<std::uint32_t> flow_;
  std::vector<std::uint64_t> number_;
  std::vector<double> arrival_, due_, delivered_, copq_;
  std::vector<std::uint32_t> sinks_, inflight_, waiting_;
  std::vector<std::uint16_t> reworks_, carried_, visible_;
  std::vector<std::uint8_t> flags_;
  std::vector<std::uint16_t> pending_, attempt_;  // per order x task
  std::vector<double> first_enqueue_, extra_;     // per order x task
  std::vector<std::uint8_t> defects_, detected_;  // per order x origin
};

}  // namespace eslabon
