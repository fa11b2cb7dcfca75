// THE config vocabulary (vocabulary.hpp says who reads it). Each section lists its keys in the
// order of the loader's messages; each key says what its value is (a Type below), its default
// as the loader applies it, and what it means. Defaults and meanings are read off the loader
// and the engine, not wished: tests/models/test_config_keys.cpp loads minimal configs and
// compares the model's values with the defaults written here.
#include <models/config/durations.hpp>
#include <models/config/vocabulary.hpp>
#include <models/config/vocabulary_types.hpp>
#include <models/model/disciplines.hpp>
#include <models/model/link_faults.hpp>

#include <climits>
#include <stdexcept>

namespace eslabon::config_keys {
namespace {

// The Type makers of vocabulary_types.hpp (declared here, so that `section` is the maker, not the lookup).
using types::above_0;
using types::also;
using types::anything;
using types::at_least_0;
using types::boolean;
using types::choice;
using types::distribution;
using types::duration;
using types::duration_or_inf;
using types::either;
using types::integer;
using types::list_of;
using types::list_of_numbers;
using types::listing;
using types::map_of;
using types::money;
using types::named;
using types::nullable;
using types::pair_of;
using types::probability;
using types::section;
using types::text;
using types::word;


constexpr long long kMaxServers = 1000000;

// --- the sections ----------------------------------------------------------------------------

std::vector<Section> build() {
  return {
      {"model",
       "An eslabon model config (YAML). The engine's own validation is stricter (it also checks references between "
       "tasks and units, cycles and ranges between keys) and gives file:line:column messages; this schema is for "
       "editors.",
       {
           {"name", text(), "the file's name without its extension (`model` for a config given as text)",
            "the model's name in results and reports"},
           {"time_unit", named(choice(time_unit_names()), "time unit name"), "hour",
            "the unit of every plain number that is a duration, and of every rate (per time unit): `second`, "
            "`minute`, `hour`, `day` or `week`, or an abbreviation (`s`, `min`, `h`, `d`, `w`, ...)"},
           {"run", section("run"), "required", "how long and how often to simulate"},
           {"units", also(map_of(nullable(section("unit")), "UNIT"), {{"minProperties", 1}}), "required",
            "the departments, each a queue in front of parallel servers; `UNIT:` alone (null) or `UNIT: {}` takes "
            "every default"},
           {"flows", also(map_of(section("flow"), "FLOW"), {{"minProperties", 1}}), "required",
            "the kinds of external order, each with its arrivals and its graph of tasks; flows may share units"},
           {"links", nullable(list_of(section("link"), "list of mappings")), "none",
            "weak links: faults injected into the handoffs from supplier tasks to the tasks that need them",
            "Weak links"},
           {"defect_types",
            nullable(also(map_of(nullable(section("defect_type")), "TYPE"),
                          {{"minProperties", 1}, {"propertyNames", {{"pattern", "^[^.:]+$"}}}})),
            "none (defects are untyped)",
            "the kinds of defect a link's `defect` may name, least severe first (their order is their severity); "
            "`TYPE:` alone takes every default; no `.` or `:` in a name",
            "Defect types and severities"},
           {"complaints", nullable(section("complaints")), "none: dissatisfied customers neither complain nor leave",
            "what dissatisfied customers do, and the unit that handles their complaints", "Weak links"},
           {"costs", nullable(section("costs")), "none: every cost 0",
            "what poor quality costs, in money (every cost is charged to its causes)", "Who pays"},
           {"scenarios", nullable(map_of(section("scenario"), "NAME")), "none",
            "named sets of changes to this model: `eslabon compare --scenario NAME`, `eslabon rank` and Python's "
            "`m.scenario(NAME)` use them",
            "What fixing is worth (rank)"},
       }},
      {"run",
       "how long and how often to simulate",
       {
           {"horizon", duration(), "required",
            "the simulated time span of each replication (> 0); orders arriving in [warmup, horizon) are tagged "
            "and measured"},
           {"warmup", named(either({duration(), word("auto")}, "anyOf"), "duration or `auto`"), "0",
            "the initial period left out of the statistics, shorter than `horizon`; `auto`: chosen by MSER-5 on pilot "
            "runs",
            "Warm-up and replications without guessing"},
           {"replications", either({integer(1, 1000000), section("until")}), "10",
            "independent replications, each with its own random numbers; or a stopping rule `{until, kpi, min, max}`",
            "Warm-up and replications without guessing"},
           {"seed", integer(0, LLONG_MAX), "42",
            "the master seed: replication r draws the random numbers of (seed, r), so a seed reproduces a run"},
           {"calendar_start",
            named(also(text(), {{"pattern", "^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2})?$"}}), "date"),
            "`2026-01-05T00:00`",
            "model time 0 as a date, `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` (the default is a Monday); places the units' "
            "`shifts` in the week and dates the event log (`--events`)",
            "Shifts and calendars"},
           {"max_wip", integer(1, 4000000000LL, "orders"), "1000000",
            "most orders in the system at once: a replication that passes it stops the run (exit 1, nothing written)",
            "Warm-up and replications without guessing"},
           {"max_events", integer(1, 1000000000000000LL, "events"), "10000000000",
            "most events one replication may process (arrivals, service ends, handoffs, ...): a replication that "
            "passes it stops the run (exit 1, nothing written); the default never stops a model that ends in hours",
            "Limits"},
       }},
      {"until",
       "run.replications as a stopping rule: replications run until the 95% CI half-width of kpi is within until x "
       "|mean|",
       {
           {"until", above_0("share of |mean|"), "required",
            "the target: the 95% CI half-width of `kpi` at most `until` x its |mean| (0.02: within 2%)"},
           {"kpi", text("KPI name"), "`lead_time_mean`", "the KPI whose confidence interval decides",
            "What is measured"},
           {"min", integer(2, 1000000, "replications"), "10",
            "fewest replications: the smallest n from `min` to `max` whose first n replications meet the target is "
            "the number run"},
           {"max", integer(2, 1000000, "replications"), "500",
            "most replications (at least `min`): when n = `max` does not meet the target, the run says so"},
       }},
      {"unit",
       "a department: a queue in front of parallel servers",
       {
           {"servers", integer(1, kMaxServers, "servers"), "1", "parallel servers (staff); not with `shifts`"},
           {"discipline", choice(discipline_names()), "fifo",
            "which waiting job a free server takes: " + listing(kDisciplines) +
                "; ties first come, first served; only `preemptive` interrupts work in service",
            "Impatience and urgency"},
           {"capacity", either({integer(1, LLONG_MAX, "jobs"), word("inf")}), "inf",
            "most jobs the unit holds, waiting and in service (at least `servers`); a job arriving to a full unit is "
            "rejected and its order lost: its jobs waiting at any unit leave those queues, its work in service is "
            "finished and dropped"},
           {"cost_per_hour", money("per hour"), "0",
            "what an hour of the unit's work costs, charged for rework, fix and redo time only (cost of poor quality; "
            "ordinary work is not costed); per hour whatever `time_unit`",
            "Who pays"},
           {"outages", nullable(section("outages")), "none",
            "breakdowns: every server stops at a failure and the interrupted work resumes after the repair; `null`: "
            "none",
            "Weak links"},
           {"staff", nullable(section("staff")), "none (every level 1)",
            "the people: levels relative to the staff the config's service times and error rates describe", "People"},
           {"shifts", section("shifts"), "none (`servers` at every hour)",
            "servers by day of the week and time of day instead of `servers`; the plan repeats every week from "
            "`run.calendar_start`",
            "Shifts and calendars"},
           {"shift_end", choice({"finish", "preempt"}), "finish",
            "at a drop in scheduled servers: `finish` (the servers above the new level finish the job in hand, then "
            "leave) or `preempt` (those jobs go back to the head of the line and later resume); only with `shifts`",
            "Shifts and calendars"},
           {"pressure", nullable(section("pressure")), "none",
            "speed and error multipliers by the unit's load; `null`: none", "Pressure"},
       }},
      {"outages",
       "breakdowns: every server of the unit stops at a failure; work in progress resumes after the repair",
       {
           {"mtbf", duration(), "required",
            "mean time between failures (> 0): exponential, counted from each repair, busy or idle"},
           {"mttr", distribution(), "required", "the repair time"},
       }},
      {"staff",
       "people (README \"People\"): levels relative to the staff the config's rates describe",
       {
           {"training", above_0("level (1: reference staff)"), "1",
            "service times / (`training` x `motivation`); the unit's skip probabilities and the defect probabilities "
            "of the links it supplies x 1 / (`training` x `motivation`), capped at 1"},
           {"motivation", above_0("level (1: reference staff)"), "1", "as `training`: the two multiply"},
           {"courtesy", probability(), "1",
            "chance a customer contact with the unit (an order's first or last task there, complaint handling) does "
            "not offend the customer"},
       }},
      {"shifts",
       "servers by day of the week and time of day (README \"Shifts and calendars\"): RULE: SERVERS, the first "
       "matching rule wins, else required; not with servers",
       {
           {"RULE", integer(0, kMaxServers, "servers"), "none",
            "servers while the rule `DAYS HH:MM-HH:MM` holds (DAYS: `mon`..`sun`, a range `mon-fri`, a list `sat,sun` "
            "or `daily`; either part may be left out); the first rule, in the order written, that covers a minute sets "
            "it",
            "", true},
           {"else", integer(0, kMaxServers, "servers"), "required", "servers at every minute no rule covers"},
       }},
      {"pressure",
       "pressure (README \"Pressure\"): speed and error multipliers by the unit's load, level i while the measure >= "
       "levels[i]",
       {
           {"measure", choice({"queue", "wip", "utilisation"}), "required",
            "what the levels measure: `queue` (jobs waiting), `wip` (waiting and in service) or `utilisation` (busy "
            "over scheduled servers, a moving average with time constant `window`)"},
           {"window", duration(), "none; required with `measure: utilisation`",
            "the time constant of the moving average of utilisation (> 0; only with `measure: utilisation`)"},
           {"levels", list_of_numbers(at_least_0("")), "required",
            "thresholds of the measure, the first 0, increasing: level i holds while the measure >= `levels[i]`"},
           {"speedup", list_of_numbers(above_0("multiplier")), "1 at every level",
            "per level, the unit's service speed x it (> 0)"},
           {"errors", list_of_numbers(above_0("multiplier")), "1 at every level",
            "per level, the defect probability of the links the unit supplies and the skip probability of its tasks x "
            "it (> 0), capped at 1"},
       }},
      {"flow",
       "a kind of external order: its arrivals, promise, value and task graph",
       {
           {"arrivals", section("arrivals"), "required",
            "how orders come: `{poisson: RATE}`, `{interarrival: DIST}` or a finite customer base `{customers, "
            "rate_per_customer, acquisition}`"},
           {"due", duration_or_inf(), "none",
            "the promised lead time (> 0): an order delivered later is late; `inf` or none: no promise"},
           {"priority", named(integer(INT_MIN, INT_MAX), "integer"), "0",
            "higher is served first at `priority` and `preemptive` units (and at complaint desks)"},
           {"value", money("per delivered order"), "0", "the revenue of each delivered order (the KPI `revenue`)"},
           {"tasks", also(map_of(section("task"), "TASK"), {{"minProperties", 1}}), "required",
            "the work each order needs, a graph without cycles; the order is delivered when every task with no "
            "successor is done"},
           {"patience", nullable(distribution()), "none (waits for ever)",
            "how long the order waits in a unit's queue before it abandons, drawn each time one of its task or rework "
            "jobs has to wait; `null`: for ever",
            "Impatience and urgency"},
       }},
      {"arrivals",
       "how the flow's orders come: one of {poisson}, {interarrival} or a finite customer base",
       {
           {"poisson", either({above_0("arrivals per time unit"), section("poisson_profile")}),
            "required (or `interarrival`, or `customers` and `rate_per_customer`)",
            "a Poisson stream of orders at this rate, or at a rate that changes over time",
            "Demand that changes over time"},
           {"interarrival", distribution(), "required (or `poisson`, or `customers` and `rate_per_customer`)",
            "the time between orders, drawn independently; the first order comes one interarrival time after 0"},
           {"customers", integer(1, 1000000000, "customers"), "required (or `poisson`, or `interarrival`)",
            "a finite customer base: the flow starts with this many customers (the whole market); a customer lost to "
            "churn orders no more"},
           {"rate_per_customer", above_0("orders per customer per time unit"), "required with `customers`",
            "orders come at this rate times the customers left"},
           {"acquisition", at_least_0("customers per time unit"), "0",
            "new customers (a Poisson stream); one who comes while the base holds all `customers` is not added"},
       },
       {{"poisson"}, {"interarrival"}, {"customers", "rate_per_customer", "acquisition"}}},
      {"poisson_profile",
       "arrivals.poisson as a rate that changes over time: periodic {rates, every} or a {schedule}",
       {
           {"rates", list_of_numbers(at_least_0("arrivals per time unit")), "required with `every`",
            "a periodic rate: `rates[i]` during [i x every, (i + 1) x every) of each period of len(rates) x `every`, "
            "from time 0; at least one > 0"},
           {"every", duration(), "required with `rates`", "the length of each piece of `rates` (> 0)"},
           {"schedule",
            also(list_of(pair_of(duration(), at_least_0(""), "", ""), "list of [FROM, RATE]"), {{"minItems", 1}}),
            "required (or `rates` and `every`)",
            "rate RATE (arrivals per time unit) from each time FROM until the next FROM (the first 0, each later one "
            "larger), the last for ever"},
       },
       {{"rates", "every"}, {"schedule"}}},
      {"task",
       "one piece of work for an order at one unit",
       {
           {"unit", text("unit name"), "required", "the unit that does the task"},
           {"service", distribution(), "required", "the task's work time (at the unit's reference staff)"},
           {"after",
            named(either({text(), also(list_of(text(), ""), {{"uniqueItems", true}})}, "anyOf"),
                  "task name or list of task names"),
            "none (starts when the order arrives)",
            "the tasks of the same flow that must be done (and handed over) before this one starts"},
           {"next", also(map_of(probability(), "TASK"), {{"minProperties", 1}}),
            "none (hands over to every task that names it in `after`)",
            "routing: the order goes on to exactly one of these tasks of the flow, with these probabilities (summing "
            "to 1); they are the task's only successors",
            "Routing with probabilities"},
           {"skip", probability(), "0",
            "chance the step is skipped: the order bypasses the unit (a weak point of its own, `skip:TASK`)",
            "Weak links"},
           {"skip_defect", probability(), "0", "chance a skipped step leaves a defect (origin `skip:TASK`)"},
       }},
      {"link",
       "a weak link: faults in the handoffs from a supplier task (or unit) to a receiving task (or unit)",
       {
           {"from", text("task or unit name"), "required",
            "the supplier: a task (of every flow that has one of that name) or a unit (every handoff out of it); a "
            "task's name wins over a unit's"},
           {"to", text("task or unit name"), "required", "the receiver: a task or a unit"},
           {"defect", either({probability(), also(map_of(probability(), "TYPE"), {{"minProperties", 1}})}), "0",
            "chance a handoff attempt is defective (an untyped defect), or a map of `defect_types` to their chances "
            "(summing to at most 1)"},
           {"detect", probability(), "0",
            "chance the receiver notices each defect the order carries, at each handoff the link covers (a type's own "
            "`detect` comes first)"},
           {"on_detect", choice(on_detect_names()), "rework",
            "what the receiver does with the defects it catches: " + listing(on_detect_outcomes())},
           {"rework_service", distribution(), "the supplier task's `service`",
            "the supplier's work to redo a task sent back (`rework`, and false alarms under `rework`)"},
           {"fix_service", distribution(), "none; required with `on_detect: fix`",
            "the receiver's extra work per defect it fixes (`on_detect: fix`)"},
           {"delay", distribution(), "none",
            "handoff latency: from the supplier's end to the receiver's receipt, drawn per attempt"},
           {"lost", probability(), "0",
            "chance a handoff attempt is lost: the receiver notices `timeout` later and the supplier task is redone "
            "in full"},
           {"timeout", duration(), "none; required when `lost` > 0",
            "from a lost handoff to the receiver noticing it (> 0)"},
           {"false_alarm", probability(), "0",
            "chance the receiver sends back an attempt in which it caught nothing, acting as `on_detect` says"},
           {"sla", either({duration_or_inf(), section("sla")}, "anyOf"), "none",
            "internal service level: from the supplier task's first queue entry to the handoff's acceptance, measured "
            "(`sla_met_rate`); or a contract `{within, share, penalty}`",
            "Internal service contracts"},
           {"inspection_cost", money("per inspected attempt"), "0",
            "appraisal cost of each handoff attempt that reaches the receiver (every one is inspected)",
            "Cost of quality"},
           {"active",
            pair_of(either({duration(), word("inf")}, "anyOf"), either({duration(), word("inf")}, "anyOf"),
                    "[START, END]", "time unit"),
            "always", "the window of model time in which the link's faults are on, by the time of the handoff attempt"},
       }},
      {"sla",
       "a contract on a link: the promised time, a target share and a penalty",
       {
           {"within", duration_or_inf(), "required", "the promised time (> 0)"},
           {"share", probability("share"), "none", "the target share of handoffs accepted within it (`target_met`)"},
           {"penalty", money("per late handoff"), "0",
            "charged to the link for each accepted handoff of a tagged order later than `within` (internal "
            "failure)"},
       }},
      {"defect_type",
       "a kind of defect; each key optional",
       {
           {"visible", probability(), "`complaints.visible`", "chance the customer notices each defect of this type"},
           {"detect", probability(), "the receiving link's `detect`",
            "chance a receiver catches each defect of this type at an inspection, instead of the link's `detect`"},
           {"complain", probability(), "`complaints.complain`",
            "when this is the most severe type the customer noticed: chance they complain (needs `complaints`)"},
           {"churn_if_resolved", probability(), "`complaints.churn_if_resolved`",
            "likewise, chance they leave after a complaint resolved well"},
           {"churn_if_unresolved", probability(), "`complaints.churn_if_unresolved`",
            "likewise, chance they leave after a complaint not resolved well"},
           {"churn_if_silent", probability(), "`complaints.churn_if_silent`",
            "likewise, chance they leave without complaining"},
           {"cost", money("per noticed defect"), "0",
            "charged for each defect of this type the customer notices, to its origin `FROM->TO:TYPE` (external "
            "failure)"},
       }},
      {"complaints",
       "what dissatisfied customers do (a noticed defect, a late delivery, an offending contact dissatisfies them)",
       {
           {"unit", text("unit name"), "required",
            "the unit that handles complaints; they queue there like any other work"},
           {"service", distribution(), "required", "the handling time of a complaint"},
           {"visible", probability(), "1", "chance the customer notices each (untyped) defect the delivery carries"},
           {"late_dissatisfies", boolean(), "true", "whether a late delivery dissatisfies the customer"},
           {"complain", probability(), "0", "chance a dissatisfied customer complains"},
           {"resolve", probability(), "0", "chance a complaint is resolved well"},
           {"churn_if_resolved", probability(), "0", "chance a customer whose complaint was resolved well leaves"},
           {"churn_if_unresolved", probability(), "0",
            "chance a customer whose complaint was not resolved well (or turned away by a full desk) leaves"},
           {"churn_if_silent", probability(), "0", "chance a dissatisfied customer who does not complain leaves"},
           {"memory", nullable(section("memory")), "none",
            "customers who remember: for flows with a finite base, a satisfaction score per customer decides who "
            "leaves instead of `churn_if_*`",
            "Customers who remember"},
       }},
      {"memory",
       "customers who remember (README \"Customers who remember\"): s <- (1 - weight) s + weight x after each contact",
       {
           {"weight", named(also(above_0(""), {{"maximum", 1}}), "number in (0, 1]"), "required",
            "the weight of each new contact's outcome x in the score: s <- (1 - weight) s + weight x"},
           {"start", probability("score"), "1", "a new customer's score"},
           {"churn", list_of(pair_of(probability(), probability(), "", ""), "list of [BELOW, PROBABILITY]"),
            "none (nobody leaves)",
            "after a contact, leave with the PROBABILITY of the first row whose BELOW exceeds the score (BELOW "
            "increasing)"},
           {"outcomes", section("memory_outcomes"), "the values below",
            "a contact's outcome x: a satisfying delivery is 1, a dissatisfying one the smallest value of its "
            "reasons"},
       }},
      {"memory_outcomes",
       "a contact's outcome x: a satisfying delivery is 1, a dissatisfying one the smallest value of its reasons",
       {
           {"defect", probability("score"), "0", "a delivery with a defect the customer noticed"},
           {"late", probability("score"), "0", "a late delivery, when `late_dissatisfies`"},
           {"offended", probability("score"), "0", "a delivery whose customer a contact offended"},
           {"resolved", probability("score"), "1", "complaint handling that resolved the complaint well"},
           {"unresolved", probability("score"), "0", "a complaint not resolved well, or turned away"},
       }},
      {"costs",
       "what poor quality costs; each is charged to its causes (README \"Who pays\")",
       {
           {"late_penalty", money("per late order"), "0",
            "charged once for each tagged order delivered after its `due` (a flat amount, not per hour late), to "
            "the causes of its lateness"},
           {"scrap", money("per scrapped attempt"), "0",
            "charged each time a receiver scraps a handoff (`on_detect: scrap`, false alarms included), to the origins "
            "of what it caught; "
            "the redo also costs the supplier unit's `cost_per_hour`"},
           {"complaint", money("per complaint"), "0",
            "charged for each complaint, to the origins of the defects the customer noticed (else the causes of "
            "lateness, else the units that offended)"},
           {"lost_customer", money("per lost customer"), "0",
            "charged for each customer who leaves, as a complaint is"},
           {"prevention", money("per time unit"), "0",
            "spent on preventing defects: prevention x (horizon - warmup) per replication, on the ledger row "
            "`(prevention)`",
            "Cost of quality"},
           {"abandoned", money("per abandoned order"), "0",
            "charged for each tagged order that abandons a queue (`patience`), to that `queue:UNIT`",
            "Impatience and urgency"},
           {"currency", also(text("name"), {{"minLength", 1}}), "`currency`",
            "the name of the currency costs, values and penalties are written in (`EUR`, `USD`, `k€`); only a "
            "label: it names the money in CSV and Excel headers, HDF5 attributes, `--json` and plots",
            "Results in HDF5"},
       }},
      {"scenario",
       "config paths and their new values, e.g. units.production.servers: 5; and optionally what the change costs",
       {
           {"cost", money("per time unit"), "none",
            "what the change costs, for `eslabon rank` (net benefit, return, `--budget`); kept apart from the cost of "
            "quality",
            "What fixing is worth (rank)"},
           {"PATH", anything(), "none",
            "a config path and its new value, as `--set PATH=VALUE` takes them, e.g. `units.production.servers: 5` or "
            "`links.purchase->produce.defect: 0.02`",
            "", true},
       }},
      {"sweep",
       "An eslabon sweep file (YAML): a grid of changes to one model, run by eslabon sweep. The engine's own "
       "validation is stricter (it loads the model and every point) and gives file:line:column messages.",
       {
           {"model", text("path"), "required", "the model config, a path relative to the sweep file"},
           {"replications", integer(1, 1000000), "the model's `run.replications`", "replications of every point"},
           {"seed", integer(0, LLONG_MAX), "the model's `run.seed`",
            "the master seed, the same for every point (so points are paired)"},
           {"grid", nullable(map_of(also(list_of(anything(), "list"), {{"minItems", 1}}), "PATH")),
            "none (then `scenarios` are required)",
            "config paths and the values each takes: every combination is a point (the last path varying fastest)"},
           {"scenarios", nullable(map_of(map_of(anything(), "PATH"), "NAME")), "none",
            "named points beside the grid: `NAME: {PATH: VALUE, ...}`"},
       }},
  };
}

}  // namespace

const std::vector<Section>& sections() {
  static const std::vector<Section> all = build();
  return all;
}

const Section& section(const std::string& id) {
  for (const Section& s : sections())
    if (s.id == id) return s;
  throw std::out_of_range("no config section '" + id + "' in the vocabulary");
}

const std::vector<std::string>& names(const std::string& id) {
  static const std::vector<std::vector<std::string>> lists = [] {
    std::vector<std::vector<std::string>> out;
    for (const Section& s : sections()) {
      out.emplace_back();
      for (const Key& k : s.keys)
        if (!k.other) out.back().push_back(k.name);
    }
    return out;
  }();
  const auto& all = sections();
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all[i].id == id) return lists[i];
  throw std::out_of_range("no config section '" + id + "' in the vocabulary");
}

}  // namespace eslabon::config_keys
