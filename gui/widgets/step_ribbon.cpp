#include "step_ribbon.h"

#include <QFontMetrics>
#include <algorithm>
#include <cmath>
#include <limits>

#include "run_history.h"

namespace stepwise::gui {

void StepRibbon::fill(const RunHistory& history, std::size_t first, std::size_t end,
                      const std::vector<std::int64_t>& steps, bool lookUpBatchIdx) {
    std::vector<Cell> cells;
    cells.reserve(end - first);
    std::int64_t before = first > 0 ? history.globalStep(first - 1) : 0;
    for (std::size_t i = first; i < end; ++i) {
        Cell c;
        c.x = double(i);
        c.position = std::max(1, history.cyclePosition(i));
        c.accumulate = std::max(1, history.accumulate(i));
        c.globalStep = steps[i - first];
        c.moved = c.globalStep > before;
        c.odd = (c.globalStep - (c.moved ? 1 : 0)) % 2;
        if (lookUpBatchIdx) c.batchIdx = history.batchIdx(i);
        before = c.globalStep;
        cells.push_back(c);
    }
    m_cells = std::move(cells);
}

namespace {
const QColor kCycleShade[2] = {QColor(0xfb, 0xe9, 0xc9),
                               QColor(0xfd, 0xf3, 0xe1)};  // as behind the plot
const QColor kPlainShade[2] = {QColor(0xf3, 0xf4, 0xf6), QColor(0xf9, 0xfa, 0xfb)};
const QColor kMovedFill(0xdb, 0xea, 0xfe);
const QColor kMovedText(0x1d, 0x4e, 0xd8);
const QColor kText(0x37, 0x41, 0x51);
const QColor kQuiet(0x9c, 0xa3, 0xaf);
const QColor kGrid(0xe5, 0xe7, 0xeb);
constexpr int kPad = 3;
}  // namespace

StepRibbon::StepRibbon(QCustomPlot* plot, QCPAxis* xAxis)
    : QCPLayerable(plot, QStringLiteral("main")),
      m_xAxis(xAxis),
      m_rect(new QCPAxisRect(plot, false)) {
    plot->plotLayout()->addElement(plot->plotLayout()->rowCount(), 0, m_rect);
    plot->plotLayout()->setRowSpacing(0);
    // Left and right edges line up with the plot's, whatever its axes' labels take.
    auto* group = new QCPMarginGroup(plot);
    xAxis->axisRect()->setMarginGroup(QCP::msLeft | QCP::msRight, group);
    m_rect->setMarginGroup(QCP::msLeft | QCP::msRight, group);
    m_rect->setAutoMargins(QCP::msLeft | QCP::msRight);
    m_rect->setRangeDrag(Qt::Orientations());
    m_rect->setRangeZoom(Qt::Orientations());
    updateSize();
}

int StepRibbon::rowHeight() const {
    QFont small = parentPlot()->font();
    small.setPointSizeF(small.pointSizeF() * 0.8);
    return QFontMetrics(small).height();
}

void StepRibbon::updateSize() {
    QFont small = parentPlot()->font();
    small.setPointSizeF(small.pointSizeF() * 0.8);
    const QFontMetrics fm(small);
    int labelWidth = 0;
    for (const QString& l : m_labels) labelWidth = std::max(labelWidth, fm.horizontalAdvance(l));
    const int height = m_shown ? 3 * rowHeight() + 2 * kPad : 0;
    m_rect->setMinimumSize(0, height);
    m_rect->setMaximumSize(QWIDGETSIZE_MAX, height);
    // The row names sit in the left margin: the plot's margin grows to fit them if it must.
    m_rect->setMinimumMargins(QMargins(m_shown ? labelWidth + 8 : 0, kPad, 0, kPad));
    m_rect->setMargins(QMargins(0, kPad, 0, kPad));
    parentPlot()->plotLayout()->setRowStretchFactor(parentPlot()->plotLayout()->rowCount() - 1,
                                                    0.001);
}

void StepRibbon::setRowLabels(const QString& batch, const QString& cycle, const QString& step) {
    m_labels[0] = batch;
    m_labels[1] = cycle;
    m_labels[2] = step;
    updateSize();
}

void StepRibbon::setShown(bool shown) {
    if (m_shown == shown) return;
    m_shown = shown;
    setVisible(shown);
    m_rect->setVisible(shown);
    updateSize();
}

QRect StepRibbon::clipRect() const {
    // The rect and its left margin, where the rows' names go.
    const QRect r = m_rect->rect();
    return QRect(m_rect->outerRect().left(), r.top(), r.right() - m_rect->outerRect().left() + 1,
                 r.height());
}

std::int64_t StepRibbon::batchAt(const QPointF& pixel) const {
    if (!m_shown || !m_rect->rect().contains(pixel.toPoint())) return -1;
    const double x = std::round(m_xAxis->pixelToCoord(pixel.x()));
    for (const Cell& c : m_cells)
        if (c.x == x) return std::int64_t(x);
    return -1;
}

void StepRibbon::draw(QCPPainter* painter) {
    m_labelled = 0;
    if (!m_shown) return;
    const QRect area = m_rect->rect();
    const int h = rowHeight();
    QFont small = parentPlot()->font();
    small.setPointSizeF(small.pointSizeF() * 0.8);
    QFont bold = small;
    bold.setBold(true);
    // Measured as the painter draws (its device's resolution may not be the screen's).
    painter->setFont(bold);
    const QFontMetricsF boldMetrics = painter->fontMetrics();
    painter->setFont(small);
    const QFontMetricsF fm = painter->fontMetrics();
    const QRectF rows[3] = {QRectF(area.left(), area.top(), area.width(), h),
                            QRectF(area.left(), area.top() + h, area.width(), h),
                            QRectF(area.left(), area.top() + 2 * h, area.width(), h)};
    // The rows' names, right-aligned in the margin.
    painter->setPen(kText);
    for (int r = 0; r < 3; ++r)
        painter->drawText(QRectF(m_rect->outerRect().left(), rows[r].top(),
                                 area.left() - m_rect->outerRect().left() - 6, h),
                          Qt::AlignRight | Qt::AlignVCenter, m_labels[r]);
    painter->setClipRect(area);
    painter->setPen(QPen(kGrid, 1));
    painter->drawLine(QPointF(area.left(), area.top() + h), QPointF(area.right(), area.top() + h));
    painter->drawLine(QPointF(area.left(), area.top() + 2 * h),
                      QPointF(area.right(), area.top() + 2 * h));
    if (m_cells.empty()) return;

    const double width = std::abs(m_xAxis->coordToPixel(1.0) - m_xAxis->coordToPixel(0.0));
    const auto cellRect = [&](const Cell& c, const QRectF& row) {
        const double left = m_xAxis->coordToPixel(c.x - 0.5),
                     right = m_xAxis->coordToPixel(c.x + 0.5);
        return QRectF(std::min(left, right), row.top() + 1, std::abs(right - left),
                      row.height() - 2);
    };
    // Each row prints what fits in a cell: batch_idx; the cycle position as "2/3" or "2";
    // global_step (where it moved, highlighted). Too narrow for every batch, the new global_step
    // goes at each step that has room for it.
    const auto fits = [&](const QString& text, bool isBold) {
        return (isBold ? boldMetrics : fm).horizontalAdvance(text) + 4 <= width;
    };
    double lastPrintedRight = -1e9;
    if (width < 4.0) {
        // Many batches a pixel column (a run at full speed): one band per cycle, a line where
        // global_step moved, its new value where there is room. Nothing per cell.
        std::size_t start = 0;
        for (std::size_t i = 1; i <= m_cells.size(); ++i) {
            if (i < m_cells.size() && m_cells[i].odd == m_cells[start].odd) continue;
            const QRectF first = cellRect(m_cells[start], rows[1]),
                         last = cellRect(m_cells[i - 1], rows[1]);
            const bool cycles = m_cells[start].accumulate > 1;
            painter->fillRect(
                QRectF(first.left(), first.top(), last.right() - first.left(), first.height()),
                cycles ? kCycleShade[m_cells[start].odd] : kPlainShade[m_cells[start].odd]);
            start = i;
        }
        painter->setFont(bold);
        const double digit = boldMetrics.horizontalAdvance(QLatin1Char('8'));
        const QPen movedLine(kMovedFill.darker(115), 1);
        int lastLine = std::numeric_limits<int>::min();
        painter->setPen(movedLine);
        for (const Cell& c : m_cells) {
            if (!c.moved) continue;
            const double x = m_xAxis->coordToPixel(c.x);
            if (int(x) == lastLine) continue;  // one line a pixel column
            lastLine = int(x);
            painter->drawLine(QPointF(x, rows[2].top() + 1), QPointF(x, rows[2].bottom() - 1));
        }
        painter->setPen(kMovedText);  // the labels over the lines, spaced so they do not overlap
        for (const Cell& c : m_cells) {
            if (!c.moved) continue;
            const double x = m_xAxis->coordToPixel(c.x);
            const int digits = c.globalStep < 10 ? 1 : int(std::log10(double(c.globalStep))) + 1;
            const double textWidth = digit * digits + 4;
            const double left = x - textWidth / 2;
            if (left <= lastPrintedRight) continue;
            painter->fillRect(QRectF(left, rows[2].top() + 1, textWidth, rows[2].height() - 2),
                              kMovedFill);
            painter->drawText(QRectF(left, rows[2].top(), textWidth, rows[2].height()),
                              Qt::AlignCenter, QString::number(c.globalStep));
            lastPrintedRight = left + textWidth + 6;
        }
        return;
    }
    for (const Cell& c : m_cells) {
        const QRectF b = cellRect(c, rows[0]), w = cellRect(c, rows[1]), s = cellRect(c, rows[2]);
        const bool cycles = c.accumulate > 1;
        painter->fillRect(w, cycles ? kCycleShade[c.odd] : kPlainShade[c.odd]);
        if (c.moved) painter->fillRect(s, kMovedFill);
        if (c.moved && cycles) {
            painter->setPen(QPen(QColor(0x25, 0x63, 0xeb, 150), 1));
            painter->drawLine(QPointF(w.right(), w.top()), QPointF(w.right(), w.bottom()));
        }
        if (c.batchIdx == 0) {  // a new epoch starts here
            painter->setPen(QPen(kQuiet, 1));
            painter->drawLine(QPointF(b.left(), rows[0].top()),
                              QPointF(b.left(), rows[2].bottom()));
        }
        bool labelled = false;
        painter->setFont(small);
        if (c.batchIdx >= 0) {
            const QString idx = QString::number(c.batchIdx);
            if (fits(idx, false)) {
                painter->setPen(kText);
                painter->drawText(b, Qt::AlignCenter, idx);
                labelled = true;
            }
        }
        const QString full = QStringLiteral("%1/%2").arg(c.position).arg(c.accumulate);
        const QString shortPosition = QString::number(c.position);
        if (fits(shortPosition, false)) {
            painter->setPen(cycles ? kText : kQuiet);
            painter->drawText(w, Qt::AlignCenter, fits(full, false) ? full : shortPosition);
        }
        const QString step = QString::number(c.globalStep);
        const QString movedStep = step + QStringLiteral("↑");
        if (fits(c.moved ? movedStep : step, c.moved)) {
            painter->setFont(c.moved ? bold : small);
            painter->setPen(c.moved ? kMovedText : kQuiet);
            painter->drawText(s, Qt::AlignCenter, c.moved ? movedStep : step);
            labelled = true;
        } else if (c.moved) {
            const double textWidth = boldMetrics.horizontalAdvance(step) + 4;
            const double left = s.center().x() - textWidth / 2;
            if (left > lastPrintedRight) {
                painter->setFont(bold);
                painter->setPen(kMovedText);
                painter->drawText(QRectF(left, s.top(), textWidth, s.height()), Qt::AlignCenter,
                                  step);
                lastPrintedRight = left + textWidth + 2;
            }
        }
        m_labelled += labelled;
    }
}

}  // namespace stepwise::gui
