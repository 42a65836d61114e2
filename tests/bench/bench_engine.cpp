// Engine overhead: the same TorchScript model trained by a hand-written LibTorch loop and by a
// Stepwise session with observation on (every stage's events, payloads and gate checks) and no
// pausing, in the same run. Reported as microseconds per optimizer step; scripts/bench.sh prints
// the engine / hand-loop ratio.

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <cstring>

#include "data.h"
#include "optimization.h"
#include "stepwise/session.h"
#include "training_module.h"

namespace {

using namespace stepwise;
std::int64_t g_steps = 2000;  // optimizer steps per measured run

struct Model {
    const char* name;
    std::int64_t features;
    std::string source;
};

const Model kLinear{"linear_16_1", 16,
                    "param w: [1, 16] = linear(16)\nparam b: [1] = linear(16)\n\n"
                    "def training_step(self, batch: Tuple[Tensor, Tensor], batch_idx: int) -> Tensor:\n"
                    "    x, y = batch\n"
                    "    return torch.mse_loss(x @ self.w.t() + self.b, y)\n"};

const Model kMlp{"mlp_256_256", 32,
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
    c.data.samples = g_steps * 32;
    c.data.dtype = "float32";
    c.batch_size = 32;
    c.optimizer.name = "sgd";
    c.optimizer.options["lr"] = 0.001;
    return c;
}

/// What one would write by hand: zero_grad (set to None), training_step, backward, step.
void BM_HandWrittenLoop(benchmark::State& state, const Model* m) {
    torch::NoGradGuard outside;
    const RunConfig c = config_for(*m);
    for (auto _ : state) {
        auto module = TrainingModule::compile_source(m->source, "bench", 0);
        DataLoader data(synthetic_dataset(c.data, 0, torch::kFloat32), 32, false, false, 0);
        torch::optim::SGD optimizer(module.parameter_tensors(), torch::optim::SGDOptions(0.001));
        const auto start = std::chrono::steady_clock::now();
        for (std::int64_t i = 0; i < data.size(); ++i) {
            const auto batch = data.batch(0, i);
            torch::AutoGradMode grad(true);
            for (auto& p : module.parameter_tensors()) p.mutable_grad() = torch::Tensor();
            torch::Tensor loss = module.training_step(batch.first, batch.second, i).toTensor();
            loss.backward();
            optimizer.step();
        }
        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
        state.SetIterationTime(elapsed.count());
    }
    state.counters["us_per_step"] = benchmark::Counter(
        static_cast<double>(g_steps) * static_cast<double>(state.iterations()),
        benchmark::Counter::kIsRate | benchmark::Counter::kInvert, benchmark::Counter::OneK::kIs1000);
}

/// The engine: closure, every stage observed (events with payloads, gate checks), no pausing.
void BM_Engine(benchmark::State& state, const Model* m) {
    const RunConfig c = config_for(*m);
    std::size_t events = 0;
    std::vector<Event> frame;
    for (auto _ : state) {
        std::atomic<std::int64_t> start_ns{0}, end_ns{0};
        auto now_ns = [] { return std::chrono::steady_clock::now().time_since_epoch().count(); };
        SessionOptions o;
        o.buffer_events = true;
        o.listener = [&](const Event& e) {
            if (e.type == EventType::run_start) start_ns = now_ns();
            if (e.type == EventType::run_end) end_ns = now_ns();
        };
        // As the GUI runs it: training on the session's worker thread, this thread draining the
        // event buffer once per 30 ms frame into a recycled vector.
        TrainingSession session(c, o);
        session.start();
        events = 0;
        while (!session.wait_finished(std::chrono::milliseconds(30))) {
            session.events().drain_into(frame);
            events += frame.size();
        }
        session.events().drain_into(frame);
        events += frame.size();
        if (session.state() != SessionState::finished) state.SkipWithError("the run did not finish");
        const auto start = std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(start_ns.load()));
        const auto end = std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(end_ns.load()));
        state.SetIterationTime(std::chrono::duration<double>(end - start).count());
    }
    if (events == 0) state.SkipWithError("no events were observed");
    state.counters["us_per_step"] = benchmark::Counter(
        static_cast<double>(g_steps) * static_cast<double>(state.iterations()),
        benchmark::Counter::kIsRate | benchmark::Counter::kInvert, benchmark::Counter::OneK::kIs1000);
}

/// The engine observed through the listener only (the CLI's path): every event is built and
/// delivered, none is kept.
void BM_EngineListenerOnly(benchmark::State& state, const Model* m) {
    const RunConfig c = config_for(*m);
    for (auto _ : state) {
        std::chrono::steady_clock::time_point start, end;
        std::size_t events = 0;
        SessionOptions o;
        o.buffer_events = false;
        o.listener = [&](const Event& e) {
            ++events;
            if (e.type == EventType::run_start) start = std::chrono::steady_clock::now();
            if (e.type == EventType::run_end) end = std::chrono::steady_clock::now();
        };
        TrainingSession session(c, o);
        session.run_blocking();
        benchmark::DoNotOptimize(events);
        state.SetIterationTime(std::chrono::duration<double>(end - start).count());
    }
    state.counters["us_per_step"] = benchmark::Counter(
        static_cast<double>(g_steps) * static_cast<double>(state.iterations()),
        benchmark::Counter::kIsRate | benchmark::Counter::kInvert, benchmark::Counter::OneK::kIs1000);
}

}  // namespace

BENCHMARK_CAPTURE(BM_HandWrittenLoop, linear_16_1, &kLinear)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Engine, linear_16_1, &kLinear)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_EngineListenerOnly, linear_16_1, &kLinear)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_HandWrittenLoop, mlp_256_256, &kMlp)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_EngineListenerOnly, mlp_256_256, &kMlp)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Engine, mlp_256_256, &kMlp)->UseManualTime()->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
    // --steps=N: optimizer steps per measured run (default 2000)
    for (int i = 1; i < argc; ++i)
        if (std::strncmp(argv[i], "--steps=", 8) == 0) g_steps = std::atoll(argv[i] + 8);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
