#pragma once
// WindowShading: the accumulation windows behind the loss plot's graphs.

#include <qcustomplot.h>

#include <utility>
#include <vector>

namespace stepwise::gui {

class RunHistory;

/// Accumulation windows as light bands behind the graphs, the stepping batch of each window as a
/// thin line, on either x axis. By batch a window covers its batches; by global_step its
/// accumulating batches sit at the step count before the window's optimizer step and its stepping
/// batch one further, so a window spans [g, g + 1] and the line marks g + 1. The plot hands it the
/// windows in view before each replot, so a long run stays cheap.
class WindowShading : public QCPLayerable {
  public:
    WindowShading(QCustomPlot* plot, QCPAxis* xAxis)
        : QCPLayerable(plot, QStringLiteral("windows")), m_xAxis(xAxis) {}
    struct Window {
        double firstSerial, lastSerial;  ///< x by batch
        double firstStep, lastStep;      ///< x by global_step
        bool odd;                        ///< alternate windows alternate shades
    };
    /// The windows in view, in order.
    void setWindows(std::vector<Window> windows) { m_windows = std::move(windows); }
    /// The windows of batches [first, end) of `history` (`steps`: their global_steps), each
    /// ending in one optimizer step.
    void fill(const RunHistory& history, std::size_t first, std::size_t end,
              const std::vector<std::int64_t>& steps);
    void clear() { m_windows.clear(); }
    bool enabled = true;
    bool byGlobalStep = false;  ///< which x the plot shows

  protected:
    void applyDefaultAntialiasingHint(QCPPainter* painter) const override {
        painter->setAntialiasing(false);
    }
    QRect clipRect() const override { return m_xAxis->axisRect()->rect(); }
    void draw(QCPPainter* painter) override;

  private:
    QCPAxis* m_xAxis;
    std::vector<Window> m_windows;
};

}  // namespace stepwise::gui
