// MainWindow, continued: what the window opens — lessons, files, recorded traces, remote runs —
// and the recent-files menu. The rest (building and wiring the views) is in main_window.cpp.

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>

#include "attach_dialog.h"
#include "comparison.h"
#include "main_window.h"
#include "remote_link.h"
#include "stepwise/lessons.h"
#include "stepwise/replay_link.h"
#include "stepwise/trace.h"
#include "stepwise/wire.h"
#include "text/lesson_texts.h"

namespace stepwise::gui {

namespace {
/// A lesson's config, its relative paths resolved against the working folder.
RunConfig lessonConfig(const Lesson& lesson) {
    RunConfig config =
        parse_run_config(lesson.config_json, QDir::currentPath().toStdString(), lesson.name);
    config.base_dir = QDir::currentPath().toStdString();
    return config;
}

RunConfig defaultConfig() {
    return lessonConfig(default_lesson());
}
}  // namespace

void MainWindow::openDefault() {
    openLesson(QString::fromStdString(default_lesson().name));
}

void MainWindow::openLesson(const QString& name) {
    const Lesson* lesson = find_lesson(name.toStdString());
    if (!lesson) return;
    try {
        if (!lesson->compare_config_json.empty()) {
            // A comparison preset: its config is run A's, and it names run B's.
            RunConfig b =
                parse_run_config(lesson->compare_config_json, QDir::currentPath().toStdString(),
                                 lesson->name + " (run B)");
            b.base_dir = QDir::currentPath().toStdString();
            startComparison(lessonConfig(*lesson), b, lessonRunName(lesson->compare_a),
                            lessonRunName(lesson->compare_b));
            return;
        }
        startConfig(lessonConfig(*lesson));
    } catch (const ConfigError& error) {
        QMessageBox::warning(this, tr("Cannot open lesson"), QString::fromStdString(error.what()));
    }
}

bool MainWindow::openTrace(const QString& path) {
    const QFileInfo info(path);
    TraceContents trace = read_trace_file(info.absoluteFilePath().toStdString());
    if (trace.events.empty()) {
        QMessageBox::warning(this, tr("Cannot open %1").arg(info.fileName()),
                             trace.error.empty() ? tr("The trace holds no events.")
                                                 : QString::fromStdString(trace.error));
        return false;
    }
    if (!trace.error.empty())  // cut short (a crash while recording): replay what is there
        QMessageBox::information(
            this, tr("Trace cut short"),
            tr("Replaying the %1 events before the point where the trace stops:\n%2")
                .arg(trace.events.size())
                .arg(QString::fromStdString(trace.error)));
    m_comparison->end();  // a recorded run has nothing to keep step with
    m_controller->open(std::make_unique<ReplayLink>(std::move(trace.events)));
    addRecent(info.absoluteFilePath());
    setOpened(Opened::replay, info.fileName());
    return true;
}

bool MainWindow::attach(const QString& address, const QString& token) {
    HostPort at;
    try {
        at = parse_host_port(address.trimmed().toStdString());
    } catch (const std::exception& error) {
        QMessageBox::warning(this, tr("Cannot attach"), QString::fromUtf8(error.what()));
        return false;
    }
    m_comparison->end();
    m_controller->open(
        std::make_unique<RemoteLink>(QString::fromStdString(at.host), at.port, token.trimmed()));
    setOpened(Opened::attached, address.trimmed());
    return true;
}

void MainWindow::chooseRunToAttach() {
    AttachDialog dialog(this);
    if (dialog.exec() == QDialog::Accepted) attach(dialog.address(), dialog.token());
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls() && event->mimeData()->urls().first().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QString path = event->mimeData()->urls().first().toLocalFile();
    event->acceptProposedAction();
    openPath(path);
}

bool MainWindow::openPath(const QString& path) {
    const QFileInfo info(path);
    if (info.suffix() == QLatin1String("jsonl")) return openTrace(path);
    try {
        RunConfig config;
        if (info.suffix() == QLatin1String("json")) {
            config = load_run_config(info.absoluteFilePath().toStdString());
        } else if (info.suffix() == QLatin1String("py")) {
            // The user's own training script: its Trainer.fit is the run.
            if (!info.isFile())
                throw std::runtime_error(tr("%1: no such script").arg(path).toStdString());
            config = defaultConfig();
            config.model.kind = ModelSpec::Kind::script;
            config.model.path = info.absoluteFilePath().toStdString();
            config.model.lesson.clear();
        } else {
            config = defaultConfig();
            config.model.kind = info.suffix() == QLatin1String("stepwise")
                                    ? ModelSpec::Kind::source
                                    : ModelSpec::Kind::torchscript;
            config.model.path = info.absoluteFilePath().toStdString();
            config.model.lesson.clear();
        }
        startConfig(config);
        if (info.suffix() == QLatin1String("json"))  // the config names the run, not its model
            setOpened(Opened::file, info.fileName());
        addRecent(info.absoluteFilePath());
        return true;
    } catch (const std::exception& error) {
        QMessageBox::warning(this, tr("Cannot open %1").arg(info.fileName()),
                             QString::fromStdString(error.what()));
        if (!m_controller->hasSession()) startConfig(defaultConfig());
        return false;
    }
}

void MainWindow::chooseFileToOpen() {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open"), m_recent.isEmpty() ? QString() : QFileInfo(m_recent.first()).path(),
        tr("Stepwise files (*.json *.py *.pt *.stepwise *.jsonl);;Run configs (*.json);;Lightning "
           "scripts (*.py);;TorchScript modules (*.pt);;Stepwise sources (*.stepwise);;Recorded "
           "runs (*.jsonl);;All files (*)"));
    if (!path.isEmpty()) openPath(path);
}

void MainWindow::addRecent(const QString& path) {
    m_recent.removeAll(path);
    m_recent.prepend(path);
    while (m_recent.size() > 10) m_recent.removeLast();
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    m_recentMenu->clear();
    for (const QString& path : std::as_const(m_recent))
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openPath(path); })
            ->setToolTip(path);
    m_recentMenu->setEnabled(!m_recent.isEmpty());
}

}  // namespace stepwise::gui
