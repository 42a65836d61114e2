#pragma once
// What the hosted objects of one Trainer.fit share (core/python/, private): the glue's _Fit
// object and the way exceptions cross between the engine and Python in both directions.

#include <c10/core/GradMode.h>
#include <pybind11/pybind11.h>
#include <torch/csrc/autograd/python_variable.h>  // Python.h first
#include <torch/csrc/utils/pybind.h>              // at::Tensor <-> torch.Tensor

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "stepwise/events.h"

namespace stepwise::python {

namespace py = pybind11;

struct FitContext {
    py::object fit;        ///< the glue's _Fit for this fit
    py::object unwind;     ///< the glue's StepwiseUnwind class
    py::object interrupt;  ///< __stepwise__.StepwiseInterrupt (Stop, Ctrl+C)
    py::object format;     ///< __stepwise__._stepwise_format(e): Python's traceback text
    /// An engine exception (a stop, a rewind, a stage's failure) raised inside a call Python
    /// made into the engine (the closure handed to optimizer.step): Python unwinds with
    /// StepwiseUnwind, and the engine rethrows this where Python returns to it.
    std::exception_ptr pending;
    /// The Python exception that failed the run: Trainer.fit raises it into the script.
    py::object failure;
    /// The run's warning events (set by the session through the hosted module); empty before.
    std::function<void(const std::string& message, const std::string& category)> warn;
    /// Stepping the user's lines (TrainingModule::LineHook, set by the session): the glue's line
    /// tracer asks `line_wanted` at each line of the user's files and calls `line_hold` where it
    /// would stop. Called with the GIL released.
    std::function<bool(const std::string& file, std::int64_t line, int depth)> line_wanted;
    std::function<void(std::shared_ptr<const LineFrame> frame)> line_hold;

    FitContext() = default;
    FitContext(const FitContext&) = delete;
    FitContext& operator=(const FitContext&) = delete;
    ~FitContext() {
        py::gil_scoped_acquire gil;
        fit = py::object();
        unwind = py::object();
        interrupt = py::object();
        format = py::object();
        failure = py::object();
    }

    /// fit.<name>(args...), holding the GIL, grad mode on (Lightning runs its hooks so), and
    /// `convert(result)` still holding it: every Python object is made and dropped under the
    /// GIL. C++ arguments are converted to Python inside too (a tensor without a copy; an
    /// undefined one as None). A Python exception comes out as the engine's UserCodeError (type,
    /// message, traceback), a StepwiseInterrupt as StopRequested, a StepwiseUnwind as what was
    /// pending.
    template <class Convert, class... Args>
    auto call_then(Convert&& convert, const char* name, Args&&... args) {
        py::gil_scoped_acquire gil;
        const c10::AutoGradMode grad(true);
        try {
            py::object out = fit.attr(name)(std::forward<Args>(args)...);
            return convert(out);
        } catch (py::error_already_set& e) {
            rethrow(e);
        }
    }
    template <class... Args>
    void call(const char* name, Args&&... args) {
        call_then([](py::object&) {}, name, std::forward<Args>(args)...);
    }
    template <class... Args>
    bool test(const char* name, Args&&... args) {
        return call_then([](py::object& o) { return PyObject_IsTrue(o.ptr()) == 1; }, name,
                         std::forward<Args>(args)...);
    }
    /// The same, inside a catch of py::error_already_set: throws what it stands for.
    [[noreturn]] void rethrow(py::error_already_set& e);
};

}  // namespace stepwise::python
