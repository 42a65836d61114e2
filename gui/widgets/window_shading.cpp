#include "window_shading.h"

#include <algorithm>

namespace stepwise::gui {

void WindowShading::addBatch(double serial, double globalStep, int windowPosition) {
    if (windowPosition <= 1 || m_windows.empty())
        m_windows.push_back({serial, serial, globalStep, globalStep});
    else {
        m_windows.back().lastSerial = serial;
        m_windows.back().lastStep = globalStep;
    }
}

void WindowShading::draw(QCPPainter* painter) {
    if (!enabled || m_windows.empty()) return;
    const QCPRange range = m_xAxis->range();
    // Both coordinates grow with the windows, so either can be searched.
    const auto first = [&](const Window& w) { return byGlobalStep ? w.firstStep : w.firstSerial; };
    const auto last = [&](const Window& w) { return byGlobalStep ? w.lastStep : w.lastSerial; };
    auto begin = std::lower_bound(m_windows.begin(), m_windows.end(), range.lower - 1,
                                  [&](const Window& w, double x) { return last(w) < x; });
    const QRect area = m_xAxis->axisRect()->rect();
    int drawn = 0;
    for (auto it = begin; it != m_windows.end() && first(*it) <= range.upper + 1; ++it) {
        if (++drawn > 4000)
            break;  // more windows than pixels: the bands would be a solid fill anyway
        // By batch, half a batch either side; by global_step the windows meet at their steps.
        const double pad = byGlobalStep ? 0.0 : 0.5;
        const double left = m_xAxis->coordToPixel(first(*it) - pad);
        const double right = m_xAxis->coordToPixel(last(*it) + pad);
        const bool odd = (it - m_windows.begin()) % 2;
        painter->fillRect(QRectF(left, area.top(), right - left, area.height()),
                          odd ? QColor(0xfd, 0xf3, 0xe1) : QColor(0xfb, 0xe9, 0xc9));
        painter->setPen(QPen(QColor(0x25, 0x63, 0xeb, 90), 1));
        const double stepX = m_xAxis->coordToPixel(last(*it));
        painter->drawLine(QPointF(stepX, area.top()), QPointF(stepX, area.bottom()));
    }
}

}  // namespace stepwise::gui
