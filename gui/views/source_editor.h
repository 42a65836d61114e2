#pragma once
// SourceEditor: edits a model in Stepwise's TorchScript source format (.stepwise), with syntax
// highlighting, line numbers, and the engine's compile error marked at its line.

#include <QPlainTextEdit>
#include <QWidget>

class QLabel;
class QToolButton;

namespace stepwise::gui {

class SourceHighlighter;

/// A QPlainTextEdit with a line-number gutter (after Qt's Code Editor example).
class CodeEdit : public QPlainTextEdit {
    Q_OBJECT
  public:
    explicit CodeEdit(QWidget* parent = nullptr);
    int gutterWidth() const;
    void paintGutter(QPaintEvent* event);
    void setErrorLine(int line);  ///< 1-based; 0 clears
    int errorLine() const { return m_errorLine; }

  protected:
    void resizeEvent(QResizeEvent* event) override;

  private:
    void updateGutter(const QRect& rect, int dy);
    void updateSelections();
    QWidget* m_gutter = nullptr;
    int m_errorLine = 0;
};

class SourceEditor : public QWidget {
    Q_OBJECT
  public:
    explicit SourceEditor(QWidget* parent = nullptr);

    /// Shows `text`; `path` is where Save writes (empty: a built-in lesson's source).
    void setSource(const QString& text, const QString& path, const QString& label);
    /// No source to show (a compiled TorchScript model).
    void setNoSource(const QString& why);
    QString text() const;
    QString path() const { return m_path; }
    bool isModified() const;

    /// Marks a compile error from the engine's message ("line L, column C" or "file:L:C:").
    /// Returns false when the message names no location.
    bool showCompileError(const QString& message);
    void clearError();
    int errorLine() const;
    CodeEdit* editor() const { return m_edit; }

    /// Parses "line L, column C" or "<origin>:L:C:" out of an engine message.
    static bool parseLocation(const QString& message, int* line, int* column);

  Q_SIGNALS:
    /// The user wants to run this text; `name` names it in the engine's messages (its file path,
    /// or the lesson's name).
    void applyRequested(const QString& text, const QString& name);
    void saved(const QString& path);

  protected:
    void changeEvent(QEvent* event) override;

  private:
    void retranslate();
    bool save(const QString& path);
    void open();
    void apply();

    CodeEdit* m_edit = nullptr;
    SourceHighlighter* m_highlighter = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_error = nullptr;
    QToolButton* m_openButton = nullptr;
    QToolButton* m_saveButton = nullptr;
    QToolButton* m_applyButton = nullptr;
    QString m_path;
    QString m_label;
};

}  // namespace stepwise::gui
