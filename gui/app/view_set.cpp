#include "view_set.h"

#include <QDockWidget>

namespace stepwise::gui {

void ViewSet::add(HistoryView* view, QDockWidget* dock) {
    m_slots.push_back({view, dock});
}

bool ViewSet::fed(const Slot& slot) {
    return !slot.dock || !slot.dock->isHidden();  // closed: hidden by hand
}

void ViewSet::clear() {
    for (const Slot& slot : m_slots) slot.view->clear();
}

void ViewSet::applyEvents(const std::vector<Event>& events) {
    for (const Slot& slot : m_slots)
        if (fed(slot)) slot.view->applyEvents(events);
}

void ViewSet::rewind(const RunHistory& history, const Event& rewound) {
    const HistorySnapshot run(history);
    for (const Slot& slot : m_slots)
        if (fed(slot)) slot.view->rewind(run, rewound);
}

void ViewSet::rebuildDock(const QDockWidget* dock, const RunHistory& history) {
    const HistorySnapshot run(history);
    for (const Slot& slot : m_slots)
        if (slot.dock == dock) slot.view->rebuild(run);
}

void ViewSet::rebuild(const RunHistory& history) {
    const HistorySnapshot run(history);
    for (const Slot& slot : m_slots)
        if (fed(slot)) slot.view->rebuild(run);
}

}  // namespace stepwise::gui
