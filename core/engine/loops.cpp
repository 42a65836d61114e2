#include "loops.h"

#include <torch/torch.h>

#include <cmath>

namespace stepwise {

std::int64_t FitLoop::num_training_batches() const {
    const std::int64_t len = ctx_.data.size();
    const auto& limit = ctx_.config.trainer.limit_train_batches;
    if (!limit) return len;
    if (std::holds_alternative<std::int64_t>(*limit)) return std::min(len, std::get<std::int64_t>(*limit));
    return static_cast<std::int64_t>(static_cast<double>(len) * std::get<double>(*limit));
}

bool FitLoop::max_steps_reached() const {
    const auto max_steps = ctx_.config.trainer.max_steps;
    return max_steps != -1 && ctx_.global_step >= max_steps;
}

void FitLoop::run() {
    const auto max_epochs = ctx_.config.trainer.max_epochs;
    for (std::int64_t epoch = 0; max_epochs == -1 || epoch < max_epochs; ++epoch) {
        if (max_steps_reached()) break;
        if (num_training_batches() == 0) break;  // nothing to train on (limit_train_batches=0)
        run_epoch(epoch);
    }
}

void FitLoop::run_epoch(std::int64_t epoch) {
    const std::int64_t batches = num_training_batches();
    for (std::int64_t i = 0; i < batches; ++i) {
        // max_steps is checked before each batch; it can only be reached right after a step,
        // so whatever the unfinished window accumulated is never applied.
        if (max_steps_reached()) return;
        run_batch(epoch, i, i + 1 == batches);
    }
}

void FitLoop::run_batch(std::int64_t epoch, std::int64_t batch_idx, bool is_last) {
    Observer& obs = ctx_.observer;
    obs.pos.epoch = epoch;
    obs.pos.batch_idx = batch_idx;
    obs.pos.call = 0;
    obs.pos.depth = 0;
    const auto batch = ctx_.data.batch(epoch, batch_idx);

    obs.run(Stage::on_train_batch_start, [](StagePayload&) {});
    AutomaticOptimization automatic(ctx_);
    BatchResult r = automatic.run(batch.first, batch.second, batch_idx, is_last);

    // O-1 / N-6: outputs = {} for None, else {"loss": detached normalised loss, **extras}
    Event end;
    end.type = EventType::batch_end;
    end.stepped = r.stepped;
    end.closure_calls = r.closure_calls;
    end.output = std::move(r.output);
    if (r.result.loss.defined() && r.result.loss.numel() == 1) end.loss = scalar_value(r.result.loss);
    if (end.loss && end.output) end.loss_raw = raw_loss(*end.output);
    end.update_norm = r.update_norm;
    for (const auto& [key, value] : r.result.extra) end.extras.emplace_back(key, describe_value(value));
    end.accumulate_grad_batches = static_cast<int>(ctx_.config.trainer.accumulate_grad_batches);
    end.window_position = static_cast<int>(batch_idx % ctx_.config.trainer.accumulate_grad_batches) + 1;

    obs.run(Stage::on_train_batch_end, [&](StagePayload& p) {
        if (end.loss) p.loss = end.loss;
    });
    end.epoch = epoch;
    end.batch_idx = batch_idx;
    end.global_step = ctx_.global_step;
    if (ctx_.parameters_each_batch)
        end.parameters = std::make_shared<const ParameterSnapshot>(snapshot(ctx_.module.parameters()));
    obs.emit(std::move(end));
}

}  // namespace stepwise
