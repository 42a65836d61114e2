#include "loss_plot.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QSlider>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>

#include "window_shading.h"

namespace stepwise::gui {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const QColor kLossColor(0x25, 0x63, 0xeb);
const QColor kLossUnderSmoothColor(0x9d, 0xb8, 0xf3);  // opaque, so lines stay cheap to draw
const QColor kSmoothColor(0x1e, 0x3a, 0x8a);
const QColor kRawColor(0x9c, 0xa3, 0xaf);
const QColor kNoneColor(0xd9, 0x77, 0x06);
const QColor kFailedColor(0xdc, 0x26, 0x26);
const QColor kLrColor(0x0f, 0x76, 0x6e);
const QColor kExtraColors[] = {QColor(0x16, 0xa3, 0x4a), QColor(0x7c, 0x3a, 0xed),
                               QColor(0xdb, 0x27, 0x77), QColor(0x0e, 0x74, 0x90)};
}  // namespace

LossPlot::LossPlot(QWidget* parent) : QWidget(parent) {
    m_plot = new QCustomPlot(this);
    m_plot->setObjectName(QStringLiteral("lossPlot"));
    m_plot->setNoAntialiasingOnDrag(true);
    // QCustomPlot's default repaints synchronously at the end of every replot, a paint and flush of
    // its own besides the window's; without it the plot joins the window's one repaint per frame.
    m_plot->setPlottingHint(QCP::phImmediateRefresh, false);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->addLayer(QStringLiteral("windows"), m_plot->layer(QStringLiteral("grid")),
                     QCustomPlot::limBelow);
    m_plot->addLayer(QStringLiteral("markers"), m_plot->layer(QStringLiteral("main")),
                     QCustomPlot::limAbove);
    // Markers and the highlight move often: their own buffer, so they replot without the graphs.
    m_plot->layer(QStringLiteral("markers"))->setMode(QCPLayer::lmBuffered);

    m_shading = new WindowShading(m_plot, m_plot->xAxis);
    auto makeGraph = [this](const QColor& color, QCPAxis* valueAxis = nullptr) {
        QCPGraph* g = m_plot->addGraph(m_plot->xAxis, valueAxis ? valueAxis : m_plot->yAxis);
        g->setPen(QPen(color, 1));
        g->setAdaptiveSampling(true);
        return g;
    };
    m_raw = makeGraph(kRawColor);
    m_loss = makeGraph(kLossColor);
    m_smooth = makeGraph(kSmoothColor);
    m_raw->setVisible(false);
    m_raw->removeFromLegend();
    m_lrAxis = m_plot->axisRect()->addAxis(QCPAxis::atRight);
    m_lrAxis->setVisible(false);
    m_lrAxis->setTickLabelColor(kLrColor);
    m_lrAxis->setLabelColor(kLrColor);
    m_lrAxis->setBasePen(QPen(kLrColor));
    m_lrAxis->setTickPen(QPen(kLrColor));
    m_lrAxis->setSubTickPen(QPen(kLrColor));
    m_lrAxis->grid()->setVisible(false);
    m_lr = m_plot->addGraph(m_plot->xAxis, m_lrAxis);
    m_lr->setPen(QPen(kLrColor, 1.5, Qt::DashLine));
    m_lr->setLineStyle(QCPGraph::lsStepLeft);
    m_lr->setAdaptiveSampling(true);
    m_lr->setVisible(false);
    m_lr->removeFromLegend();
    m_loss->setPen(QPen(kLossUnderSmoothColor, 1));
    auto makeMarkers = [this](const QColor& color, QCPScatterStyle::ScatterShape shape) {
        QCPGraph* g = m_plot->addGraph();
        g->setLayer(QStringLiteral("markers"));
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(QCPScatterStyle(shape, QPen(color, 1.5), color.lighter(160), 8));
        g->setAdaptiveSampling(true);
        return g;
    };
    m_none = makeMarkers(kNoneColor, QCPScatterStyle::ssTriangleInverted);
    m_failed = makeMarkers(kFailedColor, QCPScatterStyle::ssCrossCircle);
    m_none->removeFromLegend();
    m_failed->removeFromLegend();
    m_highlight = new QCPItemStraightLine(m_plot);
    m_highlight->setLayer(QStringLiteral("markers"));
    m_highlight->setPen(QPen(QColor(0xdb, 0x27, 0x77), 1, Qt::DashLine));
    m_highlight->setVisible(false);
    // What the shading means, in the plot's bottom-left corner while windows are drawn (the
    // legend has the top right; a falling loss leaves the bottom left free).
    m_windowNote = new QCPItemText(m_plot);
    m_windowNote->setLayer(QStringLiteral("legend"));
    m_windowNote->setClipToAxisRect(true);
    m_windowNote->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_windowNote->position->setCoords(0.01, 0.98);
    m_windowNote->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    m_windowNote->setColor(QColor(0x92, 0x40, 0x0e));
    m_windowNote->setBrush(QColor(255, 255, 255, 220));
    m_windowNote->setPadding(QMargins(4, 2, 4, 2));
    m_windowNote->setVisible(false);

    m_plot->legend->setVisible(true);
    QFont legendFont = font();
    legendFont.setPointSizeF(font().pointSizeF() * 0.85);
    m_plot->legend->setFont(legendFont);
    m_plot->legend->setRowSpacing(-3);
    m_plot->legend->setBrush(QColor(255, 255, 255, 230));
    m_plot->legend->setBorderPen(QPen(QColor(0xd1, 0xd5, 0xdb)));
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    m_plot->legend->setMargins(QMargins(6, 3, 6, 3));
    m_plot->yAxis2->setVisible(false);
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis, m_plot->yAxis2}) {
        axis->setBasePen(QPen(QColor(0x9c, 0xa3, 0xaf)));
        axis->setTickPen(QPen(QColor(0x9c, 0xa3, 0xaf)));
        axis->setSubTickPen(QPen(QColor(0xd1, 0xd5, 0xdb)));
        axis->grid()->setPen(QPen(QColor(0xe5, 0xe7, 0xeb)));
        axis->setLabelColor(QColor(0x37, 0x41, 0x51));
        axis->setTickLabelColor(QColor(0x4b, 0x55, 0x63));
    }
    m_plot->xAxis->setRange(-0.5, 10);
    m_plot->yAxis->setRange(0, 1);

    connect(m_plot, &QCustomPlot::mouseWheel, this, [this] { setFollow(false); });
    connect(m_plot, &QCustomPlot::mousePress, this, [this] { setFollow(false); });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(buildToolbar());
    layout->addWidget(m_plot, 1);
    retranslate();
}

LossPlot::~LossPlot() = default;

QWidget* LossPlot::buildToolbar() {
    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(6, 4, 6, 0);
    m_rawBox = new QCheckBox(this);
    connect(m_rawBox, &QCheckBox::toggled, this, &LossPlot::setRawVisible);
    m_lrBox = new QCheckBox(this);
    m_lrBox->setObjectName(QStringLiteral("lrBox"));
    connect(m_lrBox, &QCheckBox::clicked, this, [this](bool on) {
        m_lrChosen = true;
        setLrVisible(on);
    });
    m_smoothLabel = new QLabel(this);
    m_smoothSlider = new QSlider(Qt::Horizontal, this);
    m_smoothSlider->setRange(0, 999);
    m_smoothSlider->setValue(int(m_smoothing * 1000));
    m_smoothSlider->setMinimumWidth(90);
    m_smoothSlider->setMaximumWidth(140);
    connect(m_smoothSlider, &QSlider::valueChanged, this,
            [this](int value) { setSmoothing(value / 1000.0); });
    m_axisLabel = new QLabel(this);
    m_axisBox = new QComboBox(this);
    m_axisBox->addItems({QString(), QString()});
    connect(m_axisBox, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this](int index) { setXAxis(index == 1 ? XAxis::globalStep : XAxis::batch); });
    m_followButton = new QToolButton(this);
    m_followButton->setCheckable(true);
    m_followButton->setChecked(m_follow);
    connect(m_followButton, &QToolButton::toggled, this, &LossPlot::setFollow);
    m_resetButton = new QToolButton(this);
    connect(m_resetButton, &QToolButton::clicked, this, &LossPlot::resetView);
    m_exportButton = new QToolButton(this);
    m_exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(m_exportButton);
    auto exportTo = [this](const QString& filter, const QString& suffix) {
        QString path = QFileDialog::getSaveFileName(this, tr("Export plot"),
                                                    QStringLiteral("loss.") + suffix, filter);
        if (path.isEmpty()) return;
        if (!path.endsWith(QLatin1Char('.') + suffix)) path += QLatin1Char('.') + suffix;
        suffix == QLatin1String("png") ? exportPng(path) : exportPdf(path);
    };
    menu->addAction(tr("PNG image…"), this,
                    [=] { exportTo(tr("PNG image (*.png)"), QStringLiteral("png")); });
    menu->addAction(tr("PDF document…"), this,
                    [=] { exportTo(tr("PDF document (*.pdf)"), QStringLiteral("pdf")); });
    m_exportButton->setMenu(menu);

    bar->addWidget(m_rawBox);
    bar->addWidget(m_lrBox);
    bar->addSpacing(12);
    bar->addWidget(m_smoothLabel);
    bar->addWidget(m_smoothSlider);
    bar->addSpacing(12);
    bar->addWidget(m_axisLabel);
    bar->addWidget(m_axisBox);
    bar->addStretch(1);
    bar->addWidget(m_followButton);
    bar->addWidget(m_resetButton);
    bar->addWidget(m_exportButton);
    auto* holder = new QWidget(this);
    holder->setObjectName(QStringLiteral("lossPlotToolbar"));
    holder->setLayout(bar);
    return holder;
}

void LossPlot::retranslate() {
    m_rawBox->setText(tr("Raw loss"));
    m_rawBox->setToolTip(
        tr("The loss as training_step returned it, before Lightning divides it "
           "by accumulate_grad_batches"));
    m_lrBox->setText(tr("Learning rate"));
    m_lrBox->setToolTip(tr("The learning rate each batch trained with, on its own axis; it "
                           "turns on by itself when an lr scheduler changes it"));
    m_lr->setName(tr("learning rate"));
    m_lrAxis->setLabel(tr("lr"));
    m_axisLabel->setText(tr("x axis:"));
    m_axisBox->setItemText(0, tr("batch"));
    m_axisBox->setItemText(1, tr("global_step"));
    m_followButton->setText(tr("Follow"));
    m_followButton->setToolTip(tr("Keep the newest batches in view"));
    m_resetButton->setText(tr("Reset view"));
    m_exportButton->setText(tr("Export"));
    m_windowNote->setText(
        tr("shaded: accumulation windows of %1 · line: the stepping batch").arg(m_accumulate));
    m_loss->setName(tr("loss (normalised, as Lightning reports it)"));
    m_raw->setName(tr("raw loss (as returned)"));
    m_smooth->setName(tr("smoothed (EMA)"));
    m_none->setName(tr("returned None"));
    m_failed->setName(tr("failed"));
    m_plot->xAxis->setLabel(m_xAxis == XAxis::batch ? tr("batch (over all epochs)")
                                                    : tr("global_step"));
    m_plot->yAxis->setLabel(tr("loss"));
    m_plot->yAxis2->setLabel(tr("extras"));
    updateSmoothingLabel();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossPlot::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(event);
}

void LossPlot::updateSmoothingLabel() {
    m_smoothLabel->setText(tr("Smoothing %1").arg(m_smoothing, 0, 'f', 3));
}

void LossPlot::clear() {
    m_batchX.clear();
    m_stepX.clear();
    m_lossY.clear();
    m_rawY.clear();
    m_lrY.clear();
    m_noneFlag.clear();
    m_failedSerials.clear();
    for (auto& series : m_extras) series.clear();
    m_extras.clear();
    m_flushed = 0;
    m_failedFlushed = 0;
    m_accumulate = 1;
    m_windowNote->setVisible(false);
    m_emaLast = 0.0;
    m_emaCount = 0;
    m_shading->clear();
    for (QCPGraph* g : {m_loss, m_raw, m_smooth, m_none, m_failed, m_lr}) g->data()->clear();
    if (!m_lrChosen) setLrVisible(false);
    m_none->removeFromLegend();
    m_failed->removeFromLegend();
    for (QCPGraph* g : std::as_const(m_extraGraphs)) g->data()->clear();
    m_highlight->setVisible(false);
    m_plot->xAxis->setRange(-0.5, 10);
    m_plot->yAxis->setRange(0, 1);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossPlot::applyEvents(const std::vector<Event>& events) {
    for (const Event& e : events) {
        // Batches finish in order, so a batch's serial is the number of batches finished before
        // it. batch_end has all the plot needs (at full speed most stage events are coalesced).
        if (e.type == EventType::batch_end) {
            const std::size_t index = m_lossY.size();
            m_batchX.push_back(double(index));
            m_stepX.push_back(double(e.global_step));
            m_lossY.push_back(e.loss.value_or(kNaN));
            m_rawY.push_back(e.loss ? e.loss_raw.value_or(kNaN) : kNaN);
            m_lrY.push_back(e.lr.value_or(kNaN));
            // Under a scheduler the lr is part of the story: show it once it first changes.
            if (!m_lrVisible && !m_lrChosen && m_lrY.size() > 1 && e.lr &&
                m_lrY[m_lrY.size() - 2] != *e.lr)
                setLrVisible(true);
            m_noneFlag.push_back(e.loss ? 0 : 1);
            if (m_accumulate != std::max(1, e.accumulate_grad_batches)) {
                m_accumulate = std::max(1, e.accumulate_grad_batches);
                m_windowNote->setText(
                    tr("shaded: accumulation windows of %1 · line: the stepping batch")
                        .arg(m_accumulate));
            }
            m_windowNote->setVisible(m_accumulate > 1);
            if (m_accumulate > 1)
                m_shading->addBatch(m_batchX.back(), m_stepX.back(), e.window_position);
            for (const auto& [key, value] : e.extras) {
                if (!value.value) continue;
                const QString name = QString::fromStdString(key);
                auto it = m_extras.find(name);
                if (it == m_extras.end()) {
                    if (m_extras.size() >= 16)
                        continue;  // bounded: a model that returns ever-new keys
                    it = m_extras.insert(name, {});
                }
                it->resize(index, kNaN);
                it->push_back(*value.value);
            }
            m_dirty = true;
        } else if (e.type == EventType::error && stage_from_name(e.where)) {
            m_failedSerials.push_back(std::int64_t(m_lossY.size()));
            m_dirty = true;
        }
    }
}

double LossPlot::xOf(std::size_t index) const {
    return m_xAxis == XAxis::batch ? m_batchX[index] : m_stepX[index];
}

double LossPlot::smoothNext(double value) {
    // TensorBoard's debiased EMA: last = w*last + (1-w)*v; shown = last / (1 - w^n).
    m_emaLast = m_emaLast * m_smoothing + (1.0 - m_smoothing) * value;
    ++m_emaCount;
    const double debias = 1.0 - std::pow(m_smoothing, m_emaCount);
    return debias > 0 ? m_emaLast / debias : value;
}

void LossPlot::flush() {
    if (!m_dirty) return;
    m_dirty = false;
    const std::size_t n = m_lossY.size();
    QVector<QCPGraphData> loss, raw, smooth, none, lr;
    loss.reserve(int(n - m_flushed));
    for (std::size_t i = m_flushed; i < n; ++i) {
        const double x = xOf(i);
        loss.append({x, m_lossY[i]});
        raw.append({x, m_rawY[i]});
        lr.append({x, m_lrY[i]});
        if (std::isfinite(m_lossY[i]) && m_smoothing > 0)
            smooth.append({x, smoothNext(m_lossY[i])});
        if (m_noneFlag[i]) {
            // Put the marker where the line would have been: on the previous reported loss.
            double y = 0.0;
            for (std::size_t j = i; j-- > 0 && j + 64 > i;) {
                if (std::isfinite(m_lossY[j])) {
                    y = m_lossY[j];
                    break;
                }
            }
            none.append({x, y});
        }
    }
    m_loss->data()->add(loss, true);
    m_raw->data()->add(raw, true);
    m_lr->data()->add(lr, true);
    m_smooth->data()->add(smooth, true);
    m_none->data()->add(none, true);
    for (auto it = m_extraGraphs.begin(); it != m_extraGraphs.end(); ++it) {
        const std::vector<double>& series = m_extras.value(it.key());
        QVector<QCPGraphData> points;
        for (std::size_t i = m_flushed; i < std::min(n, series.size()); ++i)
            points.append({xOf(i), series[i]});
        it.value()->data()->add(points, true);
    }
    QVector<QCPGraphData> failed;
    for (std::size_t i = m_failedFlushed; i < m_failedSerials.size(); ++i) {
        const double y = n > 0 && std::isfinite(m_lossY[n - 1]) ? m_lossY[n - 1]
                                                                : m_plot->yAxis->range().center();
        failed.append(
            {m_xAxis == XAxis::batch ? double(m_failedSerials[i]) : (n ? m_stepX[n - 1] : 0.0), y});
    }
    m_failed->data()->add(failed, true);
    // Marker kinds join the legend once they occur.
    if (!m_none->data()->isEmpty()) m_none->addToLegend();
    if (!m_failed->data()->isEmpty()) m_failed->addToLegend();
    m_failedFlushed = m_failedSerials.size();
    m_flushed = n;
    if (m_follow) applyFollow();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossPlot::applyFollow() {
    if (m_lossY.empty()) return;
    const double last = xOf(m_lossY.size() - 1);
    const double first = xOf(0);
    // Everything while it fits in a few thousand batches, then the newest 2000.
    const double span = std::min(last - first, 2000.0);
    const double lower = std::max(first, last - span);
    m_plot->xAxis->setRange(lower - 0.5, std::max(lower + 10.0, last + std::max(0.5, span * 0.03)));
    bool found = false;
    QCPRange y = m_loss->getValueRange(found, QCP::sdBoth, m_plot->xAxis->range());
    if (m_raw->visible()) {
        bool rawFound = false;
        const QCPRange r = m_raw->getValueRange(rawFound, QCP::sdBoth, m_plot->xAxis->range());
        if (rawFound)
            y = found ? QCPRange(std::min(y.lower, r.lower), std::max(y.upper, r.upper)) : r;
        found = found || rawFound;
    }
    if (found && std::isfinite(y.lower) && std::isfinite(y.upper)) {
        const double pad = std::max(1e-12, (y.upper - y.lower) * 0.08);
        m_plot->yAxis->setRange(y.lower - pad, y.upper + pad);
    }
    if (m_plot->yAxis2->visible()) m_plot->yAxis2->rescale(true);
    if (m_lrVisible) rescaleLrAxis();
}

void LossPlot::rescaleLrAxis() {
    bool found = false;
    const QCPRange r = m_lr->getValueRange(found, QCP::sdBoth, m_plot->xAxis->range());
    if (!found || !std::isfinite(r.lower) || !std::isfinite(r.upper)) return;
    const double pad = std::max(std::abs(r.upper) * 0.05, (r.upper - r.lower) * 0.08);
    m_lrAxis->setRange(r.lower - pad, r.upper + pad);
}

int LossPlot::lrPointCount() const {
    return m_lr->dataCount();
}

void LossPlot::setLrVisible(bool visible) {
    m_lrVisible = visible;
    m_lr->setVisible(visible);
    m_lrAxis->setVisible(visible);
    visible ? void(m_lr->addToLegend()) : void(m_lr->removeFromLegend());
    if (m_lrBox->isChecked() != visible) m_lrBox->setChecked(visible);
    if (visible) rescaleLrAxis();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossPlot::rebuildGraphs() {
    m_flushed = 0;
    m_failedFlushed = 0;
    m_emaLast = 0.0;
    m_emaCount = 0;
    for (QCPGraph* g : {m_loss, m_raw, m_smooth, m_none, m_failed, m_lr}) g->data()->clear();
    for (QCPGraph* g : std::as_const(m_extraGraphs)) g->data()->clear();
    m_shading->byGlobalStep = m_xAxis == XAxis::globalStep;
    m_windowNote->setVisible(m_accumulate > 1);
    m_dirty = true;
    flush();
    if (!m_follow) resetView();
}

void LossPlot::setXAxis(XAxis axis) {
    if (axis == m_xAxis) return;
    m_xAxis = axis;
    m_axisBox->setCurrentIndex(axis == XAxis::batch ? 0 : 1);
    retranslate();
    rebuildGraphs();
}

void LossPlot::setSmoothing(double weight) {
    weight = std::clamp(weight, 0.0, 0.999);
    if (std::abs(weight - m_smoothing) < 1e-9) return;
    m_smoothing = weight;
    {
        const QSignalBlocker block(m_smoothSlider);
        m_smoothSlider->setValue(int(std::lround(weight * 1000)));
    }
    updateSmoothingLabel();
    rebuildSmoothing();
}

void LossPlot::rebuildSmoothing() {
    m_emaLast = 0.0;
    m_emaCount = 0;
    QVector<QCPGraphData> smooth;
    if (m_smoothing > 0) {
        smooth.reserve(int(m_flushed));
        for (std::size_t i = 0; i < m_flushed; ++i)
            if (std::isfinite(m_lossY[i])) smooth.append({xOf(i), smoothNext(m_lossY[i])});
    }
    m_smooth->data()->set(smooth, true);
    m_smooth->setVisible(m_smoothing > 0);
    // Like TensorBoard: with smoothing on, the raw series steps back and the EMA leads.
    m_loss->setPen(QPen(m_smoothing > 0 ? kLossUnderSmoothColor : kLossColor, 1));
    m_smoothing > 0 ? void(m_smooth->addToLegend()) : void(m_smooth->removeFromLegend());
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossPlot::setRawVisible(bool visible) {
    m_rawVisible = visible;
    m_raw->setVisible(visible);
    visible ? void(m_raw->addToLegend()) : void(m_raw->removeFromLegend());
    if (m_rawBox->isChecked() != visible) m_rawBox->setChecked(visible);
    if (m_follow) applyFollow();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossPlot::setFollow(bool follow) {
    if (follow == m_follow) return;
    m_follow = follow;
    m_followButton->setChecked(follow);
    if (follow) {
        applyFollow();
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    }
    Q_EMIT followChanged(follow);
}

void LossPlot::resetView() {
    m_plot->rescaleAxes(true);
    if (!m_lossY.empty()) {
        m_plot->xAxis->scaleRange(1.04, m_plot->xAxis->range().center());
        m_plot->yAxis->scaleRange(1.15, m_plot->yAxis->range().center());
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossPlot::highlightBatch(std::int64_t serial) {
    double x = double(serial);
    if (m_xAxis == XAxis::globalStep) {
        auto it = std::lower_bound(m_batchX.begin(), m_batchX.end(), x);
        if (it != m_batchX.end()) x = m_stepX[std::size_t(it - m_batchX.begin())];
    }
    m_highlight->point1->setCoords(x, 0);
    m_highlight->point2->setCoords(x, 1);
    m_highlight->setVisible(true);
    const QCPRange range = m_plot->xAxis->range();
    if (x < range.lower || x > range.upper) {
        setFollow(false);
        m_plot->xAxis->setRange(x, range.size(), Qt::AlignCenter);
    }
    m_plot->layer(QStringLiteral("markers"))->replot();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossPlot::setExtraPlotted(const QString& key, bool plotted) {
    if (!plotted) {
        if (QCPGraph* g = m_extraGraphs.take(key)) m_plot->removeGraph(g);
    } else if (!m_extraGraphs.contains(key)) {
        const QColor color = kExtraColors[m_extraGraphs.size() % 4];
        QCPGraph* g = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis2);
        g->setPen(QPen(color, 1));
        g->setAdaptiveSampling(true);
        g->setName(tr("extra: %1").arg(key));
        const std::vector<double>& series = m_extras.value(key);
        QVector<QCPGraphData> points;
        for (std::size_t i = 0; i < std::min(m_flushed, series.size()); ++i)
            points.append({xOf(i), series[i]});
        g->data()->set(points, true);
        m_extraGraphs.insert(key, g);
    }
    m_plot->yAxis2->setVisible(!m_extraGraphs.isEmpty());
    if (!m_extraGraphs.isEmpty()) m_plot->yAxis2->rescale(true);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

bool LossPlot::exportPng(const QString& path) {
    return m_plot->savePng(path, 0, 0, 2.0);
}

bool LossPlot::exportPdf(const QString& path) {
    return m_plot->savePdf(path);
}

int LossPlot::pointCount() const {
    return m_loss->dataCount();
}
int LossPlot::noneMarkerCount() const {
    return m_none->dataCount();
}
int LossPlot::failedMarkerCount() const {
    return m_failed->dataCount();
}

}  // namespace stepwise::gui
