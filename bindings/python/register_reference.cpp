// The config reference (models/config/reference.hpp): every key with its type, default, unit and
// meaning, and the JSON Schema, as `eslabon keys` prints them.
#include "register.hpp"

#include <models/config/reference.hpp>

namespace eslabon::python {

void register_reference(py::module_& m) {
  m.def(
      "config_keys",
      [](const std::string& root) {
        py::list out;
        for (const config_keys::Row& r : config_keys::rows(root)) {
          py::dict d;
          d["key"] = r.key;
          d["type"] = r.type;
          d["default"] = r.default_value;
          d["unit"] = r.unit;
          d["description"] = r.description;
          d["see"] = r.see;
          out.append(d);
        }
        return out;
      },
      py::arg("root") = "model",
      "The config reference of root \"model\" or \"sweep\": one dict per key (key, type, default, unit, "
      "description, see), as eslabon keys prints it.");
  m.def(
      "config_schema", [](const std::string& root) { return config_keys::schema(root).dump(); },
      py::arg("root") = "model", "The JSON Schema of a config (root \"model\") or sweep file (\"sweep\"), as JSON text.");
}

}  // namespace eslabon::python
