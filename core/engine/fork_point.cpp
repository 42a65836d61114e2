#include "fork_point.h"

#include <stdexcept>
#include <string>

namespace stepwise {

namespace {

/// A fork's first leg: run A's training, under run A's config, from its snapshot up to the start
/// of the batch run A holds in, unseen (no events, no holds; a stop still ends it). Returns the
/// training state there.
std::shared_ptr<const TrainingState> catch_up(const ForkPoint& fork, StepGate& gate,
                                              GeneratorLease& generator) {
    Observer quiet([](Event&&) {}, gate, nullptr);
    quiet.set_lease(&generator);
    quiet.set_stage_events(false);
    quiet.on_boundary([](Stage) { return true; });
    ErrorPhase phase = ErrorPhase::config;
    Trainer a(*fork.config, phase);
    const Observations nothing_measured{false};
    FitLoop fit(a, quiet, nothing_measured);
    ConditionSet none;
    {
        const GeneratorLease::Scope held(&generator);
        fork.state->restore(fit, none);
    }
    struct Reached {};
    std::shared_ptr<const TrainingState> reached;
    fit.hooks().batch_start = [&](std::int64_t epoch, std::int64_t batch_idx, std::int64_t batch) {
        if (batch < fork.at.batch) return;
        const GeneratorLease::Scope held(&generator);
        reached = std::make_shared<const TrainingState>(
            TrainingState::capture(fit, none, epoch, batch_idx, batch));
        throw Reached{};
    };
    try {
        fit.run_from(fork.state->epoch(), fork.state->batch_idx());
    } catch (const Reached&) {
    }
    if (!reached) throw std::logic_error("a fork's run A ended before the batch it holds in");
    return reached;
}

}  // namespace

std::shared_ptr<const ForkPoint> make_fork_point(const Rewinder& rewinder, const Position& where,
                                                 std::shared_ptr<const RunConfig> config) {
    const TimelineMark at = rewinder.here();
    auto state = rewinder.snapshot_at_or_before(at.batch);
    if (!state) return nullptr;
    auto point = std::make_shared<ForkPoint>();
    point->state = std::move(state);
    point->at = at;
    point->where = where;
    point->config = std::move(config);
    return point;
}

std::pair<std::int64_t, std::int64_t> start_fork(const ForkPoint& fork, const RunConfig& config,
                                                 FitLoop& fit, ConditionSet& conditions,
                                                 Rewinder& rewinder, StepGate& gate,
                                                 GeneratorLease& generator) {
    std::shared_ptr<const TrainingState> from = fork.state;
    if (from->batch() < fork.at.batch) from = catch_up(fork, gate, generator);
    {
        const GeneratorLease::Scope held(&generator);  // the state includes it
        from->restore_as(fit, conditions, fork.config->optimizer, config.optimizer);
    }
    std::string changes;
    for (const std::string& change : config_changes(*fork.config, config))
        changes += (changes.empty() ? "" : ", ") + change;
    const Position& w = fork.where;
    rewinder.recompute_fork(fork.at, {TextCode::forked,
                                      {std::to_string(w.epoch), std::to_string(w.batch_idx),
                                       stage_name(w.stage), changes}});
    return {from->epoch(), from->batch_idx()};
}

}  // namespace stepwise
