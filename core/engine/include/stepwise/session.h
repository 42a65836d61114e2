#pragma once
// TrainingSession: owns the module, data, optimizer, loops, gate and event buffer of one run, and
// runs the loop on its own worker thread (start()) or on the caller's (run_blocking()).
// Torch-free: the GUI and the CLI use only this header.
//
// Threading contract: construct, start, run_blocking and destroy from one thread (the owner).
// gate(), drain(), state() and wait_finished() may be called from any thread. Errors never escape:
// a failure at a stage becomes an error event on that stage and the session ends as "failed".

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "stepwise/conditions.h"
#include "stepwise/event_buffer.h"
#include "stepwise/events.h"
#include "stepwise/run_config.h"
#include "stepwise/step_gate.h"

namespace stepwise {

class EventPublisher;
class Lockstep;
class Rewinder;
struct Inspection;
/// Where a what-if fork starts (TrainingSession::fork_point): opaque here, torch inside.
struct ForkPoint;
/// The live objects of a run (core/engine/trainer.h): opaque here, torch inside.
class Trainer;

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
    /// Stage events (stage_enter, stage_exit) are made at all. A consumer that reads only batches,
    /// warnings and errors (stepwise-run's batch lines, the parity meter's shadow run) turns them
    /// off and pays for none; breakpoints on measured values still see the stages (the run makes
    /// them for their checks), and stepping still holds at every boundary.
    bool stage_events = true;
    /// The run keeps snapshots of its training state, so that a rewind or a fork can start from
    /// one (rewind.budget_mb bounds them). A run nobody can send back (stepwise-run without
    /// --listen) keeps none and counts no boundaries.
    bool rewindable = true;
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
    /// The listener reads stage events (a trace does; stepwise-run's batch lines do not). When it
    /// does not and the buffer coalesces, a batch at full speed makes its stage events only if
    /// they can still go out (the next bunch is due while it runs): the others' would be
    /// overtaken by a later batch's before anyone saw them.
    bool listener_reads_stages = true;
    /// Builds the run's objects on the worker thread instead of the Trainer's own constructor
    /// (module, data and optimizer from the config): the Python host's, whose objects are the
    /// user's. Must set `phase` to what it is building, as the Trainer's constructor does.
    std::function<std::unique_ptr<Trainer>(const RunConfig& config, ErrorPhase& phase)>
        make_trainer;

    /// A script run (the Python host's, core/python/): instead of loading the config's run, the
    /// worker calls `script` on its own thread. It runs the user's script and, when the script
    /// calls Trainer.fit, calls `fit` with that fit's config (the Trainer's arguments) and
    /// builder; `fit` runs it as this session's run (run_start, the loops, the final
    /// parameters) and returns its status when it ends. run_end goes out when the script ends.
    /// `script` returns how the script ended. Its snapshots hold what Python holds too
    /// (TrainingModule::HostState).
    struct FitRequest {
        RunConfig config;
        std::function<std::unique_ptr<Trainer>(const RunConfig& config, ErrorPhase& phase)>
            make_trainer;
    };
    struct ScriptEnd {
        int exit_status = 0;  ///< as python3 would end: 0, SystemExit's code, 1, 130 (stopped)
        /// An exception that ended the script outside Trainer.fit (a fit's failure is already
        /// reported at its stage): its class, message and traceback.
        std::string exception_type, message, traceback;
    };
    /// How a fit ended: its status, and for a failure the error its event reported.
    struct FitEnd {
        RunStatus status = RunStatus::finished;
        std::string exception_type, message;
    };
    using FitFunction = std::function<FitEnd(FitRequest request)>;
    std::function<ScriptEnd(const FitFunction& fit)> script;
};

#define STEPWISE_SESSION_STATES(X) \
    X(created) X(loading) X(running) X(paused) X(finished) X(stopped) X(failed)
enum class SessionState : std::uint8_t { STEPWISE_SESSION_STATES(STEPWISE_ENUMERATOR) };
inline constexpr int kSessionStateCount = STEPWISE_SESSION_STATES(STEPWISE_COUNT) 0;
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
    /// A script run (SessionOptions::script), after it ended: how the script ended.
    int script_exit_status() const { return script_exit_status_.load(); }
    const RunConfig& config() const { return config_; }
    /// While the run holds: where a fork from here starts (SessionOptions::fork_from); nullptr
    /// while it runs, after it ended, or when it keeps no snapshot (rewind.budget_mb). Any thread.
    std::shared_ptr<const ForkPoint> fork_point() const;
    /// From the next batch end on, keep to `lockstep` as side `side` (a fork's run A, which was
    /// running alone); nullptr leaves it. Any thread.
    void join_lockstep(std::shared_ptr<Lockstep> lockstep, int side);

  private:
    struct Live;  ///< what exists while the worker runs: the observer, the Trainer, the loops
    void run_worker();
    /// Loads the run (breakpoints, Trainer, loops) and sends run_start.
    void load(Live& live);
    /// Runs the loops to the end, going back whenever a rewind asks to.
    void train(Live& live);
    /// Hangs the session on the loops: snapshots, boundaries, coalescing, lockstep.
    void hook(Live& live);
    /// Coalescing at full speed, at a batch's start: its stage events are made only if the next
    /// bunch may go out while it runs; the others' would be overtaken before anyone saw them.
    void pace_stage_events(Live& live);
    void report_error(Live& live, const std::string& type, const std::string& message,
                      ErrorPhase phase, Stage stage = Stage::on_train_batch_start,
                      const std::string& traceback = {});
    /// Loads and trains one run, turning what fails into an error event.
    void run_one(Live& live);
    /// A script run: the script on this thread, each Trainer.fit it calls through run_one.
    void run_script(Live& live);
    void finish(Live& live);

    /// Numbers the event, checks the breakpoints on it, then hands it to the publisher.
    void publish(Event&& event);
    /// A breakpoint hit at `where`: its notice, then what options_.on_break asks for. A place
    /// holds at `where` itself, a measured value at the next boundary.
    void report_hit(const ConditionHit& hit, const Event& where, bool place);
    /// Worker thread, held: resolves a rewind command; throws RewindRequested to carry it out, or
    /// gives a notice why it cannot.
    void begin_rewind(const Command& command);
    /// The rewind's target is reached (at `at`): the rewound event, then the target batch's
    /// events recomputed so far.
    void finish_replay(const Position& at);
    /// Worker thread: the breakpoints from now on (a set_breakpoints command).
    void change_breakpoints(const std::vector<BreakpointSpec>& specs);
    /// Worker thread: what the front end watches from now on (an inspect command); held, the
    /// Tensors dock gets its report at once.
    void change_inspection(const Inspect& what);
    /// Worker thread: the observations and events the consumers, breakpoints and docks need.
    void observe_what_is_needed();
    /// Worker thread, held: the tensors event.
    void publish_tensors();
    /// Worker thread: the run holds at (held) or leaves `where`.
    void on_hold(const Position& where, bool held);

    RunConfig config_;
    SessionOptions options_;
    std::uint64_t run_id_;
    std::shared_ptr<const RunConfig> shared_config_;  ///< config_, for fork points
    ConditionSet conditions_;  ///< the breakpoints, evaluated on the worker thread
    bool broke_ = false;       ///< a hit asked to hold (the failure path looks: exception)
    /// Worker thread: the comparison this run keeps step with (SessionOptions::lockstep, or
    /// join_lockstep) and its side.
    std::shared_ptr<Lockstep> lockstep_;
    int lockstep_side_ = 0;
    mutable std::mutex fork_mutex_;
    std::shared_ptr<const ForkPoint> fork_point_;  ///< set while held (fork_mutex_)
    StepGate gate_;
    EventBuffer buffer_;
    std::atomic<SessionState> state_{SessionState::created};
    std::atomic<int> script_exit_status_{0};
    std::mutex finished_mutex_;
    std::condition_variable finished_cv_;
    std::unique_ptr<std::thread> thread_;
    std::unique_ptr<EventPublisher> publisher_;  ///< the way out for events (torch-free)
    std::unique_ptr<Rewinder> rewinder_;         ///< null: not rewindable (torch inside)
    Text after_rewind_;  ///< said right after the next rewound event (what was not put back)
    std::unique_ptr<Inspection> inspection_;  ///< the Tensors dock's reader (torch inside)
    Live* live_ = nullptr;                    ///< worker thread: while run_worker runs
};

}  // namespace stepwise
