#include "log_view.h"

#include <QEvent>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QScrollBar>
#include <QTableView>
#include <QVBoxLayout>

#include "log_model.h"

namespace stepwise::gui {

LogView::LogView(const RunHistory* history, QWidget* parent) : QWidget(parent) {
    m_model = new LogModel(history, this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("logTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setWordWrap(false);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(LogModel::KindColumn,
                                                      QHeaderView::Interactive);
    m_table->horizontalHeader()->setSectionResizeMode(LogModel::WhereColumn,
                                                      QHeaderView::Interactive);
    m_table->setTextElideMode(Qt::ElideRight);
    resizeColumns();
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("logSummary"));
    m_summary->setContentsMargins(6, 2, 6, 2);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
    m_detail = new QLabel(this);
    m_detail->setObjectName(QStringLiteral("logDetail"));
    m_detail->setWordWrap(true);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detail->setMinimumHeight(3 * fontMetrics().height() + 12);
    m_detail->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_detail->setStyleSheet(QStringLiteral(
        "QLabel { background: #f9fafb; border-top: 1px solid #e5e7eb; padding: 6px; }"));
    layout->addWidget(m_detail);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { showDetail(current.row()); });

    auto activate = [this](const QModelIndex& index) {
        const qint64 serial = index.data(LogModel::SerialRole).toLongLong();
        if (serial >= 0) Q_EMIT batchActivated(serial);
    };
    connect(m_table, &QTableView::clicked, this, activate);
    connect(m_table, &QTableView::activated, this, activate);
    updateSummary();
}

void LogView::showDetail(int row) {
    if (row < 0 || row >= m_model->rowCount()) {
        m_detail->clear();
        return;
    }
    const QString kind = m_model->index(row, LogModel::KindColumn).data().toString();
    const QString where = m_model->index(row, LogModel::WhereColumn).data().toString();
    const QString message = m_model->index(row, LogModel::MessageColumn).data().toString();
    m_detail->setText(
        QStringLiteral("<b>%1</b> · %2<br>%3")
            .arg(kind.toHtmlEscaped(), where.toHtmlEscaped(), message.toHtmlEscaped()));
}

void LogView::clear() {
    m_model->clear();
    m_detail->clear();
    updateSummary();
}

void LogView::rebuild(const HistorySnapshot& run) {
    (void)run;  // the model reads the same history
    clear();
    applyEvents({});
}

void LogView::applyEvents(const std::vector<Event>& events) {
    (void)events;  // in the history already
    QScrollBar* bar = m_table->verticalScrollBar();
    const bool atBottom = bar->value() >= bar->maximum() - 2;
    const int before = m_model->rowCount();
    m_model->refresh();
    if (m_model->rowCount() != before) {
        updateSummary();
        if (!m_table->selectionModel()->hasSelection()) {
            // Nothing picked: show the newest entry worth reading.
            for (int row = m_model->rowCount() - 1; row >= 0 && row >= before - 1; --row) {
                if (m_model->kind(row) != LogModel::Kind::info) {
                    showDetail(row);
                    break;
                }
            }
        }
        if (atBottom) m_table->scrollToBottom();
    }
}

void LogView::resizeColumns() {
    // Widths from the font, not the rows: a long run must not re-measure 20,000 rows.
    const QFontMetrics fm(font());
    int kind = 0;
    for (const QString& text : {tr("Lightning warning"), tr("Stepwise notice"), tr("None batch")})
        kind = std::max(kind, fm.horizontalAdvance(text));
    m_table->setColumnWidth(LogModel::KindColumn, kind + 28);
    m_table->setColumnWidth(
        LogModel::WhereColumn,
        fm.horizontalAdvance(QStringLiteral("epoch 00, batch 0000 · training_step")) + 12);
}

void LogView::updateSummary() {
    using Kind = LogModel::Kind;
    QString text =
        tr("%1 Lightning warning(s) · %2 Stepwise notice(s) · %3 None batch(es) · %4 error(s)")
            .arg(m_model->count(Kind::lightningWarning))
            .arg(m_model->count(Kind::stepwiseWarning))
            .arg(m_model->count(Kind::noneBatch))
            .arg(m_model->count(Kind::error));
    if (m_model->dropped() > 0) text += tr(" · %1 oldest entries dropped").arg(m_model->dropped());
    m_summary->setText(text);
}

void LogView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        updateSummary();
        resizeColumns();
    }
    QWidget::changeEvent(event);
}

}  // namespace stepwise::gui
