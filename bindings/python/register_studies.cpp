// Studies: paired comparisons, weak-link ranking, scenarios.
#include "register.hpp"

#include <models/config/loader.hpp>
#include <models/config/sweep_file.hpp>
#include <models/output/output_path.hpp>
#include <models/output/sweep_merge.hpp>
#include <models/output/sweep_recorder.hpp>
#include <models/studies/compare.hpp>
#include <models/studies/rank.hpp>
#include <models/studies/sweep.hpp>

#include <cmath>
#include <optional>

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
        opt.stopping_rule = false;  // as eslabon rank: run.replications, and the base's warm-up for all
        Table t = run_interruptibly<Table>(
            [&] {
              share_warmup(model, opt);
              return rank_links(model, opt, k, [&](double f) { done.store(f); });
            },
            stop, [&] { return done.load(); }, progress);
        return table_to_dict(t);
      },
      py::arg("model"), py::arg("replications") = 0, py::arg("seed") = -1, py::arg("threads") = 0,
      py::arg("kpi") = "copq_per_order", py::arg("progress") = py::none());
  // Every weak point ranked (eslabon rank): the table, then the Shapley total and the budget plan.
  m.def(
      "rank",
      [](const Model& model, int replications, std::int64_t seed, unsigned threads, const std::string& kpi,
         bool shapley, py::object budget, py::object progress) {
        RankSettings settings;
        settings.kpi = kpi_from_name(kpi);
        settings.shapley = shapley;
        if (!budget.is_none()) {
          settings.budget = budget.cast<double>();
          if (!(settings.budget >= 0 && std::isfinite(settings.budget)))
            throw ConfigError("budget=" + py::str(budget).cast<std::string>() + ": expected a cost per time unit >= 0");
        }
        std::atomic<bool> stop{false};
        std::atomic<double> done{0.0};
        RunOptions opt;
        opt.replications = replications;
        opt.seed = seed;
        opt.threads = threads;
        opt.control.stop = &stop;
        opt.stopping_rule = false;
        Ranking r = run_interruptibly<Ranking>(
            [&] {
              share_warmup(model, opt);
              return rank_weak_points(model, opt, settings, [&](double f) { done.store(f); });
            },
            stop, [&] { return done.load(); }, progress);
        // The Shapley total and the plan as `eslabon rank --json` writes them.
        py::dict out = py::module_::import("json").attr("loads")(rank_extras_json(r));
        out["table"] = table_to_dict(r.table);
        return out;
      },
      py::arg("model"), py::arg("replications") = 0, py::arg("seed") = -1, py::arg("threads") = 0,
      py::arg("kpi") = "copq_per_order", py::arg("shapley") = false, py::arg("budget") = py::none(),
      py::arg("progress") = py::none());
  // The checks on an output file, the CLI's (output_path.hpp): the commands written in Python
  // (graph, report, sensitivity) call this one function. Raises ConfigError; returns the path.
  m.def(
      "check_output_path",
      [](const std::string& path, const std::vector<KeptFile>& kept, const std::string& label) {
        return check_output_path(path, kept, label);
      },
      py::arg("path"), py::arg("kept"), py::arg("label"));

  // A sweep file run into an HDF5 file by the recorder `eslabon sweep -o` uses (journal,
  // resume, one point appended at a time). Returns (pairs resumed, points, replications).
  m.def(
      "run_sweep_file",
      [](const std::string& path, const std::string& out, bool resume, unsigned threads, py::object progress,
         const std::string& shard_spec) {
        Sweep sweep = load_sweep_file(path);
        std::optional<Shard> shard;
        if (!shard_spec.empty()) shard = parse_shard(sweep, shard_spec, "shard=" + shard_spec);
        const std::string output = check_output_path(
            out, {{path, "the sweep file itself"}, {sweep.model_path, "the sweep's model file"}}, "out=" + out);
        std::atomic<bool> stop{false};
        std::atomic<double> done{0.0};
        RunOptions opt;
        opt.threads = threads;
        opt.control.stop = &stop;
        opt.control.on_done = [&](std::size_t d, std::size_t total) {
          done.store(total ? static_cast<double>(d) / static_cast<double>(total) : 1.0);
        };
        const SweepRun run = run_interruptibly<SweepRun>(
            [&] {
              decide_sweep_warmup(sweep, &stop);
              const Shard* slice = shard ? &*shard : nullptr;
              SweepFileRecorder file(sweep, output, resume, slice);
              return run_sweep(sweep, opt, file, {}, slice);
            },
            stop, [&] { return done.load(); }, progress);
        return py::make_tuple(run.resumed, sweep.points.size(), sweep.replications);
      },
      py::arg("path"), py::arg("out"), py::arg("resume") = false, py::arg("threads") = 0,
      py::arg("progress") = py::none(), py::arg("shard") = "");
  // eslabon merge: shards joined into the sweep's file. Returns (points, replications, copied, joined).
  m.def(
      "merge_sweep_shards",
      [](const std::vector<std::string>& shards, const std::string& out) {
        std::vector<KeptFile> kept;
        for (const std::string& s : shards) kept.push_back({s, "one of the shards"});
        const std::string output = check_output_path(out, kept, "out=" + out);
        MergeSummary m;
        {
          py::gil_scoped_release release;  // touches no Python object
          m = merge_sweep_shards(shards, output);
        }
        return py::make_tuple(m.points, m.replications, m.copied, m.joined);
      },
      py::arg("shards"), py::arg("out"));
}

}  // namespace eslabon::python
