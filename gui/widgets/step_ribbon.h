#pragma once
// StepRibbon: under the loss plot, batch by batch, what Lightning's counters did — which batch of
// its epoch it was, its place in the accumulation cycle, and global_step after it — so that
// "why did global_step not move?" is answered by looking: it moves only on a cycle's stepping
// batch. Drawn in an axis rect of its own below the plot's, under the same x axis (by batch).

#include <qcustomplot.h>

#include <cstdint>
#include <vector>

namespace stepwise::gui {

class RunHistory;

class StepRibbon : public QCPLayerable {
  public:
    /// One batch in view. `batchIdx` < 0: not looked up (cells too narrow to print it).
    struct Cell {
        double x = 0;                 ///< the batch's serial (its x by batch)
        std::int64_t batchIdx = -1;   ///< within its epoch
        int position = 1;             ///< in its accumulation cycle, 1-based
        int accumulate = 1;           ///< the cycle's N
        std::int64_t globalStep = 0;  ///< after the batch
        bool moved = false;           ///< global_step moved at this batch: the optimizer stepped
        bool odd = false;             ///< alternate cycles alternate shades (as behind the plot)
    };

    /// Adds itself in a new row of the plot's layout, below the main axis rect.
    StepRibbon(QCustomPlot* plot, QCPAxis* xAxis);

    /// The batches in view, in order (the plot hands them over before each replot).
    void setCells(std::vector<Cell> cells) { m_cells = std::move(cells); }
    /// The cells of batches [first, end) of `history`; `steps` holds their global_steps.
    /// `lookUpBatchIdx`: the cells are wide enough to print batch_idx (a record each, so a few
    /// dozen at most).
    void fill(const RunHistory& history, std::size_t first, std::size_t end,
              const std::vector<std::int64_t>& steps, bool lookUpBatchIdx);
    const std::vector<Cell>& cells() const { return m_cells; }
    /// The rows' names, in the language of the day.
    void setRowLabels(const QString& batch, const QString& cycle, const QString& step);
    /// Shown (by batch) or not (by global_step, where the axis itself is the mapping).
    void setShown(bool shown);
    bool shown() const { return m_shown; }
    QCPAxisRect* rect() const { return m_rect; }
    /// The serial of the batch under a pixel of the ribbon, or -1.
    std::int64_t batchAt(const QPointF& pixel) const;
    /// Cells in view that print their numbers (wide enough), for tests.
    int labelledCells() const { return m_labelled; }

  protected:
    void applyDefaultAntialiasingHint(QCPPainter* painter) const override {
        painter->setAntialiasing(false);
    }
    QRect clipRect() const override;
    void draw(QCPPainter* painter) override;

  private:
    int rowHeight() const;
    void updateSize();

    QCPAxis* m_xAxis;
    QCPAxisRect* m_rect;
    std::vector<Cell> m_cells;
    QString m_labels[3];
    bool m_shown = true;
    int m_labelled = 0;
};

}  // namespace stepwise::gui
