#include "loss_plot.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QSlider>
#include <QTimer>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>

#include "comparison_layer.h"
#include "loss_origin.h"
#include "plot_decimator.h"
#include "run_history.h"
#include "step_ribbon.h"
#include "stepwise/batch_table.h"
#include "stepwise/tensorboard.h"
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
    // One menu, here and under File ▸ Export: the plot as an image, the run as a table or as
    // TensorBoard event files.
    m_exportMenu = new QMenu(this);
    auto exportTo = [this](bool table, const QString& filter, const QString& suffix) {
        QString path = QFileDialog::getSaveFileName(
            this, table ? tr("Export the per-batch table") : tr("Export plot"),
            (table ? QStringLiteral("batches.") : QStringLiteral("loss.")) + suffix, filter);
        if (path.isEmpty()) return;
        if (!path.endsWith(QLatin1Char('.') + suffix)) path += QLatin1Char('.') + suffix;
        const bool written = suffix == QLatin1String("png")   ? exportPng(path)
                             : suffix == QLatin1String("pdf") ? exportPdf(path)
                                                              : exportCsv(path);
        if (!written)
            QMessageBox::warning(this, tr("Export"),
                                 tr("Could not write %1.").arg(QDir::toNativeSeparators(path)));
    };
    m_exportPngAction = m_exportMenu->addAction(
        QString(), this, [=] { exportTo(false, tr("PNG image (*.png)"), QStringLiteral("png")); });
    m_exportPdfAction = m_exportMenu->addAction(QString(), this, [=] {
        exportTo(false, tr("PDF document (*.pdf)"), QStringLiteral("pdf"));
    });
    m_exportMenu->addSeparator();
    m_exportCsvAction = m_exportMenu->addAction(
        QString(), this, [=] { exportTo(true, tr("CSV table (*.csv)"), QStringLiteral("csv")); });
    m_exportTensorBoardAction = m_exportMenu->addAction(QString(), this, [this] {
        const QString root = QFileDialog::getExistingDirectory(
            this, tr("Export TensorBoard event files into a log directory"), QDir::currentPath());
        if (root.isEmpty()) return;
        const TensorBoardExport result = exportTensorBoard(root);
        if (result.directory.isEmpty()) {
            QMessageBox::warning(this, tr("Export"), result.error);
            return;
        }
        QMessageBox::information(
            this, tr("Export"),
            tr("Wrote %1.\nSee it beside your Lightning runs with: tensorboard --logdir %2")
                .arg(QDir::toNativeSeparators(result.directory), QDir::toNativeSeparators(root)));
    });
    m_exportButton->setMenu(m_exportMenu);

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
    m_exportMenu->setTitle(tr("&Export"));
    m_exportPngAction->setText(tr("Plot as &PNG image…"));
    m_exportPdfAction->setText(tr("Plot as P&DF document…"));
    m_exportCsvAction->setText(tr("Per-batch table (&CSV)…"));
    m_exportTensorBoardAction->setText(tr("&TensorBoard event files…"));
    m_exportTensorBoardAction->setToolTip(
        tr("The scalars Lightning's TensorBoardLogger writes when training_step logs its loss and "
           "extras, "
           "in a new version_N directory of the log directory you choose"));
    m_windowNote->setText(
        tr("shaded: accumulation windows of %1 · line: the stepping batch").arg(m_accumulate));
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
    m_ribbon->setRowLabels(tr("batch_idx"), tr("window"), tr("global_step"));
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
    m_smoothLabel->setText(tr("Smoothing %1").arg(m_smoothing, 0, 'f', 3));
}

void LossPlot::setHistory(const RunHistory* history) {
    m_history = history;
    clear();
}

void LossPlot::clear() {
    m_generation = m_history ? m_history->generation() : 0;
    m_taken = 0;
    m_emaAt.clear();
    m_ema = {};
    m_lastLr = std::numeric_limits<float>::quiet_NaN();
    m_failedSerials.clear();
    m_accumulate = 1;
    m_sawNone = false;
    m_windowNote->setVisible(false);
    m_shading->clear();
    for (QCPGraph* g : {m_loss, m_raw, m_smooth, m_none, m_failed, m_lr}) g->data()->clear();
    if (!m_lrChosen) setLrVisible(false);
    m_none->removeFromLegend();
    m_failed->removeFromLegend();
    for (QCPGraph* g : std::as_const(m_extraGraphs)) g->data()->clear();
    m_highlight->setVisible(false);
    m_ribbon->setCells({});
    m_described = -1;
    updateOrigin();
    m_plot->xAxis->setRange(-0.5, 10);
    m_plot->yAxis->setRange(0, 1);
    m_dirty = false;
    m_fillNeeded = true;
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void LossPlot::rebuild() {
    clear();
    if (!m_history) return;
    for (const Event& e : m_history->logEvents()) noteFailure(e);
    m_dirty = true;
    flush();
    if (!m_follow) resetView();
}

void LossPlot::noteFailure(const Event& e) {
    if (e.type != EventType::error || e.phase != ErrorPhase::stage) return;
    // The batch it failed in: the number of batches that had ended by then.
    m_failedSerials.push_back(std::int64_t(m_history ? m_history->batchesBefore(e.seq) : 0));
    m_dirty = true;
}

void LossPlot::applyEvents(const std::vector<Event>& events) {
    // Batch records come from the history at flush(); only failures are not among them.
    for (const Event& e : events) noteFailure(e);
    m_streaming = Pacer::streaming(events);
    if (!m_streaming) m_originPacer->flush();  // a hold or the end shows the newest at once
}

double LossPlot::smoothNext(Ema& ema, double value) const {
    // TensorBoard's debiased EMA: last = w*last + (1-w)*v; shown = last / (1 - w^n).
    ema.last = ema.last * m_smoothing + (1.0 - m_smoothing) * value;
    ++ema.count;
    const double debias = 1.0 - std::pow(m_smoothing, ema.count);
    return debias > 0 ? ema.last / debias : value;
}

void LossPlot::takeInBatches() {
    const std::size_t n = m_history->batchCount();
    for (std::size_t i = m_taken; i < n; ++i) {
        if (i % kEmaCheckpoint == 0) m_emaAt.push_back(m_ema);
        const double loss = m_history->loss(i);
        if (std::isfinite(loss) && m_smoothing > 0) smoothNext(m_ema, loss);
        m_sawNone = m_sawNone || m_history->returnedNone(i);
        // Under a scheduler the lr is part of the story: show it once it first changes.
        const float lr = m_history->lr(i);
        if (!m_lrVisible && !m_lrChosen && std::isfinite(lr) && std::isfinite(m_lastLr) &&
            lr != m_lastLr)
            setLrVisible(true);
        if (std::isfinite(lr)) m_lastLr = lr;
    }
    m_taken = n;
    if (n == 0) return;
    const int accumulate = std::max(1, m_history->accumulate(n - 1));
    if (accumulate != m_accumulate) {
        m_accumulate = accumulate;
        m_windowNote->setText(
            tr("shaded: accumulation windows of %1 · line: the stepping batch").arg(m_accumulate));
    }
    m_windowNote->setVisible(m_accumulate > 1);
}

void LossPlot::flush() {
    if (!m_history) return;
    // While the run streams past, the lines are drawn without antialiasing, as QCustomPlot draws
    // them while dragged: smoothing thousands of segments thirty times a second is most of the
    // frame's time. A hold or the end draws them smooth again.
    const QCP::AntialiasedElements rough = m_streaming ? QCP::aePlottables : QCP::aeNone;
    const bool smoothAgain = rough != m_plot->notAntialiasedElements();
    m_plot->setNotAntialiasedElements(rough);
    if (m_history->generation() != m_generation) {  // started over or cut back
        rebuild();
        return;
    }
    // Run A's frame draws run B's news too.
    const bool other = m_comparisonTimer->isActive();
    m_comparisonTimer->stop();
    if (!m_dirty && m_history->batchCount() == m_taken && !other) {
        if (smoothAgain) m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    m_dirty = false;
    takeInBatches();
    // Marker kinds join the legend once they occur.
    if (m_sawNone) m_none->addToLegend();
    if (!m_failedSerials.empty()) m_failed->addToLegend();
    m_fillNeeded = true;
    if (m_follow) applyFollow();
    if (m_described < 0) m_originPacer->request(m_streaming);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

std::optional<double> LossPlot::smoothedAt(std::size_t serial) const {
    if (!m_history || serial >= m_taken || m_smoothing <= 0 ||
        !std::isfinite(m_history->loss(serial)))
        return std::nullopt;
    Ema ema = emaBefore(serial);
    return smoothNext(ema, m_history->loss(serial));
}

LossPlot::Ema LossPlot::emaBefore(std::size_t serial) const {
    // On from the checkpoint before it: at most kEmaCheckpoint batches.
    Ema ema = serial / kEmaCheckpoint < m_emaAt.size() ? m_emaAt[serial / kEmaCheckpoint] : Ema{};
    for (std::size_t i = serial / kEmaCheckpoint * kEmaCheckpoint; i < serial; ++i)
        if (std::isfinite(m_history->loss(i))) smoothNext(ema, m_history->loss(i));
    return ema;
}

void LossPlot::describeBatch(std::int64_t serial) {
    if (serial >= std::int64_t(m_taken)) serial = -1;
    if (serial == m_described) return;
    m_described = serial;
    updateOrigin();
}

void LossPlot::updateOrigin() {
    if (!m_origin) return;
    if (!m_history || m_taken == 0) {
        m_origin->setText(
            tr("Once a batch ends, this line follows its loss from training_step to the "
               "plot; point at a batch to see its own."));
        return;
    }
    const std::size_t serial = m_described >= 0 ? std::size_t(m_described) : m_taken - 1;
    m_origin->setText(LossOrigin::line(m_history->batchRecord(serial), std::int64_t(serial),
                                       smoothedAt(serial), m_smoothing, m_described >= 0));
}

void LossPlot::onMouseMove(QMouseEvent* event) {
    if (!m_history || m_taken == 0) return;
    const QPointF at = event->position();
    const bool overPlot = m_plot->axisRect()->rect().contains(at.toPoint());
    const std::int64_t inRibbon = m_ribbon->batchAt(at);
    if (!overPlot && inRibbon < 0) {
        describeBatch(-1);
        QToolTip::hideText();
        return;
    }
    std::int64_t serial = -1;
    if (m_xAxis == XAxis::batch) {
        serial = std::int64_t(std::llround(m_plot->xAxis->pixelToCoord(at.x())));
    } else {  // by global_step: the last batch at that step
        const double step = std::round(m_plot->xAxis->pixelToCoord(at.x()));
        serial = std::int64_t(m_history->firstBatchAtStep(step + 1.0)) - 1;
    }
    describeBatch(serial >= 0 && serial < std::int64_t(m_taken) ? serial : -1);
    if (inRibbon >= 0) {
        const std::size_t i = std::size_t(inRibbon);
        const std::int64_t before = i > 0 ? m_history->globalStep(i - 1) : 0;
        QToolTip::showText(event->globalPosition().toPoint(),
                           LossOrigin::ribbonTip(m_history->batchRecord(i), inRibbon, before),
                           m_plot);
    } else {
        QToolTip::hideText();
    }
}

void LossPlot::updateRibbonShown() {
    // By global_step the axis itself is the mapping; a plot too short for both keeps the graphs.
    const bool shown = m_xAxis == XAxis::batch && m_plot->height() >= kRibbonMinPlotHeight;
    if (shown == m_ribbon->shown()) return;
    m_ribbon->setShown(shown);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

bool LossPlot::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_plot && event->type() == QEvent::Leave)
        describeBatch(-1);  // back to the newest
    if (watched == m_plot && event->type() == QEvent::Resize) updateRibbonShown();
    return QWidget::eventFilter(watched, event);
}

std::pair<std::size_t, std::size_t> LossPlot::visibleBatches() const {
    // What the plot took, as far as the history still has it: a new run clears the history before
    // every slot of its runStarted has run (the comparison's end redraws in between).
    const std::size_t n = std::min(m_taken, m_history ? m_history->batchCount() : 0);
    if (n == 0) return {0, 0};
    const QCPRange range = m_plot->xAxis->range();
    double first = 0.0, end = 0.0;
    if (m_xAxis == XAxis::batch) {
        first = std::floor(range.lower) - 1.0;
        end = std::ceil(range.upper) + 2.0;
    } else {
        first = double(m_history->firstBatchAtStep(range.lower)) - 1.0;
        end = double(m_history->firstBatchAtStep(std::floor(range.upper) + 1.0)) + 1.0;
    }
    const auto clampToRun = [n](double v) { return std::size_t(std::clamp(v, 0.0, double(n))); };
    return {clampToRun(first), clampToRun(end)};
}

void LossPlot::fillVisible() {
    m_fillNeeded = false;
    if (!m_history) return;
    const auto visible = visibleBatches();  // not a structured binding: a lambda below captures it
    const std::size_t first = visible.first, end = visible.second;
    const std::size_t count = end - first;
    const bool bySteps = m_xAxis == XAxis::globalStep;
    const bool shade = m_accumulate > 1 && count <= 4000;  // more windows than pixels: no bands
    const bool ribbon = !bySteps && count <= 4000;
    if (bySteps || shade || ribbon) m_history->globalSteps(first, end, m_stepScratch);
    const auto xAt = [&](std::size_t i) {
        return bySteps ? double(m_stepScratch[i - first]) : double(i);
    };
    const std::size_t columns = std::size_t(std::max(200, m_plot->width()));
    const std::size_t bucket = count > columns ? (count + columns - 1) / columns : 1;
    m_filledWidth = m_plot->width();

    QVector<QCPGraphData> loss, raw, smooth, none, lr;
    Decimator lossOut(loss, bucket), rawOut(raw, bucket), smoothOut(smooth, bucket),
        lrOut(lr, bucket);
    const bool smoothing = m_smoothing > 0 && count > 0;
    Ema ema = smoothing ? emaBefore(first) : Ema{};
    std::size_t lastNoneBucket = std::numeric_limits<std::size_t>::max();
    double lastFinite = 0.0;  // the loss line's height where a None batch interrupts it
    for (std::size_t i = first > 64 ? first - 64 : 0; i < first; ++i)
        if (std::isfinite(m_history->loss(i))) lastFinite = m_history->loss(i);
    for (std::size_t i = first; i < end; ++i) {
        const double x = xAt(i);
        const double y = m_history->loss(i);
        lossOut.add(x, y);
        if (m_rawVisible) rawOut.add(x, m_history->lossRaw(i));
        if (m_lrVisible) lrOut.add(x, m_history->lr(i));
        if (smoothing && std::isfinite(y)) smoothOut.add(x, smoothNext(ema, y));
        if (m_history->returnedNone(i) && (i - first) / bucket != lastNoneBucket) {
            lastNoneBucket = (i - first) / bucket;  // one marker per pixel column at most
            none.append({x, lastFinite});
        }
        if (std::isfinite(y)) lastFinite = y;
    }
    for (Decimator* d : {&lossOut, &rawOut, &smoothOut, &lrOut}) d->finish();
    m_loss->data()->set(loss, true);
    m_raw->data()->set(raw, true);
    m_smooth->data()->set(smooth, true);
    m_lr->data()->set(lr, true);
    m_none->data()->set(none, true);

    const auto& extras = m_history->scalarExtras();
    for (auto it = m_extraGraphs.begin(); it != m_extraGraphs.end(); ++it) {
        QVector<QCPGraphData> points;
        auto column = extras.find(it.key().toStdString());
        if (column != extras.end()) {
            Decimator out(points, bucket);
            for (std::size_t i = first; i < std::min(end, column->second.size()); ++i)
                out.add(xAt(i), column->second[i]);
            out.finish();
        }
        it.value()->data()->set(points, true);
    }

    QVector<QCPGraphData> failed;
    const std::size_t n = m_taken;
    for (const std::int64_t serial : m_failedSerials) {
        const std::size_t at = std::min(std::size_t(serial), n ? n - 1 : 0);
        const double before = serial > 0 && std::size_t(serial) <= n
                                  ? double(m_history->loss(std::size_t(serial) - 1))
                                  : kNaN;
        const double y = std::isfinite(before) ? before : m_plot->yAxis->range().center();
        failed.append(
            {bySteps ? (n ? double(m_history->globalStep(at)) : 0.0) : double(serial), y});
    }
    m_failed->data()->set(failed, false);

    std::vector<WindowShading::Window> windows;
    if (shade) {
        for (std::size_t i = first; i < end; ++i) {
            const double step = double(m_stepScratch[i - first]);
            if (m_history->windowPosition(i) <= 1 || windows.empty()) {
                // Each window ends in one optimizer step: alternate shades by the step count.
                const bool odd = (m_stepScratch[i - first] -
                                  (m_history->windowPosition(i) >= m_accumulate ? 1 : 0)) %
                                 2;
                windows.push_back({double(i), double(i), step, step, odd});
            } else {
                windows.back().lastSerial = double(i);
                windows.back().lastStep = step;
            }
        }
    }
    m_shading->setWindows(std::move(windows));

    std::vector<StepRibbon::Cell> cells;
    if (ribbon && count > 0) {
        cells.reserve(count);
        // Cells wide enough to print batch_idx look it up (a record each: a few dozen at most).
        const double cellPixels =
            m_plot->xAxis->axisRect()->width() / std::max(1.0, m_plot->xAxis->range().size());
        const bool lookUp = cellPixels >= 14.0;
        std::int64_t before = first > 0 ? m_history->globalStep(first - 1) : 0;
        for (std::size_t i = first; i < end; ++i) {
            StepRibbon::Cell c;
            c.x = double(i);
            c.position = std::max(1, m_history->windowPosition(i));
            c.accumulate = std::max(1, m_history->accumulate(i));
            c.globalStep = m_stepScratch[i - first];
            c.moved = c.globalStep > before;
            c.odd = (c.globalStep - (c.moved ? 1 : 0)) % 2;
            if (lookUp) c.batchIdx = m_history->batchIdx(i);
            before = c.globalStep;
            cells.push_back(c);
        }
    }
    m_ribbon->setCells(std::move(cells));
    m_comparison->fill(first, end, bucket, bySteps);
}

void LossPlot::applyFollow() {
    const std::size_t n = m_taken;
    if (n == 0) return;
    const bool bySteps = m_xAxis == XAxis::globalStep;
    const double last = bySteps ? double(m_history->globalStep(n - 1)) : double(n - 1);
    const double first = bySteps ? double(m_history->globalStep(0)) : 0.0;
    // Everything while it fits in a few thousand batches, then the newest 2000.
    const double span = std::min(last - first, 2000.0);
    const double lower = std::max(first, last - span);
    m_plot->xAxis->setRange(lower - 0.5, std::max(lower + 10.0, last + std::max(0.5, span * 0.03)));
    fillVisible();  // now: the value axes scale to what is in view
    bool found = false;
    QCPRange y = m_loss->getValueRange(found, QCP::sdBoth, m_plot->xAxis->range());
    if (m_raw->visible()) {
        bool rawFound = false;
        const QCPRange r = m_raw->getValueRange(rawFound, QCP::sdBoth, m_plot->xAxis->range());
        if (rawFound)
            y = found ? QCPRange(std::min(y.lower, r.lower), std::max(y.upper, r.upper)) : r;
        found = found || rawFound;
    }
    m_comparison->addValueRange(y, found);
    m_comparison->rescaleDistanceAxis();
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
    // The EMA's checkpoints again, over every batch taken in (a million: a few milliseconds).
    m_emaAt.clear();
    m_ema = {};
    if (m_history) {
        for (std::size_t i = 0; i < m_taken; ++i) {
            if (i % kEmaCheckpoint == 0) m_emaAt.push_back(m_ema);
            const double loss = m_history->loss(i);
            if (std::isfinite(loss) && m_smoothing > 0) smoothNext(m_ema, loss);
        }
    }
    m_smooth->setVisible(m_smoothing > 0);
    // Like TensorBoard: with smoothing on, the raw series steps back and the EMA leads.
    m_loss->setPen(QPen(m_smoothing > 0 ? kLossUnderSmoothColor : kLossColor, 1));
    m_smoothing > 0 ? void(m_smooth->addToLegend()) : void(m_smooth->removeFromLegend());
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
        g->setName(tr("extra: %1").arg(key));
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

BatchTable LossPlot::batchTable(const RunHistory* history) {
    // The table stepwise-run builds, from the history: single precision for batches older than the
    // newest RunHistory::kRecentBatches, as the plot has them.
    BatchTable table;
    if (history)
        for (std::size_t i = 0; i < history->batchCount(); ++i) table.add(history->batchRecord(i));
    return table;
}

bool LossPlot::exportCsv(const QString& path) const {
    std::ofstream out(QFile::encodeName(path).toStdString(), std::ios::binary | std::ios::trunc);
    if (!out) return false;
    if (m_other)
        BatchTable::write_comparison_csv(out, m_nameA.toStdString(), batchTable(m_history),
                                         m_nameB.toStdString(), batchTable(m_other));
    else
        batchTable(m_history).write_csv(out);
    out.flush();
    return bool(out);
}

LossPlot::TensorBoardExport LossPlot::exportTensorBoard(const QString& root) const {
    try {
        TensorBoardWriter writer(QFile::encodeName(root).toStdString());
        writer.write(batchTable(
            m_history));  // TensorBoard keeps floats: the history's precision loses nothing
        return {QFile::decodeName(writer.directory().c_str()), {}};
    } catch (const TensorBoardError& e) {
        return {{}, QString::fromStdString(e.what())};
    }
}

void LossPlot::setComparison(const RunHistory* other, const QString& nameA, const QString& nameB,
                             bool departs) {
    m_other = other;
    m_nameA = nameA;
    m_nameB = nameB;
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
