#pragma once
// TrainingSession: owns the module, data, optimizer, loops, gate and event buffer of one run, and
// runs the loop on its own worker thread (start()) or on the caller's (run_blocking()).
// Torch-free: the GUI and the CLI use only this header.
//
// Threading contract: construct, start, run_blocking and destroy from one thread (the owner).
// gate(), drain(), state() and wait_finished() may be called from any thread. Errors never escape:
// a failure at a stage becomes an error event on that stage and the session ends as "failed".

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "stepwise/event_buffer.h"
#include "stepwise/events.h"
#include "stepwise/run_config.h"
#include "stepwise/step_gate.h"

namespace stepwise {

struct SessionOptions {
    bool start_paused = false;  ///< hold at the first stage boundary
    bool buffer_events = true;  ///< keep events for drain() (the GUI); off for the CLI
    /// Attach a parameter snapshot to every batch_end event (costs a copy of the parameters).
    bool parameters_each_batch = false;
    /// Called on the worker thread for every event, in order, before it is buffered. Must be quick
    /// and must not call back into the session's control API from inside.
    std::function<void(const Event&)> listener;
};

enum class SessionState : std::uint8_t { created, loading, running, paused, finished, stopped, failed };
const char* session_state_name(SessionState state);

class TrainingSession {
public:
    TrainingSession(RunConfig config, SessionOptions options = {});
    ~TrainingSession();  ///< stops the worker and joins it
    TrainingSession(const TrainingSession&) = delete;
    TrainingSession& operator=(const TrainingSession&) = delete;

    /// Starts the worker thread (loading happens there too, so a slow load never blocks the owner).
    void start();
    /// Runs the whole session on the calling thread; returns when it has ended.
    void run_blocking();

    StepGate& gate() { return gate_; }
    EventBuffer& events() { return buffer_; }
    std::vector<Event> drain() { return buffer_.drain(); }
    SessionState state() const { return state_.load(); }
    bool ended() const;
    /// Waits until the run ended or the timeout passed; true if it ended.
    bool wait_finished(std::chrono::milliseconds timeout);
    std::uint64_t run_id() const { return run_id_; }
    const RunConfig& config() const { return config_; }

private:
    void run_worker();
    void publish(Event event);

    RunConfig config_;
    SessionOptions options_;
    std::uint64_t run_id_;
    std::uint64_t next_seq_ = 0;
    StepGate gate_;
    EventBuffer buffer_;
    std::atomic<SessionState> state_{SessionState::created};
    std::mutex finished_mutex_;
    std::condition_variable finished_cv_;
    struct Worker;
    std::unique_ptr<Worker> worker_;
};

/// Lightning's once-per-process warnings, as a static cache keyed by message text.
namespace warning_cache {
/// True the first time a message is seen in this process (then it is to be emitted), else false.
bool warn_once(const std::string& message);
/// Forget every message (Lightning's own tests call Closure.warning_cache.clear()).
void clear();
}  // namespace warning_cache

/// Version string of Stepwise.
const char* version();

}  // namespace stepwise
