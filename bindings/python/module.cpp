// The _core extension module: the engine as Python sees it. Thin on purpose: every concept
// registers itself from its own file, and comfort (pandas, studies, plots) lives in Python.
#include "register.hpp"

PYBIND11_MODULE(_core, m) {
  m.doc() = "eslabon engine (C++); use the eslabon package rather than this module directly";
  eslabon::python::register_model(m);
  eslabon::python::register_results(m);
  eslabon::python::register_studies(m);
  eslabon::python::register_reference(m);
}
