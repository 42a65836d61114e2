#include "rewind_slider.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>

#include "../session/session_controller.h"

namespace stepwise::gui {

RewindSlider::RewindSlider(SessionController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller) {
    setObjectName(QStringLiteral("rewindSlider"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 0, 6, 2);
    m_label = new QLabel(this);
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setObjectName(QStringLiteral("rewindSliderHandle"));
    m_slider->setTracking(false);  // the run goes back when the drag ends, not on every pixel
    m_value = new QLabel(this);
    m_value->setMinimumWidth(
        m_value->fontMetrics().horizontalAdvance(QStringLiteral("epoch 0000 · batch 00000")));
    layout->addWidget(m_label);
    layout->addWidget(m_slider, 1);
    layout->addWidget(m_value);
    connect(m_slider, &QSlider::sliderMoved, this, &RewindSlider::showValue);
    connect(m_slider, &QSlider::valueChanged, this, [this](int) { released(); });
    retranslate();
    refresh();
}

void RewindSlider::refresh() {
    const RunHistory& history = m_controller->history();
    // The batch the run is in: the one after the last that ended.
    m_current = int(std::min<std::size_t>(history.batchCount(), std::size_t(INT32_MAX)));
    const bool live = m_controller->canRewind() &&
                      m_controller->runState() == SessionController::RunState::paused;
    setEnabled(live && m_current > 0);
    if (m_slider->isSliderDown()) return;
    const QSignalBlocker block(m_slider);  // following the run is not a rewind
    m_slider->setRange(0, m_current);
    m_slider->setValue(m_current);
    showValue(m_current);
}

void RewindSlider::released() {
    const int target = m_slider->value();
    if (target < m_current)
        m_controller->rewind(RewindTo::batch_index, std::uint64_t(target));
    else
        showValue(m_current);
}

void RewindSlider::showValue(int batch) {
    const RunHistory& history = m_controller->history();
    if (batch >= m_current || std::size_t(batch) >= history.batchCount()) {
        m_value->setText(tr("now"));
        return;
    }
    const Event record = history.batchRecord(std::size_t(batch));
    m_value->setText(tr("epoch %1 · batch %2").arg(record.epoch).arg(record.batch_idx));
}

void RewindSlider::retranslate() {
    m_label->setText(tr("Go back to:"));
    const QString tip =
        tr("Drag to an earlier batch and let go: the run goes back to that batch's start "
           "and holds there (what follows is recomputed, exactly as it ran)");
    m_slider->setToolTip(tip);
    m_label->setToolTip(tip);
    showValue(m_slider->value());
}

void RewindSlider::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(event);
}

}  // namespace stepwise::gui
