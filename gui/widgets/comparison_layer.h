#pragma once
// ComparisonLayer: what the loss plot adds while two runs are compared — run B's loss as its
// training_step returned it, beside run A's (the plot shows A's returned loss while comparing:
// with accumulation, the loss ÷ N Lightning reports is not comparable across runs), the distance
// ‖θ_A − θ_B‖ on an axis of its own at the right, and a line at the first batch where the runs
// differ. Run B's batches stand where run A had seen the same samples (with 4 batches of 8 against
// batches of 32, B's batch 0 at A's batch 3), or at their global_step. Like the plot, it keeps no
// per-batch data: fill() reads the histories for the range in view.

#include <QObject>
#include <QPen>
#include <QString>
#include <cstddef>
#include <optional>

class QCustomPlot;
class QCPAxis;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QCPRange;

namespace stepwise::gui {

class RunHistory;

class ComparisonLayer : public QObject {
    Q_OBJECT
  public:
    /// `lossA`, `rawA`: the plot's graphs of run A's loss ÷ N and returned loss (named here while
    /// comparing).
    ComparisonLayer(QCustomPlot* plot, QCPGraph* lossA, QCPGraph* rawA);

    /// Draws run B (`b`, not owned) against run A (`a`); nullptr: no comparison. `departs`: run B
    /// departs from Lightning on purpose, and its legend entry says so.
    void set(const RunHistory* a, const RunHistory* b, const QString& nameA, const QString& nameB,
             bool departs = false);
    bool active() const { return m_b != nullptr; }
    /// The first batch of run A after which they differ (nullopt: none yet).
    void setDivergence(std::optional<std::size_t> serial, bool bySteps);
    /// Fills the graphs for A's batches [first, end) in view; `bucket` batches per pixel column.
    void fill(std::size_t first, std::size_t end, std::size_t bucket, bool bySteps);
    /// Widens `range` to take in run B's loss in view.
    void addValueRange(QCPRange& range, bool& found) const;
    void rescaleDistanceAxis();
    QCPGraph* lossB() const { return m_lossB; }
    QCPGraph* distance() const { return m_distance; }
    QCPItemStraightLine* divergenceLine() const { return m_line; }
    void retranslate();
    /// Where run B's batch `j` is drawn: at its global step, or over run A's batch that had seen
    /// as many samples.
    double xOfB(std::size_t j, bool bySteps) const;

  private:
    void placeLabel();

    QCustomPlot* m_plot;
    QCPGraph* m_lossA;
    QCPGraph* m_rawA;
    QCPGraph* m_lossB = nullptr;
    QCPGraph* m_distance = nullptr;
    QCPAxis* m_distanceAxis = nullptr;
    QCPItemStraightLine* m_line = nullptr;
    QCPItemText* m_label = nullptr;
    const RunHistory* m_a = nullptr;
    const RunHistory* m_b = nullptr;
    QString m_nameA, m_nameB;
    bool m_departs = false;
    std::optional<std::size_t> m_divergence;
    QPen m_rawPen;  ///< run A's returned-loss pen outside a comparison
    bool m_rawPenSaved = false;
};

}  // namespace stepwise::gui
