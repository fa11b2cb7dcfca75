// Runs and their results: tables as numpy columns, JSON, HDF5.
#include "register.hpp"

#include <models/output/hdf5_run.hpp>
#include <models/output/json.hpp>
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
  py::register_exception<WipExceeded>(m, "WipLimitExceeded", PyExc_RuntimeError);

  py::class_<RunResult>(m, "RunResult")
      .def_readonly("name", &RunResult::name)
      .def_readonly("seed", &RunResult::seed)
      .def_readonly("warmup", &RunResult::warmup)
      .def_readonly("threads", &RunResult::threads)
      .def_property_readonly("warmup_auto", [](const RunResult& r) { return warmup_json(r); })
      .def_property_readonly("stopping", [](const RunResult& r) { return stopping_json(r); })
      .def_property_readonly("warnings",
                             [](const RunResult& r) {
                               std::vector<std::string> w;  // the CLI's, about the warm-up and the rule
                               if (r.warmup_auto && !r.warmup_auto->warning().empty())
                                 w.push_back(r.warmup_auto->warning());
                               if (r.stopping && !r.stopping->warning().empty()) w.push_back(r.stopping->warning());
                               return w;
                             })
      .def_property_readonly("replication_count", [](const RunResult& r) { return r.replications.size(); })
      .def_property_readonly("events", &RunResult::events)
      .def("table",
           [](const RunResult& r, const std::string& name) {
             const ResultTable* t = find_result_table(name);
             if (!t) throw py::key_error("no table '" + name + "'");
             return table_to_dict((r.*t->build)());
           })
      .def("to_json", [](const RunResult& r) { return to_json(r); })
      .def("write_hdf5", [](const RunResult& r, const std::string& path, const Model& model) {
        py::gil_scoped_release release;
        write_hdf5(path, model, r);
      });

  // The thread rule (runner.hpp, README "Running on a cluster"), for pools the package starts itself.
  m.def("default_threads", &default_threads);
  // The registry, for es.read_hdf5: which tables a file may hold, and which a sweep point holds.
  m.def("result_tables", [] {
    py::list out;
    for (const ResultTable& t : result_tables()) {
      py::dict d;
      d["name"] = t.name;
      d["summary"] = t.summary;
      d["in_sweep"] = t.in_sweep;
      out.append(d);
    }
    return out;
  });

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
      py::arg("model"), py::arg("seed") = -1, py::arg("replications") = 0);
  m.def(
      "run",
      [](const Model& model, int replications, std::int64_t seed, unsigned threads, bool orders, py::object progress) {
        ProgressBoard board;
        std::atomic<bool> stop{false};
        RunOptions opt;
        opt.replications = replications;
        opt.seed = seed;
        opt.threads = threads;
        opt.record_orders = orders;
        opt.progress = &board;
        opt.control.stop = &stop;
        return run_interruptibly<RunResult>([&] { return run_model(model, opt); }, stop,
                                            [&] { return board.fraction(); }, progress);
      },
      py::arg("model"), py::arg("replications") = 0, py::arg("seed") = -1, py::arg("threads") = 0,
      py::arg("orders") = false, py::arg("progress") = py::none(),
      "Run replications of a model (0 / -1: the model's own settings). Releases the GIL; Ctrl-C stops it.");
}

}  // namespace eslabon::python
