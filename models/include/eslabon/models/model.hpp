#pragma once
// The organisational value chain, as the engine runs it: units (departments as queues),
// flows (kinds of external order) and their task graphs. Built by the config loader
// (config.hpp) or by hand in tests; every name has been resolved to an index and every
// duration converted to the model's time unit.

#include <eslabon/core/distributions.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace eslabon {

enum class Discipline { Fifo, Priority, Edf };
const char* to_string(Discipline d);

struct Unit {
  std::string name;
  int servers = 1;
  Discipline discipline = Discipline::Fifo;
  // Most jobs the unit holds (waiting + in service); a job arriving to a full unit is
  // rejected and its order is lost. -1 means unlimited.
  std::int64_t capacity = -1;
};

struct Task {
  std::string name;
  int unit = 0;
  Distribution service;
  std::vector<int> after;  // tasks of the same flow that must be done first
  std::vector<int> next;   // the tasks that name this one in `after`
};

struct Flow {
  std::string name;
  Distribution interarrival;  // Poisson(rate) is Exponential(mean = 1/rate)
  double due = std::numeric_limits<double>::infinity();
  int priority = 0;           // higher is served first by `priority` units
  std::vector<Task> tasks;    // in a topological order
  std::vector<int> sources;   // tasks with no `after`
  int sinks = 0;              // tasks with no successor
};

struct RunSettings {
  double horizon = 0;
  double warmup = 0;
  int replications = 10;
  std::uint64_t seed = 42;
};

struct Model {
  std::string name;
  std::string time_unit = "hour";
  RunSettings run;
  std::vector<Unit> units;
  std::vector<Flow> flows;
  // Where it came from: the config text (after overrides) and its file name.
  std::string config_text;
  std::string source;

  int unit_index(const std::string& name) const;
  std::size_t max_tasks() const;
};

}  // namespace eslabon
