#include "pacer.h"

#include <QElapsedTimer>

namespace stepwise::gui {

namespace {
qint64 clockMs() {
    static const QElapsedTimer clock = [] {
        QElapsedTimer c;
        c.start();
        return c;
    }();
    return clock.elapsed();
}
}  // namespace

Pacer::Pacer(std::function<void()> refresh, QObject* parent)
    : QObject(parent), m_refresh(std::move(refresh)) {
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);  // the waiting views of a tick fire together
    connect(&m_timer, &QTimer::timeout, this, &Pacer::refreshNow);
}

qint64 Pacer::tick() {
    return clockMs() / kStreamingMs;
}

void Pacer::request(bool streaming) {
    const qint64 now = clockMs();
    if (!streaming || now / kStreamingMs > m_tick) {
        refreshNow();
        return;
    }
    if (!m_timer.isActive()) m_timer.start(int((now / kStreamingMs + 1) * kStreamingMs - now));
}

void Pacer::flush() {
    if (m_timer.isActive()) refreshNow();
}

void Pacer::refreshNow() {
    m_timer.stop();
    m_tick = tick();
    m_refresh();
}

bool Pacer::streaming(const std::vector<Event>& events) {
    int batches = 0;
    for (const Event& e : events) {
        switch (e.type) {
            case EventType::batch_end: ++batches; break;
            case EventType::paused:
            case EventType::run_end:
            case EventType::error:
            case EventType::rewound: return false;
            default: break;
        }
    }
    return batches > 1;
}

}  // namespace stepwise::gui
