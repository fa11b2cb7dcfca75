// Models: loading (with overrides), what they hold, their offered load.
#include "register.hpp"

#include <models/config/input_limits.hpp>
#include <models/config/loader.hpp>
#include <models/engine/simulate.hpp>
#include <models/output/check_json.hpp>
#include <models/output/lead_time_json.hpp>
#include <models/output/output_path.hpp>
#include <models/studies/analytic.hpp>
#include <models/studies/check.hpp>
#include <models/studies/pressure.hpp>

namespace eslabon::python {

namespace {
// (path, value, label): the label names the override in messages ("" : "--set PATH=VALUE").
using Change = std::tuple<std::string, std::string, std::string>;

std::vector<Override> to_overrides(const std::vector<Change>& changes) {
  std::vector<Override> ov;
  for (const auto& [path, value, label] : changes) ov.push_back(Override{path, value, label});
  return ov;
}

std::vector<std::string> names_of(const auto& items) {
  std::vector<std::string> v;
  for (const auto& x : items) v.push_back(x.name);
  return v;
}

// ConfigError with its parts as attributes (where, key, detail: None for an error that has only
// a message), so that the package can name a dict path or an argument instead of a file position.
void register_config_error(py::module_& m) {
  static py::exception<ConfigError> type(m, "ConfigError", PyExc_ValueError);
  type.doc() =
      "A config, a change or an argument that does not give a valid model (a ValueError). str(e) says where "
      "and what; e.where (file:line:col, or what made the change), e.key (the config path, e.g. "
      "units.production.servers) and e.detail (what was expected, what was found) are its parts, None when "
      "the error has no such parts.";
  for (const char* a : {"where", "key", "detail"}) type.attr(a) = py::none();
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ConfigError& e) {
      // A bad output path is also the OSError Python gives for its errno (eslabon._args.output_error).
      if (const auto* o = dynamic_cast<const OutputPathError*>(&e); o && o->code() != 0) {
        py::object err = py::module_::import("eslabon._args").attr("output_error")(o->code(), e.what(), o->path());
        PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(err.ptr())), err.ptr());
        return;
      }
      py::object err = py::reinterpret_borrow<py::object>(type)(e.what());  // an instance, not raised yet
      if (!e.where().empty()) {
        err.attr("where") = e.where();
        err.attr("key") = e.key();
        err.attr("detail") = e.detail();
      }
      PyErr_SetObject(type.ptr(), err.ptr());
    } catch (const std::system_error& e) {
      // A failed system call (a full disk while writing: ENOSPC) is an OSError, as in Python's own I/O.
      PyErr_SetObject(PyExc_OSError, py::make_tuple(e.code().value(), e.what()).ptr());
    }
  });
}
}  // namespace

void register_model(py::module_& m) {
  register_config_error(m);

  // README "Limits": what the loader reads, and how much.
  m.def(
      "input_limits",
      [] {
        py::dict d;
        d["config_bytes"] = kMaxConfigBytes;
        d["yaml_depth"] = kMaxYamlDepth;
        d["alias_nodes"] = kMaxAliasNodes;
        return d;
      },
      "The loader's limits: {config_bytes (the most bytes a config may have), yaml_depth (the deepest nesting), "
      "alias_nodes (the most nodes aliases may repeat)}.");
  m.def(
      "read_config_fd",
      [](int fd, const std::string& source, const std::string& what) {
        std::string text;
        {
          py::gil_scoped_release release;
          text = read_config_fd(fd, source, what);
        }
        return text;
      },
      py::arg("fd"), py::arg("source"), py::arg("what") = "a YAML file",
      "The text of the open file `fd` (named `source` in messages) as the CLI reads a config: a regular file or a "
      "pipe of at most input_limits()['config_bytes'], in UTF-8 (a byte order mark dropped). Raises ConfigError.");
  m.def("check_yaml_shape", &check_yaml_shape, py::arg("text"), py::arg("source"),
        "Checks YAML text as the loader does before parsing it: one document, nesting, aliases (input_limits()). "
        "Raises ConfigError.");

  py::class_<Model>(m, "Model", "A loaded, validated model (immutable); eslabon.Model wraps it.")
      .def_static(
          "load_text",
          [](const std::string& text, const std::string& source, const std::vector<Change>& changes) {
            return load_model_text(text, source, to_overrides(changes));
          },
          py::arg("text"), py::arg("source") = "<string>", py::arg("changes") = std::vector<Change>{},
          "Load a model from YAML text; `source` names it in messages; `changes` are (path, value as YAML, "
          "label) applied first, each named in messages by its label (\"\": --set PATH=VALUE). Raises "
          "ConfigError.")
      .def_static(
          "load_file",
          [](const std::string& path, const std::vector<Change>& changes) {
            return load_model_file(path, to_overrides(changes));
          },
          py::arg("path"), py::arg("changes") = std::vector<Change>{},
          "Load a model from a YAML file, as the CLI does: a file that cannot be read is a ConfigError too, "
          "in the CLI's words.")
      .def_readonly("name", &Model::name, "The model's name (config key name, else the file's stem).")
      .def_readonly("time_unit", &Model::time_unit, "second, minute, hour, day or week.")
      .def_property_readonly(
          "currency", [](const Model& x) { return x.costs.currency; },
          "costs.currency: the name of the currency of costs, values and penalties.")
      .def_readonly("config_text", &Model::config_text, "The YAML text, with the changes applied.")
      .def_readonly("source", &Model::source, "What messages call the text (a file name, <string>, ...).")
      .def_property_readonly(
          "replications", [](const Model& x) { return x.run.replications; }, "run.replications.")
      .def_property_readonly(
          "seed", [](const Model& x) { return x.run.seed; }, "run.seed.")
      .def_property_readonly(
          "horizon", [](const Model& x) { return x.run.horizon; }, "run.horizon, in the time unit.")
      .def_property_readonly(
          "warmup", [](const Model& x) { return x.run.warmup; }, "run.warmup (0 with warmup: auto).")
      .def_property_readonly(
          "warmup_auto", [](const Model& x) { return x.run.warmup_auto; }, "run.warmup: auto.")
      .def_property_readonly(
          "max_wip", [](const Model& x) { return x.run.max_wip; }, "run.max_wip.")
      .def_property_readonly(
          "calendar_start", [](const Model& x) { return x.run.calendar_start; },
          "run.calendar_start as written (\"\" when not given).")
      .def_property_readonly(
          "units", [](const Model& x) { return names_of(x.units); }, "The units' names, in model order.")
      .def_property_readonly(
          "flows", [](const Model& x) { return names_of(x.flows); }, "The flows' names, in model order.")
      .def_property_readonly(
          "tasks",
          [](const Model& x) {
            py::dict d;
            for (const auto& f : x.flows) d[py::str(f.name)] = names_of(f.tasks);
            return d;
          },
          "{flow: its tasks' names, in declaration order}.")
      .def_property_readonly(
          "links",
          [](const Model& x) {
            std::vector<std::string> v;
            for (const auto& l : x.links) v.push_back(l.key);
            return v;
          },
          "The weak links as FROM->TO.")
      .def_property_readonly(
          "origins", [](const Model& x) { return names_of(x.origins); },
          "Where defects can begin: links (and their defect types), then skippable steps.")
      .def_property_readonly(
          "scenarios",
          [](const Model& x) {
            py::dict d;
            for (const auto& s : x.scenarios) {
              py::list changes;
              for (const auto& c : s.changes) changes.append(py::make_tuple(c.path, c.value));
              d[py::str(s.name)] = changes;
            }
            return d;
          },
          "{scenario: [(path, value as YAML), ...]} from the config's scenarios section.")
      .def(
          "offered_load",
          [](const Model& x) {
            py::dict d;
            const auto load = check_model(x).analysis.units;  // check's figures, late shares settled
            for (std::size_t u = 0; u < x.units.size(); ++u) {
              py::dict row;
              row["servers"] = x.units[u].servers;
              row["arrival_rate"] = load[u].arrival_rate;
              row["work_rate"] = load[u].work_rate;
              row["utilisation"] = load[u].utilisation;
              d[py::str(x.units[u].name)] = row;
            }
            return d;
          },
          "{unit: {servers, arrival_rate, work_rate, utilisation}} from the traffic equations, as eslabon check.")
      .def(
          "pressure_load",
          [](const Model& x) {
            py::dict d;
            for (const PressureLoad& p : pressure_loads(x)) {
              py::dict row;
              row["low"] = p.low;
              row["high"] = p.high;
              row["level"] = p.level;
              row["can_tip"] = p.can_tip();
              d[py::str(x.units[p.unit].name)] = row;
            }
            return d;
          },
          "{unit with pressure: {low, high, level, can_tip}}.")
      .def(
          "pressure_warning", [](const Model& x) { return pressure_warning(x); },
          "eslabon check's warning about units whose pressure can tip them (\"\" when none can).")
      .def(
          "check_json", [](const Model& x) { return check_json(x, check_model(x), -1); },
          "What eslabon check --json prints, as JSON text.")
      .def(
          "lead_time_json", [](const Model& x) { return lead_time_json(x).dump(); },
          "The estimates without simulating (lead times, queues, critical paths, blast radii), as JSON text.")
      .def("__repr__", [](const Model& x) {
        return "<eslabon._core.Model " + py::repr(py::str(x.name)).cast<std::string>() +
               ", units=" + std::to_string(x.units.size()) + ", flows=" + std::to_string(x.flows.size()) +
               ", links=" + std::to_string(x.links.size()) + ">";
      });

  m.def(
      "kpi_names", [] { return std::vector<std::string>(kpi_names().begin(), kpi_names().end()); },
      "The KPIs of a run (README \"What is measured\"), in table order.");
  m.def(
      "unit_stat_names", [] { return std::vector<std::string>(unit_stat_names().begin(), unit_stat_names().end()); },
      "The per-unit statistics of the units table.");
  m.def(
      "link_stat_names", [] { return std::vector<std::string>(link_stat_names().begin(), link_stat_names().end()); },
      "The per-link statistics of the links table.");
}

}  // namespace eslabon::python
