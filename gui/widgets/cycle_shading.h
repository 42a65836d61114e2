#pragma once
// CycleShading: the accumulation cycles behind the loss plot's graphs.

#include <qcustomplot.h>

#include <utility>
#include <vector>

namespace stepwise::gui {

class RunHistory;

/// Accumulation cycles as light bands behind the graphs, the stepping batch of each cycle as a
/// thin line, on either x axis. By batch a cycle covers its batches; by global_step its
/// accumulating batches sit at the step count before the cycle's optimizer step and its stepping
/// batch one further, so a cycle spans [g, g + 1] and the line marks g + 1. The plot hands it the
/// cycles in view before each replot, so a long run stays cheap.
class CycleShading : public QCPLayerable {
  public:
    CycleShading(QCustomPlot* plot, QCPAxis* xAxis)
        : QCPLayerable(plot, QStringLiteral("cycles")), m_xAxis(xAxis) {}
    struct Cycle {
        double firstSerial, lastSerial;  ///< x by batch
        double firstStep, lastStep;      ///< x by global_step
        bool odd;                        ///< alternate cycles alternate shades
    };
    /// The cycles in view, in order.
    void setCycles(std::vector<Cycle> cycles) { m_cycles = std::move(cycles); }
    /// The cycles of batches [first, end) of `history` (`steps`: their global_steps), each
    /// ending in one optimizer step.
    void fill(const RunHistory& history, std::size_t first, std::size_t end,
              const std::vector<std::int64_t>& steps);
    void clear() { m_cycles.clear(); }
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
    std::vector<Cycle> m_cycles;
};

}  // namespace stepwise::gui
