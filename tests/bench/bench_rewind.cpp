// Debugging costs (issue "Debug a training_step"): how long "back one batch" takes, held after
// stepping (a snapshot at every batch) and held after a run at full speed (snapshots spaced to cost
// about 2% of the time); what three watchpoints cost a run at full speed, against none, in rounds
// back to back; how long the Tensors dock waits for a held run's report; and what the open ledger
// dock costs a run at full speed. scripts/bench.sh prints the medians.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <initializer_list>
#include <mutex>
#include <utility>

#include "bench_support.h"
#include "stepwise/lessons.h"
#include "stepwise/run_config.h"
#include "stepwise/session.h"

namespace {

using namespace stepwise;
using Clock = std::chrono::steady_clock;

/// A model of one million parameters (1000 × 1000 + 1000 + 1000 + 1), Adam: a snapshot holds the
/// parameters, their grads and Adam's two moments, 16 MB.
RunConfig million_parameters() {
    RunConfig c;
    c.model.kind = ModelSpec::Kind::source;
    c.model.path = "million.stepwise";
    c.model.inline_source =
        "param w1: [1000, 1000] = linear(1000)\nparam b1: [1000] = linear(1000)\n"
        "param w2: [1, 1000] = linear(1000)\nparam b2: [1] = linear(1000)\n\n"
        "def training_step(self, batch: Tuple[Tensor, Tensor], batch_idx: int) -> Tensor:\n"
        "    x, y = batch\n"
        "    h = torch.relu(x @ self.w1.t() + self.b1)\n"
        "    return torch.mse_loss(h @ self.w2.t() + self.b2, y)\n";
    c.data.synthetic = "linear";
    c.data.features = 1000;
    c.data.samples = 32 * 400;
    c.data.dtype = "float32";
    c.batch_size = 32;
    c.optimizer.name = "adam";
    c.optimizer.options["lr"] = 0.001;
    c.trainer.max_epochs = 1;
    return c;
}

RunConfig spiral() {
    return parse_run_config(find_lesson("mlp_spiral")->config_json, ".");
}

/// mlp_spiral's model for 3000 steps (the lesson's 240 are too few to time a run at full speed).
RunConfig spiral_long() {
    RunConfig c = spiral();
    c.trainer.max_epochs = 375;
    return c;
}

/// A held session driven one command at a time (each answered by the next hold).
class Held {
  public:
    explicit Held(RunConfig config) : session_(std::move(config), options()) { session_.start(); }
    SessionOptions options() {
        SessionOptions o;
        o.start_paused = true;
        o.buffer_events = false;
        o.observe_norms = true;  // as the window
        o.listener = [this](const Event& e) {
            if (e.type != EventType::paused && e.type != EventType::run_end &&
                e.type != EventType::warning && e.type != EventType::tensors)
                return;
            {
                const std::lock_guard<std::mutex> lock(mutex_);
                ++answers_;
                ended_ = ended_ || e.type == EventType::run_end;
                if (e.type == EventType::tensors && e.tensors)
                    report_size_ = e.tensors->tensors.size();
            }
            changed_.notify_all();
        };
        return o;
    }
    /// Sends and waits for the answer; false if the run ended or nothing came in a minute.
    bool send(const Command& c) {
        std::unique_lock<std::mutex> lock(mutex_);
        const std::size_t before = answers_;
        lock.unlock();
        session_.send(c);
        lock.lock();
        return changed_.wait_for(lock, std::chrono::seconds(60), [&] {
            return answers_ > before || ended_;
        }) && !ended_;
    }
    std::size_t last_report_size() {
        const std::lock_guard<std::mutex> lock(mutex_);
        return report_size_;
    }
    bool wait_first() {
        std::unique_lock<std::mutex> lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(60), [&] { return answers_ > 0; });
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::size_t answers_ = 0;
    std::size_t report_size_ = 0;
    bool ended_ = false;
    TrainingSession session_;
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

/// Sets a benchmark's counters. Google Benchmark's CSV output (scripts/bench.sh) aborts unless
/// every counter of the binary is in every run: the others are set to zero.
void report(benchmark::State& state, std::initializer_list<std::pair<const char*, double>> values) {
    for (const char* name : {"median_ms", "max_ms", "tensors", "none_us", "three_us", "speed_ratio",
                             "closed_us", "open_us", "off_us", "on_us"})
        state.counters[name] = 0.0;
    for (const auto& [name, value] : values) {
        if (!state.counters.count(name))
            state.SkipWithError("a counter missing from report()'s list");
        state.counters[name] = value;
    }
}

/// Back one batch, held after stepping batch by batch: 15 times at batch 30 (forward again
/// between).
void BM_BackOneBatchStepped(benchmark::State& state, RunConfig (*make)()) {
    std::vector<double> ms;
    for (auto _ : state) {
        Held run(make());
        if (!run.wait_first()) state.SkipWithError("the run did not start");
        for (int i = 0; i < 30; ++i) run.send(Command::step(StepKind::batch));
        for (int i = 0; i < 15; ++i) {
            const auto start = Clock::now();
            if (!run.send(Command::rewind(RewindTo::batch)))
                state.SkipWithError("the rewind got no answer");
            ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
            run.send(Command::step(StepKind::batch));
        }
        state.SetIterationTime(median(ms) / 1000.0);
    }
    report(state, {{"median_ms", median(ms)},
                   {"max_ms", ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end())}});
}

/// Back one batch, held by a breakpoint after a run at full speed to global_step 300: the nearest
/// snapshot may be many batches back. Five runs.
void BM_BackOneBatchAfterFullSpeed(benchmark::State& state, RunConfig (*make)()) {
    std::vector<double> ms;
    for (auto _ : state) {
        for (int k = 0; k < 5; ++k) {
            RunConfig config = make();
            config.breakpoints = {{"global_step = " + std::to_string(250 + 10 * k), true}};
            Held run(config);
            if (!run.wait_first()) state.SkipWithError("the run did not start");
            run.send(Command::of(CommandType::run));  // to the breakpoint
            const auto start = Clock::now();
            if (!run.send(Command::rewind(RewindTo::batch)))
                state.SkipWithError("the rewind got no answer");
            ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        }
        state.SetIterationTime(median(ms) / 1000.0);
    }
    report(state, {{"median_ms", median(ms)},
                   {"max_ms", ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end())}});
}

/// Seconds per optimizer step at full speed as the window runs it, with or without three
/// watchpoints.
double full_speed(RunConfig config, bool watch) {
    if (watch)
        config.breakpoints = {
            {"nonfinite", true}, {"grad_norm > 1000000", true}, {"spike > 50", true}};
    return bench::window_like_seconds_per_step(config);
}

void BM_Watchpoints(benchmark::State& state, RunConfig (*make)()) {
    static int round = 0;
    double none = 0, three = 0;
    for (auto _ : state) {
        const bool watched_first = round++ % 2 == 1;
        if (watched_first) three = full_speed(make(), true);
        none = full_speed(make(), false);
        if (!watched_first) three = full_speed(make(), true);
        if (none <= 0 || three <= 0) state.SkipWithError("a run did not finish");
        state.SetIterationTime(none + three);
    }
    // speed_ratio: steps/s with three over steps/s with none
    report(state,
           {{"none_us", none * 1e6}, {"three_us", three * 1e6}, {"speed_ratio", none / three}});
}

/// The Tensors dock selects a tensor while the run holds: the time until the report (every
/// tensor's summary, the selected one's values, histogram and heat map) arrives. Held at batch
/// 3's backward, the selection alternating between the largest weight and a bias, 15 times.
void BM_TensorsReport(benchmark::State& state, RunConfig (*make)()) {
    std::vector<double> ms;
    std::size_t tensors = 0;
    for (auto _ : state) {
        Held run(make());
        if (!run.wait_first()) state.SkipWithError("the run did not start");
        for (int i = 0; i < 3; ++i) run.send(Command::step(StepKind::batch));
        for (int i = 0; i < 6; ++i) run.send(Command::step(StepKind::stage));
        const std::string names[] = {"w1", "b1"};  // both models name them so
        for (int i = 0; i < 15; ++i) {
            const auto start = Clock::now();
            if (!run.send(Command::watch({true, names[i % 2], false})))
                state.SkipWithError("no report came");
            ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        }
        tensors = run.last_report_size();
        state.SetIterationTime(median(ms) / 1000.0);
    }
    report(state, {{"median_ms", median(ms)},
                   {"max_ms", ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end())},
                   {"tensors", double(tensors)}});
}

/// The ledger dock open at full speed, against closed: mlp_spiral accumulating 4 batches.
void BM_Ledger(benchmark::State& state, RunConfig (*make)()) {
    static int round = 0;
    double closed = 0, open = 0;
    for (auto _ : state) {
        RunConfig config = make();
        config.trainer.accumulate_grad_batches = 4;
        const bool open_first = round++ % 2 == 1;
        if (open_first) open = bench::window_like_seconds_per_step(config, {false, "", true});
        closed = bench::window_like_seconds_per_step(config);
        if (!open_first) open = bench::window_like_seconds_per_step(config, {false, "", true});
        if (closed <= 0 || open <= 0) state.SkipWithError("a run did not finish");
        state.SetIterationTime(closed + open);
    }
    // speed_ratio: steps/s with the ledger over steps/s without
    report(state,
           {{"closed_us", closed * 1e6}, {"open_us", open * 1e6}, {"speed_ratio", closed / open}});
}

/// The parity meter's cost to the watched run at full speed: a checksum of the parameters after
/// every batch (the shadow run computes only while the watched one holds or after it ends).
void BM_Checksums(benchmark::State& state, RunConfig (*make)()) {
    static int round = 0;
    double off = 0, on = 0;
    for (auto _ : state) {
        const RunConfig config = make();
        const bool on_first = round++ % 2 == 1;
        if (on_first) on = bench::window_like_seconds_per_step(config, {}, true);
        off = bench::window_like_seconds_per_step(config);
        if (!on_first) on = bench::window_like_seconds_per_step(config, {}, true);
        if (off <= 0 || on <= 0) state.SkipWithError("a run did not finish");
        state.SetIterationTime(off + on);
    }
    // speed_ratio: steps/s with checksums over steps/s without
    report(state, {{"off_us", off * 1e6}, {"on_us", on * 1e6}, {"speed_ratio", off / on}});
}

}  // namespace

BENCHMARK_CAPTURE(BM_Checksums, mlp_spiral, &spiral_long)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Checksums, million, &million_parameters)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TensorsReport, mlp_spiral, &spiral)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TensorsReport, million, &million_parameters)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Ledger, mlp_spiral, &spiral_long)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BackOneBatchStepped, mlp_spiral, &spiral)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BackOneBatchStepped, million, &million_parameters)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BackOneBatchAfterFullSpeed, mlp_spiral, &spiral_long)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BackOneBatchAfterFullSpeed, million, &million_parameters)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Watchpoints, mlp_spiral, &spiral_long)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
