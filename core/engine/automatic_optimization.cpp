#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "errors.h"
#include "loops.h"

namespace stepwise {

namespace {

/// The 1-based position of a batch in its accumulation cycle.
std::string cycle_position(std::int64_t batch_idx, std::int64_t n) {
    return std::to_string(batch_idx % n + 1);
}

/// Restores observer depth on scope exit (also when a stage throws).
struct DepthScope {
    Observer& obs;
    int saved;
    explicit DepthScope(Observer& o, int depth) : obs(o), saved(o.pos.depth) {
        o.pos.depth = depth;
    }
    ~DepthScope() { obs.pos.depth = saved; }
};

Text explain_none_step(const StepFacts& facts, double update_norm) {
    const std::string norm = format_norm_arg(update_norm);
    switch (facts.grads) {
        case StepFacts::Grads::none: return {TextCode::explain_none_grads_none, {norm}};
        case StepFacts::Grads::nonzero: return {TextCode::explain_none_grads_kept, {norm}};
        case StepFacts::Grads::zero: break;
    }
    if (update_norm != 0.0) return {TextCode::explain_none_zero_moved, {norm, facts.held}};
    if (facts.held.empty()) return {TextCode::explain_none_zero_still_nothing, {}};
    return {TextCode::explain_none_zero_still, {facts.held}};
}

}  // namespace

OutputDescription describe_output(const c10::IValue& output) {
    OutputDescription d;
    d.value = describe_value(output);
    d.kind = d.value.kind;
    if (output.isGenericDict()) {
        bool has_loss = false, loss_none = false;
        for (const auto& item : output.toGenericDict()) {
            std::string key = item.key().isString() ? item.key().toStringRef()
                                                    : c10::IValue(item.key()).tagKind();
            if (key == "loss") {
                has_loss = true;
                loss_none = item.value().isNone();
            }
            d.entries.emplace_back(std::move(key), describe_value(item.value()));
        }
        const auto extras = d.entries.size() - (has_loss ? 1 : 0);
        if (!has_loss || loss_none)
            d.classification = {TextCode::output_dict_without_loss, {}};
        else
            d.classification = {TextCode::output_dict_with_loss, {std::to_string(extras)}};
    } else if (output.isTensor()) {
        d.classification = {TextCode::output_loss_tensor, {}};
    } else if (output.isNone()) {
        d.classification = {TextCode::output_none, {}};
    } else {
        d.classification = {TextCode::output_invalid, {d.kind}};
    }
    return d;
}

std::optional<double> raw_loss(const OutputDescription& output) {
    if (output.kind == "tensor") return output.value.value;  // set when it has one element
    if (output.kind == "dict")
        for (const auto& [key, v] : output.entries)
            if (key == "loss") return v.value;
    return std::nullopt;
}

namespace {

/// One training_step call inside the closure, with its stage and Stepwise's notices.
ClosureResult run_training_step(LoopContext& ctx, const torch::Tensor& x, const torch::Tensor& y,
                                std::int64_t batch_idx,
                                std::shared_ptr<const OutputDescription>& last_output) {
    ClosureResult result;
    Observer& obs = ctx.observer;
    obs.run(Stage::training_step, [&](StagePayload& p) {
        const c10::IValue out = ctx.module.training_step(x, y, batch_idx);
        p.output = std::make_shared<const OutputDescription>(describe_output(out));
        last_output = p.output;
        p.loss_raw = raw_loss(*p.output);
        if (out.isGenericDict()) {
            for (const auto& [key, v] : p.output->entries)
                if (key != "loss" && v.value) p.scalar_extras.emplace_back(key, *v.value);
        }
        const Departures& departs = ctx.config.departures;
        const std::int64_t n =
            departs.undivided_loss ? 1 : ctx.config.trainer.accumulate_grad_batches;
        result = ClosureResult::from_training_step_output(out, n);
        if (departs.backprop_extras && result.closure_loss.defined()) {
            // Not what Lightning does: the extras that hold a graph join the loss backward runs on.
            for (const auto& [key, value] : result.extra) {
                if (!value.isTensor() || !value.toTensor().requires_grad()) continue;
                result.closure_loss = result.closure_loss + value.toTensor().sum() / n;
            }
            result.loss = result.closure_loss.detach().clone();
        }
        if (result.loss.defined() && result.loss.numel() == 1) p.loss = scalar_value(result.loss);
    });
    // Stepwise's own notices: things Lightning lets pass silently.
    const double loss_value =
        result.loss.defined() && result.loss.numel() == 1 ? scalar_value(result.loss) : 0.0;
    if (!std::isfinite(loss_value)) {
        obs.notice({TextCode::notice_non_finite_loss,
                    {std::isnan(loss_value) ? "nan" : "inf", std::to_string(obs.pos.epoch),
                     std::to_string(batch_idx)}});
    }
    for (const auto& [key, v] : last_output->entries) {
        if (key != "loss" && v.holds_graph() && ctx.graph_extras_noted.insert(key).second) {
            obs.notice({TextCode::notice_graph_in_extra,
                        {key, v.grad_fn.empty() ? std::string("requires_grad=True")
                                                : "grad_fn=" + v.grad_fn}});
        }
    }
    return result;
}

}  // namespace

Closure make_batch_closure(LoopContext& ctx, torch::Tensor x, torch::Tensor y,
                           std::int64_t batch_idx, OutputSlot last_output) {
    const std::int64_t n = ctx.config.trainer.accumulate_grad_batches;
    LoopContext* const c = &ctx;
    Closure::Parts parts;
    parts.step_fn = [c, x = std::move(x), y = std::move(y), batch_idx,
                     slot = std::move(last_output)] {
        c->norms_after_backward.reset();  // a new closure call: backward has not run yet
        return run_training_step(*c, x, y, batch_idx, *slot);
    };
    if (ctx.config.departures.skip_zero_grad) {
        parts.no_zero_grad_reason = {TextCode::skip_zero_grad_departure, {}};
    } else if (batch_idx % n == 0) {  // C-3: first batch of its accumulation window
        parts.zero_grad_fn = [c] {
            c->observer.run(Stage::on_before_zero_grad, [](StagePayload&) {});
            c->observer.run(Stage::optimizer_zero_grad, [c](StagePayload& p) {
                zero_grad(c->optimizer, c->config.zero_grad_set_to_none);
                p.zero_grad_mode = c->config.zero_grad_set_to_none ? "set_to_none" : "zero_fill";
            });
        };
    } else {
        parts.no_zero_grad_reason = {
            TextCode::skip_zero_grad_not_first,
            {std::to_string(batch_idx), cycle_position(batch_idx, n), std::to_string(n)}};
    }
    parts.backward_fn = [c, batch_idx](const torch::Tensor& loss) {
        const double value = loss.numel() == 1 ? scalar_value(loss) : std::nan("");
        c->observer.run(Stage::on_before_backward, [&](StagePayload& p) {
            if (loss.numel() == 1) p.loss = value;
        });
        // The ledger: what this backward adds to .grad (grads after minus grads before).
        torch::Tensor before =
            c->observe_ledger ? flat_grads(c->module.parameters()) : torch::Tensor();
        c->observer.run(Stage::backward, [&](StagePayload&) { loss.backward(); });
        std::optional<double> contribution;
        if (before.defined()) {
            torch::Tensor added = flat_grads(c->module.parameters());
            flat_subtract(added, before);
            contribution = std::sqrt(flat_dot(added, added));
            auto& list = c->contributions;
            if (!list.empty() && list.back().first == batch_idx)
                list.back().second = std::move(added);
            else
                list.emplace_back(batch_idx,
                                  std::move(added));  // LBFGS: the batch's last call counts
        }
        c->observer.run(Stage::on_after_backward, [c, contribution](StagePayload& p) {
            p.grad_contribution = contribution;
            if (!c->observe_norms) return;
            p.grad_norms = grad_norms(c->module.parameters());
            c->norms_after_backward = p.grad_norms;
        });
    };
    return Closure(std::move(parts), &ctx.observer);
}

AccumulationLedger AutomaticOptimization::make_ledger(const torch::Tensor& window,
                                                      const torch::Tensor& clipped) const {
    AccumulationLedger l;
    // G is .grad as the window left it: the sum of the batches' contributions when the window
    // began from zeroed grads, as automatic optimization's does.
    const double g_sq = flat_dot(window, window);
    l.sum_norm = std::sqrt(g_sq);
    for (const auto& [batch_idx, added] : ctx_.contributions) {
        LedgerBatch b;
        b.batch_idx = batch_idx;
        b.norm = std::sqrt(flat_dot(added, added));
        const double dot = flat_dot(added, window);
        b.cosine = b.norm > 0 && l.sum_norm > 0 ? dot / (b.norm * l.sum_norm) : 0.0;
        b.share = g_sq > 0 ? dot / g_sq : 0.0;
        l.batches.push_back(b);
    }
    l.norm_before_clip = l.sum_norm;
    l.norm_after_clip = std::sqrt(flat_dot(clipped, clipped));
    if (ctx_.clip.value > 0 && ctx_.clip.algorithm == "norm")
        l.clip_coef =
            std::min(1.0, ctx_.clip.value / (l.norm_before_clip + 1e-6));  // torch's clip_coef
    return l;
}

void AutomaticOptimization::after_closure() {
    Observer& obs = ctx_.observer;
    obs.run(Stage::on_before_optimizer_step, [](StagePayload&) {});
    obs.run(Stage::configure_gradient_clipping, [this](StagePayload& p) {
        p.clip_val = ctx_.clip.value;
        p.clip_algorithm = ctx_.clip.algorithm;
        const torch::Tensor window =
            ctx_.observe_ledger ? flat_grads(ctx_.module.parameters()) : torch::Tensor();
        const bool clipped = clip_gradients(ctx_.optimizer, ctx_.clip);
        if (window.defined())
            ctx_.ledger =
                make_ledger(window, clipped ? flat_grads(ctx_.module.parameters()) : window);
        if (!ctx_.observe_norms) return;
        p.grad_norms = !clipped && ctx_.norms_after_backward ? *ctx_.norms_after_backward
                                                             : grad_norms(ctx_.module.parameters());
    });
}

std::optional<double> AutomaticOptimization::optimizer_step(Closure& closure) {
    Observer& obs = ctx_.observer;
    const auto& params = ctx_.module.parameters();
    std::optional<double> update_norm;
    // The parameters before the update, for its norm: copied before the step when norms are
    // observed, else only on a batch whose training_step returned None (its explanation quotes
    // the norm), inside the first closure call, which every torch optimizer makes before it
    // touches a parameter.
    bool copied = false;
    auto copy_parameters = [&] {
        if (ctx_.before_step.size() != params.size()) {
            ctx_.before_step.clear();
            for (const auto& kv : params) ctx_.before_step.push_back(torch::empty_like(kv.second));
        }
        torch::NoGradGuard no_grad;
        for (std::size_t k = 0; k < params.size(); ++k)
            fast_copy(ctx_.before_step[k], params[k].second);
        copied = true;
    };
    obs.run(Stage::optimizer_step, [&](StagePayload& p) {
        DepthScope depth(obs, 1);
        if (ctx_.observe_norms) copy_parameters();
        // The wrapper the precision plugin hands to optimizer.step (L-1): the closure, then the
        // after-closure hooks and clipping, on every evaluation.
        bool first_call = true;
        auto wrapped = [&]() -> torch::Tensor {
            torch::Tensor loss = closure();
            if (first_call && !copied && !loss.defined()) copy_parameters();
            first_call = false;
            after_closure();
            // Z-3: what the update will work with when training_step returned None (LBFGS fails
            // just below on such a batch, so this is the only closure call there is).
            if (!loss.defined())
                ctx_.none_step_facts = step_facts(ctx_.optimizer);
            else
                ctx_.none_step_facts.reset();
            if (ctx_.multi_eval_optimizer && !loss.defined()) {
                // torch's LBFGS does float(closure()) (spec Z-5)
                throw LightningError(
                    "TypeError",
                    "float() argument must be a string or a real number, not 'NoneType' "
                    "(LBFGS needs a loss from every closure call, but training_step returned "
                    "None)");
            }
            return loss;
        };
        const torch::Tensor returned = ctx_.optimizer.step(wrapped);
        if (copied) {
            double update_sq = 0.0, weight_sq = 0.0;
            GradNorms ratios;
            for (std::size_t k = 0; k < params.size(); ++k) {
                const double d = fast_diff_norm(params[k].second, ctx_.before_step[k]);
                update_sq += d * d;
                if (!ctx_.observe_update_ratios) continue;
                // ‖Δθ‖/‖θ‖ against the weights before the step; a zero weight that did not move
                // has ratio 0 (unchanged), one that did, infinity.
                const double w = fast_norm(ctx_.before_step[k]);
                weight_sq += w * w;
                const double ratio =
                    w > 0 ? d / w : (d == 0 ? 0.0 : std::numeric_limits<double>::infinity());
                ratios.per_parameter.emplace_back(params[k].first, ratio);
            }
            update_norm = std::sqrt(update_sq);
            p.update_norm = update_norm;
            if (ctx_.observe_update_ratios) {
                const double w = std::sqrt(weight_sq);
                ratios.total =
                    w > 0 ? *update_norm / w
                          : (*update_norm == 0 ? 0.0 : std::numeric_limits<double>::infinity());
                p.update_ratios = std::move(ratios);
            }
        }
        if (ctx_.ledger) {
            p.ledger = std::move(*ctx_.ledger);
            ctx_.ledger.reset();
        }
        p.lr = learning_rate(ctx_.optimizer);
        p.closure_calls = closure.calls();
        if (returned.defined() && returned.numel() == 1) p.step_return = scalar_value(returned);
    });
    return update_norm;
}

BatchResult AutomaticOptimization::run(const torch::Tensor& x, const torch::Tensor& y,
                                       std::int64_t batch_idx, bool is_last) {
    const std::int64_t n = ctx_.config.trainer.accumulate_grad_batches;
    Observer& obs = ctx_.observer;
    BatchResult out;
    // The ledger keeps this window's batches before this one (a rewind may have left later ones).
    const std::int64_t window_start = batch_idx - batch_idx % n;
    auto& added = ctx_.contributions;
    added.erase(std::remove_if(
                    added.begin(), added.end(),
                    [&](const auto& c) { return c.first < window_start || c.first >= batch_idx; }),
                added.end());
    const auto last_output = std::make_shared<std::shared_ptr<const OutputDescription>>();
    Closure closure = make_batch_closure(ctx_, x, y, batch_idx, last_output);
    // accumulate unless this batch ends its window or is the epoch's last.
    // Not what Lightning does: the step_every_batch departure steps anyway.
    const bool should_accumulate =
        (batch_idx + 1) % n != 0 && !is_last && !ctx_.config.departures.step_every_batch;
    if (should_accumulate) {
        obs.skip(Stage::optimizer_step, {TextCode::skip_step_accumulating,
                                         {cycle_position(batch_idx, n), std::to_string(n)}});
        closure();
        obs.skip(Stage::on_before_optimizer_step, {TextCode::skip_before_step_accumulating, {}});
        obs.skip(Stage::configure_gradient_clipping, {TextCode::skip_clipping_accumulating, {}});
    } else {
        ctx_.none_step_facts.reset();
        out.update_norm = optimizer_step(closure);
        if (ctx_.none_step_facts && out.update_norm) {
            out.explanation = explain_none_step(*ctx_.none_step_facts, *out.update_norm);
            ctx_.none_step_facts.reset();
        }
        ++ctx_.global_step;  // counted when the optimizer_step hook returns
        obs.pos.global_step = ctx_.global_step;
    }
    obs.pos.call = 0;
    out.stepped = !should_accumulate;
    out.closure_calls = closure.calls();
    out.result = closure.consume_result();  // C-6
    out.output = *last_output;
    return out;
}

}  // namespace stepwise
