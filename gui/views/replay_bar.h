#pragma once
// ReplayBar: the timeline of a recorded run. A slider over the trace's events (drag or click to
// jump anywhere; every view then shows the recorded state at that point) and where it stands:
// event, epoch, batch. Shown only while the window replays a trace.

#include <QWidget>

#include "stepwise/replay_link.h"

class QLabel;
class QSlider;

namespace stepwise::gui {

class SessionController;

class ReplayBar : public QWidget {
    Q_OBJECT
  public:
    explicit ReplayBar(SessionController* controller, QWidget* parent = nullptr);

    /// Follows the controller's link, when it is a replay.
    void refresh();
    /// True while the controller's link is a replay (the window shows the bar then).
    bool replaying() const { return replay() != nullptr; }
    QSlider* slider() const { return m_slider; }
    QString positionText() const;

  protected:
    void changeEvent(QEvent* event) override;

  private:
    ReplayLink* replay() const;
    void seek(int position);

    SessionController* m_controller;
    QSlider* m_slider;
    QLabel* m_label;
    QLabel* m_title;
};

}  // namespace stepwise::gui
