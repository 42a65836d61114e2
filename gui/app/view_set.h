#pragma once
// ViewSet: the views of one run, fed in one loop. A view in a dock is fed only while its dock is
// open, and catches up from the run's history when the dock opens again; the others are always
// fed.
//
// Threading contract: GUI thread only.

#include <vector>

#include "history_view.h"

class QDockWidget;

namespace stepwise::gui {

class ViewSet {
  public:
    /// `dock`: the view is fed only while it is open (nullptr: always).
    void add(HistoryView* view, QDockWidget* dock = nullptr);
    /// A new run: every view, open or closed, shows nothing of the last one.
    void clear();
    /// One frame's events, to the views that are fed.
    void applyEvents(const std::vector<Event>& events);
    /// The run went back to `rewound`: the views that are fed show the cut-back `history`.
    void rewind(const RunHistory& history, const Event& rewound);
    /// `dock` opened again: its views catch up from `history`.
    void rebuildDock(const QDockWidget* dock, const RunHistory& history);
    /// Every view that is fed starts over from `history`.
    void rebuild(const RunHistory& history);

  private:
    struct Slot {
        HistoryView* view;
        const QDockWidget* dock;
    };
    static bool fed(const Slot& slot);
    std::vector<Slot> m_slots;
};

}  // namespace stepwise::gui
