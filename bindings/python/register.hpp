#pragma once
#include <eslabon/core/number_format.hpp>
#include <eslabon/core/runner.hpp>
#include <eslabon/core/table.hpp>
#include <models/engine/simulate.hpp>

#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <thread>

namespace eslabon::python {

namespace py = pybind11;

void register_model(py::module_& m);
void register_results(py::module_& m);
void register_studies(py::module_& m);
void register_output(py::module_& m);
void register_reference(py::module_& m);

// A Table as {column: numpy array (numbers) or list of str}.
py::dict table_to_dict(const Table& t);

// Runs `work` on a worker thread with the GIL released, while this thread wakes every
// 50 ms to (1) check Python signals: Ctrl-C sets `stop`, the worker returns at its next
// check (every 2^14 events), and KeyboardInterrupt is raised; (2) report `fraction()` to
// `progress` (a Python callable or None); (3) with `time_limit` > 0 (seconds), stop the work once
// it has taken that long and raise TimeLimitExceeded (README "Limits").
//
// Why releasing the GIL is safe: the worker touches only C++ objects (the model is const
// and kept alive by the caller's Python reference for the whole call; results are written
// into C++ storage owned by this frame), never a Python object.
template <class Result>
Result run_interruptibly(const std::function<Result()>& work, std::atomic<bool>& stop,
                         const std::function<double()>& fraction, const py::object& progress,
                         double time_limit = 0) {
  const auto t0 = std::chrono::steady_clock::now();
  Result result{};
  std::exception_ptr error;
  std::atomic<bool> done{false};
  std::thread worker;
  {
    py::gil_scoped_release release;
    worker = std::thread([&] {
      try {
        result = work();
      } catch (...) {
        error = std::current_exception();
      }
      done.store(true);
    });
  }
  for (;;) {
    {
      py::gil_scoped_release release;
      for (int i = 0; i < 5 && !done.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (PyErr_CheckSignals() != 0) {
      stop.store(true);
      {
        py::gil_scoped_release release;
        worker.join();
      }
      throw py::error_already_set();
    }
    if (!progress.is_none()) progress(done.load() ? 1.0 : fraction());
    if (done.load()) break;
    if (time_limit > 0 && std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > time_limit) {
      stop.store(true);
      {
        py::gil_scoped_release release;
        worker.join();
      }
      if (!error) return result;  // it finished meanwhile
      try {
        std::rethrow_exception(error);
      } catch (const Interrupted&) {
        throw TimeLimitExceeded("time_limit: the run took more than " + format_number(time_limit) +
                                " s and stopped before it was done");
      }
    }
  }
  {
    py::gil_scoped_release release;
    worker.join();
  }
  if (error) std::rethrow_exception(error);
  return result;
}

}  // namespace eslabon::python
