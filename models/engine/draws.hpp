#pragma once
// Random-number addressing: every draw of a replication is addressed by what it is for,
// built from stable *names*, never from positions in the config file. So two scenarios see
// the same customers and the same service times (common random numbers), reordering the
// units, flows, tasks or links of a file changes no draw, inserting a task or link leaves
// every other draw alone, and a run is identical whatever the number of threads.
//
// A draw's stream (core/random.hpp) has a 64-bit address and a base:
//
//     address = mix(purpose tag << 56 | key of the flow's (or unit's) name, 56 bits,
//                   key of the task's or handoff's name, 48 bits << 16 | attempt)
//     base    = the order's number within its flow (its arrival candidate number) << 16
//
// and the low 16 bits of the base count the stream's blocks (two words each: 131,072 words
// per order and purpose, far more than any draw needs). The streams of a whole flow or unit
// (arrivals, thinning, outages) have base 0 and count blocks in all 64 bits.
//
// Name keys are 64-bit hashes (FNV-1a, then the splitmix64 finaliser) of "flow:NAME",
// "unit:NAME", the task's name, and "FROM->TO" (task names) for a handoff; the address mixes
// them into 64 bits. Two different addresses coincide with probability 2^-64 per pair, and
// then only share a stream.
//
// A draw's address never depends on when it is made: a job's service time is drawn at
// service start, or when it joins a unit whose discipline orders by it (spt), and is the
// same number either way.
//
// | purpose           | flow/unit | order | item            | draws                               |
// |-------------------|-----------|-------|-----------------|-------------------------------------|
// | arrival           | flow      | 0     | 0               | interarrival times, in order        |
// | thinning          | flow      | 0     | 0               | finite customer base, or a rate profile's candidates, in order |
// | acquisition       | flow      | 0     | 0               | times between new customers         |
// | outage            | unit      | 0     | 0               | time to failure, repair, in order   |
// | service           | flow      | order | task, attempt   | service (or rework) time            |
// | skip              | flow      | order | task            | skip, then skip_defect              |
// | route             | flow      | order | task, attempt 0 | which successor (`next`), one       |
// | defect            | flow      | order | handoff, attempt| defective?                          |
// | delay             | flow      | order | handoff, attempt| handoff latency                     |
// | detect            | flow      | order | handoff, attempt| one per carried defect (origins by name) |
// | fix               | flow      | order | handoff, attempt| fix work per caught defect          |
// | lost              | flow      | order | handoff, attempt| lost?                               |
// | visible           | flow      | order | 0               | one per carried defect (origins by name) |
// | complaint         | flow      | order | 0               | complain, resolve, churn            |
// | complaint_service | flow      | order | 0               | handling time                       |
// | patience          | flow      | order | task, attempt   | how long it waits in the queue      |
// | customer          | flow      | order | 0               | which customer of the base orders (memory) |
// | memory            | flow      | order | 0               | leave after a contact? (memory)     |

#include <eslabon/core/random.hpp>
#include <models/model/model.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace eslabon {

namespace purpose {
inline constexpr std::uint8_t arrival = 1, service = 2, defect = 3, detect = 4, delay = 5, skip = 6, fix = 7,
                              visible = 8, complaint = 9, complaint_service = 10, outage = 11, thinning = 12, lost = 13,
                              acquisition = 14, patience = 15, false_alarm = 20, route = 21, courtesy = 22,
                              customer = 23, memory = 24;
}  // namespace purpose

// A 64-bit key for a name (FNV-1a over its bytes, then splitmix64's finaliser to spread it).
inline std::uint64_t name_key(const std::string& name) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : name) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return mix64(h);
}

class Draws {
 public:
  Draws(const Model& m, std::uint64_t seed, std::uint64_t replication) : rng_(seed, replication) {
    for (const Flow& f : m.flows) {
      const std::uint64_t fk = name_key("flow:" + f.name);
      flow_.push_back(fk);
      arrival_.push_back(rng_.stream(address(word0(purpose::arrival, fk), 0)));
      thinning_.push_back(rng_.stream(address(word0(purpose::thinning, fk), 0)));
      acquisition_.push_back(rng_.stream(address(word0(purpose::acquisition, fk), 0)));
      std::vector<std::uint64_t> tk, ek;
      for (const Task& t : f.tasks) tk.push_back(item(name_key(t.name)));
      for (const Edge& e : f.edges) ek.push_back(item(name_key(f.tasks[e.from].name + "->" + f.tasks[e.to].name)));
      task_.push_back(std::move(tk));
      edge_.push_back(std::move(ek));
    }
    for (const Unit& u : m.units)
      outage_.push_back(rng_.stream(address(word0(purpose::outage, name_key("unit:" + u.name)), 0)));
  }

  // The stream of one order's draws for one purpose (`item` from task() or edge(), with
  // its attempt; 0 for draws of the whole order).
  RandomStream order(std::uint8_t tag, std::uint32_t flow, std::uint64_t number, std::uint64_t item = 0) const {
    return rng_.stream(address(word0(tag, flow_[flow]), item), number << 16);
  }
  std::uint64_t task(std::uint32_t flow, int k, std::uint32_t attempt = 0) const {
    return task_[flow][static_cast<std::size_t>(k)] | (attempt & 0xFFFF);
  }
  std::uint64_t edge(std::uint32_t flow, int e, std::uint32_t attempt) const {
    return edge_[flow][static_cast<std::size_t>(e)] | (attempt & 0xFFFF);
  }

  RandomStream& arrival(std::uint32_t flow) { return arrival_[flow]; }
  RandomStream& thinning(std::uint32_t flow) { return thinning_[flow]; }
  RandomStream& acquisition(std::uint32_t flow) { return acquisition_[flow]; }
  RandomStream& outage(std::uint32_t unit) { return outage_[unit]; }

 private:
  static std::uint64_t word0(std::uint8_t tag, std::uint64_t key) {
    return (std::uint64_t{tag} << 56) | (key & ((std::uint64_t{1} << 56) - 1));
  }
  static std::uint64_t item(std::uint64_t key) { return key << 16; }
  static std::uint64_t address(std::uint64_t head, std::uint64_t item) {
    return mix64(head + item * 0x9e3779b97f4a7c15ull);
  }

  RandomSource rng_;
  std::vector<std::uint64_t> flow_;
  std::vector<std::vector<std::uint64_t>> task_, edge_;  // per flow: item words (attempt 0)
  std::vector<RandomStream> arrival_, thinning_, acquisition_, outage_;
};

}  // namespace eslabon
