// Small units of the GUI that need no session: the compile-error locator, the None explanation,
// the bounded log, option parsing, the pipeline fold, the pacer and the lesson texts' translations.

#include <qcustomplot.h>

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "config_panel.h"
#include "log_model.h"
#include "loss_plot.h"
#include "pacer.h"
#include "parity_meter.h"
#include "pipeline_state.h"
#include "run_history.h"
#include "smoothing.h"
#include "source_editor.h"
#include "stepwise/lessons.h"
#include "stepwise/session.h"
#include "stepwise/trace.h"
#include "stepwise/warning_cache.h"
#include "text/lesson_texts.h"
#include "text/none_explainer.h"
#include "translator.h"

using namespace stepwise;
using namespace stepwise::gui;

namespace {
/// A parity reference with checksums set by the test.
class FakeReference : public ParityReference {
  public:
    std::map<std::int64_t, std::uint64_t> sums;
    bool done = false;
    std::string failed;
    std::optional<std::uint64_t> checksum(std::int64_t batch) const override {
        const auto it = sums.find(batch);
        return it == sums.end() ? std::nullopt : std::optional<std::uint64_t>(it->second);
    }
    std::int64_t batches() const override { return std::int64_t(sums.size()); }
    bool ended() const override { return done; }
    std::string failure() const override { return failed; }
};

Event batchEnd(std::int64_t epoch, std::int64_t batch, std::uint64_t sum) {
    Event e;
    e.type = EventType::batch_end;
    e.epoch = epoch;
    e.batch_idx = batch;
    e.param_checksum = sum;
    return e;
}
}  // namespace

class TestUnits : public QObject {
    Q_OBJECT
  private:
    /// A lesson's run, for `epochs` epochs when given, its config edited by `edit` (text: from,
    /// to).
    static std::vector<Event> recordLesson(const char* name, std::int64_t epochs = 0,
                                           const QStringList& edit = {}) {
        QString json = QString::fromStdString(find_lesson(name)->config_json);
        if (edit.size() == 2) json.replace(edit[0], edit[1]);
        RunConfig config = parse_run_config(json.toStdString(), "", name);
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
            if (batchEnds == 3 &&
                (e.type == EventType::stage_enter || e.type == EventType::stage_exit) &&
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

    void runHistoryKeepsEveryBatchRecordOfALongRunInBoundedBytes_data() {
        QTest::addColumn<QString>("lesson");
        QTest::addColumn<int>("epochs");
        QTest::addColumn<int>("extras");
        QTest::addColumn<QStringList>("edit");
        QTest::newRow("mlp_spiral: an extra, 240 batches")
            << QStringLiteral("mlp_spiral") << 30 << 1 << QStringList();
        // None every third batch (explanations quoting norms and momentum), past a checkpoint.
        QTest::newRow("none_batches: 1,280 batches")
            << QStringLiteral("none_batches") << 160 << 0 << QStringList();
        QTest::newRow("accumulate_3: cycles and raw losses")
            << QStringLiteral("accumulate_3") << 40 << 0 << QStringList();
        // OneCycleLR by step: the lr changes every other batch, a float each.
        QTest::newRow("lr_schedule: a scheduled lr")
            << QStringLiteral("lr_schedule") << 20 << 0
            << QStringList{QStringLiteral("\"total_steps\": 24"),
                           QStringLiteral("\"total_steps\": 81")};
    }
    void runHistoryKeepsEveryBatchRecordOfALongRunInBoundedBytes() {
        QFETCH(QString, lesson);
        QFETCH(int, epochs);
        QFETCH(int, extras);
        QFETCH(QStringList, edit);
        const std::vector<Event> run = recordLesson(lesson.toUtf8().constData(), epochs, edit);
        std::vector<Event> ends;
        for (const Event& e : run)
            if (e.type == EventType::batch_end) ends.push_back(e);
        QCOMPARE(run.back().type, EventType::run_end);
        QVERIFY(run.back().status == RunStatus::finished);
        RunHistory history;
        history.append(run);
        QCOMPARE(history.batchCount(), ends.size());
        QCOMPARE(ends.back().epoch, std::int64_t(epochs - 1));
        // Columns: kBytesPerBatch per batch, 4 per scalar extra, 4 for the raw loss where it
        // differs from the loss, and a few runs: one per epoch (batch_idx starts over), the
        // checkpoints, one accumulation regime, one step offset.
        const std::size_t n = ends.size();
        const bool rawDiffers =
            lesson == QLatin1String("accumulate_3") || lesson == QLatin1String("lr_schedule");
        const bool lrChanges = lesson == QLatin1String("lr_schedule");
        const std::size_t runs = std::size_t(epochs) * 12 + (n / 1024 + 1) * 16 + 12 + 16 + 16 + 8;
        QVERIFY2(history.columnBytes() <= n * (RunHistory::kBytesPerBatch +
                                               sizeof(float) * (extras + rawDiffers + lrChanges)) +
                                              runs,
                 qPrintable(QString::number(history.columnBytes())));
        QVERIFY(RunHistory::kBytesPerBatch <= 16);  // a million batches: 16 MB + extras
        // Old batches come back from the columns with their figures; only the newest whole.
        const std::vector<Event> back = history.events();
        std::vector<Event> backEnds;
        int stageEvents = 0;
        for (const Event& e : back) {
            if (e.type == EventType::batch_end) backEnds.push_back(e);
            stageEvents += e.type == EventType::stage_exit;
        }
        QCOMPARE(backEnds.size(), ends.size());
        int explained = 0;
        for (std::size_t i = 0; i < ends.size(); ++i) {
            // Exact for the newest batches, single precision before them.
            const bool recent = i + RunHistory::kRecentBatches >= ends.size();
            auto same = [recent](const std::optional<double>& a, const std::optional<double>& b) {
                return a.has_value() == b.has_value() &&
                       (!a || (recent ? *a == *b : float(*a) == float(*b)));
            };
            QVERIFY(same(backEnds[i].loss, ends[i].loss));
            QVERIFY(same(backEnds[i].loss_raw, ends[i].loss_raw));
            QVERIFY(same(backEnds[i].update_norm, ends[i].update_norm));
            QVERIFY(same(backEnds[i].lr, ends[i].lr));
            QCOMPARE(backEnds[i].seq, ends[i].seq);
            QCOMPARE(backEnds[i].epoch, ends[i].epoch);
            QCOMPARE(backEnds[i].batch_idx, ends[i].batch_idx);
            QCOMPARE(backEnds[i].global_step, ends[i].global_step);
            QCOMPARE(backEnds[i].stepped, ends[i].stepped);
            QCOMPARE(backEnds[i].closure_calls, ends[i].closure_calls);
            QCOMPARE(backEnds[i].cycle_position, ends[i].cycle_position);
            QCOMPARE(backEnds[i].accumulate_grad_batches, ends[i].accumulate_grad_batches);
            // An explanation quotes its figures exactly as the engine formatted them.
            QCOMPARE(backEnds[i].explanation.code, ends[i].explanation.code);
            QCOMPARE(backEnds[i].explanation.args, ends[i].explanation.args);
            explained += ends[i].explanation.code != TextCode::none;
            QCOMPARE(backEnds[i].extras.size(), ends[i].extras.size());
            // One batch alone, as a view asks for it.
            QCOMPARE(history.batchRecord(i).seq, ends[i].seq);
            QCOMPARE(history.batchRecord(i).batch_idx, ends[i].batch_idx);
            QCOMPARE(history.globalStep(i), ends[i].global_step);
            QCOMPARE(history.returnedNone(i), !ends[i].loss.has_value());
        }
        QCOMPARE(explained > 0, lesson == QLatin1String("none_batches"));
        QCOMPARE(history.firstBatchAtStep(double(ends.back().global_step)),
                 std::size_t(std::find_if(ends.begin(), ends.end(),
                                          [&](const Event& e) {
                                              return e.global_step == ends.back().global_step;
                                          }) -
                             ends.begin()));
        // Stage records are kept for the newest kRecentBatches batches only.
        const std::uint64_t keptAfter = ends[n - RunHistory::kRecentBatches - 1].seq;
        QCOMPARE(stageEvents, int(std::count_if(run.begin(), run.end(), [&](const Event& e) {
                     return e.type == EventType::stage_exit && e.seq > keptAfter;
                 })));
        QVERIFY(!history.cutBack(10));  // too old to have its stage records
        QVERIFY(history.cutBack(n - 10));
        QCOMPARE(history.batchCount(), n - 10);
        QCOMPARE(history.batchRecord(n - 11).seq, ends[n - 11].seq);
        QCOMPARE(history.globalStep(n - 11), ends[n - 11].global_step);
        history.append(ends[n - 10]);  // appending goes on from the cut
        QCOMPARE(history.globalStep(n - 10), ends[n - 10].global_step);
        QCOMPARE(history.batchRecord(n - 10).batch_idx, ends[n - 10].batch_idx);
    }

    void lossPlotDrawsALongRunAsItsEnvelopeInBoundedPoints() {
        // none_batches for 4,000 batches: a None batch every third one, losses falling then noisy.
        const std::vector<Event> run = recordLesson("none_batches", 500);
        RunHistory history;
        history.append(run);
        const std::size_t n = history.batchCount();
        QCOMPARE(n, std::size_t(4000));
        float lowest = std::numeric_limits<float>::infinity(), highest = -lowest;
        int noneBatches = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (std::isfinite(history.loss(i))) {
                lowest = std::min(lowest, history.loss(i));
                highest = std::max(highest, history.loss(i));
            }
            noneBatches += history.returnedNone(i);
        }
        QCOMPARE(noneBatches, 1000);  // batches 2 and 5 of every epoch
        LossPlot plot;
        plot.resize(500, 300);
        plot.setHistory(&history);
        plot.setFollow(false);
        plot.flush();
        plot.resetView();
        plot.plot()->replot();
        QCOMPARE(plot.pointCount(), int(n));
        // The whole run in view: at most a minimum and a maximum per pixel column ...
        const int columns = std::max(200, plot.plot()->width());
        QVERIFY2(plot.drawnPointCount() <= 2 * columns + 2,
                 qPrintable(QString::number(plot.drawnPointCount())));
        QVERIFY(plot.drawnPointCount() >= columns);
        QVERIFY(plot.noneMarkerCount() <= columns + 1);
        // ... and the envelope keeps the run's extremes exactly.
        bool found = false;
        const QCPRange y =
            plot.plot()->graph(1)->getValueRange(found, QCP::sdBoth);  // the loss graph
        QVERIFY(found);
        QCOMPARE(float(y.lower), lowest);
        QCOMPARE(float(y.upper), highest);
        // Zoomed in to 50 batches: every batch is a point again, every None batch a marker.
        plot.plot()->xAxis->setRange(1000, 1049);
        plot.plot()->replot();
        QVERIFY(plot.drawnPointCount() >= 50 && plot.drawnPointCount() <= 53);
        int noneInView = 0;
        for (std::size_t i = 999; i <= 1050; ++i) noneInView += history.returnedNone(i);
        QCOMPARE(plot.noneMarkerCount(), noneInView);
        // Following: the newest 2,000 batches.
        plot.setFollow(true);
        QVERIFY(plot.plot()->xAxis->range().lower >= 1999 - 1 &&
                plot.plot()->xAxis->range().upper >= 3999);
        QVERIFY(plot.drawnPointCount() <= 2 * columns + 2);
        // Cut back: the plot starts over from the history at its next frame.
        QVERIFY(history.cutBack(n - 8));
        plot.flush();
        QCOMPARE(plot.pointCount(), int(n - 8));
    }

    void lessonTextsAreAllInTheTranslationTable() {
        // The table repeats the lesson files' English text for lupdate: it must not drift.
        const std::vector<std::string> table = lessonTextSources();
        std::size_t texts = 0;
        for (const Lesson& lesson : lessons()) {
            std::vector<std::string> own = {lesson.title, lesson.description};
            if (!lesson.compare_config_json.empty())
                own.insert(own.end(), {lesson.compare_a, lesson.compare_b});
            texts += own.size();
            for (const std::string& text : own)
                QVERIFY2(std::find(table.begin(), table.end(), text) != table.end(),
                         qPrintable(QStringLiteral("%1: \"%2\" is not in gui/lesson_texts.cpp")
                                        .arg(QString::fromStdString(lesson.name),
                                             QString::fromStdString(text))));
        }
        QCOMPARE(table.size(), texts);
    }

    void lessonTextsAreTranslatedToChinese() {
        Translator translator;
        translator.setLanguage(QStringLiteral("zh_CN"));
        for (const Lesson& lesson : lessons()) {
            QVERIFY2(lessonTitle(lesson) != QString::fromStdString(lesson.title),
                     lesson.name.c_str());
            QVERIFY2(lessonDescription(lesson) != QString::fromStdString(lesson.description),
                     lesson.name.c_str());
            if (!lesson.compare_config_json.empty()) {
                QVERIFY2(
                    lessonRunName(lesson.compare_a) != QString::fromStdString(lesson.compare_a),
                    lesson.name.c_str());
                QVERIFY2(
                    lessonRunName(lesson.compare_b) != QString::fromStdString(lesson.compare_b),
                    lesson.name.c_str());
            }
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
        end.cycle_position = 1;
        end.update_norm = 0.01;
        end.explanation = {TextCode::explain_none_zero_moved, {"0.01", "momentum_buffer"}};
        const QString moved = explainNoneBatch(end);
        QVERIFY(moved.contains(QLatin1String("optimizer step still ran")));
        QVERIFY(moved.contains(QStringLiteral(
            "yet the weights moved (‖Δθ‖ 0.01): the optimizer holds momentum_buffer")));
        end.explanation = {TextCode::explain_none_zero_still, {"sum"}};
        QVERIFY(
            explainNoneBatch(end).contains(QLatin1String("did not move; the optimizer holds sum")));
        end.explanation = {};
        QVERIFY(explainNoneBatch(end).contains(QLatin1String("update norm 0.01")));
        end.stepped = false;
        QVERIFY(explainNoneBatch(end).contains(QLatin1String("no optimizer step")));
        end.cycle_position = 2;
        end.accumulate_grad_batches = 3;
        QVERIFY(explainNoneBatch(end).contains(QLatin1String("earlier gradients stay in .grad")));
    }

    void smoothingIsTensorBoardsDebiasedEmaAtEveryBatchFromItsCheckpoints() {
        // The values: a NaN (a None batch) is passed over, as TensorBoard passes it over.
        std::vector<float> values;
        for (int i = 0; i < 3000; ++i)
            values.push_back(i % 7 == 3 ? std::numeric_limits<float>::quiet_NaN()
                                        : float(1.0 / (1 + i % 13)));
        Smoothing smoothing(0.6);
        smoothing.takeIn(values, 1000);
        smoothing.takeIn(values, values.size());  // in two frames, as the plot takes them in
        QCOMPARE(smoothing.taken(), values.size());
        // By hand: last = w last + (1 - w) v, shown = last / (1 - w^n).
        double last = 0;
        int n = 0;
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (std::isnan(values[i])) {
                QVERIFY(!smoothing.at(i, values));
                continue;
            }
            last = 0.6 * last + 0.4 * values[i];
            ++n;
            const double want = last / (1 - std::pow(0.6, n));
            QVERIFY2(std::abs(*smoothing.at(i, values) - want) <= 1e-12,
                     qPrintable(QString::number(i)));
        }
        QCOMPARE(*smoothing.at(0, values), double(values[0]));  // debiased: not pulled to 0
        // Off: nothing smoothed; the weight is clamped to what the slider offers.
        smoothing.setWeight(0);
        QVERIFY(!smoothing.on());
        smoothing.takeIn(values, values.size());
        QVERIFY(!smoothing.at(0, values));
        smoothing.setWeight(2.0);
        QCOMPARE(smoothing.weight(), Smoothing::kMaxWeight);
    }

    void logIsBoundedAndCoalesced() {
        RunHistory history;  // the log is a view of the history's
        LogModel log(&history);
        log.clear();
        std::vector<Event> events;
        for (int i = 0; i < LogModel::kMaxEntries + 5000; ++i) {
            Event batch;
            batch.type = EventType::batch_end;
            batch.batch_idx = i;
            batch.stepped = true;
            events.push_back(batch);  // loss nullopt: a None record each
        }
        history.append(events);
        log.refresh();
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
        history.append(nan);
        log.refresh();
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

    void aPacerRefreshesAtOnceUnlessStreamingAndThenOnceATickOnAClockAllShare() {
        std::vector<qint64> a, b;  // the ticks of each pacer's refreshes
        Pacer pacerA([&] { a.push_back(Pacer::tick()); });
        Pacer pacerB([&] { b.push_back(Pacer::tick()); });
        // Start as a tick begins, so that the steps below stay within it.
        for (const qint64 before = Pacer::tick(); Pacer::tick() == before;) continue;
        const qint64 t = Pacer::tick();
        pacerA.request(false);  // not streaming: at once
        QCOMPARE(a, std::vector<qint64>{t});
        for (int i = 0; i < 5; ++i)
            pacerA.request(true);  // streaming, refreshed this tick: once, later
        pacerB.request(true);      // B has not refreshed in this tick: at once
        QCOMPARE(a.size(), std::size_t(1));
        QCOMPARE(b, std::vector<qint64>{t});
        pacerB.request(true);
        QVERIFY(pacerA.pending() && pacerB.pending());
        // Both at the start of the next tick, once each.
        QTRY_VERIFY_WITH_TIMEOUT(a.size() == 2 && b.size() == 2, 2000);
        QVERIFY(a[1] > t);
        QCOMPARE(a[1], b[1]);
        QTest::qWait(Pacer::kStreamingMs * 3 / 2);
        QCOMPARE(a.size(), std::size_t(2));  // nothing was left to come
        pacerA.request(true);                // streaming, last refresh in an earlier tick: at once
        QCOMPARE(a.size(), std::size_t(3));
        pacerA.request(true);
        QVERIFY(pacerA.pending());
        pacerA.request(false);  // a hold does not wait
        QCOMPARE(a.size(), std::size_t(4));
        QVERIFY(!pacerA.pending());
        pacerB.request(true);
        pacerB.request(true);
        pacerB.flush();  // a pending one, now
        QVERIFY(!pacerB.pending());
        const std::size_t flushed = b.size();
        pacerB.flush();  // none pending: nothing
        QCOMPARE(b.size(), flushed);
    }

    void aFrameStreamsWhenItEndsMoreThanOneBatchAndNeitherHoldsNorEnds() {
        const auto of = [](std::initializer_list<EventType> types) {
            std::vector<Event> events;
            for (EventType t : types) {
                Event e;
                e.type = t;
                events.push_back(e);
            }
            return Pacer::streaming(events);
        };
        using T = EventType;
        QVERIFY(!of({}));
        QVERIFY(!of({T::stage_enter, T::stage_exit, T::batch_end, T::stage_enter}));
        QVERIFY(of({T::batch_end, T::stage_enter, T::stage_exit, T::batch_end}));
        QVERIFY(!of({T::batch_end, T::batch_end, T::stage_enter, T::paused}));
        QVERIFY(!of({T::batch_end, T::batch_end, T::run_end}));
        QVERIFY(!of({T::batch_end, T::error, T::batch_end}));
        QVERIFY(!of({T::rewound, T::batch_end, T::batch_end}));
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

    void theParityMeterComparesBatchByBatchAndARewindTakesBackWhatItUndid() {
        ParityMeter meter;
        QCOMPARE(meter.state(), ParityMeter::State::off);
        auto owned = std::make_unique<FakeReference>();
        FakeReference* reference = owned.get();
        meter.reset(std::move(owned));
        Event start;
        start.type = EventType::run_start;
        start.total_batches_per_epoch = 4;
        meter.apply({start, batchEnd(0, 0, 11), batchEnd(0, 1, 12)});
        meter.poll();
        QCOMPARE(meter.state(), ParityMeter::State::waiting);  // the reference is not there yet
        QCOMPARE(meter.pending(), std::size_t(2));
        reference->sums = {{0, 11}, {1, 12}, {2, 13}, {3, 14}, {4, 99}};
        QVERIFY(meter.poll());
        QCOMPARE(meter.state(), ParityMeter::State::identical);
        QCOMPARE(meter.identical(), std::int64_t(2));
        // Epoch 1's first batch (global 4) differs.
        meter.apply({batchEnd(0, 2, 13), batchEnd(0, 3, 14), batchEnd(1, 0, 15)});
        meter.poll();
        QCOMPARE(meter.state(), ParityMeter::State::differs);
        QCOMPARE(meter.firstDifference(), std::optional<std::int64_t>(4));
        QCOMPARE(meter.identical(), std::int64_t(4));
        // Back to batch 3: batch 4's difference is undone; recomputed equal, it is green again.
        Event back;
        back.type = EventType::rewound;
        back.epoch = 0;
        back.batch_idx = 3;
        meter.apply({back});
        meter.poll();
        QCOMPARE(meter.state(), ParityMeter::State::identical);
        QCOMPARE(meter.identical(), std::int64_t(3));
        meter.apply({batchEnd(0, 3, 14), batchEnd(1, 0, 99)});
        meter.poll();
        QCOMPARE(meter.state(), ParityMeter::State::identical);
        QCOMPARE(meter.identical(), std::int64_t(5));
        // A reference that failed before a batch the run ended.
        meter.apply({batchEnd(1, 1, 16)});
        reference->done = true;
        reference->failed = "RuntimeError: out of memory";
        meter.poll();
        QCOMPARE(meter.state(), ParityMeter::State::failed);
        QVERIFY(meter.release());
        QCOMPARE(meter.state(), ParityMeter::State::off);
    }
};

QTEST_MAIN(TestUnits)
#include "tst_units.moc"
