// LossPlot, continued: what it draws from the run history — taking new batches in once per frame,
// filling the graphs, the shading and the ribbon with the batches in view only, following the
// newest — and the origin line that follows the mouse. Building the widget and its settings are in
// loss_plot.cpp.

#include <qcustomplot.h>

#include <QLabel>
#include <QMouseEvent>
#include <QTimer>
#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <limits>

#include "comparison_layer.h"
#include "cycle_shading.h"
#include "loss_origin.h"
#include "loss_plot.h"
#include "plot_decimator.h"
#include "run_history.h"
#include "step_ribbon.h"

namespace stepwise::gui {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

void LossPlot::clear() {
    m_generation = m_history ? m_history->generation() : 0;
    m_taken = 0;
    m_ema.clear();
    m_lastLr = std::numeric_limits<float>::quiet_NaN();
    m_failedSerials.clear();
    m_sawNone = false;
    m_cycleNote->setVisible(false);
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

void LossPlot::rebuild(const HistorySnapshot& run) {
    (void)run;  // it draws from its history
    rebuild();
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

void LossPlot::takeInBatches() {
    const std::size_t n = m_history->batchCount();
    m_ema.takeIn(m_history->losses(), n);
    for (std::size_t i = m_taken; i < n; ++i) {
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
    updateCycleNote();
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
    if (!m_history || serial >= m_taken) return std::nullopt;
    return m_ema.at(serial, m_history->losses());
}

void LossPlot::updateCycleNote() {
    const int accumulate = m_history ? m_history->accumulateGradBatches() : 1;
    m_cycleNote->setText(
        tr("shaded: accumulation cycles of %1 · line: the stepping batch").arg(accumulate));
    m_cycleNote->setVisible(m_taken > 0 && accumulate > 1);
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
                                       smoothedAt(serial), m_ema.weight(), m_described >= 0));
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
    // more cycles than pixels: no bands
    const bool shade = m_history->accumulateGradBatches() > 1 && count <= 4000;
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
    const bool smoothing = m_ema.on() && count > 0;
    Smoothing::Ema ema = smoothing ? m_ema.before(first, m_history->losses()) : Smoothing::Ema{};
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
        if (smoothing && std::isfinite(y)) smoothOut.add(x, m_ema.next(ema, y));
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
        if (it.key().startsWith(QStringLiteral("metric:"))) {
            const std::string name = it.key().mid(7).toStdString();
            for (const RunHistory::MetricSeries& series : m_history->metrics()) {
                if (series.name != name) continue;
                // Only the batches that have a value: an epoch's are one point per epoch.
                Decimator out(points, bucket);
                for (std::size_t i = first; i < std::min(end, series.values.size()); ++i)
                    if (!std::isnan(series.values[i])) out.add(xAt(i), series.values[i]);
                out.finish();
            }
            it.value()->data()->set(points, true);
            continue;
        }
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

    if (shade)
        m_shading->fill(*m_history, first, end, m_stepScratch);
    else
        m_shading->clear();
    if (ribbon && count > 0) {
        // Cells wide enough to print batch_idx look it up (a record each: a few dozen at most).
        const double cellPixels =
            m_plot->xAxis->axisRect()->width() / std::max(1.0, m_plot->xAxis->range().size());
        m_ribbon->fill(*m_history, first, end, m_stepScratch, cellPixels >= 14.0);
    } else {
        m_ribbon->setCells({});
    }
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

}  // namespace stepwise::gui
