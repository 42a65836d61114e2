#pragma once
// Translator: installs Stepwise's and Qt's own translations. The language follows the system
// locale unless the user chose one (stored in QSettings under "language").

#include <QObject>
#include <QString>

class QTranslator;

namespace stepwise::gui {

class Translator : public QObject {
    Q_OBJECT
  public:
    explicit Translator(QObject* parent = nullptr);

    /// "" (follow the system), "en" or "zh_CN". Installs the translators; widgets receive
    /// QEvent::LanguageChange and retranslate themselves.
    void setLanguage(const QString& language);
    QString language() const { return m_language; }
    /// The language in effect ("en" or "zh_CN").
    QString effectiveLanguage() const;
    static QStringList availableLanguages() {
        return {QStringLiteral("en"), QStringLiteral("zh_CN")};
    }
    /// The stored choice ("" when the user never chose).
    static QString storedLanguage();
    static void storeLanguage(const QString& language);

  private:
    QTranslator* m_app = nullptr;
    QTranslator* m_qt = nullptr;
    QString m_language;
};

}  // namespace stepwise::gui
