#include "loss_plot.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QSlider>
#include <QTimer>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>

#include "comparison_layer.h"
#include "cycle_shading.h"
#include "loss_origin.h"
#include "plot_decimator.h"
#include "run_history.h"
#include "step_ribbon.h"

namespace stepwise::gui {

namespace {
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
    m_plot->addLayer(QStringLiteral("cycles"), m_plot->layer(QStringLiteral("grid")),
                     QCustomPlot::limBelow);
    m_plot->addLayer(QStringLiteral("markers"), m_plot->layer(QStringLiteral("main")),
                     QCustomPlot::limAbove);
    // Markers and the highlight move often: their own buffer, so they replot without the graphs.
    m_plot->layer(QStringLiteral("markers"))->setMode(QCPLayer::lmBuffered);

    m_shading = new CycleShading(m_plot, m_plot->xAxis);
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
    m_comparison = new ComparisonLayer(m_plot, m_loss, m_raw);
    m_comparisonTimer = new QTimer(this);
    m_comparisonTimer->setSingleShot(true);
    m_comparisonTimer->setInterval(kComparisonFrameMs);
    connect(m_comparisonTimer, &QTimer::timeout, this, [this] {
        m_fillNeeded = true;
        if (m_follow) applyFollow();
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    });
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
    // What the shading means, in the plot's bottom-left corner while cycles are drawn (the
    // legend has the top right; a falling loss leaves the bottom left free).
    m_cycleNote = new QCPItemText(m_plot);
    m_cycleNote->setLayer(QStringLiteral("legend"));
    m_cycleNote->setClipToAxisRect(true);
    m_cycleNote->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_cycleNote->position->setCoords(0.01, 0.98);
    m_cycleNote->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    m_cycleNote->setColor(QColor(0x92, 0x40, 0x0e));
    m_cycleNote->setBrush(QColor(255, 255, 255, 220));
    m_cycleNote->setPadding(QMargins(4, 2, 4, 2));
    m_cycleNote->setVisible(false);

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

    // The graphs hold only what is in view: a new x range, or a wider plot, fills them again
    // just before the replot that draws it.
    connect(m_plot->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
            [this] { m_fillNeeded = true; });
    connect(m_plot, &QCustomPlot::beforeReplot, this, [this] {
        if (m_fillNeeded || m_plot->width() != m_filledWidth) fillVisible();
    });
    connect(m_plot, &QCustomPlot::mouseWheel, this, [this] { setFollow(false); });
    connect(m_plot, &QCustomPlot::mousePress, this, [this] { setFollow(false); });
    m_ribbon = new StepRibbon(m_plot, m_plot->xAxis);
    // The plot's own minimum, not the ribbon's on top of it: a short window hides the ribbon
    // (see eventFilter) instead of growing for it.
    m_plot->setMinimumHeight(40);
    m_plot->setMouseTracking(true);
    connect(m_plot, &QCustomPlot::mouseMove, this, &LossPlot::onMouseMove);
    m_plot->installEventFilter(this);
    m_origin = new QLabel(this);
    m_origin->setObjectName(QStringLiteral("lossOrigin"));
    m_origin->setTextFormat(Qt::RichText);
    m_origin->setWordWrap(true);
    // A short window squeezes the line rather than growing for it.
    m_origin->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Ignored);
    m_origin->setContentsMargins(6, 0, 6, 2);
    m_origin->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont originFont = font();
    originFont.setPointSizeF(font().pointSizeF() * 0.9);
    m_origin->setFont(originFont);
    m_originPacer = new Pacer(
        [this] {
            if (m_described < 0) updateOrigin();
        },
        this);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(buildToolbar());
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_origin);
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
    m_smoothSlider->setValue(int(m_ema.weight() * 1000));
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
    m_lrBox->setToolTip(
        tr("The learning rate each batch trained with, on its own axis; it "
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
    updateCycleNote();
    m_loss->setName(tr("loss (normalised, as Lightning reports it)"));
    m_raw->setName(tr("raw loss (as returned)"));
    m_smooth->setName(tr("smoothed (EMA)"));
    m_none->setName(tr("returned None"));
    m_failed->setName(tr("failed"));
    m_comparison->retranslate();  // run A's loss, named for the comparison
    m_plot->xAxis->setLabel(m_xAxis == XAxis::batch ? tr("batch (over all epochs)")
                                                    : tr("global_step"));
    m_plot->yAxis->setLabel(tr("loss"));
    m_plot->yAxis2->setLabel(tr("extras"));
    m_ribbon->setRowLabels(tr("batch_idx"), tr("cycle"), tr("global_step"));
    m_origin->setToolTip(LossOrigin::tip());
    updateSmoothingLabel();
    updateOrigin();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossPlot::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(event);
}

void LossPlot::updateSmoothingLabel() {
    m_smoothLabel->setText(tr("Smoothing %1").arg(m_ema.weight(), 0, 'f', 3));
}

void LossPlot::setHistory(const RunHistory* history) {
    m_history = history;
    clear();
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
    fillVisible();
    if (visible) rescaleLrAxis();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossPlot::setXAxis(XAxis axis) {
    if (axis == m_xAxis) return;
    m_xAxis = axis;
    m_axisBox->setCurrentIndex(axis == XAxis::batch ? 0 : 1);
    m_shading->byGlobalStep = m_xAxis == XAxis::globalStep;
    m_comparison->setDivergence(m_divergence, m_xAxis == XAxis::globalStep);
    updateRibbonShown();
    retranslate();
    m_follow ? applyFollow() : resetView();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossPlot::setSmoothing(double weight) {
    weight = std::clamp(weight, 0.0, Smoothing::kMaxWeight);
    if (std::abs(weight - m_ema.weight()) < 1e-9) return;
    m_ema.setWeight(weight);
    {
        const QSignalBlocker block(m_smoothSlider);
        m_smoothSlider->setValue(int(std::lround(weight * 1000)));
    }
    updateSmoothingLabel();
    rebuildSmoothing();
}

void LossPlot::rebuildSmoothing() {
    // The EMA's checkpoints again, over every batch taken in (a million: a few milliseconds).
    m_ema.clear();
    if (m_history) m_ema.takeIn(m_history->losses(), m_taken);
    m_smooth->setVisible(m_ema.on());
    // Like TensorBoard: with smoothing on, the raw series steps back and the EMA leads.
    m_loss->setPen(QPen(m_ema.on() ? kLossUnderSmoothColor : kLossColor, 1));
    m_ema.on() ? void(m_smooth->addToLegend()) : void(m_smooth->removeFromLegend());
    m_fillNeeded = true;
    updateOrigin();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossPlot::setRawVisible(bool visible) {
    m_rawVisible = visible;
    m_raw->setVisible(visible);
    visible ? void(m_raw->addToLegend()) : void(m_raw->removeFromLegend());
    if (m_rawBox->isChecked() != visible) m_rawBox->setChecked(visible);
    m_fillNeeded = true;
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
    const std::size_t n = m_taken;
    if (n > 0) {
        // The whole run in view: its envelope keeps every extreme, so the value axes fit exactly.
        const bool bySteps = m_xAxis == XAxis::globalStep;
        m_plot->xAxis->setRange(bySteps ? double(m_history->globalStep(0)) : 0.0,
                                bySteps ? double(m_history->globalStep(n - 1)) : double(n - 1));
        fillVisible();
    }
    m_plot->rescaleAxes(true);
    if (n > 0) {
        m_plot->xAxis->scaleRange(1.04, m_plot->xAxis->range().center());
        m_plot->yAxis->scaleRange(1.15, m_plot->yAxis->range().center());
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossPlot::highlightBatch(std::int64_t serial) {
    double x = double(serial);
    if (m_xAxis == XAxis::globalStep && m_history && serial >= 0 && std::size_t(serial) < m_taken)
        x = double(m_history->globalStep(std::size_t(serial)));
    highlightAt(x);
}

void LossPlot::highlightBatchOfB(std::int64_t serial) {
    const RunHistory* b = m_other;
    if (!b || serial < 0 || std::size_t(serial) >= b->batchCount()) return;
    highlightAt(m_comparison->xOfB(std::size_t(serial), m_xAxis == XAxis::globalStep));
}

void LossPlot::highlightAt(double x) {
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
        if (key.startsWith(QStringLiteral("metric:"))) {
            // self.log's values: a dot at each batch or epoch that has one, joined by a line.
            g->setName(tr("self.log: %1").arg(key.mid(7)));
            g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 4));
        } else {
            g->setName(tr("extra: %1").arg(key));
        }
        m_extraGraphs.insert(key, g);
    }
    m_plot->yAxis2->setVisible(!m_extraGraphs.isEmpty());
    fillVisible();
    if (!m_extraGraphs.isEmpty()) m_plot->yAxis2->rescale(true);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

bool LossPlot::exportPng(const QString& path) {
    if (m_fillNeeded) fillVisible();
    return m_plot->savePng(path, 0, 0, 2.0);
}

bool LossPlot::exportPdf(const QString& path) {
    if (m_fillNeeded) fillVisible();
    return m_plot->savePdf(path);
}

void LossPlot::setExportMenu(QMenu* menu) {
    m_exportButton->setMenu(menu);
}

void LossPlot::setComparison(const RunHistory* other, const QString& nameA, const QString& nameB,
                             bool departs) {
    m_other = other;
    m_divergence.reset();
    // Comparing, run A's returned loss is drawn too: it is what run B's line shows.
    if (other && !m_comparison->active()) m_rawBeforeComparing = m_rawVisible;
    const bool raw = other ? true : m_rawBeforeComparing;
    m_comparison->set(other ? m_history : nullptr, other, nameA, nameB, departs);
    if (raw != m_rawVisible) setRawVisible(raw);
    retranslate();
    m_fillNeeded = true;
    if (m_follow) applyFollow();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

bool LossPlot::comparing() const {
    return m_other != nullptr;
}

void LossPlot::setDivergence(std::optional<std::size_t> serial) {
    m_divergence = serial;
    m_comparison->setDivergence(serial, m_xAxis == XAxis::globalStep);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossPlot::comparisonChanged() {
    if (m_other && !m_comparisonTimer->isActive()) m_comparisonTimer->start();
}

int LossPlot::pointCount() const {
    return int(m_taken);
}
int LossPlot::drawnPointCount() const {
    return m_loss->dataCount();
}
int LossPlot::noneMarkerCount() const {
    return m_none->dataCount();
}
int LossPlot::failedMarkerCount() const {
    return m_failed->dataCount();
}

}  // namespace stepwise::gui
