// Replaying a recorded trace in the real window: it opens held like a live run, steps with the
// same keys, the timeline jumps anywhere, and the views show what the live run showed.

#include <QApplication>
#include <QLabel>
#include <QSlider>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <fstream>

#include "gui_test_utils.h"
#include "log_view.h"
#include "loss_plot.h"
#include "replay_bar.h"
#include "run_actions.h"
#include "stepwise/lessons.h"
#include "stepwise/replay_link.h"
#include "stepwise/trace.h"
#include "stepwise/warning_cache.h"

using namespace stepwise;
using namespace stepwise::gui;

namespace {

using test::lessonConfig;

/// Runs `config` headless, as `stepwise-run --trace` does, into `path`; returns its batch count.
int recordTrace(const RunConfig& config, const QString& path) {
    std::ofstream out(path.toStdString(), std::ios::binary);
    TraceWriter writer(out);
    int batches = 0;
    SessionOptions options;
    options.buffer_events = false;
    options.listener = [&](const Event& e) {
        writer.on_event(e);
        batches += e.type == EventType::batch_end;
    };
    warning_cache::clear();
    TrainingSession session(config, options);
    session.run_blocking();
    return batches;
}

}  // namespace

class TestReplay : public QObject {
    Q_OBJECT
  private Q_SLOTS:
    void initTestCase() { test::isolateSettings(); }

    void aTraceOpensHeldAndStepsLikeALiveRun() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("none.jsonl"));
        const int batches = recordTrace(lessonConfig("none_batches"), path);
        QVERIFY(batches > 4);

        test::Driver d;
        QVERIFY(d.window->openPath(path));
        QVERIFY(d.waitHeld(0));
        QCOMPARE(d.window->controller()->link()->kind(), SessionLink::Kind::replay);
        QCOMPARE(d.window->windowTitle(), QStringLiteral("none.jsonl (replay) — Stepwise"));
        QCOMPARE(d.current(), std::optional<Stage>(Stage::on_train_batch_start));
        QCOMPARE(d.window->controller()->runState(), SessionController::RunState::paused);
        QVERIFY(d.window->replayBar()->isVisibleTo(d.window.get()));

        // Step stage: on_train_batch_start ran; step batch twice: two batches in the views.
        QVERIFY(d.press(d.window->runActions()->stepStage()));
        QCOMPARE(d.window->pipelineView()->state().stage(Stage::on_train_batch_start).state,
                 StageStatus::State::ran);
        QVERIFY(d.press(d.window->runActions()->stepBatch()));
        QVERIFY(d.press(d.window->runActions()->stepBatch()));
        QCOMPARE(d.batchEnds, 2);
        QCOMPARE(d.window->lossPlot()->pointCount(), 2);

        // The timeline's end: the whole run, as recorded.
        QSlider* slider = d.window->replayBar()->slider();
        slider->setValue(slider->maximum());
        QVERIFY(d.waitEnded());
        QCOMPARE(d.batchEnds, batches);
        QCOMPARE(d.window->controller()->runState(), SessionController::RunState::finished);
        QCOMPARE(d.window->lossPlot()->pointCount(), batches);

        // Back to the start: the views start over from the recording's beginning.
        d.ended = false;
        const int pausedBefore = d.pausedCount;
        slider->setValue(0);
        QVERIFY(d.waitHeld(pausedBefore));
        QCOMPARE(d.window->lossPlot()->pointCount(), 0);
        QCOMPARE(d.window->controller()->runState(), SessionController::RunState::paused);
        QCOMPARE(d.foreignEvents, 0);
    }

    void runPlaysTheRestAndResetGoesBackToTheStart() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("acc.jsonl"));
        const int batches = recordTrace(lessonConfig("accumulate_3"), path);
        test::Driver d;
        QVERIFY(d.window->openPath(path));
        QVERIFY(d.waitHeld(0));
        d.window->runActions()->run()->trigger();
        QVERIFY(d.waitEnded());
        QCOMPARE(d.window->lossPlot()->pointCount(), batches);
        const int pausedBefore = d.pausedCount;
        d.ended = false;
        d.window->runActions()->reset()->trigger();
        QVERIFY(d.waitHeld(pausedBefore));
        QCOMPARE(d.window->lossPlot()->pointCount(), 0);
    }

    void aTraceOfTheOldSchemaIsRefusedWithTheReasonAndNothingChanges() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("old.jsonl"));
        {
            std::ofstream out(path.toStdString());
            out << "{\"type\":\"run_start\",\"config\":{}}\n";
        }
        test::Driver d;
        d.open(QStringLiteral("tensor_return"));
        QVERIFY(d.waitHeld(0));
        // The refusal is a message box: close it as a person would, and read what it said.
        QString said;
        QTimer::singleShot(0, [&] {
            QWidget* box = QApplication::activeModalWidget();
            if (!box) return;
            said = box->findChild<QLabel*>(QStringLiteral("qt_msgbox_label"))->text();
            box->close();
        });
        QVERIFY(!d.window->openPath(path));
        QVERIFY2(said.contains(QLatin1String("schema 1")), qPrintable(said));
        QCOMPARE(d.window->controller()->link()->kind(), SessionLink::Kind::local);
    }
};

QTEST_MAIN(TestReplay)
#include "tst_replay.moc"
