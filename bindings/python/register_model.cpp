// Models: loading (with overrides), what they hold, their offered load.
#include "register.hpp"

#include <models/config/loader.hpp>
#include <models/engine/simulate.hpp>
#include <models/output/check_json.hpp>
#include <models/output/lead_time_json.hpp>
#include <models/studies/analytic.hpp>
#include <models/studies/check.hpp>
#include <models/studies/pressure.hpp>

namespace eslabon::python {

namespace {
std::vector<Override> to_overrides(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::vector<Override> ov;
  for (const auto& [path, value] : pairs) ov.push_back(Override{path, value, ""});
  return ov;
}
}  // namespace

void register_model(py::module_& m) {
  py::register_exception<ConfigError>(m, "ConfigError", PyExc_ValueError);

  py::class_<Model>(m, "Model")
      .def_static(
          "load_text",
          [](const std::string& text, const std::string& source,
             const std::vector<std::pair<std::string, std::string>>& ov) {
            return load_model_text(text, source, to_overrides(ov));
          },
          py::arg("text"), py::arg("source") = "<string>",
          py::arg("overrides") = std::vector<std::pair<std::string, std::string>>{})
      .def_readonly("name", &Model::name)
      .def_readonly("time_unit", &Model::time_unit)
      .def_property_readonly("currency", [](const Model& x) { return x.costs.currency; })
      .def_readonly("config_text", &Model::config_text)
      .def_readonly("source", &Model::source)
      .def_property_readonly("replications", [](const Model& x) { return x.run.replications; })
      .def_property_readonly("seed", [](const Model& x) { return x.run.seed; })
      .def_property_readonly("horizon", [](const Model& x) { return x.run.horizon; })
      .def_property_readonly("warmup", [](const Model& x) { return x.run.warmup; })
      .def_property_readonly("warmup_auto", [](const Model& x) { return x.run.warmup_auto; })
      .def_property_readonly("max_wip", [](const Model& x) { return x.run.max_wip; })
      .def_property_readonly("calendar_start", [](const Model& x) { return x.run.calendar_start; })
      .def_property_readonly("units",
                             [](const Model& x) {
                               std::vector<std::string> v;
                               for (const auto& u : x.units) v.push_back(u.name);
                               return v;
                             })
      .def_property_readonly("flows",
                             [](const Model& x) {
                               std::vector<std::string> v;
                               for (const auto& f : x.flows) v.push_back(f.name);
                               return v;
                             })
      .def_property_readonly("links",
                             [](const Model& x) {
                               std::vector<std::string> v;
                               for (const auto& l : x.links) v.push_back(l.key);
                               return v;
                             })
      .def_property_readonly("origins",
                             [](const Model& x) {
                               std::vector<std::string> v;
                               for (const auto& g : x.origins) v.push_back(g.name);
                               return v;
                             })
      .def_property_readonly("scenarios",
                             [](const Model& x) {
                               py::dict d;
                               for (const auto& s : x.scenarios) {
                                 py::list changes;
                                 for (const auto& c : s.changes) changes.append(py::make_tuple(c.path, c.value));
                                 d[py::str(s.name)] = changes;
                               }
                               return d;
                             })
      .def("offered_load", [](const Model& x) {
        py::dict d;
        auto load = offered_load(x);
        for (std::size_t u = 0; u < x.units.size(); ++u) {
          py::dict row;
          row["servers"] = x.units[u].servers;
          row["arrival_rate"] = load[u].arrival_rate;
          row["work_rate"] = load[u].work_rate;
          row["utilisation"] = load[u].utilisation;
          d[py::str(x.units[u].name)] = row;
        }
        return d;
      })
      .def("pressure_load", [](const Model& x) {
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
      })
      .def("pressure_warning", [](const Model& x) { return pressure_warning(x); })
      .def("check_json", [](const Model& x) { return check_json(x, check_model(x), -1); })
      .def("lead_time_json", [](const Model& x) { return lead_time_json(x).dump(); });

  m.def("kpi_names", [] { return std::vector<std::string>(kpi_names().begin(), kpi_names().end()); });
  m.def("unit_stat_names", [] { return std::vector<std::string>(unit_stat_names().begin(), unit_stat_names().end()); });
  m.def("link_stat_names", [] { return std::vector<std::string>(link_stat_names().begin(), link_stat_names().end()); });
}

}  // namespace eslabon::python
