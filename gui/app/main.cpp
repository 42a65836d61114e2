// stepwise: the desktop inspector. `stepwise [CONFIG.json | model.pt | file.stepwise]`.

#include <QApplication>
#include <QCommandLineParser>
#include <QScreen>

#include "comparison.h"
#include "main_window.h"
#include "stepwise/local_link.h"
#include "stepwise/shadow_run.h"
#include "stepwise/version.h"
#include "translator.h"

#if STEPWISE_WITH_PYTHON
#include "script_link.h"
#endif

namespace {
/// `stepwise --help` and `--version` must work on a machine without a display (CI, ssh).
void allowHeadlessInfo(int argc, char* argv[]) {
    if (qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY") ||
        qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        return;
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "--help" || arg == "-h" || arg == "--version" || arg == "-v" ||
            arg == "--help-all")
            qputenv("QT_QPA_PLATFORM", "offscreen");
    }
}
}  // namespace

int main(int argc, char* argv[]) {
    allowHeadlessInfo(argc, argv);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Stepwise"));
    QApplication::setApplicationName(QStringLiteral("stepwise"));
    QApplication::setApplicationVersion(QString::fromLatin1(stepwise::version()));

    // The translator goes in before the first widget exists.
    stepwise::gui::Translator translator;
    translator.setLanguage(stepwise::gui::Translator::storedLanguage());

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main",
        "Steps a training loop the way PyTorch Lightning's automatic optimization runs it."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("file"),
        QCoreApplication::translate("main",
                                    "A run config (.json), your Lightning training script (.py), "
                                    "a TorchScript module (.pt) or a Stepwise source (.stepwise). "
                                    "Default: the built-in lesson."));
    const QCommandLineOption attachOption(
        QStringLiteral("attach"),
        QCoreApplication::translate(
            "main", "Attach to a run served by stepwise-run --listen at HOST:PORT."),
        QStringLiteral("HOST:PORT"));
    const QCommandLineOption tokenOption(
        QStringLiteral("token"),
        QCoreApplication::translate("main",
                                    "The token stepwise-run printed (default: $STEPWISE_TOKEN)."),
        QStringLiteral("TOKEN"));
    parser.addOption(attachOption);
    parser.addOption(tokenOption);
    parser.process(app);

    stepwise::gui::MainWindow window(&translator);
    // A script's run goes through the Python host; it has no parity meter yet (its shadow run
    // would run the script a second time in the same interpreter).
    window.controller()->setLocalLinkFactory(
        [](const stepwise::RunConfig& config) -> std::unique_ptr<stepwise::SessionLink> {
#if STEPWISE_WITH_PYTHON
            if (config.model.kind == stepwise::ModelSpec::Kind::script)
                return stepwise::python::make_script_link(config);
#endif
            return stepwise::make_local_link(config);
        });
    window.controller()->setParityFactory(
        [](const stepwise::RunConfig& config) -> std::unique_ptr<stepwise::ParityReference> {
            if (config.model.kind == stepwise::ModelSpec::Kind::script) return nullptr;
            return stepwise::make_shadow_run(config);
        });
    window.comparison()->setPairFactory(&stepwise::make_local_link_pair);
    window.comparison()->setForkFactory(&stepwise::make_local_fork_link);
    if (window.restoredLayout()) {
        window.show();
    } else if (const QScreen* screen = QGuiApplication::primaryScreen()) {
        // First start: the whole free screen, with a layout that suits its size.
        window.fitToScreen(screen->availableGeometry());
        window.showMaximized();
    } else {
        window.show();
    }
    const QStringList files = parser.positionalArguments();
    if (parser.isSet(attachOption)) {
        const QString token = parser.isSet(tokenOption) ? parser.value(tokenOption)
                                                        : qEnvironmentVariable("STEPWISE_TOKEN");
        if (window.attach(parser.value(attachOption), token)) return QApplication::exec();
    }
    if (files.isEmpty() || !window.openPath(files.first()))
        if (!window.controller()->hasSession()) window.openDefault();
    return QApplication::exec();
}
