#include "locals_view.h"

#include <QEvent>
#include <QFileInfo>
#include <QLabel>
#include <QStringList>
#include <QTableWidget>
#include <QVBoxLayout>

#include "record_table.h"
#include "stepwise/batch_line.h"

namespace stepwise::gui {

LocalsView::LocalsView(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("localsView"));
    m_where = new QLabel(this);  // one line: where the run holds
    m_where->setTextFormat(Qt::RichText);
    m_hint = new QLabel(this);
    m_hint->setWordWrap(true);
    m_hint->setStyleSheet(QStringLiteral("QLabel { color: #6b7280; padding: 6px; }"));
    m_hint->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    // A long wrapped text must not make the dock (and a short window) taller than it can be.
    m_hint->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Ignored);
    m_table = makeRecordTable(this, "localsTable", ColumnCount);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_hint, 1);
    layout->addWidget(m_where);
    layout->addWidget(m_table, 1);
    retranslate();
}

void LocalsView::retranslate() {
    m_table->setHorizontalHeaderLabels(
        {tr("Name"), tr("Type"), tr("Shape"), tr("dtype"), tr("Autograd"), tr("Value")});
    show(m_frame);
}

void LocalsView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(event);
}

void LocalsView::clear() {
    show(nullptr);
}

void LocalsView::applyEvents(const std::vector<Event>& events) {
    // The newest hold says: at a line (its frame), at a stage (none); moving on clears it.
    bool changed = false;
    std::shared_ptr<const LineFrame> frame = m_frame;
    for (const Event& e : events) {
        if (e.type == EventType::paused) {
            frame = e.frame;
            changed = true;
        } else if (e.type == EventType::resumed || e.type == EventType::run_start) {
            frame = nullptr;
            changed = true;
        }
    }
    if (changed && frame != m_frame) show(std::move(frame));
}

void LocalsView::show(std::shared_ptr<const LineFrame> frame) {
    m_frame = std::move(frame);
    m_table->setRowCount(0);
    m_hint->setVisible(!m_frame);
    m_where->setVisible(bool(m_frame));
    m_table->setVisible(bool(m_frame));
    if (!m_frame) {
        m_hint->setText(
            tr("The variables of your code show here while a script's run holds at one of its "
               "lines: Run ▸ Step line (F7) from training_step, or a line breakpoint "
               "(line=train.py:42)."));
        return;
    }
    m_where->setText(tr("<b>%1:%2</b>, in <b>%3</b> — the line about to run")
                         .arg(QFileInfo(QString::fromStdString(m_frame->file)).fileName())
                         .arg(m_frame->line)
                         .arg(QString::fromStdString(m_frame->function).toHtmlEscaped()));
    m_table->setRowCount(int(m_frame->locals.size()));
    int row = 0;
    for (const auto& [name, d] : m_frame->locals) {
        QStringList shape;
        for (const std::int64_t n : d.shape) shape << QString::number(n);
        QStringList grad;
        if (d.requires_grad) grad << QStringLiteral("requires_grad");
        if (!d.grad_fn.empty()) grad << QString::fromStdString(d.grad_fn);
        QString value;
        if (d.value)
            value = d.kind == "bool"
                        ? (*d.value != 0 ? QStringLiteral("True") : QStringLiteral("False"))
                        : QString::fromStdString(format_metric(*d.value));
        else
            value = QString::fromStdString(d.text);
        const QStringList cells = {
            QString::fromStdString(name),
            QString::fromStdString(d.kind),
            d.kind == "tensor"
                ? QLatin1Char('[') + shape.join(QStringLiteral(", ")) + QLatin1Char(']')
                : QString(),
            QString::fromStdString(d.dtype),
            grad.join(QStringLiteral(" · ")),
            value};
        for (int c = 0; c < ColumnCount; ++c) {
            auto* item = new QTableWidgetItem(cells.at(c));
            item->setToolTip(cells.at(c));
            m_table->setItem(row, c, item);
        }
        ++row;
    }
}

}  // namespace stepwise::gui
