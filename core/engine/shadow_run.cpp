#include "stepwise/shadow_run.h"

#include <algorithm>

namespace stepwise {

namespace {
RunConfig headless(RunConfig config) {
    config.breakpoints.clear();  // it never holds
    return config;
}
}  // namespace

ShadowRun::ShadowRun(RunConfig config) {
    SessionOptions o;
    o.buffer_events = false;
    o.observe_norms = false;  // observations do not change the parameters; they cost time
    o.stage_events = false;   // it reads batch ends only
    o.rewindable = false;     // and never goes back: no snapshots
    o.checksum_parameters = true;
    o.private_warnings = true;
    o.yield_to_other_runs = true;  // it takes none of the watched run's time
    o.on_break = SessionOptions::OnBreak::report;
    o.listener = [this](const Event& e) { on_event(e); };
    session_ = std::make_unique<TrainingSession>(headless(std::move(config)), std::move(o));
    session_->start();
}

ShadowRun::~ShadowRun() {
    session_.reset();
}  // stops and joins while the members still live

void ShadowRun::on_event(const Event& e) {
    const std::lock_guard<std::mutex> lock(mutex_);
    switch (e.type) {
        case EventType::run_start:
            batches_per_epoch_ = std::max<std::int64_t>(1, e.total_batches_per_epoch);
            break;
        case EventType::batch_end: {
            if (!e.param_checksum) break;
            // Never held, never sent back: its batches end in order, one after the other.
            if (std::size_t(e.epoch * batches_per_epoch_ + e.batch_idx) == checksums_.size())
                checksums_.push_back(*e.param_checksum);
            break;
        }
        case EventType::error:
            if (e.phase != ErrorPhase::listener) failure_ = e.exception_type + ": " + e.message;
            break;
        case EventType::run_end: ended_ = true; break;
        default: break;
    }
}

std::optional<std::uint64_t> ShadowRun::checksum(std::int64_t batch) const {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (batch < 0 || std::size_t(batch) >= checksums_.size()) return std::nullopt;
    return checksums_[std::size_t(batch)];
}

std::int64_t ShadowRun::batches() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return std::int64_t(checksums_.size());
}

bool ShadowRun::ended() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return ended_;
}

std::string ShadowRun::failure() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return failure_;
}

std::unique_ptr<ParityReference> make_shadow_run(const RunConfig& config) {
    return std::make_unique<ShadowRun>(config);
}

}  // namespace stepwise
