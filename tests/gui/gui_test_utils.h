#pragma once
// Helpers for the GUI tests: drive the real MainWindow and wait for what the engine reports.

#include <QAction>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>
#include <functional>
#include <memory>
#include <vector>

#include "comparison.h"
#include "main_window.h"
#include "pipeline_view.h"
#include "session_controller.h"
#include "stepwise/events.h"
#include "stepwise/lessons.h"
#include "stepwise/local_link.h"
#include "stepwise/run_config.h"
#include "stepwise/session.h"
#include "translator.h"

namespace stepwise::gui::test {

/// A built-in lesson's config, its paths relative to the working folder.
inline RunConfig lessonConfig(const char* name) {
    const Lesson* lesson = find_lesson(name);
    if (!lesson) qFatal("no built-in lesson %s", name);
    return parse_run_config(lesson->config_json, "", name);
}

/// Keeps the tests away from the user's settings and data.
inline void isolateSettings() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("StepwiseTests"));
    QCoreApplication::setApplicationName(QStringLiteral("stepwise-tests"));
    QSettings().clear();
}

/// How much longer every test timeout is: STEPWISE_TEST_TIMEOUT_SCALE (scripts/sanitize.sh sets it,
/// since sanitized builds run several times slower). A timeout is an upper bound on waiting for
/// an event, never the expected duration, so stretching it changes nothing when all goes well.
inline int scaledTimeout(int ms) {
    bool ok = false;
    const int scale = qEnvironmentVariableIntValue("STEPWISE_TEST_TIMEOUT_SCALE", &ok);
    return ok && scale > 1 ? ms * scale : ms;
}

/// Runs the event loop until `done` holds or `ms` (scaled) pass; true if it held.
inline bool waitUntil(const std::function<bool()>& done, int ms = 10000) {
    ms = scaledTimeout(ms);
    QElapsedTimer timer;
    timer.start();
    while (!done() && timer.elapsed() < ms) QTest::qWait(5);
    return done();
}

/// Delivers what is already queued (posted events, zero-timer slots such as QCustomPlot's queued
/// replot or a queued scroll) until nothing more is pending; no wall-clock wait.
inline void settle() {
    for (int round = 0; round < 10; ++round) {
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents(QEventLoop::AllEvents);
    }
}

/// A MainWindow plus a record of every event the views received.
class Driver {
  public:
    Driver() {
        window = std::make_unique<MainWindow>(&translator);
        window->controller()->setLocalLinkFactory(&make_local_link);
        window->comparison()->setPairFactory(&make_local_link_pair);
        window->comparison()->setForkFactory(&make_local_fork_link);
        window->resize(1600, 1000);
        QObject::connect(window->controller(), &SessionController::eventsArrived, window.get(),
                         [this](const std::vector<Event>& batch) {
                             for (const Event& e : batch) {
                                 // Keep the few kinds the tests read; copying every stage event
                                 // of a long run would make the test, not the window, the slow
                                 // part.
                                 if (keepEvents && e.type != EventType::stage_enter &&
                                     e.type != EventType::stage_exit &&
                                     e.type != EventType::paused && e.type != EventType::resumed)
                                     events.push_back(e);
                                 if (e.type == EventType::batch_end) ++batchEnds;
                                 if (e.type == EventType::stage_enter) ++stageEnters;
                                 if (e.type == EventType::resumed) {
                                     ++resumedCount;
                                     lastResumed = e.stage;
                                 }
                                 if (e.run_id != window->controller()->runId()) ++foreignEvents;
                                 if (e.type == EventType::paused) ++pausedCount;
                                 if (e.type == EventType::run_end) ended = true;
                             }
                         });
    }

    void open(const QString& lesson) {
        events.clear();
        pausedCount = 0;
        ended = false;
        window->openLesson(lesson);
    }

    void start(const RunConfig& config) {
        events.clear();
        pausedCount = 0;
        ended = false;
        window->startConfig(config);
    }

    /// Waits until the worker holds again (a new `paused` event), up to `ms`.
    bool waitHeld(int previous, int ms = 10000) {
        waitUntil([&] { return pausedCount > previous || ended; }, ms);
        return pausedCount > previous;
    }

    /// Presses an action and waits for the next hold. False if the run ended instead.
    bool press(QAction* action) {
        const int before = pausedCount;
        action->trigger();
        return waitHeld(before);
    }

    bool waitEnded(int ms = 30000) {
        return waitUntil([&] { return ended; }, ms);
    }

    int count(EventType type) const {
        int n = 0;
        for (const Event& e : events) n += e.type == type;
        return n;
    }

    /// The run's errors and warnings, for failure messages.
    QString describe() const {
        QStringList lines;
        for (const Event& e : events)
            if (e.type == EventType::error || e.type == EventType::warning ||
                e.type == EventType::run_end)
                lines << QStringLiteral("%1 %2 %3 %4")
                             .arg(
                                 QString::fromLatin1(event_type_name(e.type)),
                                 QString::fromUtf8(e.type == EventType::error ? where_name(e) : ""),
                                 QString::fromStdString(e.message),
                                 QString::fromLatin1(run_status_name(e.status)));
        return lines.join(QLatin1Char('\n'));
    }

    std::optional<Stage> current() const { return window->pipelineView()->state().current(); }

    Translator translator;
    std::unique_ptr<MainWindow> window;
    std::vector<Event> events;
    int pausedCount = 0;
    int batchEnds = 0;
    int stageEnters = 0;     ///< stage_enter events received (coalesced ones are not seen)
    int resumedCount = 0;    ///< `resumed` events: the worker left a hold
    Stage lastResumed{};     ///< the stage it then went on to run
    bool keepEvents = true;  ///< off for very long runs: then only the counters are kept
    int foreignEvents = 0;   ///< events that reached the views from another run (must stay 0)
    bool ended = false;
};

}  // namespace stepwise::gui::test
