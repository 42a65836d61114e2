// Python.h (through torch's python_variable.h) first, as CPython asks.
#include "fit_context.h"
// (fit_context.h first)
#include <pybind11/embed.h>
#include <pybind11/stl.h>

#include <memory>
#include <stdexcept>
#include <utility>

#include "hosted_module.h"
#include "script_run.h"
#include "trainer.h"

namespace stepwise::python {

extern const char* const kLightningGlue;  // stepwise_lightning.py (cmake/EmbedText.cmake)

namespace {

/// The script this process runs (one at a time): its config and where its fits go.
struct RunningScript {
    const RunConfig* config = nullptr;
    const SessionOptions::FitFunction* fit = nullptr;
};
RunningScript* g_script = nullptr;
FitContext* g_fit = nullptr;  ///< the fit running now (its warnings go to its run)

/// _stepwise.warning(message, category): a warning Lightning's code raised during the fit, as the
/// run's warning event (the glue routes warnings.showwarning here on the fit's thread).
void warning(const std::string& message, const std::string& category) {
    if (!g_fit || !g_fit->warn) return;
    py::gil_scoped_release release;
    g_fit->warn(message, category);
}

/// _stepwise.line_wanted(file, line, depth): whether the engine would stop at this line of the
/// user's code (stepping lines, a `line=` breakpoint) — before the glue describes the frame.
bool line_wanted(const std::string& file, std::int64_t line, int depth) {
    if (!g_fit || !g_fit->line_wanted) return false;
    py::gil_scoped_release release;
    return g_fit->line_wanted(file, line, depth);
}

/// _stepwise.line_hold(file, line, function, depth, locals): the engine stops at this line (its
/// breakpoints, its gate) and returns when the person goes on. `locals`: (name, kind, shape,
/// dtype, requires_grad, grad_fn, value or None, text) per variable. A stop or a rewind while it
/// holds unwinds the user's code as StepwiseUnwind.
void line_hold(const std::string& file, std::int64_t line, const std::string& function, int depth,
               const py::list& locals) {
    if (!g_fit || !g_fit->line_hold) return;
    auto frame = std::make_shared<LineFrame>();
    frame->file = file;
    frame->line = line;
    frame->function = function;
    frame->depth = depth;
    for (const auto& item : locals) {
        const auto t = py::reinterpret_borrow<py::tuple>(item);
        ValueDescription d;
        d.kind = py::cast<std::string>(t[1]);
        d.shape = py::cast<std::vector<std::int64_t>>(t[2]);
        d.dtype = py::cast<std::string>(t[3]);
        d.requires_grad = py::cast<bool>(t[4]);
        d.grad_fn = py::cast<std::string>(t[5]);
        if (!t[6].is_none()) d.value = py::cast<double>(t[6]);
        d.text = py::cast<std::string>(t[7]);
        frame->locals.emplace_back(py::cast<std::string>(t[0]), std::move(d));
    }
    FitContext* ctx = g_fit;
    {
        py::gil_scoped_release release;
        try {
            ctx->line_hold(std::move(frame));
        } catch (...) {
            ctx->pending = std::current_exception();
        }
    }
    if (ctx->pending) {
        PyErr_SetNone(ctx->unwind.ptr());
        throw py::error_already_set();
    }
}

std::optional<std::int64_t> optional_int(const py::handle& h) {
    if (h.is_none()) return std::nullopt;
    return py::cast<std::int64_t>(h);
}

/// The run config of one fit: the script's (breakpoints, options) with the Trainer's arguments
/// as Lightning resolved them. The batches per epoch are Lightning's own count, after
/// limit_train_batches.
RunConfig fit_config(const RunConfig& script, const py::dict& c) {
    RunConfig config = script;
    TrainerSpec& t = config.trainer;
    t.max_epochs = optional_int(c["max_epochs"]);
    t.max_steps = py::cast<std::int64_t>(c["max_steps"]);
    t.accumulate_grad_batches = py::cast<std::int64_t>(c["accumulate_grad_batches"]);
    t.limit_train_batches.reset();
    if (!c["gradient_clip_val"].is_none())
        t.gradient_clip_val = py::cast<double>(c["gradient_clip_val"]);
    if (!c["gradient_clip_algorithm"].is_none())
        t.gradient_clip_algorithm = py::cast<std::string>(c["gradient_clip_algorithm"]);
    // What the optimizer's own zero_grad does by default (torch 1.13: zero-fill), for when the
    // engine zeroes the grads in its place.
    config.zero_grad_set_to_none = py::cast<bool>(c["set_to_none"]);
    return config;
}

/// _stepwise.run_fit(fit): the patched _FitLoop.run hands its fit to the session and returns
/// when the run ends; a run that failed or was stopped raises what Lightning would have raised.
void run_fit(const py::object& fit) {
    if (!g_script) throw std::runtime_error("Stepwise's fit was called outside a Stepwise script");
    const py::module_ glue = py::module_::import("stepwise_lightning");
    const py::module_ helpers = py::module_::import("__stepwise__");
    auto ctx = std::make_shared<FitContext>();
    ctx->fit = fit;
    ctx->unwind = glue.attr("StepwiseUnwind");
    ctx->interrupt = helpers.attr("StepwiseInterrupt");
    ctx->format = helpers.attr("_stepwise_format");
    const py::dict c = fit.attr("config")();
    const std::int64_t batches = py::cast<std::int64_t>(c["batches"]);
    SessionOptions::FitRequest request;
    request.config = fit_config(*g_script->config, c);
    request.make_trainer = [ctx, batches](const RunConfig& config, ErrorPhase& phase) {
        py::gil_scoped_acquire gil;
        try {
            phase = ErrorPhase::model;
            auto module = hosted_module(ctx);
            phase = ErrorPhase::data;
            auto data = hosted_data(ctx, batches);
            phase = ErrorPhase::config;
            auto optimizer = hosted_optimizer(ctx);
            return std::make_unique<Trainer>(config, std::move(module), std::move(data),
                                             std::move(optimizer));
        } catch (py::error_already_set& e) {
            ctx->rethrow(e);
        }
    };
    SessionOptions::FitEnd end;
    {
        py::gil_scoped_release release;
        g_fit = ctx.get();
        end = (*g_script->fit)(std::move(request));
        g_fit = nullptr;
    }
    if (end.status == RunStatus::finished) return;
    if (end.status == RunStatus::stopped) {
        PyErr_SetNone(ctx->interrupt.ptr());
        throw py::error_already_set();
    }
    // A failure: the user's exception as it was raised, else the error Lightning raises for
    // what the engine found (a training_step output it refuses, ...).
    py::object error =
        ctx->failure ? ctx->failure : fit.attr("engine_error")(end.exception_type, end.message);
    helpers.attr("fit_error") = error;
    PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
    throw py::error_already_set();
}

/// Loads the glue as module `stepwise_lightning` and lets it patch Lightning's fit loop when
/// the script imports it. Once per process.
void install_glue() {
    py::gil_scoped_acquire gil;
    const py::module_ sys = py::module_::import("sys");
    if (sys.attr("modules").contains("stepwise_lightning")) return;
    const py::module_ builtins = py::module_::import("builtins");
    const py::object module = py::module_::import("types").attr("ModuleType")("stepwise_lightning");
    const py::object code = builtins.attr("compile")(kLightningGlue, "<stepwise>", "exec");
    builtins.attr("exec")(code, module.attr("__dict__"));
    sys.attr("modules")["stepwise_lightning"] = module;
    module.attr("install")();
}

}  // namespace

PYBIND11_EMBEDDED_MODULE(_stepwise, m) {
    m.doc() = "Stepwise's engine, as its Lightning glue calls it";
    m.def("run_fit", &run_fit, "Runs a Trainer.fit in Stepwise's session");
    m.def("warning", &warning, "A warning raised during the fit, as the run's warning event");
    m.def("line_wanted", &line_wanted, "Whether the engine would stop at this line of the user's");
    m.def("line_hold", &line_hold, "The engine stops at this line of the user's code");
}

SessionOptions::ScriptEnd run_script(Host& host, const RunConfig& config,
                                     const SessionOptions::FitFunction& fit) {
    SessionOptions::ScriptEnd end;
    try {
        install_glue();
    } catch (py::error_already_set& e) {
        py::gil_scoped_acquire gil;
        end.exit_status = 1;
        end.exception_type = "RuntimeError";
        end.message = std::string("Stepwise's Lightning glue did not load: ") + e.what();
        return end;
    }
    RunningScript running{&config, &fit};
    g_script = &running;
    const ScriptOutcome out =
        host.run_script(resolve_path(config, config.model.path), config.model.args);
    g_script = nullptr;
    end.exit_status = out.status;
    if (!out.raised_by_fit) {
        end.exception_type = out.exception_type;
        end.message = out.message;
        end.traceback = out.traceback;
    }
    return end;
}

}  // namespace stepwise::python
