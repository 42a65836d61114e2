#include "closure.h"

#include <torch/torch.h>

#include "errors.h"
#include "observer.h"
#include "stepwise/session.h"
#include "stepwise/warning_cache.h"

namespace stepwise {

namespace {
/// N as a 0-dim tensor of the loss's floating dtype and device, made once per thread and kept:
/// `L / N` then divides tensor by tensor without promoting and casting the number on every batch
/// (and again in backward). The same arithmetic as Lightning's `L / N` (N is exact in every
/// floating dtype it can take), so the same bits.
torch::Tensor divisor(const torch::Tensor& loss, std::int64_t n) {
    thread_local torch::Tensor cached;
    thread_local std::int64_t cached_n = 0;
    if (!cached.defined() || cached_n != n || cached.scalar_type() != loss.scalar_type() ||
        cached.device() != loss.device()) {
        const torch::NoGradGuard no_grad;
        cached = torch::full({}, static_cast<double>(n), loss.options().requires_grad(false));
        cached_n = n;
    }
    return cached;
}
}  // namespace

ClosureResult ClosureResult::from_training_step_output(const c10::IValue& output,
                                                       std::int64_t normalize) {
    ClosureResult result;
    c10::IValue loss_value;
    if (output.isGenericDict()) {
        bool found = false;
        for (const auto& item : output.toGenericDict()) {
            const bool is_loss = item.key().isString() && item.key().toStringRef() == "loss";
            if (is_loss) {
                found = !item.value().isNone();
                loss_value = item.value();
            } else {
                std::string key = item.key().isString() ? item.key().toStringRef()
                                                        : c10::IValue(item.key()).tagKind();
                result.extra.emplace_back(std::move(key), item.value());
            }
        }
        if (!found) throw LightningError("MisconfigurationException", messages::kDictWithoutLoss);
    } else if (output.isTensor()) {
        loss_value = output;
    } else if (!output.isNone()) {
        throw LightningError("MisconfigurationException", messages::kInvalidReturn);
    }
    if (loss_value.isNone()) return result;
    if (!loss_value.isTensor()) {
        // Lightning divides the number by N and then fails on `.detach()` of a Python number.
        throw LightningError("TypeError",
                             "the \"loss\" entry of the dict returned by `training_step` "
                             "must be a Tensor, got " +
                                 std::string(loss_value.tagKind()) +
                                 " (Lightning fails here with AttributeError: '" +
                                 (loss_value.isInt()      ? "int"
                                  : loss_value.isDouble() ? "float"
                                                          : loss_value.tagKind()) +
                                 "' object has no attribute 'detach')");
    }
    // N-1: always a new tensor, even for N == 1; the graph stays attached.
    const torch::Tensor& user_loss = loss_value.toTensor();
    result.closure_loss = at::isFloatingType(user_loss.scalar_type()) && normalize < (1 << 24)
                              ? user_loss / divisor(user_loss, normalize)
                              : user_loss / normalize;
    result.loss = result.closure_loss.detach().clone();
    return result;
}

Closure::Closure(Parts parts, Observer* observer) : parts_(std::move(parts)), observer_(observer) {}

void Closure::skip(int stage, const Text& reason) {
    if (observer_) observer_->skip(static_cast<Stage>(stage), reason);
}

torch::Tensor Closure::operator()() {
    at::AutoGradMode enable_grad(true);  // V-3 / L-8: closures run with grad on
    ++calls_;
    if (observer_) observer_->pos.call = calls_;

    ClosureResult step_output = parts_.step_fn();

    if (!step_output.loss.defined() && warning_cache::warn_once(messages::kNoneReturned)) {
        if (observer_) observer_->warning(messages::kNoneReturned);
    }

    if (parts_.zero_grad_fn) {
        parts_.zero_grad_fn();
    } else {
        skip(static_cast<int>(Stage::on_before_zero_grad), parts_.no_zero_grad_reason);
        skip(static_cast<int>(Stage::optimizer_zero_grad), parts_.no_zero_grad_reason);
    }

    if (parts_.backward_fn && step_output.closure_loss.defined()) {
        parts_.backward_fn(step_output.closure_loss);
    } else {
        const Text why{step_output.closure_loss.defined() ? TextCode::skip_backward_lightning
                                                          : TextCode::skip_backward_none_returned,
                       {}};
        skip(static_cast<int>(Stage::on_before_backward), why);
        skip(static_cast<int>(Stage::backward), why);
        skip(static_cast<int>(Stage::on_after_backward), why);
    }

    torch::Tensor loss = step_output.loss;
    result_ = std::move(step_output);
    return loss;
}

ClosureResult Closure::consume_result() {
    if (!result_) throw LightningError("MisconfigurationException", messages::kClosureNotExecuted);
    ClosureResult out = std::move(*result_);
    result_.reset();
    return out;
}

}  // namespace stepwise
