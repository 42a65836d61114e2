// A training loop written by hand in plain LibTorch, as a LibTorch user would write it without
// Stepwise: load a TorchScript module with a training_step(batch, batch_idx) method and a data file
// saved with torch.save({"x": X, "y": Y}), and train with SGD over batches in order. The baseline
// bench_process times stepwise-run's whole process against. No Stepwise code.
//   hand_loop MODEL.pt DATA.pt BATCH_SIZE EPOCHS LR [MAX_STEPS [plain|lightning]]
// `lightning` does what Lightning itself does on every step, whoever runs it: the step goes through
// optimizer.step(closure), whose closure divides the loss by accumulate_grad_batches (1), keeps a
// detached clone of it and sets the grads to None after training_step (the floor for any faithful
// reproduction of Lightning's loop); `plain` (the default) zero_grad, training_step, backward,
// step.

#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 6) {
        std::cerr << "usage: hand_loop MODEL.pt DATA.pt BATCH_SIZE EPOCHS LR [MAX_STEPS]\n";
        return 2;
    }
    const std::int64_t batch_size = std::stoll(argv[3]);
    const std::int64_t epochs = std::stoll(argv[4]);
    const double lr = std::stod(argv[5]);
    const std::int64_t max_steps = argc > 6 ? std::stoll(argv[6]) : -1;
    const bool lightning = argc > 7 && std::string(argv[7]) == "lightning";
    torch::NoGradGuard no_grad;
    // As Python runs the model (and as Stepwise does): eagerly.
    torch::jit::GraphOptimizerEnabledGuard eager(false);
    torch::jit::Module module = torch::jit::load(argv[1]);
    std::ifstream in(argv[2], std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
    const auto data = torch::pickle_load(bytes).toGenericDict();
    const torch::Tensor x = data.at("x").toTensor(), y = data.at("y").toTensor();
    std::vector<torch::Tensor> params;
    for (const auto& p : module.parameters()) params.push_back(p);
    torch::optim::SGD optimizer(params, torch::optim::SGDOptions(lr));
    torch::jit::Method training_step = module.get_method("training_step");
    const std::int64_t n = x.size(0), batches = (n + batch_size - 1) / batch_size;
    std::int64_t steps = 0;
    torch::Tensor last;
    for (std::int64_t epoch = 0; epoch < epochs; ++epoch) {
        for (std::int64_t b = 0; b < batches && steps != max_steps; ++b, ++steps) {
            const std::int64_t end = std::min(n, (b + 1) * batch_size);
            const auto batch = c10::ivalue::Tuple::create(
                {x.slice(0, b * batch_size, end), y.slice(0, b * batch_size, end)});
            if (lightning) {
                optimizer.step([&] {
                    torch::Tensor loss = training_step({batch, b}).toTensor() / 1;
                    last = loss.detach().clone();
                    for (auto& p : params) p.mutable_grad() = torch::Tensor();
                    loss.backward();
                    return loss;
                });
                continue;
            }
            torch::AutoGradMode grad(true);
            optimizer.zero_grad();
            torch::Tensor loss = training_step({batch, b}).toTensor();
            loss.backward();
            optimizer.step();
            last = loss.detach();
        }
    }
    std::cout << "steps " << steps << " loss " << (last.defined() ? last.item<double>() : 0.0)
              << '\n';
    return 0;
}
