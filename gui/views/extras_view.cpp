#include "extras_view.h"

#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include "record_table.h"
#include "text/formatters.h"

namespace stepwise::gui {

QString formatShape(const std::vector<std::int64_t>& shape) {
    QStringList dims;
    for (std::int64_t d : shape) dims << QString::number(d);
    return QLatin1Char('[') + dims.join(QStringLiteral(", ")) + QLatin1Char(']');
}

QString formatValue(const ValueDescription& value) {
    if (value.value) return formatNumber(*value.value);
    if (value.kind == "none") return QStringLiteral("None");
    // One line: a table cell is no place for a tensor's multi-line repr.
    QString text = QString::fromStdString(value.text).simplified();
    if (text.size() > 80) text = text.left(79) + QChar(0x2026);
    return text;
}

ExtrasView::ExtrasView(QWidget* parent) : QWidget(parent) {
    m_table = makeRecordTable(this, "extrasTable", ColumnCount);
    m_table->horizontalHeader()->setSectionResizeMode(PlotColumn, QHeaderView::ResizeToContents);
    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("graphWarning"));
    m_banner->setWordWrap(true);
    m_banner->setStyleSheet(
        QStringLiteral("QLabel { background: #fef3c7; color: #92400e; border: 1px solid #f59e0b;"
                       " border-radius: 4px; padding: 6px; }"));
    m_banner->hide();
    m_empty = new QLabel(this);
    m_empty->setWordWrap(true);
    m_empty->setStyleSheet(QStringLiteral("QLabel { color: #6b7280; padding: 6px; }"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_banner);
    layout->addWidget(m_empty);
    layout->addWidget(m_table, 1);
    layout->addStretch(0);
    m_table->hide();
    connect(m_table, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (item->column() != PlotColumn || !(item->flags() & Qt::ItemIsUserCheckable)) return;
        const QString key = m_table->item(item->row(), KeyColumn)->text();
        Q_EMIT plotToggled(key, item->checkState() == Qt::Checked);
    });
    retranslate();
}

void ExtrasView::retranslate() {
    m_table->setHorizontalHeaderLabels(
        {tr("Plot"), tr("Key"), tr("Last value"), tr("Shape"), tr("dtype"), tr("requires_grad")});
    m_empty->setText(
        tr("No extras yet. When training_step returns a dict, every key besides "
           "\"loss\" is an extra; Lightning passes them on undetached."));
    if (!m_graphKeys.isEmpty())
        m_banner->setText(tr("⚠ Extra %1 still holds an autograd graph (requires_grad or grad_fn). "
                             "Lightning passes extras on without detaching them, so each batch "
                             "keeps its graph alive. Return .detach() for logging.")
                              .arg(m_graphKeys.join(QStringLiteral(", "))));
}

void ExtrasView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(event);
}

bool ExtrasView::graphWarningVisible() const {
    return !m_graphKeys.isEmpty();
}

void ExtrasView::clear() {
    m_table->setRowCount(0);
    m_graphKeys.clear();
    m_banner->hide();
    m_empty->show();
    m_table->hide();
}

int ExtrasView::rowFor(const QString& key) {
    for (int row = 0; row < m_table->rowCount(); ++row)
        if (m_table->item(row, KeyColumn)->text() == key) return row;
    const QSignalBlocker block(m_table);
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    for (int c = 0; c < ColumnCount; ++c) m_table->setItem(row, c, new QTableWidgetItem);
    m_table->item(row, KeyColumn)->setText(key);
    return row;
}

void ExtrasView::show(const std::vector<std::pair<std::string, ValueDescription>>& extras) {
    const QSignalBlocker block(m_table);
    m_graphKeys.clear();
    for (const auto& [name, value] : extras) {
        const QString key = QString::fromStdString(name);
        // Bounded: a model that invents new keys every batch must not grow the table forever.
        if (m_table->rowCount() >= kMaxRows && m_table->findItems(key, Qt::MatchExactly).isEmpty())
            continue;
        const int row = rowFor(key);
        const bool scalar = value.value.has_value();
        QTableWidgetItem* plot = m_table->item(row, PlotColumn);
        if (scalar && !(plot->flags() & Qt::ItemIsUserCheckable)) {
            plot->setFlags(plot->flags() | Qt::ItemIsUserCheckable);
            plot->setCheckState(Qt::Unchecked);
        }
        m_table->item(row, ValueColumn)->setText(formatValue(value));
        const bool tensor = value.kind == "tensor";
        m_table->item(row, ShapeColumn)
            ->setText(tensor ? formatShape(value.shape) : QString::fromStdString(value.kind));
        m_table->item(row, DtypeColumn)->setText(QString::fromStdString(value.dtype));
        QString grad = tensor ? (value.requires_grad ? tr("True") : tr("False")) : QString();
        if (!value.grad_fn.empty())
            grad += QStringLiteral("  (%1)").arg(QString::fromStdString(value.grad_fn));
        QTableWidgetItem* gradItem = m_table->item(row, GradColumn);
        gradItem->setText(grad);
        const bool graph = value.holds_graph();
        gradItem->setForeground(graph ? QColor(0xb4, 0x53, 0x09) : palette().text().color());
        if (graph) {
            m_graphKeys << key;
            gradItem->setText(QStringLiteral("⚠ ") + grad);
        }
    }
    m_banner->setVisible(!m_graphKeys.isEmpty());
    m_empty->setVisible(m_table->rowCount() == 0);
    m_table->setVisible(m_table->rowCount() > 0);
    for (int c = KeyColumn; c < GradColumn; ++c) m_table->resizeColumnToContents(c);
    retranslate();
}

void ExtrasView::applyEvents(const std::vector<Event>& events) {
    // Only the newest batch matters; earlier ones in the same frame were never visible.
    // training_step's own output is the earliest sight of them (same values as batch_end's).
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
        if (it->type == EventType::batch_end) {
            show(it->extras);
            return;
        }
        if (it->type == EventType::stage_exit && it->stage == Stage::training_step &&
            it->payload.output && it->payload.output->kind == "dict") {
            std::vector<std::pair<std::string, ValueDescription>> extras;
            for (const auto& entry : it->payload.output->entries)
                if (entry.first != "loss") extras.push_back(entry);
            show(extras);
            return;
        }
    }
}

}  // namespace stepwise::gui
