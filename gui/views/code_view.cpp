#include "code_view.h"

#include <QEvent>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPlainTextEdit>
#include <QResizeEvent>
#include <QSplitter>
#include <QTextBlock>
#include <QToolBar>
#include <QVBoxLayout>

#include "source_highlighter.h"

namespace stepwise::gui {

namespace {
QPlainTextEdit* makeCodePane(QWidget* parent, const QString& name) {
    auto* pane = new QPlainTextEdit(parent);
    pane->setObjectName(name);
    pane->setReadOnly(true);
    pane->setLineWrapMode(QPlainTextEdit::NoWrap);
    pane->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return pane;
}

QWidget* titled(QLabel* title, QWidget* body, QWidget* parent) {
    auto* box = new QWidget(parent);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    title->setWordWrap(true);
    layout->addWidget(title);
    layout->addWidget(body, 1);
    return box;
}
}  // namespace

CodeView::CodeView(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("codeView"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* split = m_split = new QSplitter(Qt::Horizontal, this);
    m_modelTitle = new QLabel(this);
    m_listingTitle = new QLabel(this);
    m_model = makeCodePane(this, QStringLiteral("codeModel"));
    m_listing = makeCodePane(this, QStringLiteral("codeListing"));
    new SourceHighlighter(m_model->document());
    new SourceHighlighter(m_listing->document());
    // The model pane with a bar that steps the user's lines (shown for a script's run).
    auto* modelBox = new QWidget(split);
    auto* modelLayout = new QVBoxLayout(modelBox);
    modelLayout->setContentsMargins(0, 0, 0, 0);
    modelLayout->setSpacing(2);
    m_lineBar = new QToolBar(modelBox);
    m_lineBar->setObjectName(QStringLiteral("codeLineBar"));
    m_lineBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_lineBar->setIconSize(QSize(16, 16));
    m_lineBar->hide();
    m_model->viewport()->installEventFilter(this);  // a double-click sets a line breakpoint
    modelLayout->addWidget(m_lineBar);
    modelLayout->addWidget(titled(m_modelTitle, m_model, modelBox), 1);
    split->addWidget(modelBox);
    split->addWidget(titled(m_listingTitle, m_listing, split));
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    layout->addWidget(split);
    retranslate();
}

std::vector<CodeView::Line> CodeView::listing() const {
    // Stepwise's own reading of Lightning 2.2.5's _AutomaticOptimization.run for one batch, in
    // pseudocode: the closure, optimizer.step(closure), the wrapper with on_before_optimizer_step
    // and clipping, the accumulation branch.
    using S = Stage;
    return {
        {QStringLiteral("on_train_batch_start(batch, batch_idx)"), tr("a new batch begins"),
         S::on_train_batch_start, 0},
        {QStringLiteral(""), QString(), std::nullopt, 0},
        {QStringLiteral("def closure():"), tr("built once per batch; its result is read once"),
         std::nullopt, 0},
        {QStringLiteral("    out = training_step(batch, batch_idx)"), tr("your code, on the left"),
         S::training_step, 0},
        {QStringLiteral("    loss = out / N  # N = accumulate_grad_batches"),
         tr("a tensor, dict[\"loss\"], or None (then a warning, once)"), std::nullopt, 0},
        {QStringLiteral("    if first batch of its cycle:"), QString(), std::nullopt, 0},
        {QStringLiteral("        on_before_zero_grad(optimizer)"), QString(),
         S::on_before_zero_grad, 0},
        {QStringLiteral("        optimizer.zero_grad()"), tr("after the forward pass, not before"),
         S::optimizer_zero_grad, 0},
        {QStringLiteral("    if loss is not None:"), QString(), std::nullopt, 0},
        {QStringLiteral("        on_before_backward(loss)"), QString(), S::on_before_backward, 0},
        {QStringLiteral("        loss.backward()"), tr("gradients add up in .grad"), S::backward,
         0},
        {QStringLiteral("        on_after_backward()"), tr("the gradients are ready"),
         S::on_after_backward, 0},
        {QStringLiteral("    return loss"), QString(), std::nullopt, 0},
        {QStringLiteral(""), QString(), std::nullopt, 0},
        {QStringLiteral("if accumulating:"), tr("not the cycle's last batch, nor the epoch's"),
         std::nullopt, 1},
        {QStringLiteral("    closure()"), tr("called directly: no optimizer step"),
         S::training_step, 1},
        {QStringLiteral("else:"), QString(), std::nullopt, 2},
        {QStringLiteral("    def step_closure():"), tr("the wrapper the optimizer calls"),
         std::nullopt, 2},
        {QStringLiteral("        result = closure()"), QString(), S::training_step, 2},
        {QStringLiteral("        on_before_optimizer_step(optimizer)"),
         tr("after every closure call"), S::on_before_optimizer_step, 2},
        {QStringLiteral("        clip_gradients(gradient_clip_val, algorithm)"),
         tr("inside the wrapper"), S::configure_gradient_clipping, 2},
        {QStringLiteral("        return result"), QString(), std::nullopt, 2},
        {QStringLiteral("    optimizer.step(step_closure)"),
         tr("LBFGS calls step_closure many times; the update"), S::optimizer_step, 2},
        {QStringLiteral("    global_step += 1"), tr("once per optimizer step"), std::nullopt, 2},
        {QStringLiteral("lr_scheduler.step()"), tr("after a step, at its interval and frequency"),
         S::lr_scheduler_step, 0},
        {QStringLiteral("on_train_batch_end(outputs, batch, batch_idx)"),
         tr("outputs = {\"loss\": loss / N, extras}"), S::on_train_batch_end, 0},
    };
}

void CodeView::fillListing() {
    // A line's comment goes on its own line above it, at its indentation: the listing stays
    // narrow enough for a dock, and a highlighted line is code only.
    m_lines.clear();
    QStringList text;
    for (const Line& l : listing()) {
        if (!l.comment.isEmpty()) {
            const int indent = int(l.code.size() - l.code.trimmed().size());
            text << QString(indent, QLatin1Char(' ')) + QStringLiteral("# ") + l.comment;
            m_lines.push_back(Line{QString(), l.comment, std::nullopt, l.branch});
        }
        text << l.code;
        m_lines.push_back(l);
    }
    m_listing->setPlainText(text.join(QLatin1Char('\n')));
    highlight();
}

void CodeView::clear() {
    m_model->clear();
    m_frame.reset();
    m_moduleCode.clear();
    m_moduleFile.clear();
    m_shownFile.clear();
    m_lineBar->hide();
    updateModelTitle();
    m_stage.reset();
    m_stepping.reset();
    highlight();
}

void CodeView::applyEvents(const std::vector<Event>& events) {
    for (const Event& e : events) {
        if (e.type == EventType::run_start) {
            m_moduleCode = e.model_code.empty() ? tr("# The run did not send its model's code.")
                                                : QString::fromStdString(e.model_code);
            const QLatin1String tag("# file: ");
            const QString first = m_moduleCode.section(QLatin1Char('\n'), 0, 0);
            m_moduleFile = first.startsWith(tag) ? first.mid(tag.size()) : QString();
            m_lineBar->setVisible(!m_moduleFile.isEmpty() && !m_lineBar->actions().isEmpty());
            m_shownFile.clear();
            m_frame.reset();
            m_failedLine = -1;
            showFile(m_moduleFile);
            highlight();
        } else if (e.type == EventType::paused || e.type == EventType::resumed) {
            // Held at a line of the user's code: that line, in its file; else the module's.
            m_frame = e.type == EventType::paused ? e.frame : nullptr;
            showFile(m_frame ? QString::fromStdString(m_frame->file) : m_moduleFile);
            updateModelTitle();
            highlight();
        } else if (e.type == EventType::error && !e.traceback.empty()) {
            m_failedLine = failedLine(QString::fromStdString(e.traceback));
            highlight();
        }
    }
}

void CodeView::setBreakpoints(const std::vector<BreakpointSpec>& breakpoints) {
    // Their line terms, parsed once (a highlight comes with every hold).
    m_breakpoints.clear();
    for (const BreakpointSpec& b : breakpoints) {
        if (!b.enabled) continue;
        try {
            for (const ConditionTerm& t : parse_condition(b.when).terms)
                if (t.kind == ConditionTerm::Kind::line)
                    m_breakpoints.emplace_back(QString::fromStdString(t.name), int(t.threshold));
        } catch (const ConditionError&) {
        }
    }
    highlight();
}

bool CodeView::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_model->viewport() && event->type() == QEvent::MouseButtonDblClick &&
        !m_shownFile.isEmpty()) {
        const int line = m_model->cursorForPosition(static_cast<QMouseEvent*>(event)->pos())
                             .blockNumber();  // block N is the file's line N
        if (line >= 1) {
            Q_EMIT lineBreakpointToggled(m_shownFile, line);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void CodeView::setLineActions(const QList<QAction*>& actions) {
    m_lineBar->clear();
    m_lineBar->addActions(actions);
}

void CodeView::showFile(const QString& file) {
    const QString shown = file.isEmpty() ? m_moduleFile : file;
    if (shown == m_shownFile && !m_model->document()->isEmpty()) return;
    m_shownFile = shown;
    if (shown.isEmpty() || shown == m_moduleFile) {
        m_model->setPlainText(m_moduleCode);
    } else {
        // Another of the user's own files (a helper the step went into), read from disk with
        // the same "# file:" header, so its line N is the pane's block N.
        QFile f(shown);
        const QString body = f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll())
                                                         : tr("# (cannot read this file)");
        m_model->setPlainText(QStringLiteral("# file: ") + shown + QLatin1Char('\n') + body);
    }
    updateModelTitle();
}

void CodeView::updateModelTitle() {
    if (m_frame) {
        m_modelTitle->setText(tr("<b>Your code</b> — held at %1:%2, in %3")
                                  .arg(QFileInfo(QString::fromStdString(m_frame->file)).fileName())
                                  .arg(m_frame->line)
                                  .arg(QString::fromStdString(m_frame->function).toHtmlEscaped()));
    } else {
        m_modelTitle->setText(tr("<b>Your model</b> — the code the run compiled"));
    }
}

int CodeView::failedLine(const QString& traceback) const {
    // The code of a script's module starts with "# file: PATH"; the traceback's innermost frame
    // in that file is where the user's code failed (a line of the file is a block after it).
    const QString first = m_model->document()->firstBlock().text();
    const QLatin1String tag("# file: ");
    if (!first.startsWith(tag)) return -1;
    const QString frame = QStringLiteral("File \"%1\", line ").arg(first.mid(tag.size()));
    const int at = traceback.lastIndexOf(frame);
    if (at < 0) return -1;
    int end = at + int(frame.size());
    int line = 0;
    while (end < traceback.size() && traceback.at(end).isDigit())
        line = line * 10 + traceback.at(end++).digitValue();
    return line > 0 ? line : -1;  // line N of the file is block N (block 0 is the header)
}

void CodeView::setCurrent(std::optional<Stage> stage, std::optional<bool> stepping) {
    if (stage == m_stage && stepping == m_stepping) return;
    m_stage = stage;
    m_stepping = stepping;
    highlight();
}

void CodeView::highlight() {
    // The listing's line: the current stage's, on the branch this batch takes (training_step is
    // on three lines: the closure's, and the call of the branch that runs it).
    m_highlighted = -1;
    if (m_stage) {
        const int branch = m_stepping ? (*m_stepping ? 2 : 1) : 0;
        for (int i = 0; i < int(m_lines.size()); ++i) {
            const Line& l = m_lines[std::size_t(i)];
            if (l.stage != m_stage) continue;
            if (*m_stage == Stage::training_step && l.branch == 0) {  // the line in the closure
                m_highlighted = i;
                break;
            }
            if (*m_stage != Stage::training_step &&
                (l.branch == 0 || branch == 0 || l.branch == branch)) {
                m_highlighted = i;
                break;
            }
        }
    }
    // The file's line breakpoints (line=NAME:N whose NAME ends its path), marked in red.
    m_breakpointLines.clear();
    QList<QTextEdit::ExtraSelection> marked;
    if (!m_shownFile.isEmpty()) {
        for (const auto& [name, line] : m_breakpoints) {
            if (!(m_shownFile == name || m_shownFile.endsWith(QLatin1Char('/') + name))) continue;
            m_breakpointLines.push_back(line);
            QTextEdit::ExtraSelection s;
            s.format.setBackground(QColor(0xfe, 0xe2, 0xe2));
            s.format.setProperty(QTextFormat::FullWidthSelection, true);
            s.cursor = QTextCursor(m_model->document()->findBlockByNumber(line));
            marked << s;
        }
    }
    auto mark = [&marked, this](QPlainTextEdit* pane, int line, const QColor& color) {
        QList<QTextEdit::ExtraSelection> selections =
            pane == m_model ? marked : QList<QTextEdit::ExtraSelection>();
        if (line >= 0) {
            QTextEdit::ExtraSelection s;
            s.format.setBackground(color);
            s.format.setProperty(QTextFormat::FullWidthSelection, true);
            s.cursor = QTextCursor(pane->document()->findBlockByNumber(line));
            selections << s;
            pane->setTextCursor(s.cursor);
            pane->ensureCursorVisible();
        }
        pane->setExtraSelections(selections);
    };
    mark(m_listing, m_highlighted, QColor(0xcf, 0xe3, 0xff));
    // In the model's code: the line the user's code failed at, else training_step's definition
    // while it runs.
    m_modelHighlighted = -1;
    if (m_failedLine >= 0) {
        m_modelHighlighted = m_failedLine;
        mark(m_model, m_modelHighlighted, QColor(0xfe, 0xca, 0xca));
        return;
    }
    if (m_frame) {  // the line about to run (the pane's block N is the file's line N)
        m_modelHighlighted = int(m_frame->line);
        mark(m_model, m_modelHighlighted, QColor(0xbb, 0xf7, 0xd0));
        m_model->centerCursor();  // with the lines around it
        return;
    }
    if (m_stage == Stage::training_step) {
        for (QTextBlock b = m_model->document()->begin(); b.isValid(); b = b.next())
            if (b.text().trimmed().startsWith(QLatin1String("def training_step"))) {
                m_modelHighlighted = b.blockNumber();
                break;
            }
    }
    mark(m_model, m_modelHighlighted, QColor(0xff, 0xf1, 0xc2));
}

QString CodeView::modelCode() const {
    return m_model->toPlainText();
}

QString CodeView::listingLine(int line) const {
    const QTextBlock block = m_listing->document()->findBlockByNumber(line);
    return block.isValid() ? block.text() : QString();
}

void CodeView::retranslate() {
    updateModelTitle();
    m_listingTitle->setText(tr(
        "<b>What Lightning does for one batch</b> — automatic optimization, in Stepwise's words"));
    fillListing();
}

void CodeView::resizeEvent(QResizeEvent* event) {
    m_split->setOrientation(width() < 760 ? Qt::Vertical : Qt::Horizontal);
    QWidget::resizeEvent(event);
    if (m_frame) m_model->centerCursor();
}

void CodeView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    // A dock tab raised: the held line in the middle of what is seen, once it is laid out.
    if (m_frame)
        QMetaObject::invokeMethod(m_model, &QPlainTextEdit::centerCursor, Qt::QueuedConnection);
}

void CodeView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(event);
}

}  // namespace stepwise::gui
