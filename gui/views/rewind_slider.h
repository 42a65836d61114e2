#pragma once
// RewindSlider: the row under the loss plot that sends a live run back to any earlier batch. The
// handle sits at the batch the run is in; dragging it left and letting go rewinds to the start
// of the batch under it (the engine recomputes from its nearest snapshot). Enabled only while
// the run can go back.

#include <QWidget>

class QLabel;
class QSlider;

namespace stepwise::gui {

class SessionController;

class RewindSlider : public QWidget {
    Q_OBJECT
  public:
    RewindSlider(SessionController* controller, QWidget* parent = nullptr);
    /// Follows the run: the range is the batches so far, the handle the batch it is in.
    void refresh();
    void retranslate();
    QSlider* slider() const { return m_slider; }

  protected:
    void changeEvent(QEvent* event) override;

  private:
    void released();
    void showValue(int batch);

    SessionController* m_controller;
    QLabel* m_label;
    QSlider* m_slider;
    QLabel* m_value;
    int m_current = 0;  ///< the batch the run is in (its global index)
};

}  // namespace stepwise::gui
