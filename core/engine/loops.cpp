#include "loops.h"

#include <torch/torch.h>

#include <cmath>

#include "tensor_utils.h"

namespace stepwise {

FitLoop::FitLoop(Trainer& trainer, Observer& observer, const Observations& observe, LoopHooks hooks)
    : trainer_(trainer),
      observer_(observer),
      observe_(observe),
      hooks_(std::move(hooks)),
      automatic_(trainer, observer, observe),
      max_epochs_(resolved_max_epochs(trainer.config().trainer)),
      num_training_batches_(
          limited_batches(trainer.data().size(), trainer.config().trainer.limit_train_batches)) {}

bool FitLoop::max_steps_reached() const {
    const auto max_steps = trainer_.config().trainer.max_steps;
    return max_steps != -1 && automatic_.global_step() >= max_steps;
}

void FitLoop::run() {
    // _parse_loop_limits at the start of fit (spec T-1).
    // (Lightning's own code warns by itself in a module that hosts it.)
    const TrainerSpec& limits = trainer_.config().trainer;
    if (!limits.max_epochs && limits.max_steps == -1 && !trainer_.module().hosts_lightning())
        observer_.warning(kMaxEpochsNotSetWarning, "PossibleUserWarning");
    run_epochs(0, 0, false);
}

void FitLoop::run_epochs(std::int64_t first_epoch, std::int64_t first_batch, bool resumed) {
    TrainingModule& module = trainer_.module();
    for (std::int64_t epoch = first_epoch;; ++epoch) {
        // Lightning's own end condition first, in a module that runs Lightning's code: it says
        // why the fit stops ("`Trainer.fit` stopped: `max_epochs=3` reached.").
        if (module.fit_done()) break;
        if (max_epochs_ != -1 && epoch >= max_epochs_) break;
        if (max_steps_reached()) break;
        if (num_training_batches_ == 0) break;  // nothing to train on (limit_train_batches=0)
        if (!resumed || epoch != first_epoch) module.on_epoch_start(epoch);
        if (const auto n = module.accumulate_grad_batches())
            trainer_.set_accumulate_grad_batches(*n);
        run_epoch(epoch, epoch == first_epoch ? first_batch : 0);
        module.on_epoch_end(epoch);
    }
}

void FitLoop::run_epoch(std::int64_t epoch, std::int64_t first_batch) {
    const std::int64_t batches = num_training_batches_;
    for (std::int64_t i = first_batch; i < batches; ++i) {
        // max_steps is checked before each batch; it can only be reached right after a step,
        // so whatever the unfinished cycle accumulated is never applied.
        if (max_steps_reached() || trainer_.module().epoch_done()) return;
        if (!run_batch(epoch, i, i + 1 == batches)) return;
    }
}

Event FitLoop::batch_end(BatchResult& r, std::int64_t batch_idx, double lr) const {
    // O-1 / N-6: outputs = {} for None, else {"loss": detached normalised loss, **extras}
    const std::int64_t n = trainer_.accumulate_grad_batches();
    Event end;
    end.type = EventType::batch_end;
    end.stepped = r.stepped;
    end.closure_calls = r.closure_calls;
    end.output = std::move(r.output);
    if (r.result.loss.defined() && r.result.loss.numel() == 1)
        end.loss = scalar_value(r.result.loss);
    if (end.loss && end.output) end.loss_raw = raw_loss(*end.output);
    end.update_norm = r.update_norm;
    for (const auto& [key, value] : r.result.extra)
        end.extras.emplace_back(key, describe_value(value));
    end.accumulate_grad_batches = static_cast<int>(n);
    end.cycle_position = static_cast<int>(batch_idx % n) + 1;
    end.lr = lr;
    end.explanation = std::move(r.explanation);
    return end;
}

bool FitLoop::run_batch(std::int64_t epoch, std::int64_t batch_idx, bool is_last) {
    Observer& obs = observer_;
    obs.pos.epoch = epoch;
    obs.pos.batch_idx = batch_idx;
    obs.pos.call = 0;
    obs.pos.depth = 0;
    if (hooks_.batch_start)
        hooks_.batch_start(epoch, batch_idx, epoch * num_training_batches_ + batch_idx);
    const auto batch = [&] {
        // A new epoch's iterator draws from the generator: only then is it taken.
        DataSource& data = trainer_.data();
        const GeneratorLease::Scope held(data.draws_for(epoch) ? obs.lease() : nullptr);
        return data.fetch(epoch, batch_idx);
    }();

    TrainingModule& module = trainer_.module();
    bool go_on = true;
    obs.run(Stage::on_train_batch_start,
            [&](StagePayload&) { go_on = module.on_train_batch_start(batch, batch_idx); });
    if (!go_on) {
        // on_train_batch_start returned -1: Lightning ends the epoch before this batch trains.
        obs.notice({TextCode::notice_epoch_ended_by_hook,
                    {std::to_string(epoch), std::to_string(batch_idx)}});
        return false;
    }
    const double lr = learning_rate(trainer_.optimizer());
    BatchResult r = automatic_.run(batch, batch_idx, is_last);
    update_lr_schedulers(epoch, batch_idx, is_last, r.stepped);
    Event end = batch_end(r, batch_idx, lr);
    end.grad_norm = automatic_.grad_norm_after_backward();

    obs.run(Stage::on_train_batch_end, [&](StagePayload& p) {
        if (end.loss) p.loss = end.loss;
        module.on_train_batch_end(r.result.loss, r.result.extra, batch, batch_idx);
    });
    end.position() = obs.pos;
    const auto& parameters = trainer_.module().parameters();
    if (observe_.checksum_parameters) end.param_checksum = parameter_checksum(parameters);
    if (observe_.parameters_each_batch)
        end.parameters = std::make_shared<const ParameterSnapshot>(snapshot(parameters));
    if (hooks_.batch_end) {
        const DataSource& data = trainer_.data();
        hooks_.batch_end(
            end, epoch * data.samples_in(num_training_batches_) + data.samples_in(batch_idx + 1));
    }
    obs.emit(std::move(end));
    return true;
}

void FitLoop::update_lr_schedulers(std::int64_t epoch, std::int64_t batch_idx, bool is_last,
                                   bool stepped) {
    LRScheduler* scheduler = trainer_.scheduler();
    TrainingModule& module = trainer_.module();
    module.batch_processed();
    std::optional<TrainingModule::SchedulerTiming> spec;
    if (scheduler)
        spec = TrainingModule::SchedulerTiming{scheduler->spec().interval,
                                               scheduler->spec().frequency};
    else
        spec = module.scheduler_timing();
    if (!spec) return;
    const std::string k = std::to_string(spec->frequency);
    Text why;
    if (spec->interval == "step") {
        // LR-1: _should_accumulate() returns early; then (batch_idx + 1) % frequency.
        if (!stepped)
            why = {TextCode::skip_scheduler_accumulating, {}};
        else if ((batch_idx + 1) % spec->frequency != 0)
            why = {TextCode::skip_scheduler_step_frequency, {std::to_string(batch_idx), k}};
    } else {
        // LR-2: only when _num_ready_batches_reached(), then (current_epoch + 1) % frequency.
        if (!is_last)
            why = {TextCode::skip_scheduler_not_epoch_end, {}};
        else if ((epoch + 1) % spec->frequency != 0)
            why = {TextCode::skip_scheduler_epoch_frequency, {std::to_string(epoch), k}};
    }
    if (!why.empty()) {
        observer_.skip(Stage::lr_scheduler_step, std::move(why));
        return;
    }
    // LR-4: LightningModule.lr_scheduler_step(scheduler, metric) -> scheduler.step()
    observer_.run(Stage::lr_scheduler_step, [&](StagePayload& p) {
        if (!scheduler) {
            // Lightning's own update_lr_schedulers, with every scheduler config it has.
            p.lr_before = learning_rate(trainer_.optimizer());
            module.step_lr_schedulers();
            p.lr = learning_rate(trainer_.optimizer());
            return;
        }
        p.lr_before = scheduler->lr();
        scheduler->step();
        p.lr = scheduler->lr();
    });
}

}  // namespace stepwise
