#pragma once
// LossPlot: the per-batch loss as Lightning reports it (normalised by N), the raw loss on demand, a
// debiased EMA like TensorBoard's, markers on None and failed batches, accumulation windows shaded,
// scalar extras on a second axis, the learning rate on a third (shown by itself once it changes, as
// under an lr scheduler). Appends once per frame and replots once per frame.

#include <QHash>
#include <QVector>
#include <QWidget>
#include <cstdint>
#include <memory>
#include <vector>

#include "stepwise/events.h"

class QCustomPlot;
class QCPAxis;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCheckBox;
class QComboBox;
class QLabel;
class QSlider;
class QToolButton;

namespace stepwise::gui {

class WindowShading;

class LossPlot : public QWidget {
    Q_OBJECT
  public:
    enum class XAxis { batch, globalStep };

    explicit LossPlot(QWidget* parent = nullptr);
    ~LossPlot() override;

    void clear();
    void applyEvents(const std::vector<Event>& events);
    /// Once per frame: append what arrived and queue one replot.
    void flush();

    void setXAxis(XAxis axis);
    XAxis xAxisMode() const { return m_xAxis; }
    void setSmoothing(double weight);  ///< 0 = off, up to 0.999
    double smoothing() const { return m_smoothing; }
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
    void setExtraPlotted(const QString& key, bool plotted);
    bool exportPng(const QString& path);
    bool exportPdf(const QString& path);

    /// Points in the loss graph: one per finished batch (NaN for a batch that returned None).
    int pointCount() const;
    int noneMarkerCount() const;
    int failedMarkerCount() const;
    QCustomPlot* plot() const { return m_plot; }

  Q_SIGNALS:
    void followChanged(bool follow);

  protected:
    void changeEvent(QEvent* event) override;

  private:
    QWidget* buildToolbar();
    void retranslate();
    double xOf(std::size_t index) const;
    void rebuildGraphs();
    void rebuildSmoothing();
    double smoothNext(double value);
    void applyFollow();
    void rescaleLrAxis();
    void updateSmoothingLabel();

    QCustomPlot* m_plot = nullptr;
    QCPGraph* m_loss = nullptr;
    QCPGraph* m_raw = nullptr;
    QCPGraph* m_smooth = nullptr;
    QCPGraph* m_none = nullptr;
    QCPGraph* m_failed = nullptr;
    QCPGraph* m_lr = nullptr;
    QCPAxis* m_lrAxis = nullptr;
    QCPItemStraightLine* m_highlight = nullptr;
    WindowShading* m_shading = nullptr;
    QHash<QString, QCPGraph*> m_extraGraphs;

    QCheckBox* m_rawBox = nullptr;
    QCheckBox* m_lrBox = nullptr;
    QComboBox* m_axisBox = nullptr;
    QSlider* m_smoothSlider = nullptr;
    QLabel* m_smoothLabel = nullptr;
    QLabel* m_axisLabel = nullptr;
    QCPItemText* m_windowNote = nullptr;
    QToolButton* m_followButton = nullptr;
    QToolButton* m_resetButton = nullptr;
    QToolButton* m_exportButton = nullptr;

    // Every finished batch, in order (index = run-wide serial of finished batches).
    std::vector<double> m_batchX;  ///< run-wide batch serial
    std::vector<double> m_stepX;   ///< global_step after the batch
    std::vector<double> m_lossY;   ///< normalised loss, NaN when None was returned
    std::vector<double> m_rawY;    ///< raw loss of the batch's last training_step, NaN when None
    std::vector<double> m_lrY;     ///< the learning rate the batch trained with (NaN: not recorded)
    std::vector<std::uint8_t> m_noneFlag;
    std::vector<std::int64_t> m_failedSerials;
    QHash<QString, std::vector<double>> m_extras;  ///< scalar extras, aligned with m_lossY
    std::size_t m_flushed = 0;                     ///< batches already in the graphs
    std::size_t m_failedFlushed = 0;
    int m_accumulate = 1;

    XAxis m_xAxis = XAxis::batch;
    double m_smoothing = 0.6;
    double m_emaLast = 0.0;
    int m_emaCount = 0;
    bool m_follow = true;
    bool m_rawVisible = false;
    bool m_lrVisible = false;
    bool m_lrChosen = false;  ///< the person set the lr box: no more showing it by itself
    bool m_dirty = false;
};

}  // namespace stepwise::gui
