#include "comparison_layer.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

#include "plot_decimator.h"
#include "run_history.h"

namespace stepwise::gui {

namespace {
const QColor kLossAColor(0x25, 0x63, 0xeb);
const QColor kLossBColor(0xea, 0x58, 0x0c);
const QColor kDistanceColor(0x6d, 0x28, 0xd9);
const QColor kDivergenceColor(0xdc, 0x26, 0x26);
}  // namespace

ComparisonLayer::ComparisonLayer(QCustomPlot* plot, QCPGraph* lossA, QCPGraph* rawA)
    : QObject(plot), m_plot(plot), m_lossA(lossA), m_rawA(rawA) {
    m_lossB = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis);
    // Pens one pixel wide and solid, as the plot's own: wider or dashed ones go through the
    // raster engine's stroker, which at full speed costs more than the rest of the frame.
    m_lossB->setPen(QPen(kLossBColor, 1));
    m_lossB->setAdaptiveSampling(true);
    m_distanceAxis = m_plot->axisRect()->addAxis(QCPAxis::atRight);
    m_distanceAxis->setTickLabelColor(kDistanceColor);
    m_distanceAxis->setLabelColor(kDistanceColor);
    m_distanceAxis->setBasePen(QPen(kDistanceColor));
    m_distanceAxis->setTickPen(QPen(kDistanceColor));
    m_distanceAxis->setSubTickPen(QPen(kDistanceColor));
    m_distanceAxis->grid()->setVisible(false);
    m_distanceAxis->setNumberFormat(QStringLiteral("gb"));
    m_distance = m_plot->addGraph(m_plot->xAxis, m_distanceAxis);
    m_distance->setPen(QPen(kDistanceColor, 1));
    m_line = new QCPItemStraightLine(m_plot);
    m_line->setPen(QPen(kDivergenceColor, 1.5, Qt::DashDotLine));
    m_label = new QCPItemText(m_plot);
    m_label->setClipToAxisRect(true);
    m_label->position->setTypeX(QCPItemPosition::ptPlotCoords);
    m_label->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
    m_label->setPositionAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_label->setColor(kDivergenceColor);
    m_label->setBrush(QColor(255, 255, 255, 220));
    m_label->setPadding(QMargins(3, 1, 3, 1));
    set(nullptr, nullptr, {}, {});
}

void ComparisonLayer::set(const RunHistory* a, const RunHistory* b, const QString& nameA,
                          const QString& nameB, bool departs) {
    m_a = a;
    m_b = b;
    m_nameA = nameA;
    m_nameB = nameB;
    m_departs = departs;
    const bool on = b != nullptr;
    for (QCPGraph* g : {m_lossB, m_distance}) {
        g->data()->clear();
        g->setVisible(on);
        on ? void(g->addToLegend()) : void(g->removeFromLegend());
    }
    m_distanceAxis->setVisible(on);
    // Run A's returned loss is the line compared with run B's: it takes run A's blue.
    if (on && !m_rawPenSaved) {
        m_rawPen = m_rawA->pen();
        m_rawPenSaved = true;
    }
    if (on)
        m_rawA->setPen(QPen(kLossAColor, 1));
    else if (m_rawPenSaved)
        m_rawA->setPen(m_rawPen);
    m_divergence.reset();
    m_line->setVisible(false);
    m_label->setVisible(false);
    retranslate();
}

void ComparisonLayer::retranslate() {
    if (m_b) {  // else the plot names them
        m_lossA->setName(tr("A: loss ÷ N (Lightning's)"));
        m_rawA->setName(tr("A: loss returned"));
    }
    m_lossB->setName(m_departs ? tr("B: loss returned — not what Lightning does")
                               : tr("B: loss returned"));
    m_distance->setName(tr("‖θ_A − θ_B‖ (right axis)"));
    m_distanceAxis->setLabel(tr("‖θ_A − θ_B‖"));
    if (m_divergence) m_label->setText(tr("first difference: batch %1").arg(*m_divergence));
}

void ComparisonLayer::setDivergence(std::optional<std::size_t> serial, bool bySteps) {
    m_divergence = m_b ? serial : std::nullopt;
    const bool shown = m_divergence && m_a && *m_divergence < m_a->batchCount();
    m_line->setVisible(shown);
    m_label->setVisible(shown);
    if (!shown) return;
    const double x = bySteps ? double(m_a->globalStep(*m_divergence)) : double(*m_divergence);
    m_line->point1->setCoords(x, 0);
    m_line->point2->setCoords(x, 1);
    m_label->position->setCoords(x, 0.88);  // low: clear of the legend at the top right
    placeLabel();
    retranslate();
}

void ComparisonLayer::placeLabel() {
    // Beside the line, on the side with more room.
    const bool right = m_label->position->coords().x() < m_plot->xAxis->range().center();
    m_label->setPositionAlignment((right ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter);
}

double ComparisonLayer::xOfB(std::size_t j, bool bySteps) const {
    if (bySteps) return double(m_b->globalStep(j));
    // Where run A had seen as many samples: A's batches are of the size of its first compared one
    // (a fork's run A kept no count of samples before the fork).
    if (!m_a || m_a->batchCount() == 0) return double(j);
    const std::size_t first = m_a->firstBatchPastSamples(0);
    if (first >= m_a->batchCount()) return double(j);
    const double perBatch = double(m_a->samples(first)) / double(first + 1);
    return double(m_b->samples(j)) / perBatch - 1.0;
}

void ComparisonLayer::fill(std::size_t first, std::size_t end, std::size_t bucket, bool bySteps) {
    if (!m_b || !m_a) return;
    QVector<QCPGraphData> distance;
    Decimator distanceOut(distance, bucket);
    for (std::size_t i = first; i < std::min(end, m_a->batchCount()); ++i) {
        // Only where run B had seen the same samples (NaN elsewhere): dots, joined across the
        // batches between. A NaN distance (NaN parameters) shows as the divergence line instead.
        const double d = m_a->peerDistance(i);
        if (!std::isnan(d)) distanceOut.add(bySteps ? double(m_a->globalStep(i)) : double(i), d);
    }
    distanceOut.finish();
    // Dots where the runs met while there are few enough to tell apart.
    m_distance->setScatterStyle(distance.size() <= 200 ? QCPScatterStyle(QCPScatterStyle::ssDisc, 4)
                                                       : QCPScatterStyle(QCPScatterStyle::ssNone));
    m_distance->data()->set(distance, true);
    if (m_label->visible()) placeLabel();

    QVector<QCPGraphData> loss;
    const std::size_t n = m_b->batchCount();
    if (n > 0) {
        const QCPRange range = m_plot->xAxis->range();
        // B's batches whose x falls in view (x grows with j), one either side.
        const auto firstAt = [&](double x) {
            std::size_t lo = 0, hi = n;
            while (lo < hi) {
                const std::size_t mid = (lo + hi) / 2;
                if (xOfB(mid, bySteps) < x)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            return lo;
        };
        const std::size_t from = std::max<std::size_t>(firstAt(range.lower), 1) - 1;
        const std::size_t to = std::min(n, firstAt(range.upper) + 1);
        Decimator out(loss, to - from > std::max<std::size_t>(200, std::size_t(m_plot->width()))
                                ? bucket
                                : 1);
        for (std::size_t j = from; j < to; ++j) out.add(xOfB(j, bySteps), m_b->lossRaw(j));
        out.finish();
    }
    m_lossB->data()->set(loss, true);
}

void ComparisonLayer::addValueRange(QCPRange& range, bool& found) const {
    if (!m_b) return;
    bool foundB = false;
    const QCPRange r = m_lossB->getValueRange(foundB, QCP::sdBoth, m_plot->xAxis->range());
    if (!foundB) return;
    range = found ? QCPRange(std::min(range.lower, r.lower), std::max(range.upper, r.upper)) : r;
    found = true;
}

void ComparisonLayer::rescaleDistanceAxis() {
    if (!m_b) return;
    bool found = false;
    const QCPRange r = m_distance->getValueRange(found, QCP::sdBoth, m_plot->xAxis->range());
    if (!found || !std::isfinite(r.upper)) {
        m_distanceAxis->setRange(0, 1);
        return;
    }
    // From 0: "how far apart" reads against nothing apart. All zero: a unit range around it.
    const double top = r.upper > 0 ? r.upper * 1.15 : 1.0;
    m_distanceAxis->setRange(0, top);
}

}  // namespace stepwise::gui
