#include <models/config/keys.hpp>
#include <models/config/memory.hpp>

namespace eslabon {
namespace {

// A score or an outcome: a number in [0, 1].
double score(const YamlReader& r, const YAML::Node& n, const std::string& path, const std::string& what) {
  const double v = r.number(n, path);
  if (!(v >= 0 && v <= 1)) r.fail(n, path, "expected " + what + " in [0, 1], got " + found(n));
  return v;
}

}  // namespace

Memory read_memory(const YamlReader& r, const YAML::Node& n, const std::string& path, const Model& m) {
  r.keys(n, path, config_keys::memory);
  Memory k;
  k.on = true;
  if (!n["weight"])
    r.fail(n, path + ".weight", "missing; expected the weight of each new contact in the score, a number in (0, 1]");
  k.weight = r.number(n["weight"], path + ".weight");
  if (!(k.weight > 0 && k.weight <= 1))
    r.fail(n["weight"], path + ".weight",
           "expected a number in (0, 1] (the weight of each new contact), got " + found(n["weight"]));
  if (n["start"]) k.start = score(r, n["start"], path + ".start", "a score");
  if (const YAML::Node c = n["churn"]) {
    if (!c.IsSequence()) r.fail(c, path + ".churn", "expected a list of [BELOW, PROBABILITY] rows, got " + found(c));
    for (std::size_t i = 0; i < c.size(); ++i) {
      const YAML::Node row = c[i];
      const std::string ip = path + ".churn." + std::to_string(i);
      if (!row.IsSequence() || row.size() != 2)
        r.fail(row, ip,
               "expected a row [BELOW, PROBABILITY] (a score, and the chance to leave below it), got " + found(row));
      const double below = score(r, row[0], ip + ".0", "a score");
      if (i > 0 && !(below > k.churn.back().below))
        r.fail(row[0], ip + ".0",
               "expected a score above the previous row's (" + found(c[i - 1][0]) + "), got " + found(row[0]));
      k.churn.push_back({below, r.probability(row[1], ip + ".1")});
    }
  }
  if (const YAML::Node o = n["outcomes"]) {
    r.keys(o, path + ".outcomes", config_keys::memory_outcomes);
    double* slot[] = {&k.defect, &k.late, &k.offended, &k.resolved, &k.unresolved};
    for (std::size_t i = 0; i < config_keys::memory_outcomes.size(); ++i) {
      const std::string& key = config_keys::memory_outcomes[i];
      if (o[key]) *slot[i] = score(r, o[key], path + ".outcomes." + key, "an outcome");
    }
  }
  // Each customer of a base with memory is held as a record: bound the base.
  for (const Flow& f : m.flows)
    if (f.customers > kMemoryMaxCustomers)
      r.fail(n, path,
             "a finite base with memory holds at most " + std::to_string(kMemoryMaxCustomers) + " customers; flow " +
                 f.name + " has " + std::to_string(f.customers));
  return k;
}

}  // namespace eslabon
