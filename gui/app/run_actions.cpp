#include "run_actions.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPolygonF>
#include <QSlider>
#include <QStyle>
#include <QWidget>

namespace stepwise::gui {

namespace {
/// "Back to the previous hit": a breakpoint's red dot with a white arrow pointing back (no
/// standard icon says it, and the style's plain back arrow already means one stage back).
QIcon backToHitIcon() {
    QIcon icon;
    for (int size : {16, 24, 32, 48}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(Qt::NoPen);
        painter.setBrush(QColor(0xd3, 0x2f, 0x2f));
        const qreal m = size * 0.08;
        painter.drawEllipse(QRectF(m, m, size - 2 * m, size - 2 * m));
        painter.setBrush(Qt::white);
        const qreal c = size / 2.0, r = size * 0.24;
        painter.drawPolygon(QPolygonF(
            {QPointF(c - r, c), QPointF(c + r * 0.8, c - r), QPointF(c + r * 0.8, c + r)}));
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

// The slider is logarithmic-ish: position -> delay in ms.
constexpr int kDelays[] = {0, 1, 2, 5, 10, 20, 50, 100, 200, 350, 500, 750, 1000, 1500, 2000};
constexpr int kDelayCount = int(sizeof(kDelays) / sizeof(kDelays[0]));

int positionFor(int ms) {
    for (int i = 0; i < kDelayCount; ++i)
        if (kDelays[i] >= ms) return i;
    return kDelayCount - 1;
}
}  // namespace

RunActions::RunActions(SessionController* controller, QWidget* parent)
    : QObject(parent), m_controller(controller) {
    auto make = [this, parent](const QKeySequence& key, QStyle::StandardPixmap icon, auto slot) {
        auto* action = new QAction(parent);
        action->setShortcut(key);
        action->setShortcutContext(Qt::ApplicationShortcut);
        action->setIcon(parent->style()->standardIcon(icon));
        connect(action, &QAction::triggered, m_controller, slot);
        return action;
    };
    m_stepStage =
        make(QKeySequence(Qt::Key_F11), QStyle::SP_ArrowRight, &SessionController::stepStage);
    m_stepClosure = make(QKeySequence(Qt::Key_F10), QStyle::SP_MediaSeekForward,
                         &SessionController::stepClosureCall);
    m_stepBatch = make(QKeySequence(Qt::SHIFT | Qt::Key_F11), QStyle::SP_MediaSkipForward,
                       &SessionController::stepBatch);
    m_stepEpoch = make(QKeySequence(), QStyle::SP_ArrowForward, &SessionController::stepEpoch);
    m_stepLine = make(QKeySequence(Qt::Key_F7), QStyle::SP_ArrowDown, &SessionController::stepLine);
    m_stepLineOver =
        make(QKeySequence(Qt::Key_F8), QStyle::SP_ArrowRight, &SessionController::stepLineOver);
    m_stepLineOut = make(QKeySequence(Qt::SHIFT | Qt::Key_F8), QStyle::SP_ArrowUp,
                         &SessionController::stepLineOut);
    m_stepLine->setObjectName(QStringLiteral("actionStepLine"));
    m_stepLineOver->setObjectName(QStringLiteral("actionStepLineOver"));
    m_stepLineOut->setObjectName(QStringLiteral("actionStepLineOut"));
    m_run = make(QKeySequence(Qt::Key_F5), QStyle::SP_MediaPlay, &SessionController::run);
    m_pause = make(QKeySequence(Qt::Key_F6), QStyle::SP_MediaPause, &SessionController::pause);
    m_stop =
        make(QKeySequence(Qt::SHIFT | Qt::Key_F5), QStyle::SP_MediaStop, &SessionController::stop);
    m_reset = make(QKeySequence(Qt::CTRL | Qt::Key_R), QStyle::SP_BrowserReload,
                   &SessionController::reset);
    auto back = [this, make](const QKeySequence& key, QStyle::StandardPixmap icon, RewindTo to) {
        QAction* action = make(key, icon, &SessionController::stepStage);
        action->disconnect(m_controller);  // `make` wired it to stepping; it goes back instead
        connect(action, &QAction::triggered, m_controller,
                [this, to] { m_controller->rewind(to); });
        return action;
    };
    m_backStage = back(QKeySequence(Qt::CTRL | Qt::Key_F11), QStyle::SP_ArrowLeft, RewindTo::stage);
    m_backBatchStart = back(QKeySequence(Qt::CTRL | Qt::Key_F10), QStyle::SP_MediaSeekBackward,
                            RewindTo::batch_start);
    m_backBatch = back(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F11),
                       QStyle::SP_MediaSkipBackward, RewindTo::batch);
    m_backHit = back(QKeySequence(Qt::CTRL | Qt::Key_F5), QStyle::SP_ArrowBack, RewindTo::hit);
    m_backHit->setIcon(backToHitIcon());
    m_backStage->setObjectName(QStringLiteral("actionBackStage"));
    m_backBatchStart->setObjectName(QStringLiteral("actionBackBatchStart"));
    m_backBatch->setObjectName(QStringLiteral("actionBackBatch"));
    m_backHit->setObjectName(QStringLiteral("actionBackHit"));
    m_stepStage->setObjectName(QStringLiteral("actionStepStage"));
    m_stepClosure->setObjectName(QStringLiteral("actionStepClosure"));
    m_stepBatch->setObjectName(QStringLiteral("actionStepBatch"));
    m_stepEpoch->setObjectName(QStringLiteral("actionStepEpoch"));
    m_run->setObjectName(QStringLiteral("actionRun"));
    m_pause->setObjectName(QStringLiteral("actionPause"));
    m_stop->setObjectName(QStringLiteral("actionStop"));
    m_reset->setObjectName(QStringLiteral("actionReset"));

    m_speed = new QWidget(parent);
    m_speed->setObjectName(QStringLiteral("speedControl"));
    auto* layout = new QHBoxLayout(m_speed);
    layout->setContentsMargins(8, 0, 8, 0);
    m_speedLabel = new QLabel(m_speed);
    m_slider = new QSlider(Qt::Horizontal, m_speed);
    m_slider->setRange(0, kDelayCount - 1);
    m_slider->setFixedWidth(130);
    m_slider->setPageStep(1);
    m_speedValue = new QLabel(m_speed);
    m_speedValue->setMinimumWidth(
        m_speedValue->fontMetrics().horizontalAdvance(QStringLiteral("0000 ms/stage")));
    layout->addWidget(m_speedLabel);
    layout->addWidget(m_slider);
    layout->addWidget(m_speedValue);
    connect(m_slider, &QSlider::valueChanged, this, [this](int position) {
        m_controller->setDelay(kDelays[std::clamp(position, 0, kDelayCount - 1)]);
        updateSpeedLabel();
    });
    connect(m_controller, &SessionController::runStateChanged, this, &RunActions::updateEnabled);
    retranslate();
    updateEnabled(m_controller->runState());
}

QList<QAction*> RunActions::all() const {
    return {m_stepStage,      m_stepClosure, m_stepBatch, m_stepEpoch, m_stepLine, m_stepLineOver,
            m_stepLineOut,    m_run,         m_pause,     m_stop,      m_reset,    m_backStage,
            m_backBatchStart, m_backBatch,   m_backHit};
}

void RunActions::setDelay(int milliseconds) {
    m_slider->setValue(positionFor(milliseconds));
    m_controller->setDelay(kDelays[positionFor(milliseconds)]);
    updateSpeedLabel();
}

void RunActions::updateSpeedLabel() {
    const int ms = m_controller->delay();
    m_speedValue->setText(ms == 0 ? tr("full speed") : tr("%1 ms/stage").arg(ms));
}

void RunActions::retranslate() {
    m_stepStage->setText(tr("Step &stage"));
    m_stepStage->setToolTip(tr("Run to the next stage boundary (F11)"));
    m_stepClosure->setText(tr("Step &closure call"));
    m_stepClosure->setToolTip(
        tr("Run to the next closure call: the next training_step, or the batch's end (F10)"));
    m_stepBatch->setText(tr("Step &batch"));
    m_stepBatch->setToolTip(tr("Run to the start of the next batch (Shift+F11)"));
    m_stepEpoch->setText(tr("Step &epoch"));
    m_stepEpoch->setToolTip(tr("Run to the first batch of the next epoch"));
    m_stepLine->setText(tr("Step &line"));
    m_stepLine->setToolTip(
        tr("A script: run to the next line of your training_step, into the functions of your own "
           "files it calls (F7); elsewhere, to the next stage"));
    m_stepLineOver->setText(tr("Step line &over"));
    m_stepLineOver->setToolTip(
        tr("A script: run to the next line of this function, over the calls it makes (F8)"));
    m_stepLineOut->setText(tr("Step o&ut"));
    m_stepLineOut->setToolTip(
        tr("A script: run until this function returns, to the line after its call (Shift+F8)"));
    m_run->setText(tr("&Run / Continue"));
    m_run->setToolTip(tr("Run on, with the delay per stage set by the speed control (F5)"));
    m_pause->setText(tr("&Pause"));
    m_pause->setToolTip(tr("Hold at the next stage boundary (F6)"));
    m_stop->setText(tr("S&top"));
    m_stop->setToolTip(tr("End the run; the state stays inspectable (Shift+F5)"));
    m_reset->setText(tr("R&eset"));
    m_reset->setToolTip(tr("Start the same configuration again from the beginning (Ctrl+R)"));
    m_backStage->setText(tr("Back one st&age"));
    m_backStage->setToolTip(
        tr("Go back to the stage boundary before this one; what follows is recomputed "
           "exactly (Ctrl+F11)"));
    m_backBatchStart->setText(tr("Back to batch s&tart"));
    m_backBatchStart->setToolTip(
        tr("Go back to the start of this batch, or of the previous one when already "
           "there (Ctrl+F10)"));
    m_backBatch->setText(tr("Back one bat&ch"));
    m_backBatch->setToolTip(tr("Go back to the start of the previous batch (Ctrl+Shift+F11)"));
    m_backHit->setText(tr("Back to previous &hit"));
    m_backHit->setToolTip(
        tr("Go back to where the latest earlier breakpoint hit held the run (Ctrl+F5)"));
    m_speedLabel->setText(tr("Delay:"));
    m_slider->setToolTip(tr("Delay per stage while running; leftmost is full speed"));
    updateSpeedLabel();
}

void RunActions::updateEnabled(SessionController::RunState state) {
    using S = SessionController::RunState;
    const bool paused = state == S::paused;
    const bool live =
        state == S::loading || state == S::paused || state == S::running || state == S::stepping;
    for (QAction* step : {m_stepStage, m_stepClosure, m_stepBatch, m_stepEpoch, m_stepLine,
                          m_stepLineOver, m_stepLineOut})
        step->setEnabled(paused);
    m_run->setEnabled(paused || state == S::stepping);
    m_pause->setEnabled(state == S::running || state == S::stepping);
    m_stop->setEnabled(live);
    m_reset->setEnabled(state != S::none);
    // Held (also after a failure an `exception` breakpoint caught): a live run can go back.
    const bool canGoBack = m_controller->canRewind() && paused;
    for (QAction* action : back()) action->setEnabled(canGoBack);
}

}  // namespace stepwise::gui
