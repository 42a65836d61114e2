// The window on the user's own Lightning script (File ▸ Open of a .py): held inside its
// training_step, a failure in it shown with Python's traceback and its line in the Code dock, and
// Stop and closing the run reaching Python code that never comes back to a stage. Needs the
// Lightning 2.2.5 runtime (../shared/lightning-2.2.5 or $STEPWISE_LIGHTNING); skipped without it.

#include <qcustomplot.h>

#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QPlainTextEdit>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "breakpoints_view.h"
#include "code_view.h"
#include "gui_test_utils.h"
#include "locals_view.h"
#include "loss_plot.h"
#include "metrics_view.h"
#include "parity_meter.h"
#include "run_actions.h"
#include "script_link.h"
#include "stepwise/warning_cache.h"

using namespace stepwise;
using namespace stepwise::gui;

namespace {

QString lightningRuntime() {
    const QString given = qEnvironmentVariable("STEPWISE_LIGHTNING");
    for (const QString& dir :
         {given, QStringLiteral(STEPWISE_SOURCE_DIR "/../shared/lightning-2.2.5"),
          QStringLiteral("/work/shared/lightning-2.2.5")})
        if (!dir.isEmpty() && QFile::exists(dir + QStringLiteral("/run.sh")))
            return QDir(dir).absolutePath();
    return {};
}

/// A corpus script: a MNIST DataModule and a backbone by Lightning, torchmetrics, self.log, a
/// scheduler dict.
constexpr const char* kCorpusScript =
    STEPWISE_SOURCE_DIR "/tests/python/corpus/mnist_backbone_metrics/train.py";

const char* const kStuck = R"PY(
import torch
from torch.utils.data import DataLoader, TensorDataset
import lightning_compat  # noqa: F401
import lightning.pytorch as pl

class Stuck(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.layer = torch.nn.Linear(2, 1)
    def training_step(self, batch, batch_idx):
        x, y = batch
        if batch_idx == 1:
            while True:
                try:
                    pass
                except Exception:
                    pass
        return torch.nn.functional.mse_loss(self.layer(x), y)
    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)

pl.seed_everything(0)
data = TensorDataset(torch.randn(16, 2), torch.randn(16, 1))
pl.Trainer(max_epochs=1, logger=False, enable_checkpointing=False, enable_progress_bar=False,
           enable_model_summary=False).fit(Stuck(), DataLoader(data, batch_size=4))
)PY";

const char* const kRaises = R"PY(
import torch
from torch.utils.data import DataLoader, TensorDataset
import lightning_compat  # noqa: F401
import lightning.pytorch as pl

class Raises(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.layer = torch.nn.Linear(2, 1)
    def training_step(self, batch, batch_idx):
        x, y = batch
        if batch_idx == 2:
            raise ValueError(f"batch {batch_idx} is bad")
        return torch.nn.functional.mse_loss(self.layer(x), y)
    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)

pl.seed_everything(0)
data = TensorDataset(torch.randn(16, 2), torch.randn(16, 1))
pl.Trainer(max_epochs=1, logger=False, enable_checkpointing=False, enable_progress_bar=False,
           enable_model_summary=False).fit(Raises(), DataLoader(data, batch_size=4))
)PY";

}  // namespace

class TestScripts : public QObject {
    Q_OBJECT
  private:
    QTemporaryDir m_dir;

    QString write(const QString& name, const char* text) {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (file.open(QIODevice::WriteOnly)) file.write(text);
        return path;
    }
    /// A driver whose local runs of a .py go through the Python host, as stepwise's main() sets.
    static void useScriptLinks(test::Driver& d) {
        d.window->controller()->setLocalLinkFactory([](const RunConfig& config) {
            return config.model.kind == ModelSpec::Kind::script ? python::make_script_link(config)
                                                                : make_local_link(config);
        });
    }
    /// `script` opened as a user opens it, in `language`, on a 1366x768 laptop (its window area).
    static bool openOnALaptop(test::Driver& d, const QString& script, const QString& language) {
        useScriptLinks(d);
        d.translator.setLanguage(language);
        d.window->fitToScreen(QRect(0, 0, 1366, 728));
        d.window->show();
        return d.window->openPath(script);
    }
    void save(test::Driver& d, const QString& name) {
        d.window->controller()->pumpNow();
        test::settle();
        const QString dir = QStringLiteral(STEPWISE_SCREENSHOT_DIR);
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(d.window->grab().save(dir + QLatin1Char('/') + name));
    }

  private Q_SLOTS:
    void initTestCase() {
        test::isolateSettings();
        const QString runtime = lightningRuntime();
        if (runtime.isEmpty())
            QSKIP("no Lightning 2.2.5 runtime (../shared/lightning-2.2.5 or $STEPWISE_LIGHTNING)");
        // The embedded Python reads PYTHONPATH when the first script run starts it. Lightning
        // 2.2.5 on Debian's torch 1.13 and Python 3.11 needs the runtime's one patch
        // (lightning_compat) before a LightningModule is made: a sitecustomize applies it, as
        // it would in a user's environment, to scripts that do not import it themselves.
        QVERIFY(m_dir.isValid());
        write(QStringLiteral("sitecustomize.py"), "import lightning_compat  # noqa: F401\n");
        const QString src = runtime + QStringLiteral("/src/");
        qputenv("PYTHONPATH",
                (m_dir.path() + QLatin1Char(':') + src + QStringLiteral("lightning-2.2.5/src:") +
                 src + QStringLiteral("lightning-utilities-0.10.1/src:") + src +
                 QStringLiteral("torchmetrics-1.2.1/src:") + runtime)
                    .toLocal8Bit());
    }
    void init() { warning_cache::clear(); }

    void aScriptIsHeldInsideItsTrainingStep() {
        // A corpus script (a MNIST DataModule and a backbone by Lightning, torchmetrics, a
        // scheduler dict), opened as a user opens it, on a 1366x768 laptop, in both languages.
        const QString script = QString::fromUtf8(kCorpusScript);
        for (const QString& language : {QStringLiteral("en"), QStringLiteral("zh_CN")}) {
            test::Driver d;
            QVERIFY(openOnALaptop(d, script, language));
            QVERIFY2(d.waitHeld(0, 60000), qPrintable(d.describe()));
            RunActions* a = d.window->runActions();
            QVERIFY(d.press(a->stepBatch()));  // batch 0 done: its loss is in the plot
            while (d.current() != Stage::training_step) QVERIFY(d.press(a->stepStage()));
            QCOMPARE(d.window->codeView()->highlightedModelLine() >= 0, true);
            QVERIFY(
                d.window->codeView()->modelCode().startsWith(QStringLiteral("# file: ") + script));
            d.window->codeDock()->raise();  // the user's own file, training_step marked
            save(d, QStringLiteral("window_script_%1.png").arg(language));
            d.window->runActions()->stop()->trigger();
            QVERIFY(d.waitEnded(60000));
        }
    }

    void theMetricsDockShowsWhatSelfLogRecordedAndThePlotDrawsIt() {
        // The corpus script logs train_loss (prog_bar), train_acc from a torchmetrics object on
        // step and on epoch, and validation's val_acc / val_loss.
        const QString script = QString::fromUtf8(kCorpusScript);
        for (const QString& language : {QStringLiteral("en"), QStringLiteral("zh_CN")}) {
            test::Driver d;
            QVERIFY(openOnALaptop(d, script, language));
            QVERIFY2(d.waitHeld(0, 60000), qPrintable(d.describe()));
            d.window->runActions()->run()->trigger();
            QVERIFY(d.waitEnded(60000));
            d.window->controller()->pumpNow();
            d.window->metricsDock()->raise();
            test::settle();
            QTableWidget* table = d.window->metricsView()->table();
            QMap<QString, int> rows;
            for (int r = 0; r < table->rowCount(); ++r)
                rows[table->item(r, MetricsView::NameColumn)->text()] = r;
            for (const char* name : {"train_loss", "train_acc_step", "train_acc_epoch", "val_acc"})
                QVERIFY2(rows.contains(QLatin1String(name)), name);
            QVERIFY(!rows.contains(QStringLiteral("train_acc")));  // callback_metrics' alias
            const int epoch = rows[QStringLiteral("train_acc_epoch")];
            QVERIFY(table->item(epoch, MetricsView::FromColumn)->text().contains(QLatin1Char('2')));
            QVERIFY(table->item(rows[QStringLiteral("train_loss")], MetricsView::DictsColumn)
                        ->text()
                        .contains(QStringLiteral("progress_bar_metrics")));
            // Its Plot box draws the name on the loss plot, one point per batch.
            table->item(rows[QStringLiteral("train_loss")], MetricsView::PlotColumn)
                ->setCheckState(Qt::Checked);
            table->item(epoch, MetricsView::PlotColumn)->setCheckState(Qt::Checked);
            test::settle();
            QCustomPlot* plot = d.window->lossPlot()->plot();
            QCPGraph* drawn = nullptr;
            for (int g = 0; g < plot->graphCount(); ++g)
                if (plot->graph(g)->name().endsWith(QStringLiteral("train_loss")))
                    drawn = plot->graph(g);
            QVERIFY(drawn);
            QCOMPARE(drawn->dataCount(), 12);  // 3 epochs of 4 batches
            save(d, QStringLiteral("window_script_metrics_%1.png").arg(language));
            d.window->plotDock()->raise();
            test::settle();
            save(d, QStringLiteral("window_script_metrics_plot_%1.png").arg(language));
        }
    }

    void goingBackInAScriptIsComparedWithItsFirstPass() {
        // The corpus script (torchmetrics, a scheduler dict, a DataModule's shuffled data):
        // stepped into its second epoch, taken back three batches (across the epoch's start) and
        // forward again. The parity meter compares each recomputed batch with its first pass.
        const QString script = QString::fromUtf8(kCorpusScript);
        for (const QString& language : {QStringLiteral("en"), QStringLiteral("zh_CN")}) {
            test::Driver d;
            QVERIFY(openOnALaptop(d, script, language));
            QVERIFY2(d.waitHeld(0, 60000), qPrintable(d.describe()));
            RunActions* a = d.window->runActions();
            for (int i = 0; i < 6; ++i) QVERIFY(d.press(a->stepBatch()));
            d.window->controller()->pumpNow();
            const RunHistory& history = d.window->controller()->history();
            QCOMPARE(history.batchCount(), std::size_t(6));
            const std::vector<float> firstPass = history.losses();
            for (int i = 0; i < 3; ++i) QVERIFY2(d.press(a->backBatch()), qPrintable(d.describe()));
            d.window->controller()->pumpNow();
            QCOMPARE(history.batchCount(), std::size_t(3));  // batch 3, epoch 0, starts over
            for (int i = 0; i < 3; ++i) QVERIFY(d.press(a->stepBatch()));
            d.window->controller()->pumpNow();
            test::settle();
            QCOMPARE(history.losses(), firstPass);  // the same losses, bit for bit
            const ParityMeter& meter = d.window->controller()->parity();
            QVERIFY(meter.firstPass());
            QCOMPARE(meter.state(), ParityMeter::State::identical);
            QCOMPARE(meter.identical(), 3);
            QVERIFY(d.window->parityBadge()->isVisible());
            if (language == QLatin1String("en"))
                QCOMPARE(d.window->parityBadge()->text(),
                         QStringLiteral("✓ parity: 3 recomputed batches bit-identical to their "
                                        "first pass"));
            save(d, QStringLiteral("window_script_rewound_%1.png").arg(language));
            a->stop()->trigger();
            QVERIFY(d.waitEnded(60000));
        }
    }

    void aScriptsTrainingStepIsSteppedLineByLineWithItsLocals() {
        // The corpus script's training_step (lines 38-44 of its train.py) calls self(x), its own
        // forward in the same file: Step line goes into it, Step out comes back, Step line over
        // passes torchmetrics by.
        const QString script = QString::fromUtf8(kCorpusScript);
        for (const QString& language : {QStringLiteral("en"), QStringLiteral("zh_CN")}) {
            test::Driver d;
            QVERIFY(openOnALaptop(d, script, language));
            QVERIFY2(d.waitHeld(0, 60000), qPrintable(d.describe()));
            RunActions* a = d.window->runActions();
            QVERIFY(d.press(a->stepClosure()));  // before training_step
            CodeView* code = d.window->codeView();
            const auto at = [&] {
                d.window->controller()->pumpNow();
                test::settle();
                return code->heldLine() ? int(code->heldLine()->line) : -1;
            };
            QVERIFY(d.press(a->stepLine()));
            QCOMPARE(at(), 38);
            QCOMPARE(code->highlightedModelLine(), 38);
            QVERIFY(d.press(a->stepLine()));
            QCOMPARE(at(), 39);
            QVERIFY(d.press(a->stepLine()));  // into forward, in the same file
            QCOMPARE(QString::fromStdString(code->heldLine()->function), QStringLiteral("forward"));
            QCOMPARE(code->heldLine()->depth, 2);
            QVERIFY(d.press(a->stepLineOut()));
            QCOMPARE(at(), 40);
            QVERIFY(d.press(a->stepLineOver()));
            QCOMPARE(at(), 41);
            QVERIFY(code->shownFile().endsWith(QStringLiteral("train.py")));
            LocalsView* locals = d.window->localsView();
            QVERIFY(locals->frame());
            QMap<QString, int> rows;
            for (int r = 0; r < locals->table()->rowCount(); ++r)
                rows[locals->table()->item(r, LocalsView::NameColumn)->text()] = r;
            for (const char* name : {"self", "batch", "batch_idx", "x", "y", "log_probs", "loss"})
                QVERIFY2(rows.contains(QLatin1String(name)), name);
            const int loss = rows[QStringLiteral("loss")];
            QCOMPARE(locals->table()->item(loss, LocalsView::KindColumn)->text(),
                     QStringLiteral("tensor"));
            QCOMPARE(locals->table()->item(loss, LocalsView::AutogradColumn)->text(),
                     QStringLiteral("requires_grad · NllLossBackward0"));
            QVERIFY(locals->table()
                        ->item(rows[QStringLiteral("x")], LocalsView::ShapeColumn)
                        ->text()
                        .startsWith(QStringLiteral("[16, ")));  // batch_size=16
            d.window->codeDock()->raise();
            d.window->localsDock()->raise();
            save(d, QStringLiteral("window_script_line_%1.png").arg(language));
            // A double-click on line 43 sets a breakpoint there; Run holds at it.
            auto* pane = code->findChild<QPlainTextEdit*>(QStringLiteral("codeModel"));
            QVERIFY(pane);
            const auto doubleClick = [&](int line) {
                pane->setTextCursor(QTextCursor(pane->document()->findBlockByNumber(line)));
                pane->ensureCursorVisible();
                test::settle();
                QTest::mouseDClick(pane->viewport(), Qt::LeftButton, {},
                                   pane->cursorRect().center());
                test::settle();
            };
            doubleClick(43);
            QCOMPARE(d.window->breakpointsView()->breakpoints().size(), std::size_t(1));
            QCOMPARE(QString::fromStdString(d.window->breakpointsView()->breakpoints()[0].when),
                     QStringLiteral("line=train.py:43"));
            QVERIFY(std::count(code->breakpointLines().begin(), code->breakpointLines().end(), 43));
            QVERIFY(d.press(a->run()));
            QCOMPARE(at(), 43);
            doubleClick(43);  // and off again
            QVERIFY(d.window->breakpointsView()->breakpoints().empty());
            // Past the last line: the next stage. Stepping lines changed nothing the run computes.
            while (code->heldLine()) QVERIFY(d.press(a->stepLineOver()));
            QVERIFY(d.press(a->stepBatch()));
            QVERIFY(d.press(a->backBatch()));
            QVERIFY(d.press(a->stepBatch()));
            d.window->controller()->pumpNow();
            test::settle();
            QCOMPARE(d.window->controller()->parity().state(), ParityMeter::State::identical);
            a->stop()->trigger();
            QVERIFY(d.waitEnded(60000));
        }
    }

    void aFailureInTrainingStepShowsPythonsTracebackAndTheLineInTheCodeDock() {
        test::Driver d;
        useScriptLinks(d);
        d.window->show();
        QVERIFY(d.window->openPath(write(QStringLiteral("raises.py"), kRaises)));
        QVERIFY2(d.waitHeld(0, 60000), qPrintable(d.describe()));
        d.window->runActions()->run()->trigger();
        QVERIFY(d.waitEnded(60000));
        const Event* error = nullptr;
        for (const Event& e : d.events)
            if (e.type == EventType::error) error = &e;
        QVERIFY2(error, qPrintable(d.describe()));
        QCOMPARE(error->stage, Stage::training_step);
        QCOMPARE(QString::fromStdString(error->exception_type), QStringLiteral("ValueError"));
        QVERIFY(QString::fromStdString(error->traceback)
                    .contains(QStringLiteral("raises.py\", line 14")));
        d.window->controller()->pumpNow();
        test::settle();
        // Line 14 of the script is the `raise`; the Code dock's block 14 (its header is block 0).
        QCOMPARE(d.window->codeView()->highlightedModelLine(), 14);
        d.window->codeDock()->raise();
        save(d, QStringLiteral("window_script_failed.png"));
    }

    void stopAndClosingReachATrainingStepStuckInALoop() {
        const QString stuck = write(QStringLiteral("stuck.py"), kStuck);
        {
            test::Driver d;
            useScriptLinks(d);
            QVERIFY(d.window->openPath(stuck));
            QVERIFY2(d.waitHeld(0, 60000), qPrintable(d.describe()));
            d.window->runActions()->run()->trigger();
            QTest::qWait(1500);  // batch 1's training_step loops in Python
            QElapsedTimer clock;
            clock.start();
            d.window->runActions()->stop()->trigger();
            QVERIFY(d.waitEnded(5000));
            QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
        }
        QElapsedTimer clock;
        {
            test::Driver d;
            useScriptLinks(d);
            QVERIFY(d.window->openPath(stuck));
            QVERIFY2(d.waitHeld(0, 60000), qPrintable(d.describe()));
            d.window->runActions()->run()->trigger();
            QTest::qWait(1500);
            clock.start();
        }  // the window closes with Python stuck inside training_step
        QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
    }
};

QTEST_MAIN(TestScripts)
#include "tst_scripts.moc"
