#include "stepwise/local_link.h"

#include "lockstep.h"
#include "stepwise/session.h"

namespace stepwise {

LocalLink::LocalLink(RunConfig config, SessionOptions options)
    : session_(std::make_unique<TrainingSession>(std::move(config), std::move(options))) {}

LocalLink::~LocalLink() = default;  // the session stops (also inside an LBFGS step) and joins

void LocalLink::set_wake(std::function<void()> wake) {
    session_->events().set_wake(std::move(wake));
}

void LocalLink::start() {
    session_->start();
}

void LocalLink::send(const Command& c) {
    session_->send(c);
}

void LocalLink::drain_into(std::vector<Event>& frame) {
    session_->events().drain_into(frame);
}

std::uint64_t LocalLink::run_id() const {
    return session_->run_id();
}

SessionOptions window_options() {
    SessionOptions options;
    options.start_paused = true;
    options.coalesce_stages = true;  // frames show the newest stage of each kind, every batch_end
    options.checksum_parameters = true;  // for the parity meter
    return options;
}

std::unique_ptr<SessionLink> make_local_link(const RunConfig& config) {
    return std::make_unique<LocalLink>(config, window_options());
}

std::pair<std::unique_ptr<SessionLink>, std::unique_ptr<SessionLink>> make_local_link_pair(
    const RunConfig& a, const RunConfig& b) {
    auto lockstep = std::make_shared<Lockstep>();
    SessionOptions options = window_options();
    options.lockstep = lockstep;
    options.lockstep_side = 0;
    auto first = std::make_unique<LocalLink>(a, options);
    options.lockstep_side = 1;
    options.checksum_parameters = false;  // run B has no parity meter
    return {std::move(first), std::make_unique<LocalLink>(b, std::move(options))};
}

std::unique_ptr<SessionLink> make_local_fork_link(SessionLink& a, const RunConfig& b) {
    auto* local = dynamic_cast<LocalLink*>(&a);
    if (!local) return nullptr;
    std::shared_ptr<const ForkPoint> from = local->session().fork_point();
    if (!from) return nullptr;
    auto lockstep = std::make_shared<Lockstep>();
    local->session().join_lockstep(lockstep, 0);
    SessionOptions options = window_options();
    options.lockstep = std::move(lockstep);
    options.lockstep_side = 1;
    options.checksum_parameters = false;  // run B has no parity meter
    options.private_warnings = true;      // run A's, as they were at the fork, and its own after
    options.fork_from = std::move(from);
    return std::make_unique<LocalLink>(b, std::move(options));
}

}  // namespace stepwise
