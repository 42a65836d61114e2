#include "window_shading.h"

namespace stepwise::gui {

void WindowShading::draw(QCPPainter* painter) {
    if (!enabled || m_windows.empty()) return;
    const auto first = [&](const Window& w) { return byGlobalStep ? w.firstStep : w.firstSerial; };
    const auto last = [&](const Window& w) { return byGlobalStep ? w.lastStep : w.lastSerial; };
    const QRect area = m_xAxis->axisRect()->rect();
    for (const Window& w : m_windows) {
        // By batch, half a batch either side; by global_step the windows meet at their steps.
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
