#pragma once
// Syntax highlighting for Stepwise's TorchScript source format (.stepwise): `param` / `dtype`
// declarations, TorchScript (Python-syntax) methods, numbers, strings and comments.

#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>
#include <vector>

namespace stepwise::gui {

class SourceHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
  public:
    explicit SourceHighlighter(QTextDocument* document);

  protected:
    void highlightBlock(const QString& text) override;

  private:
    struct Rule {
        QRegularExpression pattern;
        QTextCharFormat format;
        int group = 0;
    };
    std::vector<Rule> m_rules;
    QTextCharFormat m_comment;
};

}  // namespace stepwise::gui
