#pragma once
// LossPlot: the per-batch loss as Lightning reports it (normalised by N), the raw loss on demand, a
// debiased EMA like TensorBoard's, markers on None and failed batches, accumulation cycles shaded,
// scalar extras on a second axis, the learning rate on a third (shown by itself once it changes, as
// under an lr scheduler). It draws from the RunHistory, keeping no per-batch data of its own: each
// replot fills the graphs with the batches in view only, at most a minimum and a maximum per pixel
// column once there are more batches than pixels, so a million-batch run costs what a screenful
// does. Pulls new batches and replots once per frame.

#include <QHash>
#include <QVector>
#include <QWidget>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "history_view.h"
#include "pacer.h"
#include "smoothing.h"
#include "stepwise/events.h"

class QCustomPlot;
class QCPAxis;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QMenu;
class QMouseEvent;
class QSlider;
class QTimer;
class QToolButton;

namespace stepwise::gui {

class ComparisonLayer;
class RunHistory;
class StepRibbon;
class CycleShading;

class LossPlot : public QWidget, public HistoryView {
    Q_OBJECT
  public:
    enum class XAxis { batch, globalStep };

    explicit LossPlot(QWidget* parent = nullptr);
    ~LossPlot() override;

    /// The run it draws (not owned; outlives the plot).
    void setHistory(const RunHistory* history);
    void clear() override;
    /// Starts over from the history: after it was cut back, or when the view opens again.
    void rebuild();
    void rebuild(const HistorySnapshot& run) override;
    /// What batch records do not say: failed batches, the lr turning on by itself, the cycles.
    void applyEvents(const std::vector<Event>& events) override;
    /// Once per frame: take in the batches the history gained and queue one replot.
    void flush();

    void setXAxis(XAxis axis);
    XAxis xAxisMode() const { return m_xAxis; }
    void setSmoothing(double weight);  ///< 0 = off, up to 0.999
    double smoothing() const { return m_ema.weight(); }
    void setRawVisible(bool visible);
    bool rawVisible() const { return m_rawVisible; }
    /// The learning rate each batch trained with, on its own axis at the right.
    void setLrVisible(bool visible);
    bool lrVisible() const { return m_lrVisible; }
    int lrPointCount() const;
    void setFollow(bool follow);
    bool follow() const { return m_follow; }
    void resetView();
    /// Draws a marker on the batch with that run-wide serial (0, 1, 2, ...) and brings it into
    /// view.
    void highlightBatch(std::int64_t serial);
    /// The same for run B's batch with that serial, where the comparison draws it.
    void highlightBatchOfB(std::int64_t serial);
    QCPItemStraightLine* highlightLine() const { return m_highlight; }
    void setExtraPlotted(const QString& key, bool plotted);
    /// The plot as it is drawn, as an image.
    bool exportPng(const QString& path);
    bool exportPdf(const QString& path);
    /// A comparison: run B's history (not owned; nullptr ends it) drawn against this plot's run,
    /// with the distance between them; `nameA`, `nameB` name them in the legend.
    /// `departs`: run B departs from Lightning on purpose (its legend entry says so).
    void setComparison(const RunHistory* other, const QString& nameA = {},
                       const QString& nameB = {}, bool departs = false);
    bool comparing() const;
    /// The first batch after which the compared runs differ: a line there (nullopt: none).
    void setDivergence(std::optional<std::size_t> serial);
    /// Run B gained batches (once per frame of its own): drawn with run A's next frame (flush()),
    /// or within kComparisonFrameMs when run A has none (it waits, or it ended), so that the two
    /// runs' frames cost one replot, not two.
    void comparisonChanged();
    static constexpr int kComparisonFrameMs = 60;
    ComparisonLayer* comparisonLayer() const { return m_comparison; }
    /// The menu of the toolbar's Export button (File ▸ Export's; not owned).
    void setExportMenu(QMenu* menu);

    /// Finished batches the plot has taken in.
    int pointCount() const;
    /// Points in the loss graph now: one per batch in view (NaN for a batch that returned None),
    /// or at most a minimum and a maximum per pixel column once batches outnumber pixels.
    int drawnPointCount() const;
    /// Markers drawn in view (one per pixel column at most).
    int noneMarkerCount() const;
    int failedMarkerCount() const;
    QCustomPlot* plot() const { return m_plot; }
    /// The ribbon under the plot: batch_idx, cycle position and global_step of each batch in view.
    StepRibbon* ribbon() const { return m_ribbon; }
    /// The line under the plot that says where the newest (or the hovered) batch's numbers come
    /// from.
    QLabel* originLine() const { return m_origin; }
    /// The batch the origin line describes: `serial`, or the newest when -1 (as the mouse leaves).
    void describeBatch(std::int64_t serial);
    /// The smoothed value the plot draws at a batch (nullopt: smoothing off or no loss there).
    std::optional<double> smoothedAt(std::size_t serial) const;

  Q_SIGNALS:
    void followChanged(bool follow);

  protected:
    void changeEvent(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    void highlightAt(double x);
    QWidget* buildToolbar();
    void retranslate();
    /// Batches [first, end) that the x range shows, one either side included.
    std::pair<std::size_t, std::size_t> visibleBatches() const;
    /// Fills the graphs with the batches in view: before each replot that needs it.
    void fillVisible();
    void takeInBatches();
    /// A failed stage: a marker on the batch it failed in.
    void noteFailure(const Event& e);
    void rebuildSmoothing();
    /// The note on the shading: how many batches a cycle has.
    void updateCycleNote();
    void applyFollow();
    void rescaleLrAxis();
    void updateSmoothingLabel();
    void updateOrigin();
    void updateRibbonShown();
    /// pixels of plot below which the ribbon hides
    static constexpr int kRibbonMinPlotHeight = 170;
    /// The mouse over the plot: the origin line follows it; over the ribbon, a tooltip.
    void onMouseMove(QMouseEvent* event);

    QCustomPlot* m_plot = nullptr;
    QCPGraph* m_loss = nullptr;
    QCPGraph* m_raw = nullptr;
    QCPGraph* m_smooth = nullptr;
    QCPGraph* m_none = nullptr;
    QCPGraph* m_failed = nullptr;
    QCPGraph* m_lr = nullptr;
    QCPAxis* m_lrAxis = nullptr;
    QCPItemStraightLine* m_highlight = nullptr;
    CycleShading* m_shading = nullptr;
    ComparisonLayer* m_comparison = nullptr;
    const RunHistory* m_other = nullptr;  ///< run B's, while comparing
    std::optional<std::size_t> m_divergence;
    bool m_rawBeforeComparing = false;
    QTimer* m_comparisonTimer = nullptr;  ///< draws run B's news when run A has no frame
    StepRibbon* m_ribbon = nullptr;
    QLabel* m_origin = nullptr;
    Pacer* m_originPacer = nullptr;  ///< the newest batch's line, while the run streams past
    bool m_streaming = false;        ///< the last frame's events streamed past (Pacer::streaming)
    std::int64_t m_described = -1;   ///< the batch the origin line is about; -1: the newest
    QHash<QString, QCPGraph*> m_extraGraphs;

    QCheckBox* m_rawBox = nullptr;
    QCheckBox* m_lrBox = nullptr;
    QComboBox* m_axisBox = nullptr;
    QSlider* m_smoothSlider = nullptr;
    QLabel* m_smoothLabel = nullptr;
    QLabel* m_axisLabel = nullptr;
    QCPItemText* m_cycleNote = nullptr;
    QToolButton* m_followButton = nullptr;
    QToolButton* m_resetButton = nullptr;
    QToolButton* m_exportButton = nullptr;

    const RunHistory* m_history = nullptr;
    std::uint64_t m_generation = 0;  ///< of the history when the plot took its batches in
    std::size_t m_taken = 0;         ///< batches taken in (EMA checkpoints made)
    Smoothing m_ema;                 ///< over the batches taken in
    float m_lastLr = std::numeric_limits<float>::quiet_NaN();
    std::vector<std::int64_t> m_failedSerials;
    std::vector<std::int64_t> m_stepScratch;  ///< global_step of the batches in view

    XAxis m_xAxis = XAxis::batch;
    bool m_follow = true;
    bool m_rawVisible = false;
    bool m_lrVisible = false;
    bool m_lrChosen = false;   ///< the person set the lr box: no more showing it by itself
    bool m_dirty = false;      ///< the history has batches the plot has not taken in
    bool m_fillNeeded = true;  ///< the graphs do not show the x range as it is
    bool m_sawNone = false;    ///< a batch returned None: the marker joins the legend
    int m_filledWidth = 0;     ///< of the plot when the graphs were filled
};

}  // namespace stepwise::gui
