#include "ledger_view.h"

#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QTableWidget>
#include <QVBoxLayout>

#include "record_table.h"
#include "text/formatters.h"

namespace stepwise::gui {

namespace {
QTableWidgetItem* numberItem(const QString& text) {
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QTableWidget* makeTable(QWidget* parent, const char* name, int columns) {
    QTableWidget* table = makeRecordTable(parent, name, columns);
    table->verticalHeader()->setDefaultSectionSize(22);
    table->setMinimumHeight(90);
    return table;
}
}  // namespace

LedgerView::LedgerView(QWidget* parent) : QWidget(parent) {
    m_cycle = new QLabel(this);
    m_cycle->setObjectName(QStringLiteral("ledgerCycle"));
    m_cycle->setWordWrap(true);
    m_batches = makeTable(this, "ledgerBatches", BatchColumnCount);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("ledgerSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_ratioTitle = new QLabel(this);
    m_ratios = makeTable(this, "ledgerRatios", 2);
    // In a scroll area: on a laptop the dock shares a short column with the plot and the log.
    auto* content = new QWidget;
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumHeight(30);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_cycle);
    layout->addWidget(m_batches, 3);
    layout->addWidget(m_summary);
    layout->addWidget(m_ratioTitle);
    layout->addWidget(m_ratios, 2);
    retranslate();
}

void LedgerView::clear() {
    m_rows.clear();
    m_ledger.reset();
    m_ratiosOfStep.reset();
    m_stepBatch.reset();
    m_sawContribution = false;
    refresh();
}

void LedgerView::applyEvents(const std::vector<Event>& events) {
    bool changed = false;
    for (const Event& e : events) {
        if (e.type == EventType::run_start) {
            clear();
            changed = true;
            continue;
        }
        if (e.type != EventType::stage_exit) continue;
        if (e.stage == Stage::on_after_backward && e.payload.grad_contribution) {
            if (m_ledger) {  // its cycle stepped: this is the first backward of the next
                m_rows.clear();
                m_ledger.reset();
                m_ratiosOfStep.reset();
                m_stepBatch.reset();
            }
            m_sawContribution = true;
            Row row{e.epoch, e.batch_idx, *e.payload.grad_contribution, std::nullopt, std::nullopt};
            if (!m_rows.empty() && m_rows.back().epoch == e.epoch &&
                m_rows.back().batch_idx == e.batch_idx)
                m_rows.back() = row;  // LBFGS: the batch's last closure call counts
            else
                m_rows.push_back(row);
            changed = true;
        } else if (e.stage == Stage::optimizer_step && e.payload.ledger) {
            const AccumulationLedger& l = *e.payload.ledger;
            m_ledger = l;
            m_ratiosOfStep = e.payload.update_ratios;
            m_stepBatch = e.batch_idx;
            // The engine's rows are the truth (they survive a view that opened mid-cycle).
            std::vector<Row> rows;
            for (const LedgerBatch& b : l.batches)
                rows.push_back({e.epoch, b.batch_idx, b.norm, b.cosine, b.share});
            m_rows = std::move(rows);
            m_sawContribution = true;
            changed = true;
        }
    }
    if (changed) refresh();
}

void LedgerView::refresh() {
    if (!m_sawContribution) {
        m_cycle->setText(
            tr("The ledger is measured while this dock is open: step or run a batch to fill it. "
               "It shows what each batch of an accumulation cycle adds to the gradient."));
    } else if (m_ledger && m_stepBatch) {
        const std::int64_t first = m_rows.empty() ? *m_stepBatch : m_rows.front().batch_idx;
        m_cycle->setText(tr("Cycle of batches %1–%2 (accumulate_grad_batches = %3): optimizer "
                            "step at batch %4.")
                             .arg(first)
                             .arg(*m_stepBatch)
                             .arg(m_history ? m_history->accumulateGradBatches() : 1)
                             .arg(*m_stepBatch));
    } else {
        m_cycle->setText(tr("Accumulating: %1 of this cycle's batches so far; the shares follow "
                            "at its optimizer "
                            "step.")
                             .arg(m_rows.size()));
    }
    m_batches->setRowCount(int(m_rows.size()));
    for (int i = 0; i < int(m_rows.size()); ++i) {
        const Row& r = m_rows[std::size_t(i)];
        m_batches->setItem(i, BatchColumn, numberItem(QString::number(r.batch_idx)));
        m_batches->setItem(i, NormColumn, numberItem(formatNumber(r.norm)));
        m_batches->setItem(i, CosineColumn,
                           numberItem(r.cosine ? formatNumber(*r.cosine) : QStringLiteral("–")));
        m_batches->setItem(
            i, ShareColumn,
            numberItem(r.share ? QStringLiteral("%1 %").arg(*r.share * 100.0, 0, 'f', 1)
                               : QStringLiteral("–")));
    }
    if (m_ledger) {
        QString text =
            tr("‖G‖ = %1 · before clipping %2 · after %3")
                .arg(formatNumber(m_ledger->sum_norm), formatNumber(m_ledger->norm_before_clip),
                     formatNumber(m_ledger->norm_after_clip));
        text += QStringLiteral(" · ");
        text += m_ledger->clip_coef
                    ? tr("clip coefficient %1%2")
                          .arg(formatNumber(*m_ledger->clip_coef))
                          .arg(*m_ledger->clip_coef < 1.0 ? tr(" (clipped)") : tr(" (not clipped)"))
                    : tr("no clipping by norm");
        m_summary->setText(text);
    } else {
        m_summary->setText(
            m_sawContribution ? tr("‖G‖ and clipping: at the cycle's optimizer step.") : QString());
    }
    const std::size_t n = m_ratiosOfStep ? m_ratiosOfStep->per_parameter.size() : 0;
    m_ratios->setRowCount(int(n));
    for (std::size_t i = 0; i < n; ++i) {
        const auto& [name, ratio] = m_ratiosOfStep->per_parameter[i];
        m_ratios->setItem(int(i), 0, new QTableWidgetItem(QString::fromStdString(name)));
        m_ratios->setItem(int(i), 1,
                          numberItem(ratio ? formatNumber(*ratio) : QStringLiteral("–")));
    }
    m_ratioTitle->setText(
        m_ratiosOfStep ? tr("Update-to-weight ratio ‖Δθ‖/‖θ‖ of the step: %1 over all parameters")
                             .arg(formatNumber(m_ratiosOfStep->total))
                       : tr("Update-to-weight ratio ‖Δθ‖/‖θ‖: at the cycle's optimizer step."));
}

void LedgerView::retranslate() {
    m_batches->setHorizontalHeaderLabels(
        {tr("Batch"), tr("‖g_b‖ added"), tr("cos(g_b, G)"), tr("Share of G")});
    m_ratios->setHorizontalHeaderLabels({tr("Parameter"), tr("‖Δθ‖/‖θ‖")});
    refresh();
}

void LedgerView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(event);
}

}  // namespace stepwise::gui
