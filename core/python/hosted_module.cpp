// Python.h (through torch's python_variable.h) first, as CPython asks.
#include "fit_context.h"
// (fit_context.h first)
#include <ATen/core/ivalue.h>
#include <torch/csrc/jit/python/python_ivalue.h>
#include <torch/optim.h>
#include <torch/types.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "errors.h"
#include "hosted_module.h"
#include "stepwise/step_gate.h"

namespace stepwise::python {

void FitContext::rethrow(py::error_already_set& e) {
    if (pending) {
        // The engine's own exception, back from its trip through Python.
        std::exception_ptr p = std::move(pending);
        pending = nullptr;
        std::rethrow_exception(p);
    }
    if (interrupt && e.matches(interrupt)) throw StopRequested();
    const py::object value = e.value();
    failure = value;
    std::string type = py::str(py::type::handle_of(value).attr("__name__"));
    std::string message = py::str(value);
    std::string traceback;
    try {
        traceback = py::str(format(value));
    } catch (py::error_already_set&) {
        traceback.clear();
    }
    throw UserCodeError(std::move(type), message, std::move(traceback));
}

namespace {

py::object wrap(const torch::Tensor& t) {
    if (!t.defined()) return py::none();
    return py::reinterpret_steal<py::object>(THPVariable_Wrap(t));
}

/// What training_step returned, as the engine classifies it: tensors as they are (no copy),
/// Python's scalars, strings, dicts, lists and tuples as IValues, anything else held as the
/// Python object it is.
c10::IValue to_ivalue(const py::handle& obj) {
    PyObject* p = obj.ptr();
    if (p == Py_None) return c10::IValue();
    if (THPVariable_Check(p)) return c10::IValue(THPVariable_Unpack(p));
    if (PyBool_Check(p)) return c10::IValue(p == Py_True);
    if (PyLong_Check(p)) {
        int overflow = 0;
        const long long v = PyLong_AsLongLongAndOverflow(p, &overflow);
        if (!overflow) return c10::IValue(static_cast<std::int64_t>(v));
    } else if (PyFloat_Check(p)) {
        return c10::IValue(PyFloat_AsDouble(p));
    } else if (PyUnicode_Check(p)) {
        return c10::IValue(py::cast<std::string>(obj));
    } else if (PyDict_Check(p)) {
        c10::impl::GenericDict dict(c10::StringType::get(), c10::AnyType::get());
        for (const auto& item : py::reinterpret_borrow<py::dict>(obj)) {
            const std::string key = PyUnicode_Check(item.first.ptr())
                                        ? py::cast<std::string>(item.first)
                                        : std::string(py::repr(item.first));
            dict.insert_or_assign(key, to_ivalue(item.second));
        }
        return c10::IValue(dict);
    } else if (PyList_Check(p)) {
        c10::impl::GenericList list(c10::AnyType::get());
        for (const auto& item : py::reinterpret_borrow<py::list>(obj))
            list.push_back(to_ivalue(item));
        return c10::IValue(list);
    } else if (PyTuple_Check(p)) {
        std::vector<c10::IValue> items;
        for (const auto& item : py::reinterpret_borrow<py::tuple>(obj))
            items.push_back(to_ivalue(item));
        return c10::IValue(c10::ivalue::Tuple::create(std::move(items)));
    }
    return c10::IValue(c10::ivalue::ConcretePyObjectHolder::create(obj));
}

/// A snapshot's Python part (_Fit.snapshot): held by the engine's snapshot store, which may drop
/// it on any thread.
struct PythonState final : TrainingModule::HostState {
    py::object snapshot;
    ~PythonState() override {
        py::gil_scoped_acquire gil;
        snapshot = py::object();
    }
};

class HostedModule final : public TrainingModule {
  public:
    explicit HostedModule(std::shared_ptr<FitContext> context) : ctx_(std::move(context)) {
        for (const auto& item : ctx_->fit.attr("parameters")()) {
            const auto pair = py::reinterpret_borrow<py::tuple>(item);
            params_.emplace_back(py::cast<std::string>(pair[0]), THPVariable_Unpack(pair[1].ptr()));
        }
        const py::tuple code = ctx_->fit.attr("code")();
        code_ = py::cast<std::string>(code[1]);
        // Where Lightning's code needs Python (a hook someone overrides, another strategy or
        // precision), else the engine's own equivalent runs (see _Fit._plan).
        const py::dict places = ctx_->fit.attr("python_places")();
        zero_grad_py_ = py::cast<bool>(places["zero_grad"]);
        backward_py_ = py::cast<bool>(places["backward"]);
        after_closure_py_ = py::cast<bool>(places["after_closure"]);
        const py::object timing = ctx_->fit.attr("scheduler_timing")();
        if (!timing.is_none()) {
            const auto t = py::reinterpret_borrow<py::tuple>(timing);
            timing_ = SchedulerTiming{py::cast<std::string>(t[0]), py::cast<std::int64_t>(t[1])};
        }
    }

    c10::IValue training_step(const c10::IValue&, std::int64_t) override {
        // Its lines traced only while someone steps them or a line breakpoint is set: otherwise
        // no trace function is installed and nothing is paid.
        const bool trace = lines_ && lines_();
        return ctx_->call_then([](py::object& out) { return to_ivalue(out); }, "training_step",
                               trace);
    }
    void set_line_hook(LineHook hook) override {
        lines_ = std::move(hook.tracing);
        ctx_->line_wanted = std::move(hook.wanted);
        ctx_->line_hold = std::move(hook.hold);
    }
    NamedTensors buffers() const override {
        return ctx_->call_then(
            [](py::object& list) {
                NamedTensors out;
                for (const auto& item : list) {
                    const auto pair = py::reinterpret_borrow<py::tuple>(item);
                    out.emplace_back(py::cast<std::string>(pair[0]),
                                     THPVariable_Unpack(pair[1].ptr()));
                }
                return out;
            },
            "buffers");
    }

    bool hosts_lightning() const override { return true; }
    void set_warning_sink(WarningSink sink) override { ctx_->warn = std::move(sink); }
    void set_metrics_sink(MetricsSink sink) override { metrics_ = std::move(sink); }
    bool fit_done() override { return ctx_->test("fit_done"); }
    void on_epoch_start(std::int64_t epoch) override {
        accumulate_ = ctx_->call_then([](py::object& n) { return py::cast<std::int64_t>(n); },
                                      "on_epoch_start", epoch);
    }
    std::optional<std::int64_t> accumulate_grad_batches() const override { return accumulate_; }
    void on_epoch_end(std::int64_t epoch) override {
        report_metrics(true, ctx_->call_then(read_metrics, "on_epoch_end", epoch));
    }
    bool epoch_done() override { return ctx_->test("epoch_done"); }
    bool on_train_batch_start(const c10::IValue&, std::int64_t batch_idx) override {
        return ctx_->test("on_train_batch_start", batch_idx);
    }
    void on_before_zero_grad() override {
        if (zero_grad_py_) ctx_->call("on_before_zero_grad");
    }
    bool optimizer_zero_grad(std::int64_t batch_idx) override {
        if (!zero_grad_py_) return zeroed_ = true, false;  // the engine zeroes; Lightning counts it
        ctx_->call("optimizer_zero_grad", batch_idx);
        return true;
    }
    void on_before_backward(const torch::Tensor& loss) override {
        if (!backward_py_) return;
        loss_ = loss;
        ctx_->call("on_before_backward", loss);
    }
    bool backward(const torch::Tensor& loss) override {
        if (!backward_py_) return false;  // loss.backward(), without the GIL
        ctx_->call("backward", loss);
        return true;
    }
    void on_after_backward() override {
        if (!backward_py_) return;
        const torch::Tensor loss = std::move(loss_);
        loss_ = torch::Tensor();
        ctx_->call("on_after_backward", loss);
    }
    void on_before_optimizer_step() override {
        if (after_closure_py_) ctx_->call("on_before_optimizer_step");
    }
    std::optional<bool> clip_gradients() override {
        if (!after_closure_py_) return std::nullopt;  // the engine clips as Lightning's default
        return ctx_->test("clip_gradients");
    }
    bool optimizer_step(std::int64_t batch_idx, const std::function<torch::Tensor()>& closure,
                        torch::Tensor&) override {
        // The closure Python hands to optimizer.step. It runs the engine's closure without the
        // GIL; whatever the engine throws inside unwinds Python as StepwiseUnwind and is rethrown
        // here. It refuses to run once this batch's step is over (a user who kept it).
        struct Expire {  // made and dropped under the GIL; the closure refuses to run after
            std::shared_ptr<bool> live = std::make_shared<bool>(true);
            py::object fn;
            ~Expire() {
                *live = false;
                py::gil_scoped_acquire gil;
                fn = py::object();
            }
        } expire;
        FitContext* ctx = ctx_.get();
        const std::function<torch::Tensor()>* body = &closure;
        {
            py::gil_scoped_acquire gil;
            expire.fn = py::cpp_function([ctx, body, live = expire.live](py::args,
                                                                         py::kwargs) -> py::object {
                if (!*live)
                    throw std::runtime_error(
                        "this optimizer closure belongs to a batch whose optimizer step is over");
                torch::Tensor loss;
                {
                    py::gil_scoped_release release;
                    try {
                        loss = (*body)();
                    } catch (...) {
                        ctx->pending = std::current_exception();
                    }
                }
                if (ctx->pending) {
                    PyErr_SetNone(ctx->unwind.ptr());
                    throw py::error_already_set();
                }
                return wrap(loss);
            });
        }
        ctx_->call("optimizer_step", batch_idx, expire.fn);
        return true;
    }
    void batch_processed() override {
        ctx_->call("batch_processed", zeroed_);
        zeroed_ = false;
    }
    std::optional<SchedulerTiming> scheduler_timing() const override { return timing_; }
    std::shared_ptr<const HostState> capture_host_state() override {
        return ctx_->call_then(
            [](py::object& out) {
                const auto taken = py::reinterpret_borrow<py::tuple>(out);
                auto state = std::make_shared<PythonState>();
                state->snapshot = taken[0];
                state->bytes = py::cast<std::size_t>(taken[1]);
                for (const auto& name : py::reinterpret_borrow<py::list>(taken[2]))
                    state->not_kept.push_back(py::cast<std::string>(name));
                return std::shared_ptr<const HostState>(std::move(state));
            },
            "snapshot");
    }
    void restore_host_state(const HostState& state) override {
        const auto& python = static_cast<const PythonState&>(state);
        accumulate_ = ctx_->call_then([](py::object& n) { return py::cast<std::int64_t>(n); },
                                      "restore", python.snapshot);
        loss_ = torch::Tensor();
        zeroed_ = false;
    }
    void step_lr_schedulers() override { ctx_->call("step_lr_schedulers"); }
    void on_train_batch_end(const torch::Tensor& loss,
                            const std::vector<std::pair<std::string, c10::IValue>>&,
                            const c10::IValue&, std::int64_t batch_idx) override {
        report_metrics(false, ctx_->call_then(read_metrics, "on_train_batch_end", loss, batch_idx));
    }

  private:
    /// The glue's (values, logger_calls) or None, read under the GIL (see _Fit._metrics_record).
    static std::optional<MetricsRecord> read_metrics(py::object& out) {
        if (out.is_none()) return std::nullopt;
        const auto pair = py::reinterpret_borrow<py::tuple>(out);
        MetricsRecord record;
        for (const auto& item : py::reinterpret_borrow<py::list>(pair[0])) {
            const auto v = py::reinterpret_borrow<py::tuple>(item);
            record.values.push_back({py::cast<std::string>(v[0]), py::cast<double>(v[1]),
                                     py::cast<bool>(v[2]), py::cast<bool>(v[3]),
                                     py::cast<bool>(v[4])});
        }
        for (const auto& item : py::reinterpret_borrow<py::list>(pair[1])) {
            const auto call = py::reinterpret_borrow<py::tuple>(item);
            LoggerCall c;
            c.step = py::cast<std::int64_t>(call[0]);
            for (const auto& value : py::reinterpret_borrow<py::list>(call[1])) {
                const auto kv = py::reinterpret_borrow<py::tuple>(value);
                c.values.emplace_back(py::cast<std::string>(kv[0]), py::cast<double>(kv[1]));
            }
            record.logger_calls.push_back(std::move(c));
        }
        return record;
    }
    void report_metrics(bool epoch_end, std::optional<MetricsRecord> record) {
        if (!record || !metrics_) return;
        record->epoch_end = epoch_end;
        metrics_(std::move(*record));
    }

    MetricsSink metrics_;
    std::function<bool()> lines_;             ///< whether this training_step traces its lines
    std::optional<std::int64_t> accumulate_;  ///< trainer.accumulate_grad_batches at epoch start
    std::shared_ptr<FitContext> ctx_;
    bool zero_grad_py_ = true, backward_py_ = true, after_closure_py_ = true;
    bool zeroed_ = false;  ///< the engine zeroed the grads in this batch (Lightning counts it)
    std::optional<SchedulerTiming> timing_;
    torch::Tensor loss_;  ///< between on_before_backward and on_after_backward
};

class HostedData final : public DataSource {
  public:
    HostedData(std::shared_ptr<FitContext> context, std::int64_t batches)
        : ctx_(std::move(context)), batches_(batches) {}
    std::int64_t size() const override { return batches_; }
    /// The user's DataLoader does not say how many samples each batch holds before it yields
    /// them: batches stand for samples (a comparison of two scripts keeps to batches).
    std::int64_t samples_in(std::int64_t batches) const override { return batches; }
    c10::IValue fetch(std::int64_t, std::int64_t i) override {
        // The batch stays in Python, where training_step gets it as the DataLoader yielded it.
        ctx_->call("fetch", i);
        return c10::IValue();
    }
    bool draws_for(std::int64_t) const override { return true; }
    Position position() const override { return {}; }
    void set_position(const Position&) override {}

  private:
    std::shared_ptr<FitContext> ctx_;
    std::int64_t batches_;
};

/// A param group's options as the engine reads them: the Python group's lr.
class HostedOptions final : public torch::optim::OptimizerOptions {
  public:
    /// `groups`: the Python optimizer's param_groups list (with the GIL held).
    HostedOptions(py::object groups, std::size_t group)
        : groups_(std::move(groups)), group_(group) {}
    ~HostedOptions() override {
        py::gil_scoped_acquire gil;
        groups_ = py::object();
    }
    std::unique_ptr<torch::optim::OptimizerOptions> clone() const override {
        py::gil_scoped_acquire gil;
        return std::make_unique<HostedOptions>(groups_, group_);
    }
    double get_lr() const override {
        py::gil_scoped_acquire gil;
        return py::cast<double>(groups_[py::int_(group_)]["lr"]);
    }
    void set_lr(const double lr) override {
        py::gil_scoped_acquire gil;
        groups_[py::int_(group_)]["lr"] = lr;
    }

  private:
    py::object groups_;
    std::size_t group_;
};

/// The user's optimizer as the engine holds it: its param groups over the same tensors (the engine
/// zeroes and clips them where Lightning's defaults would). Its step is never called: the
/// optimizer_step hook hands the closure to the Python optimizer.
class HostedOptimizer final : public torch::optim::Optimizer {
  public:
    HostedOptimizer(std::vector<torch::optim::OptimizerParamGroup> groups,
                    std::unique_ptr<torch::optim::OptimizerOptions> defaults)
        : Optimizer(std::move(groups), std::move(defaults)) {}
    torch::Tensor step(LossClosure) override {
        throw std::logic_error("a hosted optimizer steps through the optimizer_step hook");
    }
};

}  // namespace

std::unique_ptr<TrainingModule> hosted_module(std::shared_ptr<FitContext> context) {
    return std::make_unique<HostedModule>(std::move(context));
}

std::unique_ptr<DataSource> hosted_data(std::shared_ptr<FitContext> context, std::int64_t batches) {
    return std::make_unique<HostedData>(std::move(context), batches);
}

std::unique_ptr<torch::optim::Optimizer> hosted_optimizer(std::shared_ptr<FitContext> context) {
    std::vector<torch::optim::OptimizerParamGroup> groups;
    const py::list py_groups = context->fit.attr("optimizer")().attr("param_groups");
    for (std::size_t g = 0; g < py_groups.size(); ++g) {
        std::vector<torch::Tensor> params;
        for (const auto& p : py_groups[g]["params"]) params.push_back(THPVariable_Unpack(p.ptr()));
        groups.emplace_back(std::move(params), std::make_unique<HostedOptions>(py_groups, g));
    }
    return std::make_unique<HostedOptimizer>(std::move(groups),
                                             std::make_unique<HostedOptions>(py_groups, 0));
}

}  // namespace stepwise::python
