#include "source_highlighter.h"

namespace stepwise::gui {

namespace {
QTextCharFormat charFormat(const QColor& color, bool bold = false, bool italic = false) {
    QTextCharFormat f;
    f.setForeground(color);
    if (bold) f.setFontWeight(QFont::Bold);
    f.setFontItalic(italic);
    return f;
}
}  // namespace

SourceHighlighter::SourceHighlighter(QTextDocument* document) : QSyntaxHighlighter(document) {
    const QString keywords = QStringLiteral(
        "\\b(def|return|if|elif|else|for|while|in|not|and|or|is|pass|break|continue|assert|raise|"
        "lambda|with|as)\\b");
    m_rules.push_back({QRegularExpression(keywords), charFormat(QColor(0x7c, 0x3a, 0xed), true)});
    m_rules.push_back({QRegularExpression(QStringLiteral("\\b(None|True|False|self)\\b")),
                       charFormat(QColor(0xb4, 0x53, 0x09))});
    m_rules.push_back({QRegularExpression(QStringLiteral(
                           "\\b(Tensor|Tuple|List|Dict|Optional|int|float|bool|str)\\b")),
                       charFormat(QColor(0x0e, 0x74, 0x90))});
    m_rules.push_back({QRegularExpression(QStringLiteral("\\b(torch|F)\\.[A-Za-z_][A-Za-z0-9_]*")),
                       charFormat(QColor(0x1d, 0x4e, 0xd8))});
    m_rules.push_back({QRegularExpression(QStringLiteral("\\bdef\\s+([A-Za-z_][A-Za-z0-9_]*)")),
                       charFormat(QColor(0x04, 0x78, 0x57), true), 1});
    // Stepwise's own declarations, at column 0.
    m_rules.push_back({QRegularExpression(QStringLiteral("^(param|dtype)\\b")),
                       charFormat(QColor(0xbe, 0x12, 0x3c), true)});
    m_rules.push_back({QRegularExpression(QStringLiteral(
                           "\\b(zeros|ones|constant|uniform|normal|linear|float32|float64)\\b")),
                       charFormat(QColor(0xbe, 0x12, 0x3c))});
    m_rules.push_back(
        {QRegularExpression(QStringLiteral("\\b[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?\\b")),
         charFormat(QColor(0x0f, 0x76, 0x6e))});
    m_rules.push_back({QRegularExpression(QStringLiteral("\"[^\"]*\"|'[^']*'")),
                       charFormat(QColor(0x15, 0x80, 0x3d))});
    m_comment = charFormat(QColor(0x6b, 0x72, 0x80), false, true);
}

void SourceHighlighter::highlightBlock(const QString& text) {
    for (const Rule& rule : m_rules) {
        auto it = rule.pattern.globalMatch(text);
        while (it.hasNext()) {
            const auto match = it.next();
            setFormat(int(match.capturedStart(rule.group)), int(match.capturedLength(rule.group)),
                      rule.format);
        }
    }
    // A comment runs to the end of the line, unless the '#' sits inside a string.
    bool inString = false;
    QChar quote;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (inString) {
            if (c == quote) inString = false;
        } else if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            inString = true;
            quote = c;
        } else if (c == QLatin1Char('#')) {
            setFormat(i, int(text.size()) - i, m_comment);
            break;
        }
    }
}

}  // namespace stepwise::gui
