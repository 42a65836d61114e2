#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "errors.h"
#include "loops.h"
#include "stepwise/warning_cache.h"

namespace stepwise {

namespace {

/// The 1-based position of a batch in its accumulation cycle.
std::string cycle_position(std::int64_t batch_idx, std::int64_t n) {
    return std::to_string(batch_idx % n + 1);
}

/// Restores the observer's depth on scope exit (also when a stage throws).
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

double ratio(double change, double weight) {
    // ‖Δθ‖/‖θ‖ against the weights before the step; a zero weight that did not move has ratio 0
    // (unchanged), one that did, infinity.
    return weight > 0 ? change / weight
                      : (change == 0 ? 0.0 : std::numeric_limits<double>::infinity());
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

AutomaticOptimization::AutomaticOptimization(Trainer& trainer, Observer& observer,
                                             const Observations& observe)
    : trainer_(trainer), observer_(observer), observe_(observe) {}

ClosureResult AutomaticOptimization::training_step(
    const c10::IValue& batch, std::int64_t batch_idx,
    std::shared_ptr<const OutputDescription>& last_output) {
    const RunConfig& config = trainer_.config();
    ClosureResult result;
    observer_.run(Stage::training_step, [&](StagePayload& p) {
        const c10::IValue out = trainer_.module().training_step(batch, batch_idx);
        p.output = std::make_shared<const OutputDescription>(describe_output(out));
        last_output = p.output;
        p.loss_raw = raw_loss(*p.output);
        if (out.isGenericDict()) {
            for (const auto& [key, v] : p.output->entries)
                if (key != "loss" && v.value) p.scalar_extras.emplace_back(key, *v.value);
        }
        const Departures& departs = config.departures;
        const std::int64_t n = departs.undivided_loss ? 1 : trainer_.accumulate_grad_batches();
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
    notice_output(result, *last_output, batch_idx);
    return result;
}

void AutomaticOptimization::notice_output(const ClosureResult& result,
                                          const OutputDescription& output, std::int64_t batch_idx) {
    // Stepwise's own notices: things Lightning lets pass silently.
    const double loss_value =
        result.loss.defined() && result.loss.numel() == 1 ? scalar_value(result.loss) : 0.0;
    if (!std::isfinite(loss_value)) {
        observer_.notice({TextCode::notice_non_finite_loss,
                          {std::isnan(loss_value) ? "nan" : "inf",
                           std::to_string(observer_.pos.epoch), std::to_string(batch_idx)}});
    }
    for (const auto& [key, v] : output.entries) {
        if (key != "loss" && v.holds_graph() && graph_extras_noted_.insert(key).second) {
            observer_.notice({TextCode::notice_graph_in_extra,
                              {key, v.grad_fn.empty() ? std::string("requires_grad=True")
                                                      : "grad_fn=" + v.grad_fn}});
        }
    }
}

void AutomaticOptimization::zero_grad() {
    TrainingModule& module = trainer_.module();
    observer_.run(Stage::on_before_zero_grad, [&](StagePayload&) { module.on_before_zero_grad(); });
    observer_.run(Stage::optimizer_zero_grad, [&](StagePayload& p) {
        if (module.optimizer_zero_grad(observer_.pos.batch_idx)) return;
        const bool set_to_none = trainer_.config().zero_grad_set_to_none;
        stepwise::zero_grad(trainer_.optimizer(), set_to_none);
        p.zero_grad_mode = set_to_none ? "set_to_none" : "zero_fill";
    });
}

void AutomaticOptimization::backward(const torch::Tensor& loss, std::int64_t batch_idx) {
    TrainingModule& module = trainer_.module();
    const auto& params = module.parameters();
    const double value = loss.numel() == 1 ? scalar_value(loss) : std::nan("");
    observer_.run(Stage::on_before_backward, [&](StagePayload& p) {
        if (loss.numel() == 1) p.loss = value;
        module.on_before_backward(loss);
    });
    // The ledger: what this backward adds to .grad (grads after minus grads before).
    const torch::Tensor before = observe_.ledger ? flat_grads(params) : torch::Tensor();
    observer_.run(Stage::backward, [&](StagePayload&) {
        if (!module.backward(loss)) loss.backward();
    });
    std::optional<double> contribution;
    if (before.defined()) {
        torch::Tensor added = flat_grads(params);
        flat_subtract(added, before);
        contribution = std::sqrt(flat_dot(added, added));
        // LBFGS: the batch's last call counts.
        if (!contributions_.empty() && contributions_.back().first == batch_idx)
            contributions_.back().second = std::move(added);
        else
            contributions_.emplace_back(batch_idx, std::move(added));
    }
    observer_.run(Stage::on_after_backward, [&](StagePayload& p) {
        module.on_after_backward();
        p.grad_contribution = contribution;
        if (!observe_.norms) return;
        p.grad_norms = grad_norms(params);
        norms_after_backward_ = p.grad_norms;
    });
}

Closure AutomaticOptimization::make_closure(c10::IValue batch, std::int64_t batch_idx,
                                            OutputSlot last_output) {
    const RunConfig& config = trainer_.config();
    const std::int64_t n = trainer_.accumulate_grad_batches();
    Closure::Parts parts;
    parts.step_fn = [this, batch = std::move(batch), batch_idx, slot = std::move(last_output)] {
        norms_after_backward_.reset();  // a new closure call: backward has not run yet
        return training_step(batch, batch_idx, *slot);
    };
    if (config.departures.skip_zero_grad) {
        parts.no_zero_grad_reason = {TextCode::skip_zero_grad_departure, {}};
    } else if (batch_idx % n == 0) {  // C-3: first batch of its accumulation cycle
        parts.zero_grad_fn = [this] { zero_grad(); };
    } else {
        parts.no_zero_grad_reason = {
            TextCode::skip_zero_grad_not_first,
            {std::to_string(batch_idx), cycle_position(batch_idx, n), std::to_string(n)}};
    }
    parts.backward_fn = [this, batch_idx](const torch::Tensor& loss) { backward(loss, batch_idx); };
    return Closure(std::move(parts), &observer_);
}

AccumulationLedger AutomaticOptimization::make_ledger(const torch::Tensor& cycle,
                                                      const torch::Tensor& clipped) const {
    AccumulationLedger l;
    // G is .grad as the cycle left it: the sum of the batches' contributions when the cycle
    // began from zeroed grads, as automatic optimization's does.
    const double g_sq = flat_dot(cycle, cycle);
    l.sum_norm = std::sqrt(g_sq);
    for (const auto& [batch_idx, added] : contributions_) {
        LedgerBatch b;
        b.batch_idx = batch_idx;
        b.norm = std::sqrt(flat_dot(added, added));
        const double dot = flat_dot(added, cycle);
        b.cosine = b.norm > 0 && l.sum_norm > 0 ? dot / (b.norm * l.sum_norm) : 0.0;
        b.share = g_sq > 0 ? dot / g_sq : 0.0;
        l.batches.push_back(b);
    }
    l.norm_before_clip = l.sum_norm;
    l.norm_after_clip = std::sqrt(flat_dot(clipped, clipped));
    const ClipSettings& clip = trainer_.clip();
    if (clip.value > 0 && clip.algorithm == "norm")  // torch's clip_coef
        l.clip_coef = std::min(1.0, clip.value / (l.norm_before_clip + 1e-6));
    return l;
}

void AutomaticOptimization::after_closure() {
    TrainingModule& module = trainer_.module();
    observer_.run(Stage::on_before_optimizer_step,
                  [&](StagePayload&) { module.on_before_optimizer_step(); });
    observer_.run(Stage::configure_gradient_clipping, [&](StagePayload& p) {
        const ClipSettings& clip = trainer_.clip();
        const auto& params = module.parameters();
        p.clip_val = clip.value;
        p.clip_algorithm = clip.algorithm;
        const torch::Tensor cycle = observe_.ledger ? flat_grads(params) : torch::Tensor();
        const std::optional<bool> hosted = module.clip_gradients();
        const bool clipped = hosted ? *hosted : clip_gradients(trainer_.optimizer(), clip);
        if (cycle.defined()) ledger_ = make_ledger(cycle, clipped ? flat_grads(params) : cycle);
        if (!observe_.norms) return;
        p.grad_norms =
            !clipped && norms_after_backward_ ? *norms_after_backward_ : grad_norms(params);
    });
}

std::optional<double> AutomaticOptimization::update_norm(StagePayload& p) const {
    if (!copied_) return std::nullopt;
    const auto& params = trainer_.module().parameters();
    double update_sq = 0.0, weight_sq = 0.0;
    GradNorms ratios;
    for (std::size_t k = 0; k < params.size(); ++k) {
        const double d = fast_diff_norm(params[k].second, before_step_[k]);
        update_sq += d * d;
        if (!observe_.update_ratios) continue;
        const double w = fast_norm(before_step_[k]);
        weight_sq += w * w;
        ratios.per_parameter.emplace_back(params[k].first, ratio(d, w));
    }
    const double norm = std::sqrt(update_sq);
    p.update_norm = norm;
    if (observe_.update_ratios) {
        ratios.total = ratio(norm, std::sqrt(weight_sq));
        p.update_ratios = std::move(ratios);
    }
    return norm;
}

std::optional<double> AutomaticOptimization::optimizer_step(Closure& closure) {
    const auto& params = trainer_.module().parameters();
    // The parameters before the update, for its norm: copied before the step when norms are
    // observed, else only on a batch whose training_step returned None (its explanation quotes
    // the norm), inside the first closure call, which every torch optimizer makes before it
    // touches a parameter.
    copied_ = false;
    auto copy_parameters = [&] {
        if (before_step_.size() != params.size()) {
            before_step_.clear();
            for (const auto& kv : params) before_step_.push_back(torch::empty_like(kv.second));
        }
        torch::NoGradGuard no_grad;
        for (std::size_t k = 0; k < params.size(); ++k)
            fast_copy(before_step_[k], params[k].second);
        copied_ = true;
    };
    std::optional<double> norm;
    observer_.run(Stage::optimizer_step, [&](StagePayload& p) {
        DepthScope depth(observer_, 1);
        if (observe_.norms) copy_parameters();
        // The wrapper the precision plugin hands to optimizer.step (L-1): the closure, then the
        // after-closure hooks and clipping, on every evaluation.
        bool first_call = true;
        auto wrapped = [&]() -> torch::Tensor {
            torch::Tensor loss = closure();
            if (first_call && !copied_ && !loss.defined()) copy_parameters();
            first_call = false;
            after_closure();
            // Z-3: what the update will work with when training_step returned None (LBFGS fails
            // just below on such a batch, so this is the only closure call there is).
            // (A hosted module's optimizer keeps its state in Python, which step_facts cannot
            // read: no explanation rather than a wrong one.)
            if (!loss.defined() && !trainer_.module().hosts_lightning())
                none_step_facts_ = step_facts(trainer_.optimizer());
            else
                none_step_facts_.reset();
            if (trainer_.multi_eval_optimizer() && !loss.defined()) {
                // torch's LBFGS does float(closure()) (spec Z-5)
                throw LightningError(
                    "TypeError",
                    "float() argument must be a string or a real number, not 'NoneType' "
                    "(LBFGS needs a loss from every closure call, but training_step returned "
                    "None)");
            }
            return loss;
        };
        // The optimizer_step hook (Lightning's, or the user's override) hands the wrapper to
        // optimizer.step; without one, the engine does.
        torch::Tensor returned;
        if (!trainer_.module().optimizer_step(observer_.pos.batch_idx, wrapped, returned))
            returned = trainer_.optimizer().step(wrapped);
        norm = update_norm(p);
        if (ledger_) {
            p.ledger = std::move(*ledger_);
            ledger_.reset();
        }
        p.lr = learning_rate(trainer_.optimizer());
        p.closure_calls = closure.calls();
        if (returned.defined() && returned.numel() == 1) p.step_return = scalar_value(returned);
    });
    return norm;
}

BatchResult AutomaticOptimization::run(const c10::IValue& batch, std::int64_t batch_idx,
                                       bool is_last) {
    const RunConfig& config = trainer_.config();
    const std::int64_t n = trainer_.accumulate_grad_batches();
    BatchResult out;
    // The ledger keeps this cycle's batches before this one (a rewind may have left later ones).
    const std::int64_t cycle_start = batch_idx - batch_idx % n;
    contributions_.erase(std::remove_if(contributions_.begin(), contributions_.end(),
                                        [&](const auto& c) {
                                            return c.first < cycle_start || c.first >= batch_idx;
                                        }),
                         contributions_.end());
    const auto last_output = std::make_shared<std::shared_ptr<const OutputDescription>>();
    Closure closure = make_closure(batch, batch_idx, last_output);
    // accumulate unless this batch ends its cycle or is the epoch's last.
    // Not what Lightning does: the step_every_batch departure steps anyway.
    const bool should_accumulate =
        (batch_idx + 1) % n != 0 && !is_last && !config.departures.step_every_batch;
    if (should_accumulate) {
        observer_.skip(Stage::optimizer_step, {TextCode::skip_step_accumulating,
                                               {cycle_position(batch_idx, n), std::to_string(n)}});
        closure();
        observer_.skip(Stage::on_before_optimizer_step,
                       {TextCode::skip_before_step_accumulating, {}});
        observer_.skip(Stage::configure_gradient_clipping,
                       {TextCode::skip_clipping_accumulating, {}});
    } else {
        none_step_facts_.reset();
        out.update_norm = optimizer_step(closure);
        if (none_step_facts_ && out.update_norm) {
            out.explanation = explain_none_step(*none_step_facts_, *out.update_norm);
            none_step_facts_.reset();
        }
        ++global_step_;  // counted when the optimizer_step hook returns
        observer_.pos.global_step = global_step_;
    }
    observer_.pos.call = 0;
    out.stepped = !should_accumulate;
    out.closure_calls = closure.calls();
    out.result = closure.consume_result();  // C-6
    out.output = *last_output;
    return out;
}

AutomaticOptimization::State AutomaticOptimization::state() const {
    State s;
    s.global_step = global_step_;
    s.graph_extras_noted = graph_extras_noted_;
    for (const auto& [batch_idx, added] : contributions_)
        s.contributions.emplace_back(batch_idx, copy_of(added));
    return s;
}

void AutomaticOptimization::restore(const State& s) {
    global_step_ = s.global_step;
    graph_extras_noted_ = s.graph_extras_noted;
    contributions_.clear();
    for (const auto& [batch_idx, added] : s.contributions)
        contributions_.emplace_back(batch_idx, copy_of(added));
    norms_after_backward_.reset();
    none_step_facts_.reset();
    ledger_.reset();
}

}  // namespace stepwise
