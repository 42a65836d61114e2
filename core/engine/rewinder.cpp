#include "rewinder.h"

#include <algorithm>
#include <chrono>
#include <sstream>
#include <variant>

namespace stepwise {

namespace {
std::int64_t now_ns() {
    return std::chrono::steady_clock::now().time_since_epoch().count();
}
std::string megabytes(double bytes) {
    std::ostringstream s;
    s.precision(3);
    s << bytes / (1024.0 * 1024.0);
    return s.str();
}
}  // namespace

bool Rewinder::snapshot_due(bool stepping) {
    // Stepping, every batch gets its snapshot (the time is the person's); at full speed and while
    // recomputing, as often as keeps their cost near 2% of the time, but never so rarely that
    // going back one batch would recompute more than kMaxRecomputeNs of training.
    if (store_.size() == 0 || (stepping && phase_ == Phase::none)) return true;
    constexpr double kMaxRecomputeNs = 150e6;
    const double every =
        batch_ns_ > 0 ? std::min(snapshot_ns_ / (0.02 * batch_ns_), kMaxRecomputeNs / batch_ns_)
                      : 1.0;
    return double(since_snapshot_ + 1) >= every;
}

void Rewinder::at_batch_start(FitLoop& fit, const ConditionSet& conditions, std::int64_t epoch,
                              std::int64_t batch_idx, std::int64_t batch, bool stepping) {
    ordinal_ = 0;
    if (phase_ == Phase::silent && batch >= target_.batch) phase_ = Phase::publishing;
    // A budget of 0 measured one snapshot, for the refusal's message, and keeps none.
    if (store_.budget() == 0 && store_.last_offered_bytes() > 0) return;
    const std::int64_t now = now_ns();
    if (last_batch_start_ns_) {
        const double took = double(now - last_batch_start_ns_);
        batch_ns_ = batch_ns_ == 0 ? took : 0.9 * batch_ns_ + 0.1 * took;
    }
    last_batch_start_ns_ = now;
    if (!snapshot_due(stepping) || store_.has(batch)) {
        ++since_snapshot_;
        return;
    }
    const std::int64_t start = now_ns();
    {
        const GeneratorLease::Scope held(fit.observer().lease());  // the state includes it
        store_.add(TrainingState::capture(fit, conditions, epoch, batch_idx, batch));
    }
    const double took = double(now_ns() - start);
    snapshot_ns_ = snapshot_ns_ == 0 ? took : 0.8 * snapshot_ns_ + 0.2 * took;
    since_snapshot_ = 0;
}

bool Rewinder::at_boundary(const Position& pos) {
    const TimelineMark here{pos.epoch * batches_per_epoch_ + pos.batch_idx, ordinal_++};
    timeline_.count(here.batch, here.ordinal);
    if (phase_ == Phase::silent) return true;
    timeline_.here(here);
    if (phase_ == Phase::publishing) {
        if (here < target_) return true;
        phase_ = Phase::none;
        reached_ = true;
    }
    return false;
}

std::optional<Text> Rewinder::aim(const Command& command) {
    const TimelineMark from = phase_ == Phase::none ? timeline_.here() : target_;
    auto resolved = timeline_.resolve(command, from);
    if (const Text* why = std::get_if<Text>(&resolved)) return *why;
    const TimelineMark target = std::get<TimelineMark>(resolved);
    if (!store_.at_or_before(target.batch))
        return Text{
            TextCode::rewind_over_budget,
            {megabytes(double(store_.budget())), megabytes(double(store_.last_offered_bytes()))}};
    target_ = target;
    return std::nullopt;
}

bool Rewinder::intercept(Event& event, ConditionSet& conditions) {
    if (phase_ == Phase::none || event.type == EventType::error || event.type == EventType::run_end)
        return false;
    if (phase_ == Phase::publishing)
        held_back_.push_back(std::move(event));
    else if (!conditions.empty() && event.type == EventType::stage_exit)
        (void)conditions.on_event(event);  // the same measurements as the first time
    return true;
}

Text Rewinder::rewound_text(const Position& at) {
    if (!forked_.empty()) return std::exchange(forked_, Text{});
    return {TextCode::rewound,
            {std::to_string(at.epoch), std::to_string(at.batch_idx), stage_name(at.stage)}};
}

}  // namespace stepwise
