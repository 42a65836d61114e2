#pragma once
// Writes a run's events as the JSON Lines trace (one object per line): run_start, stage (in entry
// order, so optimizer_step precedes the training_step it encloses), batch_end, warning, error,
// run_end. Stage records are held until their batch ends, then written and flushed together, so
// the file is flushed at least once per batch and never holds a half-written line.
//
// Threading contract: on_event() is called from one thread at a time (the session's listener).

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "stepwise/events.h"

namespace stepwise {

class TraceWriter {
public:
    explicit TraceWriter(std::ostream& out) : out_(out) {}
    ~TraceWriter();  ///< writes whatever is still pending
    void on_event(const Event& event);
    /// Writes pending records (stages of an unfinished batch) and flushes.
    void flush();

private:
    struct Pending {
        std::string line;  ///< ready to write, or empty while the stage has not exited
        Event enter;
        std::uint64_t order = 0;  ///< entry order (the stage's instance)
    };
    void write_line(const std::string& line);

    std::ostream& out_;
    std::vector<Pending> pending_;
    std::map<std::uint64_t, std::size_t> open_;  ///< stage instance -> index in pending_
};

/// One event as the JSON object the trace holds (stage records need their enter event too).
std::string trace_record(const Event& event, const Event* enter = nullptr);

}  // namespace stepwise
