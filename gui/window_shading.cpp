#include "window_shading.h"

#include <algorithm>

namespace stepwise::gui {

void WindowShading::addBatch(double serial, int windowPosition) {
    if (windowPosition <= 1 || m_windows.empty())
        m_windows.push_back({serial, serial});
    else
        m_windows.back().second = serial;
}

void WindowShading::draw(QCPPainter* painter) {
    if (!enabled || m_windows.empty()) return;
    const QCPRange range = m_xAxis->range();
    auto first = std::lower_bound(m_windows.begin(), m_windows.end(), range.lower - 1,
                                  [](const auto& w, double x) { return w.second < x; });
    const QRect area = m_xAxis->axisRect()->rect();
    int drawn = 0;
    for (auto it = first; it != m_windows.end() && it->first <= range.upper + 1; ++it) {
        if (++drawn > 4000)
            break;  // more windows than pixels: the bands would be a solid fill anyway
        const double left = m_xAxis->coordToPixel(it->first - 0.5);
        const double right = m_xAxis->coordToPixel(it->second + 0.5);
        const bool odd = (it - m_windows.begin()) % 2;
        painter->fillRect(QRectF(left, area.top(), right - left, area.height()),
                          odd ? QColor(0xfd, 0xf3, 0xe1) : QColor(0xfb, 0xe9, 0xc9));
        painter->setPen(QPen(QColor(0x25, 0x63, 0xeb, 90), 1));
        const double stepX = m_xAxis->coordToPixel(it->second);
        painter->drawLine(QPointF(stepX, area.top()), QPointF(stepX, area.bottom()));
    }
}

}  // namespace stepwise::gui
