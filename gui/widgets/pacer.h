#pragma once
// Pacer: refreshes a view at most once a tick (a tenth of a second) while a run streams past faster
// than anyone can read, and at once otherwise. At full speed one frame folds dozens of batches: a
// stage row or a number redrawn thirty times a second is a blur, and redrawing it takes the GUI
// thread time the training threads need (two runs compared leave them little else). A hold, a
// step, the end of a run, or a run slow enough to follow refreshes at once, so nothing a person
// can read is late. Every pacer shares one clock: the views that wait all show the same moment,
// at the start of the same tick, instead of three batches of three different ages.

#include <QObject>
#include <QTimer>
#include <functional>
#include <vector>

#include "stepwise/events.h"

namespace stepwise::gui {

class Pacer : public QObject {
    Q_OBJECT
  public:
    /// The length of a tick: while streaming, at most ten refreshes a second.
    static constexpr int kStreamingMs = 100;

    explicit Pacer(std::function<void()> refresh, QObject* parent = nullptr);

    /// Asks for a refresh: now unless `streaming` and this pacer has refreshed in the current
    /// tick, else once at the start of the next (one pending at most, however often asked).
    void request(bool streaming);
    /// A pending refresh, now.
    void flush();
    bool pending() const { return m_timer.isActive(); }

    /// The current tick on the clock every pacer shares.
    static qint64 tick();
    /// Whether a frame's events stream past: more than one batch ended in it, and it neither holds
    /// the run, nor ends it, nor rewinds it.
    static bool streaming(const std::vector<Event>& events);

  private:
    void refreshNow();
    std::function<void()> m_refresh;
    QTimer m_timer;
    qint64 m_tick = -1;  ///< of the last refresh
};

}  // namespace stepwise::gui
