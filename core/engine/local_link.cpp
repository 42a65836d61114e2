#include "stepwise/local_link.h"

#include "stepwise/session.h"

namespace stepwise {

LocalLink::LocalLink(RunConfig config, SessionOptions options)
    : session_(std::make_unique<TrainingSession>(std::move(config), std::move(options))) {}

LocalLink::~LocalLink() = default;  // the session stops (also inside an LBFGS step) and joins

void LocalLink::set_wake(std::function<void()> wake) { session_->events().set_wake(std::move(wake)); }

void LocalLink::start() { session_->start(); }

void LocalLink::send(const Command& c) { session_->send(c); }

void LocalLink::drain_into(std::vector<Event>& frame) { session_->events().drain_into(frame); }

std::uint64_t LocalLink::run_id() const { return session_->run_id(); }

std::unique_ptr<SessionLink> make_local_link(const RunConfig& config) {
    SessionOptions options;
    options.start_paused = true;
    options.coalesce_stages = true;  // frames show the newest stage of each kind, every batch_end
    options.checksum_parameters = true;  // for the parity meter
    return std::make_unique<LocalLink>(config, std::move(options));
}

}  // namespace stepwise
