#include "loops.h"

#include <torch/torch.h>

#include <cmath>

namespace stepwise {

FitLoop::FitLoop(LoopContext& ctx)
    : ctx_(ctx),
      max_epochs_(resolved_max_epochs(ctx.config.trainer)),
      num_training_batches_(
          limited_batches(ctx.data.size(), ctx.config.trainer.limit_train_batches)) {}

bool FitLoop::max_steps_reached() const {
    const auto max_steps = ctx_.config.trainer.max_steps;
    return max_steps != -1 && ctx_.global_step >= max_steps;
}

void FitLoop::run() {
    // _parse_loop_limits at the start of fit (spec T-1).
    if (!ctx_.config.trainer.max_epochs && ctx_.config.trainer.max_steps == -1)
        ctx_.observer.warning(kMaxEpochsNotSetWarning, "PossibleUserWarning");
    run_from(0, 0);
}

void FitLoop::run_from(std::int64_t first_epoch, std::int64_t first_batch) {
    const auto max_epochs = max_epochs_;
    for (std::int64_t epoch = first_epoch; max_epochs == -1 || epoch < max_epochs; ++epoch) {
        if (max_steps_reached()) break;
        if (num_training_batches_ == 0) break;  // nothing to train on (limit_train_batches=0)
        run_epoch(epoch, epoch == first_epoch ? first_batch : 0);
    }
}

void FitLoop::run_epoch(std::int64_t epoch, std::int64_t first_batch) {
    const std::int64_t batches = num_training_batches_;
    for (std::int64_t i = first_batch; i < batches; ++i) {
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
    if (ctx_.at_batch_start)
        ctx_.at_batch_start(epoch, batch_idx, epoch * num_training_batches_ + batch_idx);
    const auto batch = [&] {
        const GeneratorLease::Scope held(obs.lease());  // a new epoch's order draws from it
        return ctx_.data.batch(epoch, batch_idx);
    }();

    obs.run(Stage::on_train_batch_start, [](StagePayload&) {});
    const double lr = learning_rate(ctx_.optimizer);
    AutomaticOptimization automatic(ctx_);
    BatchResult r = automatic.run(batch.first, batch.second, batch_idx, is_last);
    update_lr_schedulers(epoch, batch_idx, is_last, r.stepped);

    // O-1 / N-6: outputs = {} for None, else {"loss": detached normalised loss, **extras}
    Event end;
    end.type = EventType::batch_end;
    end.stepped = r.stepped;
    end.closure_calls = r.closure_calls;
    end.output = std::move(r.output);
    if (r.result.loss.defined() && r.result.loss.numel() == 1)
        end.loss = scalar_value(r.result.loss);
    if (end.loss && end.output) end.loss_raw = raw_loss(*end.output);
    end.update_norm = r.update_norm;
    if (ctx_.norms_after_backward) end.grad_norm = ctx_.norms_after_backward->total;
    for (const auto& [key, value] : r.result.extra)
        end.extras.emplace_back(key, describe_value(value));
    end.accumulate_grad_batches = static_cast<int>(ctx_.config.trainer.accumulate_grad_batches);
    end.cycle_position =
        static_cast<int>(batch_idx % ctx_.config.trainer.accumulate_grad_batches) + 1;
    end.lr = lr;
    end.explanation = std::move(r.explanation);

    obs.run(Stage::on_train_batch_end, [&](StagePayload& p) {
        if (end.loss) p.loss = end.loss;
    });
    end.epoch = epoch;
    end.batch_idx = batch_idx;
    end.global_step = ctx_.global_step;
    if (ctx_.checksum_parameters) end.param_checksum = parameter_checksum(ctx_.module.parameters());
    if (ctx_.parameters_each_batch)
        end.parameters =
            std::make_shared<const ParameterSnapshot>(snapshot(ctx_.module.parameters()));
    if (ctx_.at_batch_end)
        ctx_.at_batch_end(end, epoch * ctx_.data.samples_in(num_training_batches_) +
                                   ctx_.data.samples_in(batch_idx + 1));
    obs.emit(std::move(end));
}

void FitLoop::update_lr_schedulers(std::int64_t epoch, std::int64_t batch_idx, bool is_last,
                                   bool stepped) {
    LRScheduler* scheduler = ctx_.scheduler;
    if (!scheduler) return;
    const LRSchedulerSpec& spec = scheduler->spec();
    const std::string k = std::to_string(spec.frequency);
    Text why;
    if (spec.interval == "step") {
        // LR-1: _should_accumulate() returns early; then (batch_idx + 1) % frequency.
        if (!stepped)
            why = {TextCode::skip_scheduler_accumulating, {}};
        else if ((batch_idx + 1) % spec.frequency != 0)
            why = {TextCode::skip_scheduler_step_frequency, {std::to_string(batch_idx), k}};
    } else {
        // LR-2: only when _num_ready_batches_reached(), then (current_epoch + 1) % frequency.
        if (!is_last)
            why = {TextCode::skip_scheduler_not_epoch_end, {}};
        else if ((epoch + 1) % spec.frequency != 0)
            why = {TextCode::skip_scheduler_epoch_frequency, {std::to_string(epoch), k}};
    }
    if (!why.empty()) {
        ctx_.observer.skip(Stage::lr_scheduler_step, std::move(why));
        return;
    }
    // LR-4: LightningModule.lr_scheduler_step(scheduler, metric) -> scheduler.step()
    ctx_.observer.run(Stage::lr_scheduler_step, [&](StagePayload& p) {
        p.lr_before = scheduler->lr();
        scheduler->step();
        p.lr = scheduler->lr();
    });
}

}  // namespace stepwise
