#pragma once
// RunActions: the stepping and run controls (actions with their shortcuts) and the speed control,
// enabled only when they make sense for the session's state.

#include <QObject>

#include "session_controller.h"

class QAction;
class QLabel;
class QSlider;
class QWidget;

namespace stepwise::gui {

class RunActions : public QObject {
    Q_OBJECT
  public:
    RunActions(SessionController* controller, QWidget* parent);

    QAction* stepStage() const { return m_stepStage; }
    QAction* stepClosure() const { return m_stepClosure; }
    QAction* stepBatch() const { return m_stepBatch; }
    QAction* stepEpoch() const { return m_stepEpoch; }
    // A script's training_step, line by line.
    QAction* stepLine() const { return m_stepLine; }
    QAction* stepLineOver() const { return m_stepLineOver; }
    QAction* stepLineOut() const { return m_stepLineOut; }
    QList<QAction*> lines() const { return {m_stepLine, m_stepLineOver, m_stepLineOut}; }
    QAction* run() const { return m_run; }
    QAction* pause() const { return m_pause; }
    QAction* stop() const { return m_stop; }
    QAction* reset() const { return m_reset; }
    // Going back: the run recomputes from a snapshot and holds at the target.
    QAction* backStage() const { return m_backStage; }
    QAction* backBatchStart() const { return m_backBatchStart; }
    QAction* backBatch() const { return m_backBatch; }
    QAction* backHit() const { return m_backHit; }
    QList<QAction*> back() const { return {m_backStage, m_backBatchStart, m_backBatch, m_backHit}; }
    QList<QAction*> all() const;
    /// A slider for the delay per stage (0 = full speed), with its label.
    QWidget* speedWidget() const { return m_speed; }
    QSlider* speedSlider() const { return m_slider; }

    void setDelay(int milliseconds);
    void retranslate();

  private:
    void updateEnabled(SessionController::RunState state);
    void updateSpeedLabel();

    SessionController* m_controller;
    QAction* m_stepStage = nullptr;
    QAction* m_stepClosure = nullptr;
    QAction* m_stepBatch = nullptr;
    QAction* m_stepEpoch = nullptr;
    QAction* m_stepLine = nullptr;
    QAction* m_stepLineOver = nullptr;
    QAction* m_stepLineOut = nullptr;
    QAction* m_run = nullptr;
    QAction* m_pause = nullptr;
    QAction* m_stop = nullptr;
    QAction* m_reset = nullptr;
    QAction* m_backStage = nullptr;
    QAction* m_backBatchStart = nullptr;
    QAction* m_backBatch = nullptr;
    QAction* m_backHit = nullptr;
    QWidget* m_speed = nullptr;
    QSlider* m_slider = nullptr;
    QLabel* m_speedLabel = nullptr;
    QLabel* m_speedValue = nullptr;
};

}  // namespace stepwise::gui
