#include "optimization.h"

#include <torch/torch.h>

#include <algorithm>
#include <sstream>

namespace stepwise {

namespace {

struct Options {
    const OptimizerSpec& spec;
    double number(const std::string& key, double fallback) const {
        const auto it = spec.options.find(key);
        return it == spec.options.end() ? fallback : std::get<double>(it->second);
    }
    bool flag(const std::string& key) const {
        const auto it = spec.options.find(key);
        return it != spec.options.end() && std::get<bool>(it->second);
    }
    std::tuple<double, double> betas() const {
        const auto it = spec.options.find("betas");
        if (it == spec.options.end()) return {0.9, 0.999};
        const auto& b = std::get<std::vector<double>>(it->second);
        return {b[0], b[1]};
    }
    bool has(const std::string& key) const { return spec.options.count(key) > 0; }
};

}  // namespace

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimizerSpec& spec,
                                                        const std::vector<torch::Tensor>& params) {
    const Options o{spec};
    namespace optim = torch::optim;
    if (spec.name == "sgd") {
        optim::SGDOptions opts(o.number("lr", 0.1));
        opts.momentum(o.number("momentum", 0))
            .dampening(o.number("dampening", 0))
            .weight_decay(o.number("weight_decay", 0))
            .nesterov(o.flag("nesterov"));
        if (opts.nesterov() && (opts.momentum() <= 0 || opts.dampening() != 0))
            throw ConfigError(
                "optimizer.nesterov: Nesterov momentum requires a momentum and zero dampening",
                "ValueError");
        return std::make_unique<optim::SGD>(params, opts);
    }
    if (spec.name == "adam" || spec.name == "adamw") {
        const bool w = spec.name == "adamw";
        if (w) {
            optim::AdamWOptions opts(o.number("lr", 1e-3));
            opts.betas(o.betas())
                .eps(o.number("eps", 1e-8))
                .weight_decay(o.number("weight_decay", 1e-2))
                .amsgrad(o.flag("amsgrad"));
            return std::make_unique<optim::AdamW>(params, opts);
        }
        optim::AdamOptions opts(o.number("lr", 1e-3));
        opts.betas(o.betas())
            .eps(o.number("eps", 1e-8))
            .weight_decay(o.number("weight_decay", 0))
            .amsgrad(o.flag("amsgrad"));
        return std::make_unique<optim::Adam>(params, opts);
    }
    if (spec.name == "rmsprop") {
        optim::RMSpropOptions opts(o.number("lr", 1e-2));
        opts.alpha(o.number("alpha", 0.99))
            .eps(o.number("eps", 1e-8))
            .weight_decay(o.number("weight_decay", 0))
            .momentum(o.number("momentum", 0))
            .centered(o.flag("centered"));
        return std::make_unique<optim::RMSprop>(params, opts);
    }
    if (spec.name == "adagrad") {
        optim::AdagradOptions opts(o.number("lr", 1e-2));
        opts.lr_decay(o.number("lr_decay", 0))
            .weight_decay(o.number("weight_decay", 0))
            .initial_accumulator_value(o.number("initial_accumulator_value", 0))
            .eps(o.number("eps", 1e-10));
        return std::make_unique<optim::Adagrad>(params, opts);
    }
    // lbfgs
    optim::LBFGSOptions opts(o.number("lr", 1));
    const auto max_iter = static_cast<std::int64_t>(o.number("max_iter", 20));
    opts.max_iter(max_iter);
    // torch: max_eval defaults to max_iter * 5 // 4
    opts.max_eval(o.has("max_eval") ? static_cast<std::int64_t>(o.number("max_eval", 0))
                                    : max_iter * 5 / 4);
    opts.tolerance_grad(o.number("tolerance_grad", 1e-7))
        .tolerance_change(o.number("tolerance_change", 1e-9))
        .history_size(static_cast<std::int64_t>(o.number("history_size", 100)));
    const auto ls = spec.options.find("line_search_fn");
    if (ls != spec.options.end()) opts.line_search_fn(std::get<std::string>(ls->second));
    return std::make_unique<optim::LBFGS>(params, opts);
}

void zero_grad(torch::optim::Optimizer& optimizer, bool set_to_none) {
    if (!set_to_none) {
        optimizer.zero_grad();  // LibTorch 1.13: detach and fill zeros, like torch < 2.0
        return;
    }
    for (auto& group : optimizer.param_groups()) {
        for (auto& p : group.params()) p.mutable_grad() = torch::Tensor();
    }
}

ClipSettings resolve_clipping(const TrainerSpec& trainer) {
    ClipSettings clip;
    clip.value = trainer.gradient_clip_val.value_or(0.0);
    clip.algorithm = trainer.gradient_clip_algorithm.value_or("norm");
    return clip;
}

bool clip_gradients(torch::optim::Optimizer& optimizer, const ClipSettings& clip) {
    if (clip.value <= 0) return false;
    std::vector<torch::Tensor> grads;
    for (auto& group : optimizer.param_groups())
        for (auto& p : group.params())
            if (p.grad().defined()) grads.push_back(p.grad());
    if (grads.empty()) return false;
    torch::NoGradGuard no_grad;
    if (clip.algorithm == "value") {
        for (auto& g : grads) g.clamp_(-clip.value, clip.value);
        return true;
    }
    // As torch 1.13's clip_grad_norm_: norm of the stacked per-tensor norms (stacked even for one
    // tensor, unlike LibTorch's helper, so the value is bit-identical to Python's).
    std::vector<torch::Tensor> norms;
    norms.reserve(grads.size());
    for (auto& g : grads) norms.push_back(g.detach().norm(2));
    const auto total = torch::stack(norms).norm(2);
    const auto coef = torch::clamp(clip.value / (total + 1e-6), c10::nullopt, 1.0);
    for (auto& g : grads) g.detach().mul_(coef);
    return true;
}

double learning_rate(torch::optim::Optimizer& optimizer) {
    return optimizer.param_groups().at(0).options().get_lr();
}

StepFacts step_facts(torch::optim::Optimizer& optimizer) {
    namespace optim = torch::optim;
    torch::NoGradGuard no_grad;
    StepFacts facts;
    bool any_grad = false, any_nonzero = false;
    for (auto& group : optimizer.param_groups()) {
        for (auto& p : group.params()) {
            if (!p.grad().defined()) continue;
            any_grad = true;
            if (p.grad().ne(0).any().item<bool>()) any_nonzero = true;
        }
    }
    facts.grads = !any_grad     ? StepFacts::Grads::none
                  : any_nonzero ? StepFacts::Grads::nonzero
                                : StepFacts::Grads::zero;
    std::vector<std::string> held;
    auto note = [&](const char* name, const torch::Tensor& t) {
        if (!t.defined() || t.numel() == 0 || !t.ne(0).any().item<bool>()) return;
        if (std::find(held.begin(), held.end(), name) == held.end()) held.emplace_back(name);
    };
    auto note_moments = [&](auto* s) {  // Adam's and AdamW's states have the same fields
        note("exp_avg", s->exp_avg());
        note("exp_avg_sq", s->exp_avg_sq());
        note("max_exp_avg_sq", s->max_exp_avg_sq());
    };
    // Keyed by parameter; visited in parameter order so the list reads the same every time.
    for (auto& group : optimizer.param_groups()) {
        for (auto& p : group.params()) {
            const auto it = optimizer.state().find(c10::guts::to_string(p.unsafeGetTensorImpl()));
            if (it == optimizer.state().end()) continue;
            optim::OptimizerParamState* state = it->second.get();
            if (auto* s = dynamic_cast<optim::SGDParamState*>(state)) {
                note("momentum_buffer", s->momentum_buffer());
            } else if (auto* s = dynamic_cast<optim::AdamParamState*>(state)) {
                note_moments(s);
            } else if (auto* s = dynamic_cast<optim::AdamWParamState*>(state)) {
                note_moments(s);
            } else if (auto* s = dynamic_cast<optim::RMSpropParamState*>(state)) {
                note("square_avg", s->square_avg());
                note("momentum_buffer", s->momentum_buffer());
                note("grad_avg", s->grad_avg());
            } else if (auto* s = dynamic_cast<optim::AdagradParamState*>(state)) {
                note("sum", s->sum());
            }
        }
    }
    double decay = 0.0;
    auto& options = optimizer.param_groups().at(0).options();
    if (auto* o = dynamic_cast<optim::SGDOptions*>(&options))
        decay = o->weight_decay();
    else if (auto* o = dynamic_cast<optim::AdamOptions*>(&options))
        decay = o->weight_decay();
    else if (auto* o = dynamic_cast<optim::AdamWOptions*>(&options))
        decay = o->weight_decay();
    else if (auto* o = dynamic_cast<optim::RMSpropOptions*>(&options))
        decay = o->weight_decay();
    else if (auto* o = dynamic_cast<optim::AdagradOptions*>(&options))
        decay = o->weight_decay();
    if (decay > 0) {
        std::ostringstream text;
        text << "weight_decay=" << decay;
        held.push_back(text.str());
    }
    for (const auto& h : held) facts.held += (facts.held.empty() ? "" : ", ") + h;
    return facts;
}

}  // namespace stepwise
