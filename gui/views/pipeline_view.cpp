#include "pipeline_view.h"

#include <QEvent>
#include <QHelpEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include "text/formatters.h"
#include "text/text_tr.h"

namespace stepwise::gui {

namespace {
/// Why a stage did not run (the engine's code, in the window's language), or the window's own note.
QString reasonText(const StageStatus& status) {
    return status.skipReason.empty() ? status.reason : textTr(status.skipReason);
}
}  // namespace

namespace {

constexpr int kMargin = 14;
constexpr int kHeaderHeight = 60;
constexpr int kFullRowHeight = 35;  ///< name and description on two lines
constexpr int kMinRowHeight = 20;   ///< compact: one line (laptop screens)
constexpr int kFullTitleHeight = 27;
constexpr int kPad = 6;
constexpr int kIndent = 16;

struct Palette {
    QColor background{0xf7, 0xf8, 0xfa};
    QColor card{0xff, 0xff, 0xff};
    QColor text{0x1f, 0x29, 0x37};
    QColor muted{0x6b, 0x72, 0x80};
    QColor faint{0xc4, 0xc9, 0xd2};
    QColor accent{0x25, 0x63, 0xeb};
    QColor accentSoft{0xe3, 0xec, 0xfd};
    QColor stepping{0x25, 0x63, 0xeb};
    QColor accumulating{0xd9, 0x77, 0x06};
    QColor closure{0x7c, 0x3a, 0xed};
    QColor ran{0x16, 0xa3, 0x4a};
    QColor skipped{0x9c, 0xa3, 0xaf};
    QColor failed{0xdc, 0x26, 0x26};
    QColor failedSoft{0xfd, 0xec, 0xec};
};
const Palette kColors;

}  // namespace

PipelineView::PipelineView(QWidget* parent)
    : QWidget(parent), m_pacer(new Pacer([this] { update(); }, this)) {
    setAttribute(Qt::WA_OpaquePaintEvent);
    setObjectName(QStringLiteral("pipelineView"));
}

QSize PipelineView::sizeHint() const {
    return {620, 640};
}
QSize PipelineView::minimumSizeHint() const {
    return {460, layoutHeight(kMinRowHeight, kMinRowHeight, m_state.hasScheduler())};
}

int PipelineView::layoutHeight(int rowHeight, int titleHeight, bool withScheduler) {
    // A batch is the same height stepping or accumulating: 11 rows (2 hooks, 6 closure stages,
    // 3 after them; one more with an lr scheduler) and 3 frame titles (batch, optimizer.step or
    // its skipped frame, closure).
    const int rows = withScheduler ? 12 : 11;
    return 2 * kMargin + kHeaderHeight + 3 * titleHeight + rows * rowHeight + 6 * kPad;
}

void PipelineView::fitRows() {
    // Rows shrink (down to one line each) rather than scroll, so a whole batch stays in view.
    m_rowHeight = kFullRowHeight;
    m_titleHeight = kFullTitleHeight;
    const bool scheduler = m_fittedScheduler = m_state.hasScheduler();
    while (m_rowHeight > kMinRowHeight &&
           layoutHeight(m_rowHeight, m_titleHeight, scheduler) > height()) {
        --m_rowHeight;
        m_titleHeight = std::min(kFullTitleHeight, m_rowHeight);
    }
}

void PipelineView::resizeEvent(QResizeEvent* event) {
    fitRows();
    QWidget::resizeEvent(event);
}

void PipelineView::setHistory(const RunHistory* history) {
    m_state = PipelineState(history);
    clear();
}

void PipelineView::clear() {
    m_state.reset();
    fitRows();
    updateGeometry();
    m_pacer->request(false);
}

void PipelineView::applyEvents(const std::vector<Event>& events) {
    bool changed = false;
    for (const Event& event : events) changed = m_state.apply(event) || changed;
    if (m_fittedScheduler != m_state.hasScheduler()) {  // a row more or less: refit and re-lay out
        fitRows();
        updateGeometry();
    }
    if (changed || m_pacer->pending()) m_pacer->request(Pacer::streaming(events));
}

void PipelineView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) update();
    QWidget::changeEvent(event);
}

QString PipelineView::stageDescription(Stage stage) const {
    switch (stage) {
        case Stage::on_train_batch_start: return tr("hook: a new batch begins");
        case Stage::optimizer_step: return tr("the optimizer calls the closure");
        case Stage::training_step: return tr("your training_step: forward pass and loss");
        case Stage::on_before_zero_grad: return tr("hook, first batch of a cycle only");
        case Stage::optimizer_zero_grad: return tr("clear .grad — after the forward pass");
        case Stage::on_before_backward: return tr("hook, only when there is a loss");
        case Stage::backward: return tr("loss.backward(): gradients accumulate");
        case Stage::on_after_backward: return tr("hook: gradients are ready");
        case Stage::on_before_optimizer_step: return tr("hook, after every closure evaluation");
        case Stage::configure_gradient_clipping:
            return tr("clip gradients (after every evaluation)");
        case Stage::lr_scheduler_step:
            return tr("scheduler.step(): after an optimizer step, at its interval and frequency");
        case Stage::on_train_batch_end: return tr("hook: outputs = {\"loss\": loss / N}");
    }
    return {};
}

StageStatus PipelineView::updateStatus() const {
    // The parameter update is the end of optimizer.step: it has no stage of its own.
    StageStatus status;
    const StageStatus& step = m_state.stage(Stage::optimizer_step);
    if (step.state == StageStatus::State::ran || step.state == StageStatus::State::skipped) {
        status.state = step.state;
        status.reason = step.reason;
        status.skipReason = step.skipReason;
        status.value = step.value;
    } else if (step.state == StageStatus::State::failed) {
        // optimizer.step raised: the update never happened.
        status.reason = tr("not reached: optimizer.step raised");
    }
    status.stale = step.stale;
    return status;
}

void PipelineView::paintStatusIcon(QPainter& p, const QRect& r, StageStatus::State state,
                                   bool stale) const {
    const QRectF c = QRectF(r).adjusted(1.5, 1.5, -1.5, -1.5);
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    QColor color;
    switch (state) {
        case StageStatus::State::idle:
            p.setPen(QPen(kColors.faint, 1.5));
            p.setBrush(Qt::NoBrush);
            p.drawEllipse(c);
            p.restore();
            return;
        case StageStatus::State::active: color = kColors.accent; break;
        case StageStatus::State::ran: color = kColors.ran; break;
        case StageStatus::State::skipped: color = kColors.skipped; break;
        case StageStatus::State::failed: color = kColors.failed; break;
    }
    if (stale) color = color.lighter(150);
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    p.drawEllipse(c);
    p.setPen(QPen(Qt::white, 1.8, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    const QPointF m = c.center();
    const double s = c.width() / 4.0;
    switch (state) {
        case StageStatus::State::active:
            p.setBrush(Qt::white);
            p.drawPolygon(QPolygonF(
                {m + QPointF(-s * 0.7, -s), m + QPointF(s, 0), m + QPointF(-s * 0.7, s)}));
            break;
        case StageStatus::State::ran:
            p.drawPolyline(QPolygonF(
                {m + QPointF(-s, 0), m + QPointF(-s * 0.25, s * 0.8), m + QPointF(s, -s * 0.7)}));
            break;
        case StageStatus::State::skipped: p.drawLine(m + QPointF(-s, 0), m + QPointF(s, 0)); break;
        case StageStatus::State::failed:
            p.drawLine(m + QPointF(-s, -s), m + QPointF(s, s));
            p.drawLine(m + QPointF(-s, s), m + QPointF(s, -s));
            break;
        default: break;
    }
    p.restore();
}

void PipelineView::paintFrame(QPainter& p, const QRect& r, const QString& title,
                              const QString& note, const QColor& color, bool dashed) const {
    if (!note.isEmpty())
        m_tips.emplace_back(
            QRect(r.left(), r.top(), r.width(), m_titleHeight),
            QStringLiteral("<b>%1</b><br>%2").arg(title.toHtmlEscaped(), note.toHtmlEscaped()));
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    QColor fill = color;
    fill.setAlpha(dashed ? 8 : 14);
    p.setBrush(fill);
    QPen pen(dashed ? kColors.skipped : color, 1.2, dashed ? Qt::DashLine : Qt::SolidLine);
    p.setPen(pen);
    p.drawRoundedRect(QRectF(r).adjusted(0.5, 0.5, -0.5, -0.5), 7, 7);
    QFont f = font();
    f.setFamily(QStringLiteral("monospace"));
    f.setStyleHint(QFont::Monospace);
    f.setBold(true);
    p.setFont(f);
    p.setPen(dashed ? kColors.muted : color.darker(120));
    const QRect titleRect(r.left() + 12, r.top(), r.width() - 24, m_titleHeight);
    p.drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter, title);
    if (!note.isEmpty()) {
        const int titleWidth = QFontMetrics(f).horizontalAdvance(title) + 14;
        QFont nf = font();
        nf.setItalic(dashed);
        nf.setPointSizeF(font().pointSizeF() * 0.92);
        p.setFont(nf);
        p.setPen(dashed ? kColors.muted : color.darker(110));
        const QRect noteRect = titleRect.adjusted(titleWidth, 0, 0, 0);
        p.drawText(noteRect, Qt::AlignLeft | Qt::AlignVCenter,
                   QFontMetrics(nf).elidedText(note, Qt::ElideRight, noteRect.width()));
    }
    p.restore();
}

void PipelineView::paintRow(QPainter& p, const QRect& r, const Row& row) const {
    const bool isUpdate = row.kind == Row::Kind::update;
    const StageStatus status = isUpdate ? updateStatus() : m_state.stage(row.stage);
    const bool current = !isUpdate && m_state.current() == row.stage && !m_state.ended();
    if (current) m_paintedCurrent = r;
    const bool failed = status.state == StageStatus::State::failed;
    const bool skipped = status.state == StageStatus::State::skipped;

    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF box = QRectF(r).adjusted(0.5, 1.5, -0.5, -1.5);
    if (failed) {
        p.setPen(QPen(kColors.failed, 1.2));
        p.setBrush(kColors.failedSoft);
        p.drawRoundedRect(box, 5, 5);
    } else if (current) {
        p.setPen(QPen(kColors.accent, 1.5));
        p.setBrush(kColors.accentSoft);
        p.drawRoundedRect(box, 5, 5);
        p.setPen(Qt::NoPen);
        p.setBrush(kColors.accent);
        p.drawRoundedRect(QRectF(box.left(), box.top(), 4, box.height()), 2, 2);
    } else {
        p.setPen(Qt::NoPen);
        p.setBrush(kColors.card);
        p.drawRoundedRect(box, 5, 5);
    }

    const int iconSize = 16;
    paintStatusIcon(
        p, QRect(r.left() + 10, r.top() + (m_rowHeight - iconSize) / 2, iconSize, iconSize),
        current && status.state == StageStatus::State::idle ? StageStatus::State::active
                                                            : status.state,
        status.stale);

    const int textLeft = r.left() + 34;
    const int rightWidth = std::min(200, r.width() / 3);
    const QRect right(r.right() - rightWidth - 10, r.top(), rightWidth, r.height());
    const QRect left(textLeft, r.top() + 3, right.left() - textLeft - 8, r.height() - 6);

    QFont nameFont = font();
    nameFont.setFamily(QStringLiteral("monospace"));
    nameFont.setStyleHint(QFont::Monospace);
    nameFont.setBold(current);
    nameFont.setStrikeOut(skipped);
    p.setFont(nameFont);
    p.setPen(failed ? kColors.failed : skipped ? kColors.skipped : kColors.text);
    const QString name =
        isUpdate ? tr("parameter update") : QString::fromLatin1(stage_name(row.stage));
    // Compact rows (a small screen): the name and, after it, the description on one line.
    const bool compact = m_rowHeight < 30;
    p.drawText(compact ? left : left.adjusted(0, 0, 0, -left.height() / 2),
               Qt::AlignLeft | Qt::AlignVCenter, name);
    const int nameWidth = QFontMetrics(nameFont).horizontalAdvance(name);
    nameFont.setStrikeOut(false);

    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.88);
    small.setItalic(skipped || failed);
    p.setFont(small);
    QString sub;
    if (failed)
        sub = status.reason.isEmpty() ? tr("failed") : status.reason;  // torch's or Lightning's
    else if (skipped)
        sub = reasonText(status).isEmpty() ? tr("skipped") : reasonText(status);
    else if (isUpdate)
        sub = reasonText(status).isEmpty() ? tr("torch applies the step to the parameters")
                                           : reasonText(status);
    else
        sub = stageDescription(row.stage);
    m_tips.emplace_back(
        r, QStringLiteral("<b>%1</b><br>%2").arg(name.toHtmlEscaped(), sub.toHtmlEscaped()));
    p.setPen(failed ? kColors.failed : kColors.muted);
    const QRect subRect = compact ? left.adjusted(nameWidth + 12, 0, 0, 0)
                                  : left.adjusted(0, left.height() / 2, 0, 0);
    // On a compact row the pill of the held stage takes the description's place (its tooltip
    // keeps it).
    if (!(compact && current && m_state.held()))
        p.drawText(subRect, Qt::AlignLeft | Qt::AlignVCenter,
                   QFontMetrics(small).elidedText(sub, Qt::ElideRight, subRect.width()));

    // Right column: value on top, duration below.
    QFont valueFont = font();
    valueFont.setFamily(QStringLiteral("monospace"));
    valueFont.setStyleHint(QFont::Monospace);
    p.setFont(valueFont);
    // A skipped stage shows no numbers: stale ones from an earlier batch would read as current.
    const bool showNumbers = !skipped && !(isUpdate && status.stale);
    p.setPen(status.stale ? kColors.faint : kColors.text);
    if (showNumbers)
        p.drawText(compact ? right : right.adjusted(0, 2, 0, -r.height() / 2),
                   Qt::AlignRight | Qt::AlignVCenter,
                   QFontMetrics(valueFont).elidedText(status.value, Qt::ElideLeft, right.width()));
    p.setFont(small);
    p.setPen(status.stale ? kColors.faint : kColors.muted);
    if (showNumbers && !isUpdate && status.durationNs >= 0 && !compact)
        p.drawText(right.adjusted(0, r.height() / 2, 0, -2), Qt::AlignRight | Qt::AlignVCenter,
                   formatDuration(status.durationNs));
    if (current && m_state.held()) {
        // A pill after the stage name: the worker waits here for the next command.
        QFont pillFont = small;
        pillFont.setItalic(false);
        pillFont.setBold(true);
        const QString text = tr("held here");
        const int w = QFontMetrics(pillFont).horizontalAdvance(text) + 14;
        const QRectF pill(left.left() + nameWidth + 10,
                          compact ? r.top() + (r.height() - 16) / 2.0 : r.top() + 5.0, w, 16);
        p.setFont(pillFont);
        p.setPen(Qt::NoPen);
        p.setBrush(kColors.accent);
        p.drawRoundedRect(pill, 8, 8);
        p.setPen(Qt::white);
        p.drawText(pill, Qt::AlignCenter, text);
    }
    p.restore();
}

void PipelineView::paintHeader(QPainter& p, const QRect& r) const {
    p.save();
    QFont big = font();
    big.setPointSizeF(font().pointSizeF() * 1.25);
    big.setBold(true);
    p.setFont(big);
    p.setPen(kColors.text);
    QString title;
    if (m_state.batchIdx() < 0)
        title = m_state.ended() ? tr("Run ended (%1)").arg(runStatusTr(m_state.endStatus()))
                                : tr("Ready: no batch has started");
    else if (m_state.totalBatches() > 0)
        title = tr("Epoch %1 · batch %2 of %3")
                    .arg(m_state.epoch())
                    .arg(m_state.batchIdx())
                    .arg(m_state.totalBatches());
    else
        title = tr("Epoch %1 · batch %2").arg(m_state.epoch()).arg(m_state.batchIdx());
    p.drawText(QRect(r.left(), r.top(), r.width(), 28), Qt::AlignLeft | Qt::AlignVCenter, title);

    // Badges: the accumulation cycle, the closure evaluation, global_step.
    QStringList badges;
    QList<QColor> colors;
    if (m_state.batchIdx() >= 0) {
        const int n = m_state.accumulate();
        const bool stepping = m_state.stepping().value_or(true);
        if (n > 1)
            badges << (stepping ? tr("batch %1 of %2, stepping")
                                : tr("batch %1 of %2, accumulating"))
                          .arg(m_state.cyclePosition())
                          .arg(n);
        else
            badges << tr("N = 1, every batch steps");
        colors << (stepping ? kColors.stepping : kColors.accumulating);
        if (m_state.call() > 0) {
            badges << (stepping ? tr("closure evaluation %1 of this optimizer step")
                                : tr("closure call %1"))
                          .arg(m_state.call());
            colors << kColors.closure;
        }
    }
    badges << tr("global_step %1").arg(m_state.globalStep());
    colors << kColors.muted;
    if (m_state.ended()) {
        badges << tr("run %1").arg(runStatusTr(m_state.endStatus()));
        colors << (m_state.endStatus() == RunStatus::failed ? kColors.failed : kColors.ran);
    }
    QFont bf = font();
    bf.setPointSizeF(font().pointSizeF() * 0.92);
    bf.setBold(true);
    p.setFont(bf);
    p.setRenderHint(QPainter::Antialiasing);
    int x = r.left();
    const QFontMetrics fm(bf);
    for (int i = 0; i < badges.size(); ++i) {
        const int w = fm.horizontalAdvance(badges[i]) + 18;
        const QRectF badge(x, r.top() + 32, w, 21);
        QColor fill = colors[i];
        fill.setAlpha(28);
        p.setPen(QPen(colors[i], 1));
        p.setBrush(fill);
        p.drawRoundedRect(badge, 11, 11);
        p.setPen(colors[i].darker(130));
        p.drawText(badge, Qt::AlignCenter, badges[i]);
        x += w + 8;
    }
    p.restore();
}

bool PipelineView::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        // Rows are drawn after their frames, so the last hit is the innermost.
        for (auto it = m_tips.rbegin(); it != m_tips.rend(); ++it) {
            if (it->first.contains(help->pos())) {
                QToolTip::showText(help->globalPos(), it->second, this, it->first);
                return true;
            }
        }
        QToolTip::hideText();
        event->ignore();
        return true;
    }
    return QWidget::event(event);
}

void PipelineView::paintEvent(QPaintEvent*) {
    m_tips.clear();
    m_paintedCurrent = QRect();
    QPainter p(this);
    p.fillRect(rect(), kColors.background);
    const int width = this->width() - 2 * kMargin;
    paintHeader(p, QRect(kMargin, kMargin, width, kHeaderHeight));

    const bool stepping = m_state.stepping().value_or(true);
    const int closureRows = 6;
    const int wrapperRows = 3;  // on_before_optimizer_step, clipping, parameter update
    const int closureHeight = m_titleHeight + closureRows * m_rowHeight + kPad;
    const int wrapperHeight = m_titleHeight + wrapperRows * m_rowHeight + kPad;
    const int stepHeight =
        stepping ? m_titleHeight + closureHeight + kPad + wrapperRows * m_rowHeight + kPad
                 : wrapperHeight;
    int y = kMargin + kHeaderHeight;
    const int hookRows = m_state.hasScheduler() ? 3 : 2;
    const int batchHeight = m_titleHeight + hookRows * m_rowHeight +
                            closureHeight * (stepping ? 0 : 1) + (stepping ? 0 : kPad) +
                            stepHeight + 3 * kPad;
    const QRect batchRect(kMargin, y, width, batchHeight);
    paintFrame(p, batchRect,
               m_state.batchIdx() >= 0 ? tr("batch %1").arg(m_state.batchIdx()) : tr("batch"),
               tr("training_epoch_loop → automatic optimization"), kColors.muted, false);

    int x = kMargin + kIndent - 8;
    int w = width - 2 * (kIndent - 8);
    y += m_titleHeight;
    auto row = [&](Row::Kind kind, Stage stage, int left, int rowWidth) {
        paintRow(p, QRect(left, y, rowWidth, m_rowHeight), Row{kind, stage, 0});
        y += m_rowHeight;
    };
    row(Row::Kind::stage, Stage::on_train_batch_start, x, w);
    y += kPad;

    const StageStatus& stepStatus = m_state.stage(Stage::optimizer_step);
    auto closureFrame = [&](int left, int frameWidth, const QString& title, const QString& note) {
        paintFrame(p, QRect(left, y, frameWidth, closureHeight), title, note, kColors.closure,
                   false);
        y += m_titleHeight;
        const int cx = left + kIndent - 8;
        const int cw = frameWidth - 2 * (kIndent - 8);
        for (Stage s :
             {Stage::training_step, Stage::on_before_zero_grad, Stage::optimizer_zero_grad,
              Stage::on_before_backward, Stage::backward, Stage::on_after_backward})
            row(Row::Kind::stage, s, cx, cw);
        y += kPad;
    };
    auto wrapperRowsAt = [&](int left, int rowWidth) {
        row(Row::Kind::stage, Stage::on_before_optimizer_step, left, rowWidth);
        row(Row::Kind::stage, Stage::configure_gradient_clipping, left, rowWidth);
        row(Row::Kind::update, Stage::optimizer_step, left, rowWidth);
    };
    const bool stepCurrent = m_state.current() == Stage::optimizer_step && !m_state.ended();
    QString stepNote;
    if (stepStatus.state == StageStatus::State::failed)
        stepNote = stepStatus.reason;
    else if (!stepStatus.stale && (!stepStatus.value.isEmpty() || stepStatus.durationNs >= 0))
        stepNote = QStringList({stepStatus.value, formatDuration(stepStatus.durationNs)})
                       .join(QStringLiteral("  ·  "));
    else if (stepCurrent)
        stepNote = m_state.held() ? tr("held here: about to call the optimizer")
                                  : tr("the optimizer is running the closure");
    else if (stepStatus.state == StageStatus::State::active && m_state.call() > 0)
        stepNote = tr("inside step(): %n closure evaluation(s) so far; it counts as one step",
                      nullptr, m_state.call());
    const QColor stepColor = stepStatus.state == StageStatus::State::failed ? kColors.failed
                             : stepCurrent                                  ? kColors.accent
                                                                            : kColors.stepping;
    if (stepping) {
        const QRect stepRect(x, y, w, stepHeight);
        paintFrame(p, stepRect, QStringLiteral("optimizer.step(closure)"), stepNote, stepColor,
                   false);
        if (stepCurrent) {
            m_paintedCurrent =
                QRect(stepRect.left(), stepRect.top(), stepRect.width(), m_titleHeight);
            p.save();
            p.setRenderHint(QPainter::Antialiasing);
            p.setPen(QPen(kColors.accent, 2.2));
            p.setBrush(Qt::NoBrush);
            p.drawRoundedRect(QRectF(stepRect).adjusted(1, 1, -1, -1), 7, 7);
            p.restore();
        }
        y += m_titleHeight;
        const int ix = x + kIndent - 8;
        const int iw = w - 2 * (kIndent - 8);
        closureFrame(ix, iw, QStringLiteral("closure()"),
                     m_state.call() > 0 ? tr("evaluation %1").arg(m_state.call()) : QString());
        y += kPad;
        wrapperRowsAt(ix, iw);
        y += kPad;
    } else {
        closureFrame(x, w, QStringLiteral("closure()"),
                     tr("called directly by the loop (accumulating)"));
        y += kPad;
        const QString reason = reasonText(stepStatus).isEmpty() ? tr("not called on this batch")
                                                                : reasonText(stepStatus);
        paintFrame(p, QRect(x, y, w, wrapperHeight), QStringLiteral("optimizer.step(closure)"),
                   reason, kColors.skipped, true);
        y += m_titleHeight;
        wrapperRowsAt(x + kIndent - 8, w - 2 * (kIndent - 8));
        y += kPad;
    }
    y += kPad;
    if (m_state.hasScheduler()) row(Row::Kind::stage, Stage::lr_scheduler_step, x, w);
    row(Row::Kind::stage, Stage::on_train_batch_end, x, w);
    if (m_paintedCurrent != m_currentRect) {
        m_currentRect = m_paintedCurrent;
        if (!m_currentRect.isEmpty()) Q_EMIT currentRowMoved(m_currentRect);
    }
}

}  // namespace stepwise::gui
