#pragma once
// LocalLink: the SessionLink to a TrainingSession in this process. Commands go straight to the
// session's step gate (thread-safe, never through the worker's event loop); events come from its
// EventBuffer. Torch-free header: the window's executable creates it, the window sees only
// SessionLink.
//
// Threading contract: as SessionLink. Destroying it stops the session and joins its worker.

#include <memory>
#include <utility>

#include "stepwise/run_config.h"
#include "stepwise/session_link.h"

namespace stepwise {

class TrainingSession;
struct SessionOptions;

class LocalLink : public SessionLink {
  public:
    /// A session on `config` with `options` (the window: start_paused, coalesce_stages).
    LocalLink(RunConfig config, SessionOptions options);
    ~LocalLink() override;

    Kind kind() const override { return Kind::local; }
    void set_wake(std::function<void()> wake) override;
    void start() override;
    void send(const Command& command) override;
    void drain_into(std::vector<Event>& frame) override;
    std::uint64_t run_id() const override;

    TrainingSession& session() { return *session_; }

  private:
    std::unique_ptr<TrainingSession> session_;
};

/// What the window asks of a local session: held at the first stage, stage events coalesced at
/// full speed (it draws at most once a frame).
std::unique_ptr<SessionLink> make_local_link(const RunConfig& config);
/// The options of a window's own run: held at the start, stages coalesced, the parameters'
/// checksum in every batch_end (the parity meter's).
SessionOptions window_options();

/// Two such links whose runs keep to the same samples (a comparison: see SessionOptions::lockstep):
/// run A on side 0, run B on side 1.
std::pair<std::unique_ptr<SessionLink>, std::unique_ptr<SessionLink>> make_local_link_pair(
    const RunConfig& a, const RunConfig& b);

/// A what-if fork of the local run behind `a`, on `b` (SessionOptions::fork_from): it starts where
/// run A holds, from run A's state, and the two keep to the same samples from there (run A joins
/// the lockstep as side 0). nullptr when `a` is not a local run or does not hold where a fork can
/// start: it runs, it has ended, or it keeps no snapshot (rewind.budget_mb 0).
std::unique_ptr<SessionLink> make_local_fork_link(SessionLink& a, const RunConfig& b);

}  // namespace stepwise
