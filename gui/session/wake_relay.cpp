#include "wake_relay.h"

#include <QCoreApplication>

#include "session_controller.h"

namespace stepwise::gui {

namespace {
QPointer<WakeRelay>& the_relay() {
    static QPointer<WakeRelay> relay;  // GUI thread only (the waking threads get the pointer)
    return relay;
}
}  // namespace

WakeRelay* WakeRelay::instance() {
    if (!the_relay()) the_relay() = new WakeRelay(QCoreApplication::instance());
    return the_relay();
}

void WakeRelay::release(std::uint64_t token) {
    if (the_relay()) the_relay()->m_controllers.erase(token);
}

std::uint64_t WakeRelay::enroll(SessionController* controller) {
    const std::uint64_t token = ++m_next;
    m_controllers[token] = controller;
    return token;
}

void WakeRelay::post(std::uint64_t token) {
    QMetaObject::invokeMethod(this, "deliver", Qt::QueuedConnection, Q_ARG(quint64, token));
}

void WakeRelay::deliver(quint64 token) {
    const auto it = m_controllers.find(token);
    if (it != m_controllers.end() && it->second) it->second->onWake();
}

}  // namespace stepwise::gui
