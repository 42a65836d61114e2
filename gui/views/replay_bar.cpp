#include "replay_bar.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>

#include "session_controller.h"

namespace stepwise::gui {

ReplayBar::ReplayBar(SessionController* controller, QWidget* parent)
    : QWidget(parent),
      m_controller(controller),
      m_slider(new QSlider(Qt::Horizontal, this)),
      m_label(new QLabel(this)),
      m_title(new QLabel(this)) {
    setObjectName(QStringLiteral("replayBar"));
    m_slider->setObjectName(QStringLiteral("replaySlider"));
    m_slider->setTracking(false);  // seek when the drag ends (a seek back rebuilds the views)
    m_slider->setPageStep(50);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 2, 6, 2);
    layout->addWidget(m_title);
    layout->addWidget(m_slider, 1);
    layout->addWidget(m_label);
    m_label->setMinimumWidth(m_label->fontMetrics().horizontalAdvance(QStringLiteral("0")) * 34);
    connect(m_slider, &QSlider::valueChanged, this, &ReplayBar::seek);
    m_title->setText(tr("Replay"));
}

ReplayLink* ReplayBar::replay() const {
    SessionLink* link = m_controller->link();
    return link && link->kind() == SessionLink::Kind::replay ? static_cast<ReplayLink*>(link)
                                                             : nullptr;
}

void ReplayBar::seek(int position) {
    ReplayLink* link = replay();
    if (!link || std::size_t(position) == link->position()) return;
    m_controller->send(Command::seek(std::uint64_t(position)));
}

QString ReplayBar::positionText() const {
    const ReplayLink* link = replay();
    if (!link || link->size() == 0) return {};
    const std::size_t at = link->position();
    const Event& e = link->recorded()[at > 0 ? at - 1 : 0];
    return tr("event %1 of %2 · epoch %3 · batch %4")
        .arg(at)
        .arg(link->size())
        .arg(e.epoch)
        .arg(e.batch_idx < 0 ? QStringLiteral("–") : QString::number(e.batch_idx));
}

void ReplayBar::refresh() {
    const ReplayLink* link = replay();
    if (!link) return;
    const QSignalBlocker block(m_slider);  // following the replay is not a seek
    m_slider->setRange(0, int(link->size()));
    if (!m_slider->isSliderDown()) m_slider->setValue(int(link->position()));
    m_label->setText(positionText());
}

void ReplayBar::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        m_title->setText(tr("Replay"));
        refresh();
    }
    QWidget::changeEvent(event);
}

}  // namespace stepwise::gui
