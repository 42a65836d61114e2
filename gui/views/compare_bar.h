#pragma once
// CompareBar: the strip over the loss plot while two runs are compared — which run is which, how
// their configs differ, how far apart their parameters are now, the first batch where they differ
// (with a button that sends both runs back there), the tolerance, and ending the comparison.

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;

namespace stepwise::gui {

class Comparison;

class CompareBar : public QWidget {
    Q_OBJECT
  public:
    explicit CompareBar(Comparison* comparison, QWidget* parent = nullptr);

    /// Reads the comparison and both histories again (once per frame, and when it changes).
    void refresh();

    QLabel* runsLabel() const { return m_runs; }
    QLabel* differencesLabel() const { return m_differences; }
    QLabel* distanceLabel() const { return m_distance; }
    QLabel* divergenceLabel() const { return m_divergence; }
    QPushButton* jumpButton() const { return m_jump; }
    QPushButton* endButton() const { return m_end; }
    QComboBox* toleranceBox() const { return m_tolerance; }

  protected:
    void changeEvent(QEvent* event) override;

  private:
    void retranslate();

    Comparison* m_comparison;
    QLabel* m_runs = nullptr;
    QLabel* m_differences = nullptr;
    QLabel* m_distance = nullptr;
    QLabel* m_divergence = nullptr;
    QLabel* m_toleranceLabel = nullptr;
    QComboBox* m_tolerance = nullptr;
    QPushButton* m_jump = nullptr;
    QPushButton* m_end = nullptr;
};

}  // namespace stepwise::gui
