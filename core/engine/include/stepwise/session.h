#pragma once
// TrainingSession: owns the module, data, optimizer, loops, gate and event buffer of one run, and
// runs the loop on its own worker thread (start()) or on the caller's (run_blocking()).
// Torch-free: the GUI and the CLI use only this header.
//
// Threading contract: construct, start, run_blocking and destroy from one thread (the owner).
// gate(), drain(), state() and wait_finished() may be called from any thread. Errors never escape:
// a failure at a stage becomes an error event on that stage and the session ends as "failed".

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "stepwise/event_buffer.h"
#include "stepwise/events.h"
#include "stepwise/run_config.h"
#include "stepwise/step_gate.h"

namespace stepwise {

class Lockstep;
/// Where a what-if fork starts (TrainingSession::fork_point): opaque here, torch inside.
struct ForkPoint;

struct SessionOptions {
    bool start_paused = false;  ///< hold at the first stage boundary
    bool buffer_events = true;  ///< keep events for drain() (the GUI); off for the CLI
    /// Attach a parameter snapshot to every batch_end event (costs a copy of the parameters).
    bool parameters_each_batch = false;
    /// Observations that cost tensor work on every step, made only when a consumer wants them:
    /// the per-parameter gradient norms of on_after_backward and configure_gradient_clipping, and
    /// the update norm ‖Δθ‖ of optimizer_step and batch_end. The window, a trace and a remote
    /// client want them; stepwise-run's batch lines do not. Off, a stepping batch whose
    /// training_step returned None still measures its update: its explanation quotes it (Z-3).
    bool observe_norms = true;
    /// For a consumer that draws at most once a frame (the GUI): while the gate runs free (Run at
    /// full speed), buffer every batch_end but the stage events only of the last batch of each
    /// bunch (bunches go at most kMaxStagingNs apart, and whenever something else happens: a
    /// warning, an error, a pause, the end of the run). A batch_end is published as soon as the
    /// next batch's first event shows the batch is over, so a finished batch is visible even
    /// while the next one sits in a long stage. Every other event goes as usual, in
    /// order; seq numbers then have gaps. batch_end carries what a consumer needs per batch (loss,
    /// loss_raw, update_norm, stepped, extras, output). The listener still sees every event;
    /// stepping or animating, the buffer does too. Without this, a full-speed run writes ~8 KB of
    /// events per batch into the buffer, and that alone costs about a quarter of the steps/s.
    bool coalesce_stages = false;
    /// A batch_end carries a checksum of the parameters after the batch (the parity meter's).
    bool checksum_parameters = false;
    /// Lightning's once-per-process warnings are counted apart for this run, which then neither
    /// uses up nor sees the process's: a parity meter's shadow run, which must leave them to the
    /// run a person watches.
    bool private_warnings = false;
    /// The run computes only while no other run in the process does: it waits whenever a run
    /// without this option is working (not held by its gate), so that it takes none of that run's
    /// time. A parity meter's shadow run: it catches up while the watched run holds or after it
    /// ends.
    bool yield_to_other_runs = false;
    /// What a breakpoint hit does besides its notice (a warning event from "stepwise" with
    /// TextCode::breakpoint_hit or breakpoint_hit_value): hold at the next stage boundary (a place
    /// breakpoint: at its own boundary, before the stage runs), nothing more, or stop the run
    /// there.
    enum class OnBreak : std::uint8_t { hold, report, stop };
    OnBreak on_break = OnBreak::hold;
    /// A comparison: this run and another one in this process keep to the same samples (see
    /// core/engine/lockstep.h), and their batch_end events carry `samples` and, where both runs
    /// reached the same samples, `peer_distance`. `lockstep_side` is 0 or 1, one per run.
    std::shared_ptr<Lockstep> lockstep;
    int lockstep_side = 0;
    /// A what-if fork (run B of a comparison): instead of starting from the seed, the run takes
    /// run A's snapshot, recomputes under run A's config up to the start of the batch run A holds
    /// in, then under its own config (one option changed, or a departure) up to the boundary run
    /// A holds at, and holds there. Its events begin with that batch; its first visible event is a
    /// `rewound` event with TextCode::forked. Its warnings are its own, seeded from run A's.
    std::shared_ptr<const ForkPoint> fork_from;
    /// Called on the worker thread for every event, in order, before it is buffered. Must be quick
    /// and must not call back into the session's control API from inside.
    std::function<void(const Event&)> listener;
};

enum class SessionState : std::uint8_t {
    created,
    loading,
    running,
    paused,
    finished,
    stopped,
    failed
};
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

    /// Carries out a front end's command: a rewind (held or not: the run holds at its next
    /// boundary first) goes back to an earlier boundary from the nearest snapshot of the training
    /// state and recomputes up to it; everything else goes to the gate. Any thread.
    void send(const Command& command);
    StepGate& gate() { return gate_; }
    EventBuffer& events() { return buffer_; }
    std::vector<Event> drain() { return buffer_.drain(); }
    SessionState state() const { return state_.load(); }
    bool ended() const;
    /// Waits until the run ended or the timeout passed; true if it ended.
    bool wait_finished(std::chrono::milliseconds timeout);
    std::uint64_t run_id() const { return run_id_; }
    const RunConfig& config() const { return config_; }
    /// While the run holds: where a fork from here starts (SessionOptions::fork_from); nullptr
    /// while it runs, after it ended, or when it keeps no snapshot (rewind.budget_mb). Any thread.
    std::shared_ptr<const ForkPoint> fork_point() const;
    /// From the next batch end on, keep to `lockstep` as side `side` (a fork's run A, which was
    /// running alone); nullptr leaves it. Any thread.
    void join_lockstep(std::shared_ptr<Lockstep> lockstep, int side);

  private:
    void run_worker();
    /// Numbers the event, checks the breakpoints on it, then publish_checked().
    void publish(Event&& event);
    /// Hands a numbered event to the listener, then to deliver().
    void publish_checked(Event&& event);
    /// An event with `of`'s position only (epoch, batch, global_step, call, depth, stage).
    static Event make_position(const Event& of);
    /// Puts a numbered event into the buffer (coalescing as asked).
    void deliver(Event&& event);
    void stage(Event&& event);
    /// Stages the kept newest stage events that are newer than anything staged, in order.
    void stage_newest();
    /// Stages the held-back batch_end, if any.
    void stage_held_end();
    /// A breakpoint hit at `where`: its notice, then what options_.on_break asks for. A place
    /// holds at `where` itself, a measured value at the next boundary.
    void report_hit(const ConditionHit& hit, const Event& where, bool place);
    /// Worker thread, held: resolves a rewind command; throws RewindRequested to carry it out, or
    /// gives a notice why it cannot.
    void begin_rewind(const Command& command);
    /// Worker thread: the breakpoints from now on (a set_breakpoints command).
    void change_breakpoints(const std::vector<BreakpointSpec>& specs);
    /// Worker thread: what the front end watches from now on (an inspect command); held, the
    /// Tensors dock gets its report at once.
    void change_inspection(const Inspect& what);
    /// Worker thread: the observations the breakpoints and the watched views need, switched on.
    void observe_what_is_needed();
    /// Worker thread, held: the tensors event.
    void publish_tensors();
    /// Worker thread: the run holds at (held) or leaves `where`.
    void on_hold(const Position& where, bool held);
    /// At the start of every batch: the replay's phase, and a snapshot when one is due.
    void at_batch_start(std::int64_t epoch, std::int64_t batch_idx, std::int64_t batch);
    /// At every boundary, before the stage runs: true while the loop recomputes towards a rewind's
    /// target (it passes the boundary without asking the gate).
    bool at_boundary(Stage stage);
    /// The rewind's target is reached (at `stage`): the rewound event, then the target batch's
    /// events recomputed so far.
    void finish_replay(Stage stage);

    RunConfig config_;
    SessionOptions options_;
    std::uint64_t run_id_;
    std::uint64_t next_seq_ = 0;
    /// Longest a buffered event waits on the worker's side before the consumer can drain it,
    /// give or take a tick of the coarse clock it is measured on (4 ms on Linux: read for every
    /// event, it costs a fifth of a precise one).
    static constexpr std::int64_t kMaxStagingNs = 5'000'000;
    std::int64_t last_publish_ns_ = 0;
    std::optional<std::uint64_t> last_staged_seq_;          ///< of the newest event staged so far
    std::array<std::optional<Event>, kStageCount> newest_;  ///< coalesce_stages: per stage
    std::optional<Event> held_end_;  ///< coalesce_stages: the last batch_end, until the next batch
    ConditionSet conditions_;        ///< the breakpoints, evaluated on the worker thread
    bool broke_ = false;             ///< a hit asked to hold (the failure path looks: exception)
    /// worker thread: where the run last held
    Stage last_hold_stage_ = Stage::on_train_batch_start;
    /// Worker thread: the comparison this run keeps step with (SessionOptions::lockstep, or
    /// join_lockstep) and its side.
    std::shared_ptr<Lockstep> lockstep_;
    int lockstep_side_ = 0;
    mutable std::mutex fork_mutex_;
    std::shared_ptr<const ForkPoint> fork_point_;     ///< set while held (fork_mutex_)
    std::shared_ptr<const RunConfig> shared_config_;  ///< worker thread: config_, for fork points
    StepGate gate_;
    EventBuffer buffer_;
    std::atomic<SessionState> state_{SessionState::created};
    std::mutex finished_mutex_;
    std::condition_variable finished_cv_;
    struct Worker;
    std::unique_ptr<Worker> worker_;
    struct Rewinder;  ///< snapshots, the timeline and the replay after a rewind (torch inside)
    std::unique_ptr<Rewinder> rewinder_;
    struct Inspection;  ///< the Tensors dock's reader and what the front end watches (torch inside)
    std::unique_ptr<Inspection> inspection_;
};

/// Lightning's once-per-process warnings, as a static cache keyed by message text.
namespace warning_cache {
/// True the first time a message is seen in this process (then it is to be emitted), else false.
bool warn_once(const std::string& message);
/// Forget every message (Lightning's own tests call Closure.warning_cache.clear()).
void clear();
/// The messages seen so far, and putting them back (a rewind restores the cache as it was).
std::set<std::string> contents();
void restore(std::set<std::string> seen);
/// While one lives, this thread's runs use a cache of their own (SessionOptions::private_warnings).
class Private {
  public:
    Private();
    ~Private();
    Private(const Private&) = delete;
    Private& operator=(const Private&) = delete;

  private:
    std::set<std::string> seen_;
    std::set<std::string>* outer_;
};
}  // namespace warning_cache

}  // namespace stepwise
