// The _core extension module: the engine as Python sees it. Thin on purpose: every concept
// registers itself from its own file, and comfort (pandas, studies, plots) lives in Python.
#include "register.hpp"

#include <eslabon/core/version.hpp>

PYBIND11_MODULE(_core, m) {
  m.doc() = "eslabon engine (C++); use the eslabon package rather than this module directly";
  m.attr("__version__") = eslabon::version;  // CMakeLists.txt project(), as `eslabon --version`
  eslabon::python::register_model(m);
  eslabon::python::register_results(m);
  eslabon::python::register_studies(m);
  eslabon::python::register_output(m);
  eslabon::python::register_reference(m);
}
