#pragma once
// Carries a link's wake-up (which may come from any thread) to its SessionController on the GUI
// thread. The waking thread passes only a number: the relay lives as long as the application,
// and the controller a number stands for is looked up on the GUI thread, so a wake that races
// with the controller's end is dropped there instead of reaching a destroyed object. The call
// goes through Qt's queue by name with a plain integer, so nothing of Stepwise's is allocated on
// the waking thread and read on the GUI thread (the hand-over ThreadSanitizer cannot follow
// through Qt's own locks).

#include <QObject>
#include <QPointer>
#include <cstdint>
#include <map>

namespace stepwise::gui {

class SessionController;

class WakeRelay : public QObject {
    Q_OBJECT
  public:
    /// The application's relay (a child of the application object); created on first use, which
    /// must be on the GUI thread.
    static WakeRelay* instance();
    /// GUI thread: a number that wakes `controller` until release() is called for it.
    std::uint64_t enroll(SessionController* controller);
    /// GUI thread: forgets the number (nothing to do once the application object is gone).
    static void release(std::uint64_t token);
    /// Any thread: the enrolled controller's onWake runs soon on the GUI thread.
    void post(std::uint64_t token);

  private Q_SLOTS:
    void deliver(quint64 token);

  private:
    using QObject::QObject;
    std::map<std::uint64_t, QPointer<SessionController>> m_controllers;
    std::uint64_t m_next = 0;
};

}  // namespace stepwise::gui
