#include "tensors_view.h"

#include <qcustomplot.h>

#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "extras_view.h"
#include "text/formatters.h"

namespace stepwise::gui {

namespace {
const QColor kChanged(254, 243, 199);  // amber: what the stage changed
const QColor kChangedText(146, 64, 14);
constexpr int kNameRole = Qt::UserRole + 1;

QString roleText(TensorRole role) {
    switch (role) {
        case TensorRole::parameter: return TensorsView::tr("parameter");
        case TensorRole::grad: return TensorsView::tr(".grad");
        case TensorRole::state: return TensorsView::tr("optimizer state");
        case TensorRole::buffer: return TensorsView::tr("buffer");
    }
    return {};
}

/// The part of the name shown under its parameter ("grad", "momentum_buffer", "old_dirs[2]").
QString shortName(const TensorSummary& t) {
    const QString name = QString::fromStdString(t.name);
    const QString parameter = QString::fromStdString(t.parameter);
    if (t.role == TensorRole::grad) return QStringLiteral(".grad");
    if (t.role == TensorRole::state && name.startsWith(parameter + QLatin1Char(':')))
        return name.mid(parameter.size() + 1);
    return name;
}

QString normText(const TensorSummary& t) {
    if (!t.defined) return QStringLiteral("None");
    if (t.value && t.shape.empty()) return formatNumber(*t.value);
    if (t.all_zero) return TensorsView::tr("all zeros");
    return t.norm ? formatNumber(*t.norm) : QString();
}
}  // namespace

QString tensorChangeText(const TensorSummary& t) {
    switch (t.change) {
        case TensorChange::unchanged: return {};
        case TensorChange::set_to_none: return TensorsView::tr("set to None");
        case TensorChange::zero_filled: return TensorsView::tr("filled with zeros");
        case TensorChange::filled: return TensorsView::tr("filled by backward");
        case TensorChange::accumulated: return TensorsView::tr("accumulated into");
        case TensorChange::scaled:
            return TensorsView::tr("scaled ×%1")
                .arg(t.scale ? formatNumber(*t.scale) : QStringLiteral("?"));
        case TensorChange::moved:
            return t.change_norm
                       ? TensorsView::tr("moved, ‖Δ‖ = %1").arg(formatNumber(*t.change_norm))
                       : TensorsView::tr("moved");
        case TensorChange::created: return TensorsView::tr("created");
        case TensorChange::removed: return TensorsView::tr("removed");
    }
    return {};
}

TensorsView::TensorsView(QWidget* parent) : QWidget(parent) {
    m_where = new QLabel(this);
    m_where->setObjectName(QStringLiteral("tensorsWhere"));
    m_where->setWordWrap(true);
    m_where->setTextFormat(Qt::PlainText);

    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("tensorsTree"));
    m_tree->setColumnCount(ColumnCount);
    m_tree->setAlternatingRowColors(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setRootIsDecorated(true);
    m_tree->header()->setStretchLastSection(true);
    m_tree->header()->setSectionResizeMode(NameColumn, QHeaderView::ResizeToContents);
    connect(m_tree, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        if (m_updating || !item) return;
        const QString name = item->data(NameColumn, kNameRole).toString();
        if (name == m_selected) return;
        m_selected = name;
        showDetail();
        Q_EMIT tensorSelected(name);
    });

    m_detailTitle = new QLabel(this);
    m_detailTitle->setObjectName(QStringLiteral("tensorDetailTitle"));
    m_detailTitle->setWordWrap(true);
    m_detailTitle->setTextFormat(Qt::PlainText);

    m_histogram = new QCustomPlot(this);
    m_histogram->setObjectName(QStringLiteral("tensorHistogram"));
    m_bars = new QCPBars(m_histogram->xAxis, m_histogram->yAxis);
    m_bars->setPen(QPen(QColor(37, 99, 235)));
    m_bars->setBrush(QColor(96, 165, 250));
    QSharedPointer<QCPAxisTickerFixed> counts(new QCPAxisTickerFixed);
    counts->setTickStep(1.0);  // element counts: whole numbers
    counts->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_histogram->yAxis->setTicker(counts);

    m_values = new QTableWidget(this);
    m_values->setObjectName(QStringLiteral("tensorValues"));
    m_values->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_values->horizontalHeader()->setDefaultSectionSize(86);
    m_values->verticalHeader()->setDefaultSectionSize(20);

    m_heat = new QCustomPlot(this);
    m_heat->setObjectName(QStringLiteral("tensorHeatMap"));
    m_colorMap = new QCPColorMap(m_heat->xAxis, m_heat->yAxis);
    m_colorMap->setGradient(QCPColorGradient::gpPolar);
    m_colorMap->setInterpolate(false);
    m_heat->yAxis->setRangeReversed(true);  // row 0 at the top, as the grid reads
    auto* scale = new QCPColorScale(m_heat);
    m_heat->plotLayout()->addElement(0, 1, scale);
    m_colorMap->setColorScale(scale);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("tensorDetailTabs"));
    m_tabs->addTab(m_histogram, QString());
    m_tabs->addTab(m_values, QString());
    m_tabs->addTab(m_heat, QString());

    auto* detail = new QWidget(this);
    auto* detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_detailTitle);
    detailLayout->addWidget(m_tabs, 1);

    // Small minimums: on a laptop the dock shares a column with the plot and the log.
    m_tree->setMinimumHeight(40);
    m_values->setMinimumHeight(30);
    m_heat->setMinimumHeight(40);
    m_histogram->setMinimumHeight(40);
    detail->setMinimumHeight(40);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_tree);
    split->addWidget(detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_where);
    layout->addWidget(split, 1);
    retranslate();
    clear();
}

void TensorsView::clear() {
    m_report.reset();
    m_held = false;
    m_current = false;
    m_updating = true;
    m_tree->clear();
    m_updating = false;
    showDetail();
    updateWhere();
}

void TensorsView::rewind(const HistorySnapshot& run, const Event& rewound) {
    (void)run;
    applyEvents({rewound});
}

void TensorsView::applyEvents(const std::vector<Event>& events) {
    bool changed = false;
    for (const Event& e : events) {
        switch (e.type) {
            case EventType::run_start: clear(); break;
            case EventType::paused:
                m_held = true;
                m_current = false;
                m_heldAt = e.stage;
                m_heldEpoch = e.epoch;
                m_heldBatch = e.batch_idx;
                changed = true;
                break;
            case EventType::resumed:
            case EventType::run_end:
            case EventType::rewound:
                m_held = false;
                m_current = false;
                changed = true;
                break;
            case EventType::tensors:
                if (!e.tensors) break;
                m_current = m_held;
                show(e.tensors);
                changed = true;
                break;
            default: break;
        }
    }
    if (changed) updateWhere();
}

QTreeWidgetItem* TensorsView::itemFor(const QString& name) const {
    for (QTreeWidgetItemIterator it(m_tree); *it; ++it)
        if ((*it)->data(NameColumn, kNameRole).toString() == name) return *it;
    return nullptr;
}

void TensorsView::selectTensor(const QString& name) {
    if (QTreeWidgetItem* item = itemFor(name)) m_tree->setCurrentItem(item);
}

void TensorsView::show(std::shared_ptr<const TensorReport> report) {
    m_report = std::move(report);
    // Rebuilt whole (a model has tens of tensors), keeping what was open and selected.
    QSet<QString> collapsed;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i)
        if (!m_tree->topLevelItem(i)->isExpanded())
            collapsed.insert(m_tree->topLevelItem(i)->data(NameColumn, kNameRole).toString());
    const int scroll = m_tree->verticalScrollBar() ? m_tree->verticalScrollBar()->value() : 0;
    m_updating = true;
    m_tree->clear();
    QHash<QString, QTreeWidgetItem*> parents;
    for (const TensorSummary& t : m_report->tensors) {
        const QString name = QString::fromStdString(t.name);
        const QString parameter = QString::fromStdString(t.parameter);
        QTreeWidgetItem* item = nullptr;
        const bool child = t.role == TensorRole::grad || t.role == TensorRole::state;
        if (child && parents.contains(parameter)) {
            item = new QTreeWidgetItem(parents.value(parameter));
        } else {
            item = new QTreeWidgetItem(m_tree);
            if (t.role == TensorRole::parameter) parents.insert(name, item);
        }
        item->setData(NameColumn, kNameRole, name);
        item->setText(NameColumn, child ? shortName(t) : name);
        item->setToolTip(NameColumn, name + QStringLiteral(" — ") + roleText(t.role));
        item->setText(ShapeColumn,
                      t.dtype.empty() && !t.defined ? QString() : formatShape(t.shape));
        item->setText(DtypeColumn, QString::fromStdString(t.dtype));
        item->setText(NormColumn, normText(t));
        item->setTextAlignment(NormColumn, Qt::AlignRight | Qt::AlignVCenter);
        item->setText(ChangeColumn, tensorChangeText(t));
        if (t.change != TensorChange::unchanged) {
            for (int c = 0; c < ColumnCount; ++c) item->setBackground(c, kChanged);
            item->setForeground(ChangeColumn, kChangedText);
            QFont bold = item->font(ChangeColumn);
            bold.setBold(true);
            item->setFont(ChangeColumn, bold);
        }
        if (t.role == TensorRole::grad && !t.defined)
            item->setForeground(NormColumn, QColor(107, 114, 128));
    }
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* top = m_tree->topLevelItem(i);
        top->setExpanded(!collapsed.contains(top->data(NameColumn, kNameRole).toString()));
    }
    if (QTreeWidgetItem* item = itemFor(m_selected)) m_tree->setCurrentItem(item);
    if (m_tree->verticalScrollBar()) m_tree->verticalScrollBar()->setValue(scroll);
    m_updating = false;
    showDetail();
}

void TensorsView::showDetail() {
    const TensorDetail* d =
        m_report && m_report->detail && QString::fromStdString(m_report->detail->name) == m_selected
            ? &*m_report->detail
            : nullptr;
    m_values->clear();
    m_values->setRowCount(0);
    m_values->setColumnCount(0);
    m_bars->data()->clear();
    m_colorMap->data()->clear();
    m_tabs->setTabEnabled(HeatMapTab, d && d->heat_rows > 0);
    if (!d) {
        m_detailTitle->setText(m_selected.isEmpty()
                                   ? tr("Select a tensor to see its values.")
                                   : tr("%1: its values come with the next hold.").arg(m_selected));
        m_histogram->replot();
        m_heat->replot();
        return;
    }
    if (d->numel == 0) {
        m_detailTitle->setText(tr("%1 is None: it has no values.").arg(m_selected));
        m_histogram->replot();
        m_heat->replot();
        return;
    }
    QString title =
        tr("%1 · %2 · elements: %3").arg(m_selected, formatShape(d->shape)).arg(d->numel);
    if (std::int64_t(d->values.size()) < d->numel)
        title += tr(" · the grid shows the first %1").arg(d->values.size());
    if (d->non_finite) title += tr(" · %1 not finite (NaN or ±inf)").arg(d->non_finite);
    const auto marked = std::count(d->changed.begin(), d->changed.end(), std::uint8_t(1));
    if (!d->changed.empty()) title += tr(" · %1 of the shown values changed").arg(marked);
    m_detailTitle->setText(title);

    // Histogram over every finite element.
    const int bins = int(d->histogram.size());
    const double width = bins > 0 && d->max > d->min ? (d->max - d->min) / bins : 1.0;
    QVector<double> keys, counts;
    std::int64_t tallest = 0;
    for (int i = 0; i < bins; ++i) {
        keys << d->min + (i + 0.5) * width;
        counts << double(d->histogram[std::size_t(i)]);
        tallest = std::max(tallest, d->histogram[std::size_t(i)]);
    }
    m_bars->setWidth(width);
    m_bars->setData(keys, counts, true);
    m_histogram->xAxis->setRange(d->min - width, d->max + width);
    m_histogram->yAxis->setRange(0, std::max<double>(1.0, double(tallest) * 1.1));
    m_histogram->replot();

    // The value grid: a 2-D tensor's rows and columns, anything else ten to a row.
    const int n = int(d->values.size());
    const int cols = d->shape.size() == 2 && d->shape[1] > 0
                         ? int(std::min<std::int64_t>(d->shape[1], 1000))
                         : 10;
    const int shownCols = std::min(cols, n);
    const int rows = (n + cols - 1) / cols;
    m_values->setUpdatesEnabled(false);
    m_values->setColumnCount(shownCols);
    m_values->setRowCount(rows);
    QStringList rowLabels, colLabels;
    for (int r = 0; r < rows; ++r)
        rowLabels << QString::number(d->shape.size() == 2 ? r : r * cols);
    for (int c = 0; c < shownCols; ++c) colLabels << QString::number(c);
    m_values->setVerticalHeaderLabels(rowLabels);
    m_values->setHorizontalHeaderLabels(colLabels);
    for (int i = 0; i < n && i / cols < rows; ++i) {
        if (i % cols >= shownCols) continue;
        auto* cell = new QTableWidgetItem(formatNumber(d->values[std::size_t(i)]));
        cell->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        if (!d->changed.empty() && d->changed[std::size_t(i)]) {
            cell->setBackground(kChanged);
            cell->setForeground(kChangedText);
        }
        m_values->setItem(i / cols, i % cols, cell);
    }
    m_values->setUpdatesEnabled(true);

    // Heat map of a 2-D tensor, coloured symmetrically around zero.
    if (d->heat_rows > 0) {
        m_colorMap->data()->setSize(d->heat_cols, d->heat_rows);
        m_colorMap->data()->setRange(QCPRange(0, std::max(1, d->heat_cols - 1)),
                                     QCPRange(0, std::max(1, d->heat_rows - 1)));
        double extent = 0;
        for (int r = 0; r < d->heat_rows; ++r)
            for (int c = 0; c < d->heat_cols; ++c) {
                const double v = d->heat[std::size_t(r * d->heat_cols + c)];
                m_colorMap->data()->setCell(c, r, v);
                if (std::isfinite(v)) extent = std::max(extent, std::abs(v));
            }
        m_colorMap->setDataRange(QCPRange(-std::max(extent, 1e-12), std::max(extent, 1e-12)));
        m_heat->xAxis->setRange(-0.5, d->heat_cols - 0.5);
        m_heat->yAxis->setRange(-0.5, d->heat_rows - 0.5);
    }
    m_heat->replot();
}

void TensorsView::updateWhere() {
    QString text;
    if (!m_report) {
        text = tr("The tensors are read while the run holds: pause, or step a stage, to see them.");
    } else if (!m_current) {
        text =
            tr("The run goes on: these are the tensors where it last held. Pause or step to read "
               "them again.");
    } else {
        text = tr("Held before %1 · epoch %2, batch %3.")
                   .arg(QString::fromLatin1(stage_name(m_heldAt)))
                   .arg(m_heldEpoch)
                   .arg(m_heldBatch);
        if (m_report->boundaries == 0)
            text += QLatin1Char(' ') + tr("Step a stage to see what it changes.");
        else if (m_report->boundaries == 1)
            text += QLatin1Char(' ') + tr("Highlighted: what %1 changed.")
                                           .arg(QString::fromLatin1(stage_name(m_report->since)));
        else
            text += QLatin1Char(' ') + tr("Highlighted: what changed since the hold before %1 "
                                          "(epoch %2, batch %3), %4 stages back.")
                                           .arg(QString::fromLatin1(stage_name(m_report->since)))
                                           .arg(m_report->since_epoch)
                                           .arg(m_report->since_batch_idx)
                                           .arg(m_report->boundaries);
    }
    m_where->setText(text);
    m_where->setStyleSheet(m_current ? QString() : QStringLiteral("QLabel { color: #6b7280; }"));
    m_tree->setEnabled(bool(m_report));
}

void TensorsView::retranslate() {
    m_tree->setHeaderLabels(
        {tr("Tensor"), tr("Shape"), tr("dtype"), tr("Norm / value"), tr("Changed")});
    m_tabs->setTabText(HistogramTab, tr("Histogram"));
    m_tabs->setTabText(ValuesTab, tr("Values"));
    m_tabs->setTabText(HeatMapTab, tr("Heat map"));
    m_histogram->xAxis->setLabel(tr("value"));
    m_histogram->yAxis->setLabel(tr("elements"));
    m_heat->xAxis->setLabel(tr("column"));
    m_heat->yAxis->setLabel(tr("row"));
    if (m_report)
        show(m_report);
    else
        showDetail();
    updateWhere();
}

void TensorsView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(event);
}

}  // namespace stepwise::gui
