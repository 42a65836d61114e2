// Engine overhead: the same TorchScript model trained by a hand-written LibTorch loop, by that loop
// doing Lightning's own per-step work too, and by a Stepwise session as the window and as
// stepwise-run observe it, back to back in rounds. Reported as microseconds per optimizer step and
// the ratios of each round; scripts/bench.sh prints the medians over rounds.

#include <benchmark/benchmark.h>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <cstring>

#include "bench_support.h"
#include "data.h"
#include "optimization.h"
#include "script_module.h"
#include "stepwise/session.h"

namespace {

using namespace stepwise;
std::int64_t g_steps = 0;  // optimizer steps per measured run; 0: each model's own count

struct Model {
    const char* name;
    std::int64_t features;
    std::int64_t steps;  ///< per measured run: about a second on a 2020s laptop core
    std::string source;
};

const Model kLinear{
    "linear_16_1", 16, 10000,
    "param w: [1, 16] = linear(16)\nparam b: [1] = linear(16)\n\n"
    "def training_step(self, batch: Tuple[Tensor, Tensor], batch_idx: int) -> Tensor:\n"
    "    x, y = batch\n"
    "    return torch.mse_loss(x @ self.w.t() + self.b, y)\n"};

const Model kMlp{
    "mlp_256_256", 32, 400,
    "param w1: [256, 32] = linear(32)\nparam b1: [256] = linear(32)\n"
    "param w2: [256, 256] = linear(256)\nparam b2: [256] = linear(256)\n"
    "param w3: [1, 256] = linear(256)\nparam b3: [1] = linear(256)\n\n"
    "def training_step(self, batch: Tuple[Tensor, Tensor], batch_idx: int) -> Tensor:\n"
    "    x, y = batch\n"
    "    h = torch.relu(x @ self.w1.t() + self.b1)\n"
    "    h = torch.relu(h @ self.w2.t() + self.b2)\n"
    "    return torch.mse_loss(h @ self.w3.t() + self.b3, y)\n"};

RunConfig config_for(const Model& m) {
    RunConfig c;
    c.model.kind = ModelSpec::Kind::source;
    c.model.path = std::string(m.name) + ".stepwise";
    c.model.inline_source = m.source;
    c.data.synthetic = "linear";
    c.data.features = m.features;
    c.data.samples = (g_steps > 0 ? g_steps : m.steps) * 32;
    c.data.dtype = "float32";
    c.batch_size = 32;
    c.optimizer.name = "sgd";
    c.optimizer.options["lr"] = 0.001;
    c.trainer.max_epochs = 1;
    return c;
}

/// Seconds per optimizer step of one run, measured from the inside.
using Runner = double (*)(const Model&);

/// A model, its data and SGD, as both hand-written loops set them up; `step(data, i)` runs step i
/// of the loop, which is timed from the first step to the last.
template <class Step>
double timed_loop(const Model& m, Step&& step) {
    torch::NoGradGuard outside;
    // TorchScript run as Python runs the model, eagerly, as the engine runs it (TrainingSession):
    // with the graph executor's optimizations on, a model this small trains slower, and a
    // differently ordered computation would not be Lightning's.
    torch::jit::GraphOptimizerEnabledGuard eager(false);
    const RunConfig c = config_for(m);
    auto module = ScriptModule::compile_source(m.source, "bench", 0);
    DataLoader data(synthetic_dataset(c.data, 0, torch::kFloat32), 32, false, false);
    torch::optim::SGD optimizer(module->parameter_tensors(), torch::optim::SGDOptions(0.001));
    const auto start = std::chrono::steady_clock::now();
    for (std::int64_t i = 0; i < data.size(); ++i) {
        const c10::IValue batch = data.fetch(0, i);
        torch::AutoGradMode grad(true);
        step(*module, optimizer, batch, i);
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    return elapsed.count() / static_cast<double>(data.size());
}

/// What one would write by hand: zero_grad (set to None), training_step, backward, step.
double hand_written_loop(const Model& m) {
    return timed_loop(m, [](TrainingModule& module, torch::optim::SGD& optimizer,
                            const c10::IValue& batch, std::int64_t i) {
        for (auto& p : module.parameter_tensors()) p.mutable_grad() = torch::Tensor();
        torch::Tensor loss = module.training_step(batch, i).toTensor();
        loss.backward();
        optimizer.step();
    });
}

/// The hand-written loop plus what Lightning itself does on every step, whoever runs it: the step
/// goes through optimizer.step(closure), the closure divides the loss by accumulate_grad_batches
/// (1 here) and keeps a detached clone of it (_ClosureResult), and zero_grad runs inside the
/// closure after training_step. This is the floor for any faithful reproduction of Lightning's
/// loop.
double lightning_loop(const Model& m) {
    torch::Tensor kept;
    const double seconds =
        timed_loop(m, [&kept](TrainingModule& module, torch::optim::SGD& optimizer,
                              const c10::IValue& batch, std::int64_t i) {
            optimizer.step([&] {
                torch::Tensor loss = module.training_step(batch, i).toTensor() / 1;
                kept = loss.detach().clone();
                for (auto& p : module.parameter_tensors()) p.mutable_grad() = torch::Tensor();
                loss.backward();
                return loss;
            });
        });
    benchmark::DoNotOptimize(kept);
    return seconds;
}

/// The engine as the GUI runs it (bench_support.h).
double engine_buffered(const Model& m) {
    return bench::window_like_seconds_per_step(config_for(m));
}

/// The engine as stepwise-run runs it without --trace or --listen: on the calling thread, only the
/// events its batch lines read made and delivered, no norms, no snapshots.
double engine_listener_only(const Model& m) {
    const RunConfig c = config_for(m);
    std::chrono::steady_clock::time_point start, end;  // written by the worker, read after it ends
    std::int64_t steps = 0;
    std::size_t events = 0;
    SessionOptions o;
    o.buffer_events = false;
    o.observe_norms = false;  // as stepwise-run without --trace or --listen
    o.stage_events = false;
    o.rewindable = false;
    o.listener = [&](const Event& e) {
        ++events;
        if (e.type == EventType::run_start) start = std::chrono::steady_clock::now();
        if (e.type == EventType::run_end) {
            end = std::chrono::steady_clock::now();
            steps = e.global_step;
        }
    };
    TrainingSession session(c, o);
    session.run_blocking();  // on this thread, as stepwise-run runs it
    benchmark::DoNotOptimize(events);
    if (session.state() != SessionState::finished || steps == 0) return -1.0;
    return std::chrono::duration<double>(end - start).count() / double(steps);
}

/// The four, back to back in a rotating order, so that the machine's speed (which drifts by tens
/// of percent on a shared VM) is nearly the same for all of them. One repetition = one round; the
/// ratios of each round are reported, scripts/bench.sh takes their medians.
void BM_Round(benchmark::State& state, const Model* m) {
    static int round = 0;
    constexpr int kRunners = 4;
    const Runner runners[kRunners] = {hand_written_loop, engine_buffered, engine_listener_only,
                                      lightning_loop};
    double seconds[kRunners] = {0.0, 0.0, 0.0, 0.0};
    for (auto _ : state) {
        const int first = round++ % kRunners;
        double total = 0.0;
        for (int k = 0; k < kRunners; ++k) {
            const int which = (first + k) % kRunners;
            seconds[which] = runners[which](*m);
            if (seconds[which] <= 0.0) state.SkipWithError("a run did not finish");
            total += seconds[which];
        }
        state.SetIterationTime(total * static_cast<double>(g_steps > 0 ? g_steps : m->steps));
    }
    state.counters["hand_us"] = seconds[0] * 1e6;
    state.counters["engine_us"] = seconds[1] * 1e6;
    state.counters["listener_us"] = seconds[2] * 1e6;
    state.counters["lightning_us"] = seconds[3] * 1e6;
    state.counters["engine_ratio"] = seconds[1] / seconds[0];
    state.counters["listener_ratio"] = seconds[2] / seconds[0];
    state.counters["engine_vs_lightning"] = seconds[1] / seconds[3];
    state.counters["listener_vs_lightning"] = seconds[2] / seconds[3];
}

}  // namespace

BENCHMARK_CAPTURE(BM_Round, linear_16_1, &kLinear)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Round, mlp_256_256, &kMlp)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
    // --steps=N: optimizer steps per measured run (default: 10000 for the linear model, 400 for the
    // MLP)
    for (int i = 1; i < argc; ++i)
        if (std::strncmp(argv[i], "--steps=", 8) == 0) g_steps = std::atoll(argv[i] + 8);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
