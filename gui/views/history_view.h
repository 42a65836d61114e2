#pragma once
// HistoryView: what every view of a run does for the window, so that MainWindow feeds them in one
// loop (app/view_set.h): start over for a new run, take in one frame's events, and show the run
// as its RunHistory holds it (a dock opened again, the run cut back by a rewind).
//
// Threading contract: GUI thread only.

#include <optional>
#include <vector>

#include "run_history.h"
#include "stepwise/events.h"

namespace stepwise::gui {

/// What a view is rebuilt from: the run's history, and its events, built once (on first use) for
/// all the views rebuilt together: a million batches' records take a while.
class HistorySnapshot {
  public:
    explicit HistorySnapshot(const RunHistory& history) : m_history(history) {}
    const RunHistory& history() const { return m_history; }
    /// RunHistory::events(), built on the first call.
    const std::vector<Event>& events() const {
        if (!m_events) m_events = m_history.events();
        return *m_events;
    }

  private:
    const RunHistory& m_history;
    mutable std::optional<std::vector<Event>> m_events;
};

class HistoryView {
  public:
    virtual ~HistoryView() = default;
    /// A new run: show nothing of the last one.
    virtual void clear() = 0;
    /// One frame's events, in the order they came; the run's history holds them already.
    virtual void applyEvents(const std::vector<Event>& events) = 0;
    /// Shows the run as its history holds it now. By default: clear(), then every event kept.
    virtual void rebuild(const HistorySnapshot& run) {
        clear();
        applyEvents(run.events());
    }
    /// The run went back to `rewound`; its history is cut back to before that batch. By default:
    /// rebuild(run).
    virtual void rewind(const HistorySnapshot& run, const Event& rewound) {
        (void)rewound;
        rebuild(run);
    }
};

}  // namespace stepwise::gui
