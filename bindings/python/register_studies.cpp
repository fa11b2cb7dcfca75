// Studies: paired comparisons, weak-link ranking, scenarios.
#include "register.hpp"

#include <models/config/loader.hpp>
#include <models/studies/compare.hpp>

namespace eslabon::python {

void register_studies(py::module_& m) {
  m.def("compare_runs",
        [](const RunResult& base, const RunResult& variant) { return table_to_dict(compare_runs(base, variant)); });
  m.def("scenario_model", [](const Model& base, const std::string& name) { return scenario_model(base, name); });
  m.def(
      "rank_links",
      [](const Model& model, int replications, std::int64_t seed, unsigned threads, const std::string& kpi,
         py::object progress) {
        const Kpi k = kpi_from_name(kpi);
        std::atomic<bool> stop{false};
        std::atomic<double> done{0.0};
        RunOptions opt;
        opt.replications = replications;
        opt.seed = seed;
        opt.threads = threads;
        opt.control.stop = &stop;
        Table t = run_interruptibly<Table>([&] { return rank_links(model, opt, k, [&](double f) { done.store(f); }); },
                                           stop, [&] { return done.load(); }, progress);
        return table_to_dict(t);
      },
      py::arg("model"), py::arg("replications") = 0, py::arg("seed") = -1, py::arg("threads") = 0,
      py::arg("kpi") = "copq_per_order", py::arg("progress") = py::none());
}

}  // namespace eslabon::python
