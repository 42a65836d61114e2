#pragma once
// The trace codec: one JSON object per line for every event a session emits, under a versioned
// schema. The trace file, the remote wire format and test fixtures all use it. It is lossless:
// decode_event(encode_event(e)) restores e field by field, and write -> read -> write gives the
// same bytes. Text that is not valid UTF-8 (a message quoting a Latin-1 source file) is written
// with U+FFFD in place of the bad bytes, never refused.
//
// Threading contract: the free functions are pure; a TraceWriter or TraceReader is used by one
// thread at a time.

#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "stepwise/events.h"

namespace stepwise {

/// The schema this version writes (and the remote protocol speaks). 1 was Stepwise 0.1's lossy
/// trace (no header line); 2 named a batch's accumulation cycle_position window_position and an
/// error's phase only by "where" (3 writes both "where" and, at a stage, "stage"); 4 adds the
/// `metrics` event (what a script's self.log recorded); 5 a `frame` on the paused event at a line
/// of the user's code (stepping lines, line breakpoints).
inline constexpr int kTraceSchema = 5;
/// The oldest schema a trace file may have and still be read.
inline constexpr int kOldestTraceSchema = 2;

/// A trace that cannot be read: the message names the origin, the line and the cause.
struct TraceError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The first line of every trace: {"type":"stepwise_trace","schema":3,"stepwise":"<version>"}.
std::string trace_header();
/// Checks a header line; throws TraceError (naming `origin`) for another schema or no header.
void check_trace_header(const std::string& line, const std::string& origin);
/// One event as one line of JSON (no newline).
std::string encode_event(const Event& event);
/// The event a line holds; throws TraceError naming what is wrong (not the origin or line).
Event decode_event(const std::string& line);

/// Writes the header, then each event as a line. Flushes at every batch_end, warning, error,
/// pause and run_end, so a crash loses at most the stages of an unfinished batch, and never
/// leaves a half-written line behind a flush.
class TraceWriter {
  public:
    explicit TraceWriter(std::ostream& out);
    ~TraceWriter();
    void on_event(const Event& event);
    void flush();

  private:
    std::ostream& out_;
    std::string line_;  ///< reused for every event
};

/// Reads a trace line by line.
class TraceReader {
  public:
    /// Reads and checks the header; throws TraceError.
    TraceReader(std::istream& in, std::string origin);
    /// The next event, or nullopt at the end; throws TraceError "origin:line: cause".
    std::optional<Event> next();
    int line() const { return line_no_; }

  private:
    std::istream& in_;
    std::string origin_;
    std::string line_;
    int line_no_ = 0;
};

/// A whole trace file. A file cut short (a line that does not parse at the very end) still gives
/// every event before it, with `error` saying where it stopped; a bad header gives no events.
struct TraceContents {
    std::vector<Event> events;
    std::string error;  ///< empty when the whole file was read
};
TraceContents read_trace_file(const std::string& path);

}  // namespace stepwise
