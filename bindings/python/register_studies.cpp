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

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

namespace eslabon::python {

void register_studies(py::module_& m) {
  m.def(
      "compare_runs",
      [](const RunResult& base, const RunResult& variant) { return table_to_dict(compare_runs(base, variant)); },
      py::arg("base"), py::arg("variant"),
      "The paired comparison of two runs made with the same seed (eslabon compare's table), one row per KPI.");
  m.def(
      "scenario_model", [](const Model& base, const std::string& name) { return scenario_model(base, name); },
      py::arg("base"), py::arg("name"), "`base` with the changes of its scenario `name`. Raises ConfigError.");
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
      py::arg("kpi") = "copq_per_order", py::arg("progress") = py::none(),
      "Each weak link and skippable step fixed in turn and compared with the base (paired): the table "
      "of eslabon.rank_links. 0 / -1: the model's replications and seed; threads 0: one per core.");
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
      py::arg("progress") = py::none(),
      "Every weak point fixed in turn (eslabon rank): {\"table\": columns, \"shapley\": None or {...}, "
      "\"budget\": None or {...}}. 0 / -1: the model's replications and seed; threads 0: one per core.");
  // The checks on an output file, the CLI's (output_path.hpp): the commands written in Python
  // (graph, report, sensitivity) call this one function. Raises ConfigError; returns the path.
  m.def(
      "check_output_path",
      [](const std::string& path, const std::vector<KeptFile>& kept, const std::string& label) {
        return check_output_path(path, kept, label);
      },
      py::arg("path"), py::arg("kept"), py::arg("label"),
      "The CLI's checks on an output file `path`, which must not be any of `kept` [(path, what it is)]; "
      "messages start with `label`. Returns the path to write; raises ConfigError.");

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
      py::arg("progress") = py::none(), py::arg("shard") = "",
      "Run the sweep file `path` into the HDF5 file `out` (as eslabon sweep -o; shard \"I/N\" or \"auto\" as "
      "--shard); returns (pairs resumed, points, replications). Raises ConfigError.");
  // eslabon merge: shards joined into the sweep's file. Returns (points, replications, copied, joined).
  m.def("structure_differences", &structure_differences, py::arg("base"), py::arg("variant"),
        "How two models' structures differ (units, flows, each flow's tasks, weak links), by name; [] when alike.");
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
      py::arg("shards"), py::arg("out"),
      "Join the shards' files into the file the unsharded sweep writes (as eslabon merge); returns (points, "
      "replications, pairs copied, points joined). Raises ConfigError, nothing written.");
  // es.sweep's unit of work on an executor: some replications of one model, on this thread, as
  // an array (replication x KPI) of their KPIs; and back again: a point's KPI summary from its
  // replications' KPIs, made by the code that makes every run's summary (so bit for bit equal).
  m.def(
      "replication_kpis",
      [](const Model& model, std::int64_t seed, const std::vector<std::uint64_t>& replications) {
        if (model.run.warmup_auto)
          throw ConfigError(
              "replication_kpis: the model says run.warmup: auto; expected its warm-up decided "
              "(es.sweep shares the base model's)");
        std::atomic<bool> stop{false};
        const std::uint64_t s = seed >= 0 ? static_cast<std::uint64_t>(seed) : model.run.seed;
        std::vector<ReplicationResult> out = run_interruptibly<std::vector<ReplicationResult>>(
            [&] {
              SimOptions sim;
              sim.stop = &stop;
              std::vector<ReplicationResult> rs;
              for (std::uint64_t r : replications) rs.push_back(simulate(model, s, r, sim));
              if (stop.load()) throw Interrupted();
              return rs;
            },
            stop, [] { return 0.0; }, py::none());
        py::array_t<double> kpis({static_cast<py::ssize_t>(out.size()), static_cast<py::ssize_t>(kKpiCount)});
        auto k = kpis.mutable_unchecked<2>();
        for (std::size_t i = 0; i < out.size(); ++i)
          for (int j = 0; j < kKpiCount; ++j) k(static_cast<py::ssize_t>(i), j) = out[i].kpi[j];
        return kpis;
      },
      py::arg("model"), py::arg("seed"), py::arg("replications"),
      "The KPIs (replication x KPI) of some replications of `model`, on this thread (es.sweep's unit of work).");
  m.def(
      "kpi_summary",
      [](const std::vector<std::uint64_t>& replications,
         const py::array_t<double, py::array::c_style | py::array::forcecast>& kpis, const std::string& time_unit,
         const std::string& currency) {
        if (kpis.ndim() != 2 || kpis.shape(1) != kKpiCount ||
            static_cast<std::size_t>(kpis.shape(0)) != replications.size())
          throw std::invalid_argument("kpi_summary: expected one row of " + std::to_string(kKpiCount) +
                                      " KPIs per replication");
        RunResult r;  // the summary reads the replications' KPIs (and what they are measured in) only
        r.measures = {time_unit, currency};
        auto k = kpis.unchecked<2>();
        for (std::size_t i = 0; i < replications.size(); ++i) {
          ReplicationResult rep;
          rep.replication = replications[i];
          for (int j = 0; j < kKpiCount; ++j) rep.kpi[j] = k(static_cast<py::ssize_t>(i), j);
          r.replications.push_back(std::move(rep));
        }
        std::sort(r.replications.begin(), r.replications.end(),
                  [](const ReplicationResult& a, const ReplicationResult& b) { return a.replication < b.replication; });
        return table_to_dict(r.summary_table());
      },
      py::arg("replications"), py::arg("kpis"), py::arg("time_unit"), py::arg("currency"),
      "A point's KPI summary from its replications' KPIs, as every run makes it (es.sweep on an executor).");
}

}  // namespace eslabon::python
