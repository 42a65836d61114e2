#pragma once
// One walk over the tensors an optimizer keeps per parameter, with their names as PyTorch's
// state_dict spells them: snapshots copy them, the Tensors dock lists them. Worker thread only.

#include <torch/optim.h>

#include <string>
#include <type_traits>

namespace stepwise {

namespace detail {
/// `T`, const when `S` is.
template <class T, class S>
using Like = std::conditional_t<std::is_const_v<S>, const T, T>;
}  // namespace detail

/// Calls `f(name, tensor)` on every tensor an optimizer's per-parameter state holds (SGD, Adam,
/// AdamW, RMSprop, Adagrad, LBFGS; undefined ones too); false for a state of another optimizer.
/// `State` is const or not, as `f` needs. LBFGS's history lists are walked element by element, the
/// name the list's ("old_dirs", ...) each time.
template <class State, class F>
bool for_each_state_tensor(State& state, F&& f) {
    using namespace torch::optim;
    using detail::Like;
    auto all = [&](const char* name, auto& tensors) {
        for (auto& t : tensors) f(name, t);
    };
    if (auto* s = dynamic_cast<Like<SGDParamState, State>*>(&state)) {
        f("momentum_buffer", s->momentum_buffer());
    } else if (auto* s = dynamic_cast<Like<AdamParamState, State>*>(&state)) {
        f("exp_avg", s->exp_avg()), f("exp_avg_sq", s->exp_avg_sq()),
            f("max_exp_avg_sq", s->max_exp_avg_sq());
    } else if (auto* s = dynamic_cast<Like<AdamWParamState, State>*>(&state)) {
        f("exp_avg", s->exp_avg()), f("exp_avg_sq", s->exp_avg_sq()),
            f("max_exp_avg_sq", s->max_exp_avg_sq());
    } else if (auto* s = dynamic_cast<Like<RMSpropParamState, State>*>(&state)) {
        f("square_avg", s->square_avg()), f("momentum_buffer", s->momentum_buffer()),
            f("grad_avg", s->grad_avg());
    } else if (auto* s = dynamic_cast<Like<AdagradParamState, State>*>(&state)) {
        f("sum", s->sum());
    } else if (auto* s = dynamic_cast<Like<LBFGSParamState, State>*>(&state)) {
        f("d", s->d()), f("H_diag", s->H_diag()), f("prev_flat_grad", s->prev_flat_grad());
        all("old_dirs", s->old_dirs());
        all("old_stps", s->old_stps());
        all("ro", s->ro());
        if (s->al()) all("al", *s->al());
    } else {
        return false;
    }
    return true;
}

/// The optimizer's step counter for a parameter, where its state keeps one (Adam, AdamW, RMSprop,
/// Adagrad; LBFGS counts function evaluations and iterations).
template <class F>
void for_each_state_count(const torch::optim::OptimizerParamState& state, F&& f) {
    using namespace torch::optim;
    if (auto* s = dynamic_cast<const AdamParamState*>(&state))
        f("step", s->step());
    else if (auto* s = dynamic_cast<const AdamWParamState*>(&state))
        f("step", s->step());
    else if (auto* s = dynamic_cast<const RMSpropParamState*>(&state))
        f("step", s->step());
    else if (auto* s = dynamic_cast<const AdagradParamState*>(&state))
        f("step", s->step());
    else if (auto* s = dynamic_cast<const LBFGSParamState*>(&state)) {
        f("func_evals", s->func_evals());
        f("n_iter", s->n_iter());
    }
}

/// The key torch::optim::Optimizer::state() files a parameter's state under.
inline std::string state_key(const torch::Tensor& parameter) {
    return c10::guts::to_string(parameter.unsafeGetTensorImpl());
}

}  // namespace stepwise
