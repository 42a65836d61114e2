#include "exports.h"

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QMenu>
#include <QMessageBox>
#include <fstream>

#include "loss_plot.h"
#include "run_history.h"
#include "stepwise/batch_table.h"
#include "stepwise/tensorboard.h"

namespace stepwise::gui {

namespace {
/// A run's per-batch table, from its history: what both table exports write. Single precision
/// for batches older than the newest RunHistory::kRecentBatches, as the plot has them.
BatchTable batchTable(const RunHistory* history) {
    BatchTable table;
    if (history)
        for (std::size_t i = 0; i < history->batchCount(); ++i) table.add(history->batchRecord(i));
    return table;
}
}  // namespace

Exports::Exports(const RunHistory* history, LossPlot* plot, QWidget* dialogs)
    : QObject(dialogs), m_history(history), m_plot(plot), m_dialogs(dialogs) {
    m_menu = new QMenu(dialogs);
    m_png = m_menu->addAction(QString(), this, [this] {
        exportTo(false, tr("PNG image (*.png)"), QStringLiteral("png"));
    });
    m_pdf = m_menu->addAction(QString(), this, [this] {
        exportTo(false, tr("PDF document (*.pdf)"), QStringLiteral("pdf"));
    });
    m_menu->addSeparator();
    m_csv = m_menu->addAction(QString(), this, [this] {
        exportTo(true, tr("CSV table (*.csv)"), QStringLiteral("csv"));
    });
    m_tensorBoard = m_menu->addAction(QString(), this, &Exports::chooseTensorBoardRoot);
    retranslate();
}

void Exports::setComparison(const RunHistory* other, const QString& nameA, const QString& nameB) {
    m_other = other;
    m_nameA = nameA;
    m_nameB = nameB;
}

void Exports::retranslate() {
    m_menu->setTitle(tr("&Export"));
    m_png->setText(tr("Plot as &PNG image…"));
    m_pdf->setText(tr("Plot as P&DF document…"));
    m_csv->setText(tr("Per-batch table (&CSV)…"));
    m_tensorBoard->setText(tr("&TensorBoard event files…"));
    m_tensorBoard->setToolTip(
        tr("The scalars Lightning's TensorBoardLogger writes when training_step logs its loss and "
           "extras, "
           "in a new version_N directory of the log directory you choose"));
}

void Exports::exportTo(bool table, const QString& filter, const QString& suffix) {
    QString path = QFileDialog::getSaveFileName(
        m_dialogs, table ? tr("Export the per-batch table") : tr("Export plot"),
        (table ? QStringLiteral("batches.") : QStringLiteral("loss.")) + suffix, filter);
    if (path.isEmpty()) return;
    if (!path.endsWith(QLatin1Char('.') + suffix)) path += QLatin1Char('.') + suffix;
    const bool written = suffix == QLatin1String("png")   ? m_plot->exportPng(path)
                         : suffix == QLatin1String("pdf") ? m_plot->exportPdf(path)
                                                          : exportCsv(path);
    if (!written)
        QMessageBox::warning(m_dialogs, tr("Export"),
                             tr("Could not write %1.").arg(QDir::toNativeSeparators(path)));
}

void Exports::chooseTensorBoardRoot() {
    const QString root = QFileDialog::getExistingDirectory(
        m_dialogs, tr("Export TensorBoard event files into a log directory"), QDir::currentPath());
    if (root.isEmpty()) return;
    const TensorBoardExport result = exportTensorBoard(root);
    if (result.directory.isEmpty()) {
        QMessageBox::warning(m_dialogs, tr("Export"), result.error);
        return;
    }
    QMessageBox::information(
        m_dialogs, tr("Export"),
        tr("Wrote %1.\nSee it beside your Lightning runs with: tensorboard --logdir %2")
            .arg(QDir::toNativeSeparators(result.directory), QDir::toNativeSeparators(root)));
}

bool Exports::exportCsv(const QString& path) const {
    std::ofstream out(QFile::encodeName(path).toStdString(), std::ios::binary | std::ios::trunc);
    if (!out) return false;
    if (m_other)
        BatchTable::write_comparison_csv(out, m_nameA.toStdString(), batchTable(m_history),
                                         m_nameB.toStdString(), batchTable(m_other));
    else
        batchTable(m_history).write_csv(out);
    out.flush();
    return bool(out);
}

Exports::TensorBoardExport Exports::exportTensorBoard(const QString& root) const {
    try {
        TensorBoardWriter writer(QFile::encodeName(root).toStdString());
        // TensorBoard keeps floats: the history's precision loses nothing.
        writer.write(batchTable(m_history));
        return {QFile::decodeName(writer.directory().c_str()), {}};
    } catch (const TensorBoardError& e) {
        return {{}, QString::fromStdString(e.what())};
    }
}

}  // namespace stepwise::gui
