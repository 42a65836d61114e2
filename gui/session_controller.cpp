#include "session_controller.h"

#include <QMetaObject>
#include <QPointer>
#include <algorithm>
#include <chrono>

#include "stepwise/session.h"

namespace stepwise::gui {

SessionController::SessionController(QObject* parent) : QObject(parent) {
    m_frameTimer.setSingleShot(true);
    m_frameTimer.setInterval(kFrameMs);
    connect(&m_frameTimer, &QTimer::timeout, this, &SessionController::onFrame);
}

SessionController::~SessionController() {
    // Destroying the session stops the worker (also inside an LBFGS step) and joins it.
    m_session.reset();
}

std::uint64_t SessionController::runId() const {
    return m_session ? m_session->run_id() : 0;
}

void SessionController::start(const RunConfig& config) {
    m_session.reset();  // stop + join the previous run before the new one exists
    m_config = config;
    m_sawRunEnd = false;
    m_held = false;
    m_endStatus.clear();
    SessionOptions options;
    options.start_paused = true;
    options.coalesce_stages = true;  // frames show the newest stage of each kind, every batch_end
    m_session = std::make_unique<TrainingSession>(config, std::move(options));
    m_session->gate().set_delay(std::chrono::milliseconds(m_delayMs));
    // Runs on the worker thread, only on the buffer's empty -> non-empty transition: post, never
    // block. The context object drops the call if the controller is gone.
    m_session->events().set_wake([this] {
        QMetaObject::invokeMethod(this, &SessionController::onWake, Qt::QueuedConnection);
    });
    Q_EMIT runStarted(m_config);
    m_session->start();
    updateRunState();
}

void SessionController::reset() {
    start(m_config);
}

void SessionController::shutdown() {
    m_frameTimer.stop();
    m_session.reset();
    updateRunState();
}

void SessionController::step(StepKind kind) {
    if (!m_session || m_session->ended()) return;
    m_held = false;
    m_session->gate().step(kind);
    updateRunState();
}

void SessionController::stepStage() {
    step(StepKind::stage);
}
void SessionController::stepClosureCall() {
    step(StepKind::closure_call);
}
void SessionController::stepBatch() {
    step(StepKind::batch);
}
void SessionController::stepEpoch() {
    step(StepKind::epoch);
}

void SessionController::run() {
    if (!m_session || m_session->ended()) return;
    m_held = false;
    m_session->gate().resume();
    updateRunState();
}

void SessionController::pause() {
    if (!m_session || m_session->ended()) return;
    m_session->gate().pause();
    updateRunState();
}

void SessionController::stop() {
    if (!m_session || m_session->ended()) return;
    m_session->gate().stop();
    updateRunState();
}

void SessionController::setDelay(int milliseconds) {
    m_delayMs = std::max(0, milliseconds);
    if (m_session) m_session->gate().set_delay(std::chrono::milliseconds(m_delayMs));
}

void SessionController::onWake() {
    if (m_frameTimer.isActive()) return;
    // While events stream in, frames start kFrameMs apart: counting the wait from the end of the
    // last frame would stretch the period by the frame's own work and the repaint that follows it
    // (about 20 instead of 33 frames per second at full speed). After a quiet spell, wait a whole
    // frame, so that a step's events still arrive together.
    const qint64 since = m_frameClock.isValid() ? m_frameClock.elapsed() : kFrameMs;
    m_frameTimer.start(since < kFrameMs ? int(kFrameMs - since) : kFrameMs);
}

void SessionController::pumpNow() {
    m_frameTimer.stop();
    onFrame();
}

void SessionController::onFrame() {
    if (!m_session) return;
    m_frameClock.start();
    // The last frame's events go back to the worker, which destroys them (memory freed on the
    // thread that allocated it), and this vector's storage is recycled: a frame allocates nothing.
    std::vector<Event>& events = m_frame;
    m_session->events().drain_into(events);
    const std::uint64_t current = m_session->run_id();
    // Results are values tagged with their run: anything from an older run is dropped here.
    events.erase(std::remove_if(events.begin(), events.end(),
                                [current](const Event& e) { return e.run_id != current; }),
                 events.end());
    for (const Event& event : events) {
        if (event.type == EventType::paused)
            m_held = true;
        else if (event.type == EventType::resumed)
            m_held = false;
        else if (event.type == EventType::run_end) {
            m_sawRunEnd = true;
            m_endStatus = event.status;
        }
    }
    if (!events.empty()) Q_EMIT eventsArrived(events);
    updateRunState();
    Q_EMIT frameDone();
}

void SessionController::updateRunState() {
    RunState state = RunState::none;
    if (m_session) {
        if (m_sawRunEnd) {
            state = m_endStatus == "finished"  ? RunState::finished
                    : m_endStatus == "stopped" ? RunState::stopped
                                               : RunState::failed;
        } else {
            switch (m_session->state()) {
                case SessionState::created:
                case SessionState::loading:
                    state = RunState::loading;
                    break;
                case SessionState::finished:
                case SessionState::stopped:
                case SessionState::failed:
                    // Ended, but its run_end is still in the buffer: keep the controls as they were
                    // until the frame that shows it.
                    state = m_runState == RunState::none ? RunState::loading : m_runState;
                    break;
                default: {
                    const StepGate::Mode mode = m_session->gate().mode();
                    if (m_session->gate().stop_requested())
                        state = RunState::running;
                    else if (mode == StepGate::Mode::running)
                        state = RunState::running;
                    else if (m_held || mode == StepGate::Mode::paused)
                        state = RunState::paused;
                    else
                        state = RunState::stepping;
                }
            }
        }
    }
    if (state != m_runState) {
        m_runState = state;
        Q_EMIT runStateChanged(state);
    }
}

}  // namespace stepwise::gui
