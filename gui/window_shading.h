#pragma once
// WindowShading: the accumulation windows behind the loss plot's graphs.

#include <qcustomplot.h>

#include <utility>
#include <vector>

namespace stepwise::gui {

/// Accumulation windows as light bands behind the graphs, the stepping batch of each window as a
/// thin line. Draws only the windows in the visible range (binary search), so a long run stays
/// cheap.
class WindowShading : public QCPLayerable {
  public:
    WindowShading(QCustomPlot* plot, QCPAxis* xAxis)
        : QCPLayerable(plot, QStringLiteral("windows")), m_xAxis(xAxis) {}
    /// A finished batch at x = `serial`, at 1-based `windowPosition` in its window.
    void addBatch(double serial, int windowPosition);
    void clear() { m_windows.clear(); }
    bool enabled = true;

  protected:
    void applyDefaultAntialiasingHint(QCPPainter* painter) const override {
        painter->setAntialiasing(false);
    }
    QRect clipRect() const override { return m_xAxis->axisRect()->rect(); }
    void draw(QCPPainter* painter) override;

  private:
    QCPAxis* m_xAxis;
    std::vector<std::pair<double, double>> m_windows;
};

}  // namespace stepwise::gui
