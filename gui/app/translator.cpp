#include "translator.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

namespace stepwise::gui {

Translator::Translator(QObject* parent) : QObject(parent) {
    m_app = new QTranslator(this);
    m_qt = new QTranslator(this);
}

QString Translator::effectiveLanguage() const {
    if (!m_language.isEmpty()) return m_language;
    const QLocale system = QLocale::system();
    if (system.language() == QLocale::Chinese) return QStringLiteral("zh_CN");
    return QStringLiteral("en");
}

void Translator::setLanguage(const QString& language) {
    m_language = language;
    QCoreApplication::removeTranslator(m_app);
    QCoreApplication::removeTranslator(m_qt);
    const QString effective = effectiveLanguage();
    if (effective == QLatin1String("en")) return;  // the source strings are English
    const QLocale locale(effective);
    // qt_add_translations embeds the .qm files under :/i18n.
    if (m_app->load(QStringLiteral(":/i18n/stepwise_%1.qm").arg(effective)))
        QCoreApplication::installTranslator(m_app);
    if (m_qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                   QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(m_qt);
}

QString Translator::storedLanguage() {
    return QSettings().value(QStringLiteral("language")).toString();
}

void Translator::storeLanguage(const QString& language) {
    QSettings().setValue(QStringLiteral("language"), language);
}

}  // namespace stepwise::gui
