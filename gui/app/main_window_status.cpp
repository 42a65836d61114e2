// MainWindow's status bar and readouts: the parity badge, where run A is (epoch, batch,
// global_step, optimizer steps, its state), the code view's current line and the compare strip,
// refreshed through a Pacer while a run streams past.

#include <QLabel>
#include <QStatusBar>

#include "code_view.h"
#include "compare_bar.h"
#include "main_window.h"
#include "pipeline_view.h"

namespace stepwise::gui {

void MainWindow::buildStatusBar() {
    auto make = [this] {
        auto* label = new QLabel(this);
        label->setContentsMargins(8, 0, 8, 0);
        statusBar()->addPermanentWidget(label);
        return label;
    };
    // The parity meter, first: green while this run is bit-identical to an unwatched one.
    m_parityBadge = make();
    m_parityBadge->setObjectName(QStringLiteral("parityBadge"));
    m_parityBadge->hide();
    m_statusState = make();
    m_statusState->setObjectName(QStringLiteral("statusState"));
    m_statusEpoch = make();
    m_statusBatch = make();
    m_statusBatch->setObjectName(QStringLiteral("statusBatch"));
    m_statusStep = make();
    m_statusStep->setObjectName(QStringLiteral("statusGlobalStep"));
    m_statusOptSteps = make();
}

void MainWindow::updateParityBadge() {
    const ParityMeter& meter = m_controller->parity();
    const std::int64_t per = meter.batchesPerEpoch();
    QString text, style;
    switch (meter.state()) {
        case ParityMeter::State::off: m_parityBadge->hide(); return;
        case ParityMeter::State::waiting:
            text = meter.firstPass() ? tr("parity: go back to compare a batch with its first pass")
                   : meter.pending() == 0
                       ? tr("parity: no batch has ended yet")
                       : tr("parity: waiting — the unwatched run computes while this one holds");
            style = QStringLiteral("color: #6b7280;");
            break;
        case ParityMeter::State::identical:
            text = meter.firstPass()
                       ? tr("✓ parity: %1 recomputed batches bit-identical to their first pass")
                             .arg(meter.identical())
                       : tr("✓ parity: %1 batches bit-identical to an unwatched run")
                             .arg(meter.identical());
            // At full speed the unwatched run waits: say how many batches it has still to catch up.
            if (meter.pending() > 0) text += tr(" · %1 more to compare").arg(meter.pending());
            style = QStringLiteral("color: #166534; background: #dcfce7; border-radius: 3px;");
            break;
        case ParityMeter::State::differs: {
            const std::int64_t b = *meter.firstDifference();
            text = (meter.firstPass()
                        ? tr("✗ parity: epoch %1, batch %2 recomputed differs from its first pass")
                        : tr("✗ parity: epoch %1, batch %2 differs from an unwatched run"))
                       .arg(b / per)
                       .arg(b % per);
            style = QStringLiteral("color: #991b1b; background: #fee2e2; border-radius: 3px;");
            break;
        }
        case ParityMeter::State::failed:
            text = tr("parity: the unwatched run failed: %1")
                       .arg(QString::fromStdString(meter.failure()));
            style = QStringLiteral("color: #991b1b;");
            break;
    }
    m_parityBadge->setText(text);
    m_parityBadge->setStyleSheet(QStringLiteral("QLabel { %1 padding: 0 6px; }").arg(style));
    m_parityBadge->setToolTip(
        meter.firstPass()
            ? tr("The parity meter of a script: its Python objects exist once, so there is no "
                 "unwatched copy to compare with. Each batch recomputed after going back is "
                 "compared with the same batch's first pass, by a checksum of the parameters: "
                 "red means going back did not put back everything the batch depends on (state "
                 "Stepwise could not copy, named in the log, or kept outside the module).")
            : tr("The parity meter: a headless run of the same config, never held, checksums the "
                 "parameters after every batch. This run's checksums must match it bit for bit: "
                 "stepping, pausing, breakpoints and going back do not change what training "
                 "computes. It runs on a thread of its own and only while this run holds or "
                 "after it ends, so it takes none of this run's time."));
    m_parityBadge->show();
}

void MainWindow::refreshReadouts() {
    const PipelineState& s = m_pipeline->state();
    m_code->setCurrent(s.ended() ? std::nullopt : s.current(), s.stepping());
    m_statusEpoch->setText(tr("epoch %1").arg(s.epoch()));
    m_statusBatch->setText(s.batchIdx() < 0 ? tr("batch –") : tr("batch %1").arg(s.batchIdx()));
    m_statusStep->setText(tr("global_step %1").arg(s.globalStep()));
    m_statusOptSteps->setText(tr("optimizer steps %1").arg(s.optimizerSteps()));
    using S = SessionController::RunState;
    QString state;
    switch (m_controller->runState()) {
        case S::none: state = tr("no session"); break;
        case S::loading: state = tr("loading"); break;
        case S::paused: state = tr("paused"); break;
        case S::running: state = tr("running"); break;
        case S::stepping: state = tr("stepping"); break;
        case S::finished: state = tr("finished"); break;
        case S::stopped: state = tr("stopped"); break;
        case S::failed: state = tr("failed"); break;
    }
    m_statusState->setText(tr("<b>%1</b>").arg(state));
    m_compareBar->refresh();
}

}  // namespace stepwise::gui
