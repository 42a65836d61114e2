#include "output_inspector.h"

#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "extras_view.h"
#include "text/text_tr.h"

namespace stepwise::gui {

OutputInspector::OutputInspector(QWidget* parent)
    : QWidget(parent),
      m_pacer(new Pacer(
          [this] {
              if (!m_next) return;
              show(std::move(*m_next));
              m_next.reset();
          },
          this)) {
    m_heading = new QLabel(this);
    m_heading->setObjectName(QStringLiteral("outputHeading"));
    m_class = new QLabel(this);
    m_class->setObjectName(QStringLiteral("outputClassification"));
    m_class->setWordWrap(true);
    m_class->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("outputTree"));
    m_tree->setColumnCount(ColumnCount);
    m_tree->setAlternatingRowColors(true);
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setStretchLastSection(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_heading);
    layout->addWidget(m_class);
    layout->addWidget(m_tree, 1);
    retranslate();
}

void OutputInspector::retranslate() {
    m_tree->setHeaderLabels({tr("Name"), tr("Kind"), tr("Value"), tr("Shape"), tr("dtype"),
                             tr("requires_grad"), tr("grad_fn")});
    if (!m_shown) {
        m_heading->setText(tr("<b>training_step</b> has not returned yet"));
        m_class->setText(QString());
        return;
    }
    QString where = tr("<b>training_step</b> returned at epoch %1, batch %2")
                        .arg(m_shown->epoch)
                        .arg(m_shown->batchIdx);
    if (m_shown->call > 1) where += tr(" (closure evaluation %1)").arg(m_shown->call);
    m_heading->setText(where);
    m_class->setText(tr("Lightning classified it as: <b>%1</b>")
                         .arg(textTr(m_shown->output.classification).toHtmlEscaped()));
}

void OutputInspector::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(event);
}

QString OutputInspector::classification() const {
    return m_shown ? textTr(m_shown->output.classification) : QString();
}

void OutputInspector::clear() {
    m_shown.reset();
    m_next.reset();
    m_tree->clear();
    retranslate();
}

void OutputInspector::fill(QTreeWidgetItem* item, const QString& name,
                           const ValueDescription& value) {
    const bool tensor = value.kind == "tensor";
    item->setText(NameColumn, name);
    item->setText(KindColumn, QString::fromStdString(value.kind));
    item->setText(ShapeColumn, tensor ? formatShape(value.shape) : QString());
    item->setText(DtypeColumn, QString::fromStdString(value.dtype));
    item->setText(GradColumn,
                  tensor ? (value.requires_grad ? tr("True") : tr("False")) : QString());
    item->setText(GradFnColumn, QString::fromStdString(value.grad_fn));
    item->setText(ValueColumn, formatValue(value));
    QFont mono = item->font(NameColumn);
    mono.setFamily(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    item->setFont(NameColumn, mono);
    item->setFont(ValueColumn, mono);
}

void OutputInspector::show(Returned returned) {
    m_shown = std::move(returned);
    const OutputDescription& output = m_shown->output;
    m_tree->clear();
    auto* root = new QTreeWidgetItem(m_tree);
    fill(root, tr("returned"), output.value);
    root->setText(KindColumn, QString::fromStdString(output.kind));
    if (!output.entries.empty()) {
        QStringList keys;
        for (const auto& entry : output.entries)
            keys << QStringLiteral("\"%1\"").arg(QString::fromStdString(entry.first));
        root->setText(ValueColumn, QStringLiteral("{%1}").arg(keys.join(QStringLiteral(", "))));
    }
    root->setToolTip(ValueColumn, QString::fromStdString(output.value.text));
    for (const auto& [key, value] : output.entries) {
        auto* child = new QTreeWidgetItem(root);
        fill(child, QStringLiteral("[\"%1\"]").arg(QString::fromStdString(key)), value);
        if (key == "loss")
            child->setToolTip(NameColumn,
                              tr("the loss: Lightning divides it by N and calls backward on it"));
        else
            child->setToolTip(NameColumn,
                              tr("an extra: passed on to on_train_batch_end undetached"));
    }
    root->setExpanded(true);
    for (int c = 0; c < ColumnCount; ++c) m_tree->resizeColumnToContents(c);
    retranslate();
}

void OutputInspector::applyEvents(const std::vector<Event>& events) {
    // The newest training_step output in this frame is the one to show.
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
        if (it->type == EventType::stage_exit && it->stage == Stage::training_step &&
            it->payload.output) {
            m_next = Returned{*it->payload.output, it->epoch, it->batch_idx, it->call};
            break;
        }
        if (it->type == EventType::batch_end && it->output) {
            m_next = Returned{*it->output, it->epoch, it->batch_idx, it->closure_calls};
            break;
        }
    }
    if (m_next) m_pacer->request(Pacer::streaming(events));
}

}  // namespace stepwise::gui
