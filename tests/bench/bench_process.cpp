// Whole processes, as a user starts them: `stepwise-run --quiet` on a TorchScript module and a data
// file, against the same training written by hand in plain LibTorch (hand_loop.cpp, both plain and
// doing Lightning's own per-step work), back to back in rounds on 5,000 optimizer steps
// (--steps=N); and each one's start to its first batch (a run of one step). Reported per round:
// seconds of each, the ratios; scripts/bench.sh prints the medians.

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data.h"
#include "process.h"
#include "script_module.h"

namespace {

using namespace stepwise;
namespace fs = std::filesystem;
using stepwise::bench::run_process;

constexpr const char* kModel =
    "param w: [1, 16] = linear(16)\nparam b: [1] = linear(16)\n\n"
    "def training_step(self, batch: Tuple[Tensor, Tensor], batch_idx: int) -> Tensor:\n"
    "    x, y = batch\n"
    "    return torch.mse_loss(x @ self.w.t() + self.b, y)\n";
std::int64_t g_batches = 1000;       // per epoch (--steps / kEpochs)
constexpr std::int64_t kEpochs = 5;  // 5,000 optimizer steps by default

/// The model and the data as files, and a config for them: made once per process.
struct Files {
    fs::path dir;
    std::string model, data, config, first_batch_config;
    Files() {
        dir = fs::temp_directory_path() / ("stepwise-bench-" + std::to_string(::getpid()));
        fs::create_directories(dir);
        model = (dir / "model.pt").string();
        data = (dir / "data.pt").string();
        ScriptModule::compile_source(kModel, "bench.stepwise", 0)->module().save(model);
        DataSpec spec;
        spec.synthetic = "linear";
        spec.features = 16;
        spec.samples = g_batches * 32;
        const Dataset d = synthetic_dataset(spec, 0, torch::kFloat32);
        c10::impl::GenericDict dict(c10::StringType::get(), c10::TensorType::get());
        dict.insert("x", d.x);
        dict.insert("y", d.y);
        const std::vector<char> bytes = torch::pickle_save(dict);
        std::ofstream(data, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
        config = write_config("config.json", "\"max_epochs\": " + std::to_string(kEpochs));
        first_batch_config = write_config("first.json", "\"max_steps\": 1");
    }
    ~Files() { fs::remove_all(dir); }
    std::string write_config(const char* name, const std::string& limits) const {
        const std::string path = (dir / name).string();
        std::ofstream(path) << "{\"model\": {\"torchscript\": \"model.pt\"}, \"data\": {\"file\": "
                               "\"data.pt\"}, \"batch_size\": 32, \"optimizer\": {\"name\": "
                               "\"sgd\", \"lr\": 0.001}, \"trainer\": {"
                            << limits << "}}";
        return path;
    }
};

const Files& files() {
    static const Files f;
    return f;
}

double stepwise_run(const std::string& config) {
    return run_process({STEPWISE_RUN, config, "--quiet"});
}
double hand_loop(std::int64_t epochs, std::int64_t max_steps, const char* mode = "plain") {
    const Files& f = files();
    return run_process({HAND_LOOP, f.model, f.data, "32", std::to_string(epochs), "0.001",
                        std::to_string(max_steps), mode});
}

/// One round: the three whole runs and two starts, in an order that rotates between rounds.
void BM_Process(benchmark::State& state) {
    const Files& f = files();
    static int round = 0;
    constexpr int kRunners = 3;
    double seconds[5] = {0, 0, 0, 0, 0};
    for (auto _ : state) {
        const int first = round++ % kRunners;
        for (int k = 0; k < kRunners; ++k) {
            switch ((first + k) % kRunners) {
                case 0:
                    seconds[0] = stepwise_run(f.config);
                    seconds[3] = stepwise_run(f.first_batch_config);
                    break;
                case 1:
                    seconds[1] = hand_loop(kEpochs, -1);
                    seconds[4] = hand_loop(1, 1);
                    break;
                default: seconds[2] = hand_loop(kEpochs, -1, "lightning");
            }
        }
        double total = 0;
        for (double s : seconds) {
            if (s <= 0) state.SkipWithError("a process failed");
            total += s;
        }
        state.SetIterationTime(total);
    }
    state.counters["stepwise_s"] = seconds[0];
    state.counters["hand_s"] = seconds[1];
    state.counters["lightning_s"] = seconds[2];
    state.counters["ratio"] = seconds[0] / seconds[1];
    state.counters["ratio_vs_lightning"] = seconds[0] / seconds[2];
    state.counters["stepwise_start_ms"] = seconds[3] * 1e3;
    state.counters["hand_start_ms"] = seconds[4] * 1e3;
}

}  // namespace

BENCHMARK(BM_Process)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
    // --steps=N: optimizer steps per whole run (default 5,000)
    for (int i = 1; i < argc; ++i)
        if (std::strncmp(argv[i], "--steps=", 8) == 0)
            g_batches = std::max<std::int64_t>(1, std::atoll(argv[i] + 8) / kEpochs);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
