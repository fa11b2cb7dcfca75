#pragma once
// Queue disciplines: THE list. Each discipline is a small struct below; the list at the end
// generates the Discipline enum and the table that the config loader (allowed names and the
// did-you-mean), to_string() and the engine (the waiting line's form and the queue key)
// read. Order matters only for messages ("expected fifo, priority, edf or spt") and keeps
// the enum's values: add at the end. models/README.md, "Add a queue discipline", has the
// whole recipe.
//
// Every discipline is work-conserving: a free server takes the waiting job with the smallest
// key, ties in the order the jobs joined the queue. All but `preemptive` are non-preemptive;
// a preemptive one also lets an arriving job take a server from a job in service whose key is
// larger (the dispatcher does it: Replication::preempt).
//
// A discipline is a struct in eslabon::discipline with
//   static constexpr const char* name      its config value ("spt")
//   static constexpr const char* meaning   one line, for listings (the config reference's `discipline`)
//   static constexpr bool by_arrival       true: served in arrival order and no key (a ring
//                                          buffer, the fast path); false: a heap on the key
//   static constexpr bool needs_service    true: the job's processing time is drawn when it
//                                          joins the unit, so that the key can read it
//   static constexpr bool preempts         true: a job with a smaller key preempts the job in
//                                          service with the largest (preemptive-resume)
//   static double key(const QueueFacts&)   the queue key, smallest served first

#include <string>
#include <vector>

namespace eslabon {

// What is known of a job when it joins a unit's queue: what a key may read.
struct QueueFacts {
  int priority = 0;    // the order's flow's priority
  double due = 0;      // the order's due time (arrival + the flow's `due`), in the time unit
  double service = 0;  // the job's processing time; filled only where needs_service
};

namespace discipline {

struct Fifo {
  static constexpr const char* name = "fifo";
  static constexpr const char* meaning = "first come, first served";
  static constexpr bool by_arrival = true;
  static constexpr bool needs_service = false;
  static constexpr bool preempts = false;
  static double key(const QueueFacts&) { return 0.0; }
};

struct Priority {
  static constexpr const char* name = "priority";
  static constexpr const char* meaning = "the flow's priority, higher first; first come, first served within";
  static constexpr bool by_arrival = false;
  static constexpr bool needs_service = false;
  static constexpr bool preempts = false;
  static double key(const QueueFacts& q) { return -static_cast<double>(q.priority); }
};

struct Edf {
  static constexpr const char* name = "edf";
  static constexpr const char* meaning = "earliest due date first: the order's arrival plus its flow's `due`";
  static constexpr bool by_arrival = false;
  static constexpr bool needs_service = false;
  static constexpr bool preempts = false;
  static double key(const QueueFacts& q) { return q.due; }
};

// The processing time is the job's own draw (the same random numbers as at any other
// discipline) plus, for a task, the fix work caught at receipt, all known at entry.
struct Spt {
  static constexpr const char* name = "spt";
  static constexpr const char* meaning =
      "shortest processing time first: the job's service time, drawn when it joins, plus fix work already caught for "
      "it";
  static constexpr bool by_arrival = false;
  static constexpr bool needs_service = true;
  static constexpr bool preempts = false;
  static double key(const QueueFacts& q) { return q.service; }
};

// `priority` with preemption (preemptive-resume): an arriving job that finds no free server
// takes one from the lowest-priority job in service (the most recently started among equals)
// if that job's priority is lower than its own; the preempted job goes back to the head of its
// priority class in the queue and later resumes its remaining work.
struct Preemptive {
  static constexpr const char* name = "preemptive";
  static constexpr const char* meaning =
      "the flow's priority, higher first; an arriving job preempts lower-priority work in service";
  static constexpr bool by_arrival = false;
  static constexpr bool needs_service = false;
  static constexpr bool preempts = true;
  static double key(const QueueFacts& q) { return -static_cast<double>(q.priority); }
};

}  // namespace discipline

// X(Type) for every discipline, Type being a struct in eslabon::discipline.
#define ESLABON_DISCIPLINES(X) \
  X(Fifo)                      \
  X(Priority)                  \
  X(Edf)                       \
  X(Spt)                       \
  X(Preemptive)                \
  /* one X(Type) line per discipline, above this one */

enum class Discipline {
#define ESLABON_DISCIPLINE_ENUM(T) T,
  ESLABON_DISCIPLINES(ESLABON_DISCIPLINE_ENUM)
#undef ESLABON_DISCIPLINE_ENUM
};

struct DisciplineInfo {
  const char* name;
  const char* meaning;
  bool by_arrival;
  bool needs_service;
  bool preempts;
};

// The table, indexed by Discipline.
inline constexpr DisciplineInfo kDisciplines[] = {
#define ESLABON_DISCIPLINE_INFO(T)                                                                       \
  {discipline::T::name, discipline::T::meaning, discipline::T::by_arrival, discipline::T::needs_service, \
   discipline::T::preempts},
    ESLABON_DISCIPLINES(ESLABON_DISCIPLINE_INFO)
#undef ESLABON_DISCIPLINE_INFO
};

constexpr const DisciplineInfo& discipline_info(Discipline d) { return kDisciplines[static_cast<int>(d)]; }

// The config names, in list order (the loader's choices).
inline std::vector<std::string> discipline_names() {
  std::vector<std::string> names;
  for (const DisciplineInfo& d : kDisciplines) names.emplace_back(d.name);
  return names;
}

// The queue key of a job at a unit of discipline d (a switch: no virtual call per event).
inline double queue_key(Discipline d, const QueueFacts& q) {
  switch (d) {
#define ESLABON_DISCIPLINE_KEY(T) \
  case Discipline::T:             \
    return discipline::T::key(q);
    ESLABON_DISCIPLINES(ESLABON_DISCIPLINE_KEY)
#undef ESLABON_DISCIPLINE_KEY
  }
  return 0.0;
}

}  // namespace eslabon
