#include "cycle_shading.h"

#include "run_history.h"

namespace stepwise::gui {

void CycleShading::fill(const RunHistory& history, std::size_t first, std::size_t end,
                        const std::vector<std::int64_t>& steps) {
    const int accumulate = history.accumulateGradBatches();
    std::vector<Cycle> cycles;
    for (std::size_t i = first; i < end; ++i) {
        const double step = double(steps[i - first]);
        if (history.cyclePosition(i) <= 1 || cycles.empty()) {
            // Each cycle ends in one optimizer step: alternate shades by the step count.
            const bool odd =
                (steps[i - first] - (history.cyclePosition(i) >= accumulate ? 1 : 0)) % 2;
            cycles.push_back({double(i), double(i), step, step, odd});
        } else {
            cycles.back().lastSerial = double(i);
            cycles.back().lastStep = step;
        }
    }
    m_cycles = std::move(cycles);
}

void CycleShading::draw(QCPPainter* painter) {
    if (!enabled || m_cycles.empty()) return;
    const auto first = [&](const Cycle& w) { return byGlobalStep ? w.firstStep : w.firstSerial; };
    const auto last = [&](const Cycle& w) { return byGlobalStep ? w.lastStep : w.lastSerial; };
    const QRect area = m_xAxis->axisRect()->rect();
    for (const Cycle& w : m_cycles) {
        // By batch, half a batch either side; by global_step the cycles meet at their steps.
        const double pad = byGlobalStep ? 0.0 : 0.5;
        const double left = m_xAxis->coordToPixel(first(w) - pad);
        const double right = m_xAxis->coordToPixel(last(w) + pad);
        painter->fillRect(QRectF(left, area.top(), right - left, area.height()),
                          w.odd ? QColor(0xfd, 0xf3, 0xe1) : QColor(0xfb, 0xe9, 0xc9));
        painter->setPen(QPen(QColor(0x25, 0x63, 0xeb, 90), 1));
        const double stepX = m_xAxis->coordToPixel(last(w));
        painter->drawLine(QPointF(stepX, area.top()), QPointF(stepX, area.bottom()));
    }
}

}  // namespace stepwise::gui
