// Small units of the GUI that need no session: the compile-error locator, the None explanation,
// the bounded log, option parsing, the pipeline fold and the lesson texts' translations.

#include <QtTest>
#include <algorithm>

#include "config_panel.h"
#include "lesson_texts.h"
#include "log_model.h"
#include "none_explainer.h"
#include "pipeline_state.h"
#include "run_history.h"
#include "stepwise/session.h"
#include "stepwise/trace.h"
#include "source_editor.h"
#include "stepwise/lessons.h"
#include "translator.h"

using namespace stepwise;
using namespace stepwise::gui;

class TestUnits : public QObject {
    Q_OBJECT
  private:
    static std::vector<Event> recordLesson(const char* name, std::int64_t epochs = 0) {
        RunConfig config = parse_run_config(find_lesson(name)->config_json, "", name);
        if (epochs > 0) config.trainer.max_epochs = epochs;
        std::vector<Event> events;
        SessionOptions options;
        options.buffer_events = false;
        options.listener = [&](const Event& e) { events.push_back(e); };
        warning_cache::clear();
        TrainingSession session(config, options);
        session.run_blocking();
        return events;
    }
    static std::vector<std::string> encoded(const std::vector<Event>& events) {
        std::vector<std::string> out;
        for (const Event& e : events) out.push_back(encode_event(e));
        return out;
    }

  private Q_SLOTS:
    void runHistoryGivesBackEveryEventOfARecentRunAndCutsBackExactly() {
        const std::vector<Event> run = recordLesson("none_batches");
        RunHistory history;
        history.append(run);
        QCOMPARE(history.batchCount(), std::size_t(16));
        QCOMPARE(encoded(history.events()), encoded(run));  // 16 batches: all kept whole

        // Cut back to the moment backward of the fourth batch (serial 3) was entered.
        RunHistory cut = history;  // two histories side by side, independent
        QVERIFY(cut.cutBack(3, Stage::backward));
        std::vector<Event> prefix;
        int batchEnds = 0;
        for (const Event& e : run) {
            if (batchEnds == 3 && (e.type == EventType::stage_enter || e.type == EventType::stage_exit) &&
                e.stage == Stage::backward)
                break;
            batchEnds += e.type == EventType::batch_end;
            prefix.push_back(e);
        }
        QCOMPARE(encoded(cut.events()), encoded(prefix));
        QCOMPARE(cut.batchCount(), std::size_t(3));
        QVERIFY(cut.generation() != history.generation());
        QCOMPARE(history.batchCount(), std::size_t(16));  // the original is untouched
        QVERIFY(!history.cutBack(17));
    }

    void runHistoryKeepsEveryBatchRecordOfALongRunInBoundedBytes() {
        const std::vector<Event> run = recordLesson("mlp_spiral", 30);  // 240 batches
        RunHistory history;
        history.append(run);
        QCOMPARE(history.batchCount(), std::size_t(240));
        // Columns: kBytesPerBatch per batch plus 8 per scalar extra (accuracy).
        QCOMPARE(history.columnBytes(),
                 std::size_t(240) * (RunHistory::kBytesPerBatch + sizeof(double)));
        QVERIFY(RunHistory::kBytesPerBatch <= 72);  // a million batches: under 72 MB + extras
        // Old batches come back from the columns with their figures; only the newest whole.
        const std::vector<Event> back = history.events();
        std::vector<Event> ends, backEnds;
        for (const Event& e : run)
            if (e.type == EventType::batch_end) ends.push_back(e);
        int stageEvents = 0;
        for (const Event& e : back) {
            if (e.type == EventType::batch_end) backEnds.push_back(e);
            stageEvents += e.type == EventType::stage_exit;
        }
        QCOMPARE(backEnds.size(), ends.size());
        for (std::size_t i = 0; i < ends.size(); ++i) {
            QCOMPARE(backEnds[i].seq, ends[i].seq);
            QCOMPARE(backEnds[i].loss, ends[i].loss);
            QCOMPARE(backEnds[i].update_norm, ends[i].update_norm);
            QCOMPARE(backEnds[i].global_step, ends[i].global_step);
            QCOMPARE(backEnds[i].extras.size(), ends[i].extras.size());
        }
        QCOMPARE(stageEvents, int(RunHistory::kRecentBatches) * 11);
        QVERIFY(!history.cutBack(10));  // too old to have its stage records
        QVERIFY(history.cutBack(230));
        QCOMPARE(history.batchCount(), std::size_t(230));
    }


    void lessonTextsAreAllInTheTranslationTable() {
        // The table repeats the lesson files' English text for lupdate: it must not drift.
        const std::vector<std::string> table = lessonTextSources();
        for (const Lesson& lesson : lessons()) {
            for (const std::string& text : {lesson.title, lesson.description})
                QVERIFY2(std::find(table.begin(), table.end(), text) != table.end(),
                         qPrintable(QStringLiteral("%1: \"%2\" is not in gui/lesson_texts.cpp")
                                        .arg(QString::fromStdString(lesson.name),
                                             QString::fromStdString(text))));
        }
        QCOMPARE(table.size(), lessons().size() * 2);
    }

    void lessonTextsAreTranslatedToChinese() {
        Translator translator;
        translator.setLanguage(QStringLiteral("zh_CN"));
        for (const Lesson& lesson : lessons()) {
            QVERIFY2(lessonTitle(lesson) != QString::fromStdString(lesson.title),
                     lesson.name.c_str());
            QVERIFY2(lessonDescription(lesson) != QString::fromStdString(lesson.description),
                     lesson.name.c_str());
        }
        translator.setLanguage(QStringLiteral("en"));
        QCOMPARE(lessonTitle(default_lesson()), QString::fromStdString(default_lesson().title));
    }

    void compileErrorLocation_data() {
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::newRow("words") << QStringLiteral("expected ':' at line 12, column 7") << 12 << 7;
        QTest::newRow("colons") << QStringLiteral("model.stepwise:3:14: error: unknown") << 3 << 14;
        QTest::newRow("none") << QStringLiteral("no location here") << 0 << 0;
    }
    void compileErrorLocation() {
        QFETCH(QString, message);
        QFETCH(int, line);
        QFETCH(int, column);
        int l = 0;
        int c = 0;
        QCOMPARE(SourceEditor::parseLocation(message, &l, &c), line > 0);
        QCOMPARE(l, line);
        QCOMPARE(c, column);
    }

    void compileErrorMarksTheLine() {
        SourceEditor editor;
        editor.setSource(QStringLiteral("a\nb\nc\n"), QString(), QStringLiteral("x"));
        QVERIFY(editor.showCompileError(QStringLiteral("x.stepwise:2:1: error: bad")));
        QCOMPARE(editor.errorLine(), 2);
        editor.clearError();
        QCOMPARE(editor.errorLine(), 0);
    }

    void noneExplanation() {
        // The words come from the engine's measured explanation (Z-3), not from a model of the
        // optimizer: the window only frames it.
        Event end;
        end.type = EventType::batch_end;
        end.stepped = true;
        end.accumulate_grad_batches = 1;
        end.window_position = 1;
        end.update_norm = 0.01;
        end.explanation = {TextCode::explain_none_zero_moved, {"0.01", "momentum_buffer"}};
        const QString moved = explainNoneBatch(end);
        QVERIFY(moved.contains(QLatin1String("optimizer step still ran")));
        QVERIFY(moved.contains(
            QStringLiteral("yet the weights moved (‖Δθ‖ 0.01): the optimizer holds momentum_buffer")));
        end.explanation = {TextCode::explain_none_zero_still, {"sum"}};
        QVERIFY(explainNoneBatch(end).contains(QLatin1String("did not move; the optimizer holds sum")));
        end.explanation = {};
        QVERIFY(explainNoneBatch(end).contains(QLatin1String("update norm 0.01")));
        end.stepped = false;
        QVERIFY(explainNoneBatch(end).contains(QLatin1String("no optimizer step")));
        end.window_position = 2;
        end.accumulate_grad_batches = 3;
        QVERIFY(explainNoneBatch(end).contains(QLatin1String("earlier gradients stay in .grad")));
    }

    void logIsBoundedAndCoalesced() {
        LogModel log;
        log.clear();
        std::vector<Event> events;
        for (int i = 0; i < LogModel::kMaxEntries + 5000; ++i) {
            Event batch;
            batch.type = EventType::batch_end;
            batch.batch_idx = i;
            batch.stepped = true;
            events.push_back(batch);  // loss nullopt: a None record each
        }
        log.applyEvents(events);
        QVERIFY(log.rowCount() <= LogModel::kMaxEntries);
        QVERIFY(log.dropped() > 0);
        QCOMPARE(log.count(LogModel::Kind::noneBatch), LogModel::kMaxEntries + 5000);
        std::vector<Event> nan;
        for (int i = 0; i < 100; ++i) {
            Event w;
            w.type = EventType::warning;
            w.source = "stepwise";
            w.batch_idx = i;
            w.message = "loss is NaN";
            nan.push_back(w);
        }
        const int rows = log.rowCount();
        log.applyEvents(nan);
        QVERIFY(log.rowCount() <= rows + 1);
        QCOMPARE(log.entry(log.rowCount() - 1).repeats, 100);
    }

    void optionText() {
        QCOMPARE(optionToText(*optionFromText(QStringLiteral("0.9"))), QStringLiteral("0.9"));
        QCOMPARE(optionToText(*optionFromText(QStringLiteral("[0.9, 0.999]"))),
                 QStringLiteral("[0.9, 0.999]"));
        QCOMPARE(optionToText(*optionFromText(QStringLiteral("true"))), QStringLiteral("true"));
        QCOMPARE(optionToText(*optionFromText(QStringLiteral("strong_wolfe"))),
                 QStringLiteral("strong_wolfe"));
        QVERIFY(!optionFromText(QStringLiteral("  ")));
    }

    void pipelineFoldsSkippedStages() {
        PipelineState state;
        Event enter;
        enter.type = EventType::stage_enter;
        enter.stage = Stage::backward;
        enter.batch_idx = 0;
        state.apply(enter);
        QCOMPARE(state.current(), std::optional<Stage>(Stage::backward));
        Event exit = enter;
        exit.type = EventType::stage_exit;
        exit.outcome = Outcome::skipped;
        exit.text = {TextCode::skip_backward_none_returned, {}};
        state.apply(exit);
        QCOMPARE(state.stage(Stage::backward).state, StageStatus::State::skipped);
        QCOMPARE(state.stage(Stage::backward).skipReason, exit.text);
    }
};

QTEST_MAIN(TestUnits)
#include "tst_units.moc"
