#include "metrics_view.h"

#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "record_table.h"
#include "text/formatters.h"

namespace stepwise::gui {

MetricsView::MetricsView(QWidget* parent) : QWidget(parent) {
    m_table = makeRecordTable(this, "metricsTable", ColumnCount);
    m_table->horizontalHeader()->setSectionResizeMode(PlotColumn, QHeaderView::ResizeToContents);
    m_empty = new QLabel(this);
    m_empty->setWordWrap(true);
    m_empty->setStyleSheet(QStringLiteral("QLabel { color: #6b7280; padding: 6px; }"));
    m_empty->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    // A long wrapped text must not make the dock (and a short window) taller than it can be.
    m_empty->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Ignored);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_empty);
    layout->addWidget(m_table, 1);
    m_table->hide();
    connect(m_table, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (item->column() != PlotColumn) return;
        const QString name = m_table->item(item->row(), NameColumn)->text();
        Q_EMIT plotToggled(QStringLiteral("metric:") + name, item->checkState() == Qt::Checked);
    });
    retranslate();
}

void MetricsView::retranslate() {
    m_table->setHorizontalHeaderLabels(
        {tr("Plot"), tr("Name"), tr("Value"), tr("From"), tr("Lightning puts it in")});
    m_empty->setText(
        tr("Nothing logged yet. What your script's self.log and self.log_dict record shows here, "
           "under the names Lightning gives it (loss_step and loss_epoch when a value is logged "
           "both on step and on epoch)."));
    refresh();
}

void MetricsView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(event);
}

void MetricsView::clear() {
    const QSignalBlocker block(m_table);
    m_table->setRowCount(0);
    m_empty->show();
    m_table->hide();
}

void MetricsView::applyEvents(const std::vector<Event>& events) {
    for (const Event& e : events)
        if (e.type == EventType::metrics || e.type == EventType::rewound) {
            refresh();
            return;
        }
}

void MetricsView::rebuild(const HistorySnapshot&) {
    refresh();
}

void MetricsView::refresh() {
    if (!m_history) return;
    const auto& series = m_history->metrics();
    const QSignalBlocker block(m_table);
    if (m_table->rowCount() > int(series.size())) m_table->setRowCount(int(series.size()));
    for (std::size_t i = 0; i < series.size(); ++i) {
        const RunHistory::MetricSeries& s = series[i];
        const int row = int(i);
        const QString name = QString::fromStdString(s.name);
        if (row >= m_table->rowCount()) {
            m_table->insertRow(row);
            for (int c = 0; c < ColumnCount; ++c) m_table->setItem(row, c, new QTableWidgetItem);
            QTableWidgetItem* plot = m_table->item(row, PlotColumn);
            plot->setFlags(plot->flags() | Qt::ItemIsUserCheckable);
            plot->setCheckState(Qt::Unchecked);
        }
        m_table->item(row, NameColumn)->setText(name);
        const bool known = !std::isnan(s.last) || !s.values.empty();
        m_table->item(row, ValueColumn)->setText(known ? formatNumber(s.last) : QString());
        QString from;
        if (s.lastSerial < m_history->batchCount())
            from = s.epoch ? tr("epoch %1").arg(m_history->epochOf(s.lastSerial))
                           : tr("step %1").arg(m_history->globalStep(s.lastSerial));
        else
            from = s.epoch ? tr("epoch") : tr("this batch");
        m_table->item(row, FromColumn)->setText(from);
        QStringList dicts;
        if (s.logger) dicts << QStringLiteral("logged_metrics");
        if (s.progBar) dicts << QStringLiteral("progress_bar_metrics");
        if (s.callback) dicts << QStringLiteral("callback_metrics");
        m_table->item(row, DictsColumn)->setText(dicts.join(QStringLiteral(", ")));
        m_table->item(row, DictsColumn)
            ->setToolTip(s.logger ? tr("The loggers get it (every log_every_n_steps steps, and "
                                       "at the epoch's end)")
                                  : tr("logger=False: the loggers never get it"));
    }
    const bool any = !series.empty();
    m_empty->setVisible(!any);
    m_table->setVisible(any);
    for (int c = NameColumn; c < DictsColumn; ++c) m_table->resizeColumnToContents(c);
}

}  // namespace stepwise::gui
