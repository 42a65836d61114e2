#include "session_controller.h"

#include <algorithm>

#include "wake_relay.h"

namespace stepwise::gui {

SessionController::SessionController(QObject* parent)
    : QObject(parent), m_wakeToken(WakeRelay::instance()->enroll(this)) {
    m_frameTimer.setSingleShot(true);
    m_frameTimer.setInterval(kFrameMs);
    connect(&m_frameTimer, &QTimer::timeout, this, &SessionController::onFrame);
    m_parityTimer.setInterval(200);
    connect(&m_parityTimer, &QTimer::timeout, this, &SessionController::pollParity);
}

SessionController::~SessionController() {
    WakeRelay::release(m_wakeToken);
    retire(std::move(m_link));
    // The application is ending: wait for the retired runs' workers (a long training_step
    // finishes first), so that no worker outlives the process's static objects.
    for (std::thread& t : m_retiring) t.join();
}

void SessionController::retire(std::unique_ptr<SessionLink> link) {
    std::unique_ptr<ParityReference> reference = m_parity.release();
    m_parityTimer.stop();
    if (!link && !reference) return;
    if (link) link->set_wake(nullptr);
    {  // join the retirements that have finished, so that their threads do not pile up
        const std::lock_guard<std::mutex> lock(m_retiredShared->mutex);
        auto& finished = m_retiredShared->ids;
        m_retiring.erase(std::remove_if(m_retiring.begin(), m_retiring.end(),
                                        [&finished](std::thread& t) {
                                            if (!finished.erase(t.get_id())) return false;
                                            t.join();  // it has returned: this does not wait
                                            return true;
                                        }),
                         m_retiring.end());
    }
    if (link && link->kind() != SessionLink::Kind::local && !reference) {
        link.reset();  // a replay or a socket: gone at once, and on this (its own) thread
        return;
    }
    // A local run stops at its next stage boundary, but a long training_step, model load or
    // compile finishes first: its worker is joined on a thread of its own, never on this one.
    // So is a shadow run's.
    if (link && link->kind() == SessionLink::Kind::local)
        link->send(Command::of(CommandType::stop));
    auto done = m_retiredShared;
    m_retiring.emplace_back(
        [link = std::move(link), reference = std::move(reference), done]() mutable {
            reference.reset();
            link.reset();
            const std::lock_guard<std::mutex> lock(done->mutex);
            done->ids.insert(std::this_thread::get_id());
        });
}

std::uint64_t SessionController::runId() const {
    return m_link ? m_link->run_id() : 0;
}

void SessionController::start(const RunConfig& config) {
    if (!m_localFactory) {
        retire(std::move(m_link));
        m_config = config;
        return;
    }
    start(config, m_localFactory(config), true);
}

void SessionController::start(const RunConfig& config, std::unique_ptr<SessionLink> link,
                              bool parity) {
    retire(std::move(m_link));  // the previous run stops and is joined off this thread
    m_config = config;
    attach(std::move(link));
    // The shadow starts after the run it shadows: never ahead of the window's own worker.
    if (parity && m_parityFactory) m_parity.reset(m_parityFactory(config));
    // A script's run has no shadow: it is compared with its own first pass.
    if (parity && config.model.kind == ModelSpec::Kind::script) m_parity.resetFirstPass();
    pollParity();
    Q_EMIT parityChanged();  // a new meter: the badge starts over
}

void SessionController::setFollower(SessionController* follower, std::function<void()> reset) {
    m_follower = follower;
    m_resetBoth = std::move(reset);
}

void SessionController::open(std::unique_ptr<SessionLink> link) {
    retire(std::move(m_link));
    m_config = RunConfig();
    attach(std::move(link));
    pollParity();
    Q_EMIT parityChanged();  // off: a replay or a remote run has no shadow here
}

void SessionController::attach(std::unique_ptr<SessionLink> link) {
    m_frameTimer.stop();
    m_link = std::move(link);
    m_history.clear();
    m_sawEvent = false;
    m_sawRunEnd = false;
    m_held = false;
    m_breakPending = false;
    m_stopSent = false;
    m_mode = Mode::paused;  // every link starts held: the window's session, a replay, --listen
    m_endStatus = RunStatus::finished;
    m_runState = RunState::none;
    m_link->send(Command::delay(m_delayMs));
    if (!(m_inspect == Inspect{})) m_link->send(Command::watch(m_inspect));
    // Runs on whatever thread fills the link, only on its empty -> non-empty transition: post,
    // never block. The relay outlives every controller and finds this one (if it still exists)
    // on the GUI thread.
    m_link->set_wake([relay = WakeRelay::instance(), token = m_wakeToken] { relay->post(token); });
    if (m_link->kind() == SessionLink::Kind::local) Q_EMIT runStarted(m_config);
    m_link->start();
    updateRunState();
}

void SessionController::reset() {
    if (m_resetBoth) {
        const auto resetBoth = m_resetBoth;  // it sets the follower again: not while it runs
        resetBoth();
        return;
    }
    if (!m_link || m_link->kind() == SessionLink::Kind::local) {
        start(m_config);
    } else if (m_link->kind() == SessionLink::Kind::replay) {
        m_link->send(Command::seek(0));
    }
}

void SessionController::shutdown() {
    m_frameTimer.stop();
    retire(std::move(m_link));
    updateRunState();
}

void SessionController::command(const Command& c, Mode mode) {
    if (m_follower) m_follower->command(c, mode);
    if (!m_link || m_sawRunEnd) return;
    if (c.type != CommandType::pause) m_held = false;
    m_mode = mode;
    m_link->send(c);
    updateRunState();
}

void SessionController::stepStage() {
    command(Command::step(StepKind::stage), Mode::stepping);
}
void SessionController::stepClosureCall() {
    command(Command::step(StepKind::closure_call), Mode::stepping);
}
void SessionController::stepBatch() {
    command(Command::step(StepKind::batch), Mode::stepping);
}
void SessionController::stepEpoch() {
    command(Command::step(StepKind::epoch), Mode::stepping);
}
void SessionController::stepLine() {
    command(Command::step(StepKind::line), Mode::stepping);
}
void SessionController::stepLineOver() {
    command(Command::step(StepKind::line_over), Mode::stepping);
}
void SessionController::stepLineOut() {
    command(Command::step(StepKind::line_out), Mode::stepping);
}
void SessionController::run() {
    command(Command::of(CommandType::run), Mode::running);
}
void SessionController::pause() {
    command(Command::of(CommandType::pause), Mode::paused);
}
void SessionController::stop() {
    if (m_follower) m_follower->stop();
    if (!m_link || m_sawRunEnd) return;
    m_stopSent = true;
    m_link->send(Command::of(CommandType::stop));
    updateRunState();
}

void SessionController::send(const Command& c) {
    if (!m_link) return;
    if (c.type == CommandType::seek) m_mode = Mode::paused;  // a replay holds where it lands
    m_link->send(c);
    updateRunState();
}

void SessionController::rewind(RewindTo to, std::uint64_t batch) {
    if (m_follower && to != RewindTo::batch_index) m_follower->rewind(to, batch);
    if (!canRewind()) return;
    // The run holds first (at its next boundary, if it was running), goes back, and holds there.
    m_mode = Mode::paused;
    m_link->send(Command::rewind(to, batch));
    updateRunState();
}

bool SessionController::canRewind() const {
    return m_link && m_link->kind() != SessionLink::Kind::replay && !m_sawRunEnd && m_sawEvent;
}

void SessionController::setBreakpoints(const std::vector<BreakpointSpec>& breakpoints) {
    m_config.breakpoints = breakpoints;
    if (canRewind()) m_link->send(Command::set(breakpoints));  // live, not ended
}

void SessionController::setInspect(const Inspect& what) {
    if (what == m_inspect) return;
    m_inspect = what;
    if (m_link && m_link->kind() != SessionLink::Kind::replay)
        m_link->send(Command::watch(m_inspect));
}

void SessionController::setDelay(int milliseconds) {
    if (m_follower) m_follower->setDelay(milliseconds);
    m_delayMs = std::max(0, milliseconds);
    if (m_link) m_link->send(Command::delay(m_delayMs));
}

void SessionController::onWake() {
    if (m_frameTimer.isActive()) return;
    if (m_runState != RunState::running) {
        // A person waits for this step: show it now. A step's events come in one burst; a
        // couple of milliseconds let it finish, so that it still arrives in one frame.
        m_frameTimer.start(kStepFrameMs);
        return;
    }
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
    if (!m_link) return;
    m_frameClock.start();
    // The last frame's events go back to the link (a local one hands them to the worker, which
    // destroys them: memory freed on the thread that allocated it); a frame allocates nothing.
    std::vector<Event>& events = m_frame;
    m_link->drain_into(events);
    const std::uint64_t current = m_link->run_id();
    // Results are values tagged with their run: anything from an older run is dropped here.
    if (current != 0)
        events.erase(std::remove_if(events.begin(), events.end(),
                                    [current](const Event& e) { return e.run_id != current; }),
                     events.end());
    // A replayed or remote run announces itself with its run_start (a replay again after seeking
    // back): the views start over there, with the run's own config. A rewound event cuts the
    // history back: what came before it goes out first, then the views rebuild, then the rest.
    std::size_t delivered = 0, appended = 0;  // events given to the views, and to the history
    auto deliverUpTo = [&](std::size_t end) {
        if (end <= delivered) return;
        for (std::size_t j = std::max(delivered, appended); j < end; ++j)
            m_history.append(events[j]);
        appended = std::max(appended, end);
        if (delivered == 0 && end == events.size()) {
            Q_EMIT eventsArrived(events);
        } else {
            const std::vector<Event> part(events.begin() + long(delivered),
                                          events.begin() + long(end));
            Q_EMIT eventsArrived(part);
        }
        delivered = end;
    };
    for (std::size_t i = 0; i < events.size(); ++i) {
        const Event& event = events[i];
        m_sawEvent = true;
        switch (event.type) {
            case EventType::warning:
                // A breakpoint's hold: the run paused itself, and stays paused until told.
                if (event.text.code == TextCode::breakpoint_hit ||
                    event.text.code == TextCode::breakpoint_hit_value)
                    m_breakPending = true;
                break;
            case EventType::paused:
                m_held = true;
                if (m_breakPending) m_mode = Mode::paused;
                m_breakPending = false;
                break;
            case EventType::resumed: m_held = false; break;
            case EventType::rewound:
                deliverUpTo(i);
                m_history.append(event);
                delivered = appended = i + 1;
                m_sawRunEnd = false;  // a run held after its failure goes back to before it
                Q_EMIT rewound(event);
                break;
            case EventType::run_start:
                if (m_link->kind() != SessionLink::Kind::local) {
                    deliverUpTo(i);
                    m_sawRunEnd = false;
                    m_held = false;
                    // The history reads the run's config (once): it takes the run_start in
                    // before the views start over, and they get it with the rest of the frame.
                    m_history.append(event);
                    appended = i + 1;
                    // One this version cannot read: the defaults.
                    m_config = m_history.config() ? *m_history.config() : RunConfig();
                    Q_EMIT runStarted(m_config);
                }
                break;
            case EventType::run_end:
                m_sawRunEnd = true;
                m_endStatus = event.status;
                break;
            default: break;
        }
    }
    deliverUpTo(events.size());
    m_parity.apply(events);
    pollParity();
    updateRunState();
    Q_EMIT frameDone();
}

void SessionController::pollParity() {
    if (m_parity.poll()) Q_EMIT parityChanged();
    // The shadow runs on by itself: while the window's run has batches it has not reached, look
    // again a few times a second.
    const bool behind = m_parity.pending() > 0;
    if (behind && !m_parityTimer.isActive()) m_parityTimer.start();
    if (!behind) m_parityTimer.stop();
}

void SessionController::updateRunState() {
    RunState state = RunState::none;
    if (m_link) {
        if (m_sawRunEnd) {
            state = m_endStatus == RunStatus::finished  ? RunState::finished
                    : m_endStatus == RunStatus::stopped ? RunState::stopped
                                                        : RunState::failed;
        } else if (!m_sawEvent) {
            state = RunState::loading;
        } else if (m_stopSent || m_mode == Mode::running) {
            state = RunState::running;
        } else if (m_held || m_mode == Mode::paused) {
            state = RunState::paused;
        } else {
            state = RunState::stepping;
        }
    }
    if (state != m_runState) {
        m_runState = state;
        Q_EMIT runStateChanged(state);
    }
}

}  // namespace stepwise::gui
