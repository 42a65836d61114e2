#pragma once
// What the benchmarks share: a run at full speed as the window runs it, timed from the inside.

#include <atomic>
#include <chrono>
#include <vector>

#include "stepwise/session.h"

namespace stepwise::bench {

/// Seconds per optimizer step of `config` at full speed as the GUI runs it: closure, every stage
/// observed (events with payloads, gate checks, norms), no pausing, training on the session's
/// worker thread and this thread draining the event buffer once per 30 ms frame into a recycled
/// vector. Timed from run_start to run_end; -1 when the run did not finish or sent nothing.
/// `watch`: what the window's docks ask for (the Tensors dock, the ledger), sent before it starts.
/// `checksums`: a checksum of the parameters after every batch, as the parity meter has the window
/// ask.
inline double window_like_seconds_per_step(const RunConfig& config, const Inspect& watch = {},
                                           bool checksums = false) {
    std::atomic<std::int64_t> start_ns{0}, end_ns{0}, steps{0};
    auto now_ns = [] { return std::chrono::steady_clock::now().time_since_epoch().count(); };
    SessionOptions o;
    o.buffer_events = true;
    o.coalesce_stages = true;
    o.checksum_parameters = checksums;
    o.listener = [&](const Event& e) {
        if (e.type == EventType::run_start) start_ns = now_ns();
        if (e.type == EventType::run_end) {
            end_ns = now_ns();
            steps = e.global_step;
        }
    };
    TrainingSession session(config, o);
    if (!(watch == Inspect{})) session.send(Command::watch(watch));
    session.start();
    std::vector<Event> frame;
    std::size_t events = 0;
    while (!session.wait_finished(std::chrono::milliseconds(30))) {
        session.events().drain_into(frame);
        events += frame.size();
    }
    session.events().drain_into(frame);
    events += frame.size();
    if (session.state() != SessionState::finished || events == 0 || steps == 0) return -1.0;
    return double(end_ns - start_ns) * 1e-9 / double(steps);
}

}  // namespace stepwise::bench
