#pragma once
// SessionController: owns the SessionLink to the current run (a local session, a recorded trace or
// a remote stepwise-run; it does not know which) and pumps its events into the views, once per
// frame. Commands go out through the same link.
//
// Threading contract: lives on the GUI thread. The only thing that runs on another thread is the
// link's wake callback, which only posts a queued call to this object.

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "parity_meter.h"
#include "run_history.h"
#include "stepwise/commands.h"
#include "stepwise/events.h"
#include "stepwise/run_config.h"
#include "stepwise/session_link.h"

namespace stepwise::gui {

class SessionController : public QObject {
    Q_OBJECT
  public:
    /// What the controls can do right now.
    enum class RunState { none, loading, paused, running, stepping, finished, stopped, failed };
    Q_ENUM(RunState)

    /// Makes the link for a run of `config` in this process. The window's executable provides it
    /// (it links the engine; this library does not).
    using LocalLinkFactory = std::function<std::unique_ptr<SessionLink>(const RunConfig&)>;

    explicit SessionController(QObject* parent = nullptr);
    ~SessionController() override;

    void setLocalLinkFactory(LocalLinkFactory factory) { m_localFactory = std::move(factory); }
    /// Makes the parity meter's reference for a local run of `config` (a shadow run; the window's
    /// executable provides it). Without one the meter stays off.
    using ParityFactory = std::function<std::unique_ptr<ParityReference>(const RunConfig&)>;
    void setParityFactory(ParityFactory factory) { m_parityFactory = std::move(factory); }
    /// The parity meter of the current run.
    const ParityMeter& parity() const { return m_parity; }
    bool canRunLocally() const { return bool(m_localFactory); }

    /// Ends the current run (if any) and starts a new local one on `config`, held at its first
    /// stage.
    void start(const RunConfig& config);
    /// The same with `link`, a local run of `config` made elsewhere (a comparison's pair);
    /// `parity`: with a parity meter.
    void start(const RunConfig& config, std::unique_ptr<SessionLink> link, bool parity);
    /// A comparison: every command from the controls also goes to `follower` (run B), except a
    /// rewind to a given batch, whose index is this run's; `reset` starts both over (nullptr and
    /// {}: this run alone again).
    void setFollower(SessionController* follower, std::function<void()> reset);
    /// Ends the current run and takes over `link` (a replay or a remote run).
    void open(std::unique_ptr<SessionLink> link);
    /// Starts the current config again from the beginning (local runs).
    void reset();
    /// Ends the current run and forgets the link (the window is closing).
    void shutdown();

    void stepStage();
    void stepClosureCall();
    void stepBatch();
    void stepEpoch();
    /// A script's training_step line by line: into the user's functions, over them, out of the
    /// one it is in (elsewhere the run steps to the next stage).
    void stepLine();
    void stepLineOver();
    void stepLineOut();
    void run();
    void pause();
    void stop();
    /// Any other command (a replay's seek), as it is.
    void send(const Command& command);
    /// Goes back (a live run held or running, local or remote): the run recomputes up to the
    /// target and holds there; the history is cut back when its rewound event arrives.
    void rewind(RewindTo to, std::uint64_t batch = 0);
    /// A live run (not a replay) that has not ended: it can go back.
    bool canRewind() const;
    /// The breakpoints from now on: kept in the config (a reset starts with them) and sent to a
    /// live run, which uses them from its next stage boundary.
    void setBreakpoints(const std::vector<BreakpointSpec>& breakpoints);
    /// What the window watches of a live run beyond its events (the Tensors dock, the ledger):
    /// sent now, and again to every run it attaches to.
    void setInspect(const Inspect& what);
    const Inspect& inspect() const { return m_inspect; }
    /// Animation delay per stage while running; 0 is full speed.
    void setDelay(int milliseconds);
    int delay() const { return m_delayMs; }

    RunState runState() const { return m_runState; }
    const RunConfig& config() const { return m_config; }
    bool hasSession() const { return bool(m_link); }
    SessionLink* link() const { return m_link.get(); }
    /// The current run as the views show it (fed every frame, before eventsArrived).
    const RunHistory& history() const { return m_history; }
    std::uint64_t runId() const;
    /// Frame period of the event pump, in ms: at most one frame per period.
    static constexpr int kFrameMs = 30;
    /// Wait before the frame that shows a step (paused or stepping), in ms.
    static constexpr int kStepFrameMs = 2;

    /// Drains and delivers now instead of on the next frame (tests, and before closing).
    void pumpNow();

  Q_SIGNALS:
    /// A new run begins: the views clear themselves. `config` is the run's config (for a replay
    /// or a remote run: the default config until its run_start arrives).
    void runStarted(const stepwise::RunConfig& config);
    /// One frame's events of the current run, in order (older runs' events are already dropped).
    void eventsArrived(const std::vector<stepwise::Event>& events);
    /// After eventsArrived: the views repaint/replot once.
    void frameDone();
    void runStateChanged(stepwise::gui::SessionController::RunState state);
    /// The run went back: the history is already cut back to before the event's batch (the
    /// events before it were delivered, the ones after it follow). Views rebuild from history().
    void rewound(const stepwise::Event& event);
    /// The parity meter's state changed (checked every frame, and while waiting for the shadow
    /// run).
    void parityChanged();

  private:
    friend class WakeRelay;  // calls onWake
    /// What the controls last asked the run to do (the gate's mode, as seen from here).
    enum class Mode { paused, running, stepping };

    void attach(std::unique_ptr<SessionLink> link);
    /// Ends a link, and the parity meter's reference, without waiting on this thread (local runs
    /// and shadow runs are joined on a thread of their own).
    void retire(std::unique_ptr<SessionLink> link);
    void pollParity();
    void onWake();
    void onFrame();
    void updateRunState();
    void command(const Command& command, Mode mode);

    QPointer<SessionController> m_follower;  ///< run B's, owned by the comparison
    std::function<void()> m_resetBoth;
    LocalLinkFactory m_localFactory;
    ParityFactory m_parityFactory;
    ParityMeter m_parity;
    QTimer m_parityTimer;  ///< while the shadow run has batches to catch up on
    struct Retired {
        std::mutex mutex;
        std::set<std::thread::id> ids;  ///< retiring threads that have finished
    };
    std::shared_ptr<Retired> m_retiredShared = std::make_shared<Retired>();
    std::vector<std::thread> m_retiring;
    std::unique_ptr<SessionLink> m_link;
    std::uint64_t m_wakeToken;  ///< this controller's number at the WakeRelay
    RunHistory m_history;
    std::vector<Event> m_frame;  ///< this frame's events (storage recycled with the link)
    RunConfig m_config;
    QTimer m_frameTimer;
    QElapsedTimer m_frameClock;  ///< since the last frame started
    RunState m_runState = RunState::none;
    Mode m_mode = Mode::paused;
    int m_delayMs = 0;
    Inspect m_inspect;
    bool m_sawEvent = false;
    bool m_sawRunEnd = false;
    bool m_held = false;
    bool m_breakPending = false;  ///< a breakpoint hit came: the next hold is the run's own pause
    bool m_stopSent = false;
    RunStatus m_endStatus = RunStatus::finished;
};

}  // namespace stepwise::gui
