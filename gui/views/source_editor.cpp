#include "source_editor.h"

#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QRegularExpression>
#include <QTextBlock>
#include <QToolButton>
#include <QVBoxLayout>

#include "source_highlighter.h"

namespace stepwise::gui {

namespace {
class Gutter : public QWidget {
  public:
    explicit Gutter(CodeEdit* edit) : QWidget(edit), m_edit(edit) {}
    QSize sizeHint() const override { return {m_edit->gutterWidth(), 0}; }

  protected:
    void paintEvent(QPaintEvent* event) override { m_edit->paintGutter(event); }

  private:
    CodeEdit* m_edit;
};
}  // namespace

CodeEdit::CodeEdit(QWidget* parent) : QPlainTextEdit(parent) {
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    setFont(mono);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setTabStopDistance(fontMetrics().horizontalAdvance(QLatin1Char(' ')) * 4);
    m_gutter = new Gutter(this);
    connect(this, &QPlainTextEdit::blockCountChanged, this,
            [this] { setViewportMargins(gutterWidth(), 0, 0, 0); });
    connect(this, &QPlainTextEdit::updateRequest, this, &CodeEdit::updateGutter);
    setViewportMargins(gutterWidth(), 0, 0, 0);
}

int CodeEdit::gutterWidth() const {
    int digits = 2;
    for (int max = std::max(1, blockCount()); max >= 10; max /= 10) ++digits;
    return 14 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * digits;
}

void CodeEdit::updateGutter(const QRect& rect, int dy) {
    if (dy)
        m_gutter->scroll(0, dy);
    else
        m_gutter->update(0, rect.y(), m_gutter->width(), rect.height());
}

void CodeEdit::resizeEvent(QResizeEvent* event) {
    QPlainTextEdit::resizeEvent(event);
    const QRect r = contentsRect();
    m_gutter->setGeometry(QRect(r.left(), r.top(), gutterWidth(), r.height()));
}

void CodeEdit::paintGutter(QPaintEvent* event) {
    QPainter p(m_gutter);
    p.fillRect(event->rect(), QColor(0xf3, 0xf4, 0xf6));
    QTextBlock block = firstVisibleBlock();
    int number = block.blockNumber();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    int bottom = top + qRound(blockBoundingRect(block).height());
    while (block.isValid() && top <= event->rect().bottom()) {
        if (block.isVisible() && bottom >= event->rect().top()) {
            const bool error = number + 1 == m_errorLine;
            if (error)
                p.fillRect(QRect(0, top, m_gutter->width(), bottom - top),
                           QColor(0xfe, 0xca, 0xca));
            p.setPen(error ? QColor(0xb9, 0x1c, 0x1c) : QColor(0x9c, 0xa3, 0xaf));
            p.drawText(0, top, m_gutter->width() - 6, fontMetrics().height(), Qt::AlignRight,
                       QString::number(number + 1));
        }
        block = block.next();
        top = bottom;
        bottom = top + qRound(blockBoundingRect(block).height());
        ++number;
    }
}

void CodeEdit::setErrorLine(int line) {
    m_errorLine = line;
    updateSelections();
    m_gutter->update();
}

void CodeEdit::updateSelections() {
    QList<QTextEdit::ExtraSelection> selections;
    if (m_errorLine > 0) {
        QTextEdit::ExtraSelection sel;
        sel.format.setBackground(QColor(0xfe, 0xe2, 0xe2));
        sel.format.setProperty(QTextFormat::FullWidthSelection, true);
        sel.cursor = QTextCursor(document()->findBlockByNumber(m_errorLine - 1));
        selections << sel;
    }
    setExtraSelections(selections);
}

SourceEditor::SourceEditor(QWidget* parent) : QWidget(parent) {
    m_edit = new CodeEdit(this);
    m_edit->setObjectName(QStringLiteral("sourceEdit"));
    m_highlighter = new SourceHighlighter(m_edit->document());
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("sourceTitle"));
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("sourceError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(
        QStringLiteral("QLabel { background: #fee2e2; color: #991b1b; border: 1px solid #fca5a5;"
                       " border-radius: 4px; padding: 6px; font-family: monospace; }"));
    m_error->hide();
    m_openButton = new QToolButton(this);
    m_saveButton = new QToolButton(this);
    m_applyButton = new QToolButton(this);
    m_applyButton->setObjectName(QStringLiteral("sourceApply"));
    m_applyButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    connect(m_openButton, &QToolButton::clicked, this, &SourceEditor::open);
    connect(m_saveButton, &QToolButton::clicked, this, [this] {
        QString path = m_path;
        if (path.isEmpty())
            path = QFileDialog::getSaveFileName(this, tr("Save source"),
                                                m_label + QStringLiteral(".stepwise"),
                                                tr("Stepwise source (*.stepwise)"));
        if (!path.isEmpty()) save(path);
    });
    connect(m_applyButton, &QToolButton::clicked, this, &SourceEditor::apply);

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_title, 1);
    bar->addWidget(m_openButton);
    bar->addWidget(m_saveButton);
    bar->addWidget(m_applyButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_error);
    retranslate();
}

void SourceEditor::retranslate() {
    m_openButton->setText(tr("Open…"));
    m_saveButton->setText(tr("Save"));
    m_applyButton->setText(tr("Run this source"));
    m_applyButton->setToolTip(
        tr("Restart the session with this text as the model (the file is not saved)"));
    if (!m_label.isEmpty())
        m_title->setText(
            tr("<b>%1</b>%2")
                .arg(m_label.toHtmlEscaped(), isModified() ? tr(" (modified)") : QString()));
}

void SourceEditor::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QWidget::changeEvent(event);
}

void SourceEditor::setSource(const QString& text, const QString& path, const QString& label) {
    m_path = path;
    m_label = label;
    m_edit->setReadOnly(false);
    if (m_edit->toPlainText() != text) m_edit->setPlainText(text);
    m_edit->document()->setModified(false);
    clearError();
    retranslate();
}

void SourceEditor::setNoSource(const QString& why) {
    m_path.clear();
    m_label = why;
    m_edit->setPlainText(QString());
    m_edit->setReadOnly(true);
    clearError();
    retranslate();
}

QString SourceEditor::text() const {
    return m_edit->toPlainText();
}
bool SourceEditor::isModified() const {
    return m_edit->document()->isModified();
}
int SourceEditor::errorLine() const {
    return m_edit->errorLine();
}

bool SourceEditor::parseLocation(const QString& message, int* line, int* column) {
    static const QRegularExpression words(QStringLiteral("line (\\d+), column (\\d+)"));
    static const QRegularExpression colons(QStringLiteral(":(\\d+):(\\d+):"));
    for (const QRegularExpression* re : {&words, &colons}) {
        const auto match = re->match(message);
        if (match.hasMatch()) {
            *line = match.captured(1).toInt();
            *column = match.captured(2).toInt();
            return true;
        }
    }
    return false;
}

bool SourceEditor::showCompileError(const QString& message) {
    int line = 0;
    int column = 0;
    m_error->setText(message.trimmed());
    m_error->show();
    if (!parseLocation(message, &line, &column)) {
        m_edit->setErrorLine(0);
        return false;
    }
    m_edit->setErrorLine(line);
    QTextCursor cursor(m_edit->document()->findBlockByNumber(line - 1));
    cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor, std::max(0, column - 1));
    m_edit->setTextCursor(cursor);
    m_edit->centerCursor();
    return true;
}

void SourceEditor::clearError() {
    m_error->hide();
    m_error->clear();
    m_edit->setErrorLine(0);
}

bool SourceEditor::save(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
        m_error->setText(tr("Cannot write %1: %2").arg(path, file.errorString()));
        m_error->show();
        return false;
    }
    file.write(m_edit->toPlainText().toUtf8());
    m_path = path;
    m_label = QFileInfo(path).fileName();
    m_edit->document()->setModified(false);
    retranslate();
    Q_EMIT saved(path);
    return true;
}

void SourceEditor::open() {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open source"), QFileInfo(m_path).path(),
                                     tr("Stepwise source (*.stepwise);;All files (*)"));
    if (path.isEmpty()) return;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) return;
    setSource(QString::fromUtf8(file.readAll()), path, QFileInfo(path).fileName());
}

void SourceEditor::apply() {
    // The engine compiles the text itself (ModelSpec::inline_source): no file needed, and a
    // built-in lesson's source is never changed in place.
    clearError();
    const QString name = m_path.isEmpty() ? m_label + QStringLiteral(".stepwise") : m_path;
    Q_EMIT applyRequested(m_edit->toPlainText(), name);
}

}  // namespace stepwise::gui
