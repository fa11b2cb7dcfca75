// Runs and their results: tables as numpy columns, JSON, HDF5.
#include "register.hpp"

#include <eslabon/core/number_format.hpp>
#include <models/output/hdf5_run.hpp>
#include <models/output/json.hpp>
#include <models/output/output_path.hpp>
#include <models/output/result_tables.hpp>
#include <models/results/run_result.hpp>

namespace eslabon::python {

py::dict table_to_dict(const Table& t) {
  py::dict d;
  for (const auto& c : t.columns()) {
    std::visit(
        [&](const auto& v) {
          using T = typename std::decay_t<decltype(v)>::value_type;
          if constexpr (std::is_same_v<T, std::string>) {
            py::list l;
            for (const auto& s : v) l.append(py::str(s));
            d[py::str(c.name)] = l;
          } else {
            d[py::str(c.name)] = py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data());
          }
        },
        c.data);
  }
  return d;
}

void register_results(py::module_& m) {
  // run.max_wip passed (README "Warm-up and replications without guessing"): the run stops.
  // README "Limits": a run stopped by one of its limits, each its own subclass.
  auto limit = py::register_exception<RunLimitExceeded>(m, "RunLimitExceeded", PyExc_RuntimeError);
  limit.doc() = "A run stopped by one of its limits (a RuntimeError): run.max_wip, run.max_events or time_limit.";
  py::register_exception<WipExceeded>(m, "WipLimitExceeded", limit).doc() =
      "A run stopped: more orders in the system than run.max_wip (a RunLimitExceeded); the message says when and "
      "where.";
  py::register_exception<EventsExceeded>(m, "EventLimitExceeded", limit).doc() =
      "A run stopped: more events in one replication than run.max_events (a RunLimitExceeded).";
  py::register_exception<TimeLimitExceeded>(m, "TimeLimitExceeded", limit).doc() =
      "A run stopped: it took longer than its time_limit (a RunLimitExceeded).";

  py::class_<RunResult>(m, "RunResult", "Every replication of a run, with the tables made from them.")
      .def_readonly("name", &RunResult::name, "The model's name.")
      .def_readonly("seed", &RunResult::seed, "The seed the replications used.")
      .def_readonly("warmup", &RunResult::warmup, "The warm-up the replications used, in the time unit.")
      .def_readonly("threads", &RunResult::threads, "The threads the replications ran on.")
      .def_property_readonly(
          "time_unit", [](const RunResult& r) { return r.measures.time; }, "The time unit of every time.")
      .def_property_readonly(
          "currency", [](const RunResult& r) { return r.measures.currency; }, "The currency of every cost.")
      .def_property_readonly(
          "warmup_auto", [](const RunResult& r) { return warmup_json(r); },
          "How warmup: auto chose the warm-up, as JSON text (\"\" when off).")
      .def_property_readonly(
          "stopping", [](const RunResult& r) { return stopping_json(r); },
          "What the stopping rule did, as JSON text (\"\" when off).")
      .def_property_readonly(
          "warnings",
          [](const RunResult& r) {
            std::vector<std::string> w;  // the CLI's, about the warm-up and the rule
            if (r.warmup_auto && !r.warmup_auto->warning().empty()) w.push_back(r.warmup_auto->warning());
            if (r.stopping && !r.stopping->warning().empty()) w.push_back(r.stopping->warning());
            return w;
          },
          "The CLI's warnings about the warm-up and the stopping rule.")
      .def_property_readonly(
          "replication_count", [](const RunResult& r) { return r.replications.size(); }, "Replications run.")
      .def_property_readonly("events", &RunResult::events, "Events simulated, over all replications.")
      .def_property_readonly(
          "event_log_note", &RunResult::event_log_note, "What the event log holds, in words (\"\" when none).")
      .def(
          "table",
          [](const RunResult& r, const std::string& name) {
            const ResultTable* t = find_result_table(name);
            if (!t) {
              std::string list;
              for (const ResultTable& x : result_tables()) list += (list.empty() ? "" : ", ") + x.name;
              throw py::key_error("name: no table '" + name + "'; expected one of " + list);
            }
            return table_to_dict((r.*t->build)());
          },
          py::arg("name"), "Table `name` (one of result_tables()) as {column: numpy array or list of str}.")
      .def(
          "to_json", [](const RunResult& r) { return to_json(r); }, "The JSON document of eslabon run --json.")
      .def(
          "write_hdf5",
          [](const RunResult& r, const std::string& path, const Model& model, const std::vector<KeptFile>& kept) {
            const std::string target = check_output_path(path, kept, "path=" + path);
            py::gil_scoped_release release;
            write_hdf5(target, model, r);
          },
          py::arg("path"), py::arg("model"), py::arg("kept") = std::vector<KeptFile>{},
          "Write the file eslabon run -o writes (temporary name, then rename), after the checks of -o (`kept`: "
          "[(input file, what it is)] it must not replace). Raises ConfigError (also the OSError of its errno), "
          "OSError when writing fails.")
      .def("__repr__", [](const RunResult& r) {
        return "<eslabon._core.RunResult " + py::repr(py::str(r.name)).cast<std::string>() +
               ", replications=" + std::to_string(r.replications.size()) + ", seed=" + std::to_string(r.seed) + ">";
      });

  // The thread rule (runner.hpp, README "Running on a cluster"), for pools the package starts itself.
  m.def("default_threads", &default_threads,
        "Threads when not told: the CPUs of this process's affinity mask, at most SLURM_CPUS_PER_TASK.");
  // The registry, for es.read_hdf5: which tables a file may hold, and which a sweep point holds.
  m.def(
      "result_tables",
      [] {
        py::list out;
        for (const ResultTable& t : result_tables()) {
          py::dict d;
          d["name"] = t.name;
          d["summary"] = t.summary;
          d["in_sweep"] = t.in_sweep;
          out.append(d);
        }
        return out;
      },
      "The result tables: [{name, summary (has a summary table), in_sweep (a sweep point holds it)}].");

  // How text output writes numbers and counts (README "Output conventions"), for the Python
  // commands' text (eslabon sensitivity): one rule with the C++ commands'.
  m.def("format_number", &format_number, py::arg("x"),
        "A number as every text of the commands writes it: 4 significant digits (README \"Output conventions\").");
  m.def(
      "noun", [](double count, const std::string& one, const std::string& many) { return noun(count, one, many); },
      py::arg("count"), py::arg("one"), py::arg("many") = "",
      "The noun that agrees with `count`: `one` for 1, else `many` (default: `one` + \"s\").");

  // warmup: auto's choice for a model (its pilot runs, as many as `replications`, 0: the model's),
  // without running it: (warm-up, the CLI's line, the warning or ""). es.sweep shares the base's so.
  m.def(
      "choose_warmup",
      [](const Model& model, std::int64_t seed, int replications) {
        std::atomic<bool> stop{false};
        const std::uint64_t s = seed >= 0 ? static_cast<std::uint64_t>(seed) : model.run.seed;
        WarmupChoice c = run_interruptibly<WarmupChoice>(
            [&] { return choose_warmup(model, s, pilot_runs(model, replications), &stop); }, stop, [] { return 0.0; },
            py::none());
        return py::make_tuple(c.warmup, c.describe(model.time_unit), c.warning());
      },
      py::arg("model"), py::arg("seed") = -1, py::arg("replications") = 0,
      "warmup: auto's choice for `model` (pilots for `replications`, 0: the model's; seed -1: the model's), "
      "without running it: (warm-up, the CLI's line, its warning or \"\").");
  m.def(
      "run",
      [](const Model& model, int replications, std::int64_t seed, unsigned threads, bool orders, py::object progress,
         std::uint64_t events_orders, std::uint64_t events_replications, double time_limit) {
        ProgressBoard board;
        std::atomic<bool> stop{false};
        RunOptions opt;
        opt.replications = replications;
        opt.seed = seed;
        opt.threads = threads;
        opt.record_orders = orders;
        opt.events.on = events_orders > 0;  // README "Event logs for process mining"
        opt.events.orders = events_orders;
        opt.events.replications = events_replications;
        opt.progress = &board;
        opt.control.stop = &stop;
        return run_interruptibly<RunResult>([&] { return run_model(model, opt); }, stop,
                                            [&] { return board.fraction(); }, progress, time_limit);
      },
      py::arg("model"), py::arg("replications") = 0, py::arg("seed") = -1, py::arg("threads") = 0,
      py::arg("orders") = false, py::arg("progress") = py::none(), py::arg("events_orders") = 0,
      py::arg("events_replications") = 1, py::arg("time_limit") = 0.0,
      "Run replications of a model (replications 0, seed -1, threads 0: the model's own settings and one "
      "thread per core); `orders` records every order; `progress` is called with the fraction done; "
      "events_orders > 0 records the event log of that many orders in replications 0 .. "
      "events_replications - 1. Releases "
      "the GIL; Ctrl-C stops it (KeyboardInterrupt). Raises WipLimitExceeded past run.max_wip, "
      "EventLimitExceeded past run.max_events and TimeLimitExceeded after `time_limit` seconds (> 0).");
}

}  // namespace eslabon::python
