#pragma once
// SessionController: owns the TrainingSession and pumps its events into the views, once per frame.
//
// Threading contract: lives on the GUI thread. The only thing that runs on the worker thread is the
// EventBuffer's wake callback, which only posts a queued call to this object.

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <memory>
#include <vector>

#include "stepwise/events.h"
#include "stepwise/run_config.h"
#include "stepwise/step_gate.h"

namespace stepwise {
class TrainingSession;
}

namespace stepwise::gui {

class SessionController : public QObject {
    Q_OBJECT
  public:
    /// What the controls can do right now.
    enum class RunState { none, loading, paused, running, stepping, finished, stopped, failed };
    Q_ENUM(RunState)

    explicit SessionController(QObject* parent = nullptr);
    ~SessionController() override;

    /// Ends the current session (if any) and starts a new one, held at its first stage.
    void start(const RunConfig& config);
    /// Starts the current config again from the beginning.
    void reset();
    /// Stops and joins the worker and forgets the session (the window is closing).
    void shutdown();

    void stepStage();
    void stepClosureCall();
    void stepBatch();
    void stepEpoch();
    void run();
    void pause();
    void stop();
    /// Animation delay per stage while running; 0 is full speed.
    void setDelay(int milliseconds);
    int delay() const { return m_delayMs; }

    RunState runState() const { return m_runState; }
    const RunConfig& config() const { return m_config; }
    bool hasSession() const { return bool(m_session); }
    std::uint64_t runId() const;
    /// Frame period of the event pump, in ms: at most one frame per period.
    static constexpr int kFrameMs = 30;

    /// Drains and delivers now instead of on the next frame (tests, and before closing).
    void pumpNow();

  Q_SIGNALS:
    /// A new run begins: the views clear themselves. `config` is the run's config.
    void runStarted(const stepwise::RunConfig& config);
    /// One frame's events of the current run, in order (older runs' events are already dropped).
    void eventsArrived(const std::vector<stepwise::Event>& events);
    /// After eventsArrived: the views repaint/replot once.
    void frameDone();
    void runStateChanged(stepwise::gui::SessionController::RunState state);

  private:
    void onWake();
    void onFrame();
    void updateRunState();
    void step(StepKind kind);

    std::unique_ptr<TrainingSession> m_session;
    std::vector<Event> m_frame;  ///< this frame's events (storage recycled with the buffer)
    RunConfig m_config;
    QTimer m_frameTimer;
    QElapsedTimer m_frameClock;  ///< since the last frame started
    RunState m_runState = RunState::none;
    int m_delayMs = 0;
    bool m_sawRunEnd = false;
    bool m_held = false;
    std::string m_endStatus;
};

}  // namespace stepwise::gui
