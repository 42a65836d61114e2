// The user's own script, three ways, as whole processes (scripts/mlp_script.py, a small MLP on 100
// pre-made batches): `stepwise-run --quiet mlp_script.py` (its Trainer.fit in Stepwise's loop),
// `python3 mlp_script.py lightning` (real Lightning 2.2.5's Trainer) and `python3 mlp_script.py
// hand` (a hand-written loop calling the same training_step and optimizer through
// optimizer.step(closure)). Per optimizer step: each one's time on a long run minus its time on a
// short one, over the difference in steps, so that starting Python and importing Lightning cancel
// out; start: each one's whole process on one step. Reported per round (the three back to back,
// in an order that rotates); scripts/bench.sh prints the medians. Needs the Lightning runtime
// (../shared/lightning-2.2.5 or $STEPWISE_LIGHTNING).

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "process.h"

namespace {

namespace fs = std::filesystem;
using stepwise::bench::run_process;

std::int64_t g_short = 20, g_long = 2020;  // optimizer steps (--steps=N sets the long one)

const std::string kScript = STEPWISE_SOURCE_DIR "/tests/bench/scripts/mlp_script.py";

/// The Lightning runtime's sources on PYTHONPATH, as its run.sh puts them; false without one.
bool set_python_path() {
    std::vector<std::string> candidates;
    if (const char* given = std::getenv("STEPWISE_LIGHTNING")) candidates.emplace_back(given);
    candidates.emplace_back(STEPWISE_SOURCE_DIR "/../shared/lightning-2.2.5");
    candidates.emplace_back("/work/shared/lightning-2.2.5");
    for (const std::string& c : candidates) {
        if (c.empty() || !fs::exists(fs::path(c) / "run.sh")) continue;
        const std::string root = fs::canonical(c).string(), src = root + "/src/";
        const std::string path = src + "lightning-2.2.5/src:" + src +
                                 "lightning-utilities-0.10.1/src:" + src +
                                 "torchmetrics-1.2.1/src:" + root;
        setenv("PYTHONPATH", path.c_str(), 1);
        return true;
    }
    return false;
}

double run(int way, std::int64_t steps) {
    const std::string n = std::to_string(steps);
    switch (way) {
        case 0: return run_process({STEPWISE_RUN, "--quiet", kScript, "stepwise", n}, true);
        case 1: return run_process({"/usr/bin/python3", kScript, "lightning", n}, true);
        default: return run_process({"/usr/bin/python3", kScript, "hand", n}, true);
    }
}

void BM_Script(benchmark::State& state) {
    if (!set_python_path()) {
        state.SkipWithError("no Lightning 2.2.5 runtime (../shared/lightning-2.2.5)");
        return;
    }
    static int round = 0;
    double per_step[3] = {0, 0, 0}, start[3] = {0, 0, 0};
    for (auto _ : state) {
        const int first = round++ % 3;
        double total = 0;
        for (int k = 0; k < 3; ++k) {
            const int way = (first + k) % 3;
            const double one = run(way, 1), brief = run(way, g_short), full = run(way, g_long);
            if (one <= 0 || brief <= 0 || full <= 0) {
                state.SkipWithError("a process failed");
                return;
            }
            per_step[way] = (full - brief) / double(g_long - g_short);
            start[way] = one;
            total += one + brief + full;
        }
        state.SetIterationTime(total);
    }
    state.counters["stepwise_us"] = per_step[0] * 1e6;
    state.counters["lightning_us"] = per_step[1] * 1e6;
    state.counters["hand_us"] = per_step[2] * 1e6;
    state.counters["lightning_over_stepwise"] = per_step[1] / per_step[0];
    state.counters["stepwise_over_hand"] = per_step[0] / per_step[2];
    state.counters["stepwise_start_s"] = start[0];
    state.counters["lightning_start_s"] = start[1];
    state.counters["hand_start_s"] = start[2];
}

}  // namespace

BENCHMARK(BM_Script)->UseManualTime()->Iterations(1)->Unit(benchmark::kSecond);

int main(int argc, char** argv) {
    // --steps=N: optimizer steps of the long runs (default 2,020; the short ones take 20)
    for (int i = 1; i < argc; ++i)
        if (std::strncmp(argv[i], "--steps=", 8) == 0)
            g_long = std::max<std::int64_t>(g_short + 1, std::atoll(argv[i] + 8));
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
