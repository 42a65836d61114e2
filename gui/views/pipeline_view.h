#pragma once
// PipelineView: Lightning's automatic optimization drawn as it nests — the batch, optimizer.step
// (or the closure called directly while accumulating), the closure's stages, the hooks after each
// closure evaluation, the parameter update and on_train_batch_end. Custom painted.

#include <QWidget>
#include <vector>

#include "history_view.h"
#include "pacer.h"
#include "pipeline_state.h"

namespace stepwise::gui {

class PipelineView : public QWidget, public HistoryView {
    Q_OBJECT
  public:
    explicit PipelineView(QWidget* parent = nullptr);

    /// The run it shows (not owned; outlives the view), for its settings.
    void setHistory(const RunHistory* history);
    void clear() override;
    /// Folds one frame's events; repaints once (while the run streams past, at most ten times a
    /// second: see Pacer).
    void applyEvents(const std::vector<Event>& events) override;
    const PipelineState& state() const { return m_state; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    /// The height a whole batch needs with these row and frame-title heights.
    static int layoutHeight(int rowHeight, int titleHeight, bool withScheduler = false);
    /// The row height in use: 35 with two lines per row, less (one line) when the view is short.
    int rowHeight() const { return m_rowHeight; }
    /// Where the current stage's row was last painted (empty before).
    QRect currentRowRect() const { return m_currentRect; }

  Q_SIGNALS:
    /// The current stage's row moved (a new stage, or a new layout): scroll it into view.
    void currentRowMoved(const QRect& rect);

  protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    bool event(QEvent* event) override;
    void changeEvent(QEvent* event) override;

  private:
    void fitRows();
    bool m_fittedScheduler = false;  ///< fitRows() made room for the lr_scheduler_step row
    int m_rowHeight = 35;
    int m_titleHeight = 27;
    mutable QRect m_paintedCurrent;  ///< set while painting
    QRect m_currentRect;
    struct Row {
        enum class Kind { stage, update } kind = Kind::stage;
        Stage stage = Stage::on_train_batch_start;
        int depth = 0;  ///< 0: batch level, 1: inside optimizer.step, 2: inside the closure
    };
    void paintHeader(QPainter& p, const QRect& r) const;
    void paintFrame(QPainter& p, const QRect& r, const QString& title, const QString& note,
                    const QColor& color, bool dashed) const;
    void paintRow(QPainter& p, const QRect& r, const Row& row) const;
    void paintStatusIcon(QPainter& p, const QRect& r, StageStatus::State state, bool stale) const;
    QString stageDescription(Stage stage) const;
    StageStatus updateStatus() const;

    PipelineState m_state;
    Pacer* m_pacer;
    /// Where each row and frame was drawn, with its full text, for tooltips (rebuilt every paint).
    mutable std::vector<std::pair<QRect, QString>> m_tips;
};

}  // namespace stepwise::gui
