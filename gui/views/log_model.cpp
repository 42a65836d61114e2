#include "log_model.h"

#include <QBrush>
#include <QColor>
#include <QFont>

#include "pipeline_state.h"
#include "text/none_explainer.h"
#include "text/text_tr.h"

namespace stepwise::gui {

LogModel::LogModel(QObject* parent) : QAbstractTableModel(parent) {}

void LogModel::clear() {
    beginResetModel();
    m_entries.clear();
    for (int& c : m_counts) c = 0;
    m_dropped = 0;
    m_serial = 0;
    endResetModel();
}

void LogModel::append(Entry entry, std::vector<Entry>& pending) {
    ++m_counts[int(entry.kind)];
    // Coalesce a repeat of the previous row (same kind and text), unless it is a None record:
    // every None batch keeps its own row.
    Entry* last =
        !pending.empty() ? &pending.back() : (!m_entries.empty() ? &m_entries.back() : nullptr);
    if (last && entry.kind != Kind::noneBatch && last->kind == entry.kind &&
        last->message == entry.message && last->where == entry.where) {
        ++last->repeats;
        last->lastBatchIdx = entry.batchIdx;
        if (last == &m_entries.back() && pending.empty()) {
            const int row = int(m_entries.size()) - 1;
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
        return;
    }
    entry.lastBatchIdx = entry.batchIdx;
    pending.push_back(std::move(entry));
}

void LogModel::flushPending(std::vector<Entry>& pending) {
    if (pending.empty()) return;
    const std::size_t overflow = m_entries.size() + pending.size() > std::size_t(kMaxEntries)
                                     ? m_entries.size() + pending.size() - std::size_t(kMaxEntries)
                                     : 0;
    if (overflow > 0) {
        // Drop in one block (at least a tenth), so a long run does not remove rows every frame.
        const std::size_t drop =
            std::min(m_entries.size(), std::max(overflow, std::size_t(kMaxEntries / 10)));
        if (drop > 0) {
            beginRemoveRows({}, 0, int(drop) - 1);
            m_entries.erase(m_entries.begin(), m_entries.begin() + std::ptrdiff_t(drop));
            m_dropped += std::int64_t(drop);
            endRemoveRows();
        }
        if (pending.size() > std::size_t(kMaxEntries)) {
            m_dropped += std::int64_t(pending.size() - kMaxEntries);
            pending.erase(pending.begin(), pending.end() - kMaxEntries);
        }
    }
    const int first = int(m_entries.size());
    beginInsertRows({}, first, first + int(pending.size()) - 1);
    for (Entry& e : pending) m_entries.push_back(std::move(e));
    endInsertRows();
    pending.clear();
}

void LogModel::applyEvents(const std::vector<Event>& events) {
    std::vector<Entry> pending;
    for (const Event& e : events) {
        Entry entry;
        entry.serial = m_serial;
        entry.epoch = e.epoch;
        entry.batchIdx = e.batch_idx;
        switch (e.type) {
            case EventType::run_start:
                entry.kind = Kind::info;
                entry.serial = -1;
                entry.batchIdx = -1;
                entry.message = tr("Run started: %n batch(es) per epoch", nullptr,
                                   int(e.total_batches_per_epoch));
                append(std::move(entry), pending);
                break;
            case EventType::stage_exit: break;
            case EventType::batch_end:
                if (!e.loss) {
                    entry.kind = Kind::noneBatch;
                    entry.where = QStringLiteral("training_step");
                    entry.message = tr("training_step returned None: %1").arg(explainNoneBatch(e));
                    append(std::move(entry), pending);
                }
                // Batches finish in order: the next one's serial is the count so far.
                ++m_serial;
                break;
            case EventType::warning:
                entry.kind =
                    e.source == "lightning" ? Kind::lightningWarning : Kind::stepwiseWarning;
                entry.where = QString::fromStdString(e.source);
                entry.message = e.source == "lightning"
                                    ? QString::fromStdString(e.message)  // Lightning's, verbatim
                                    : textTr(e.text);
                if (e.batch_idx < 0) entry.serial = -1;
                append(std::move(entry), pending);
                break;
            case EventType::error: {
                entry.kind = Kind::error;
                entry.where = QString::fromUtf8(where_name(e));
                if (e.phase != ErrorPhase::stage) entry.serial = -1;
                entry.message = QString::fromStdString(
                    e.exception_type.empty() ? e.message : e.exception_type + ": " + e.message);
                append(std::move(entry), pending);
                break;
            }
            case EventType::rewound:
                // Where the run went back to: everything after it in the log was undone.
                entry.kind = Kind::info;
                entry.where = QStringLiteral("stepwise");
                entry.message = textTr(e.text);
                append(std::move(entry), pending);
                break;
            case EventType::run_end:
                entry.kind = Kind::info;
                entry.serial = -1;
                entry.batchIdx = -1;
                entry.message = tr("Run ended: %1").arg(runStatusTr(e.status));
                append(std::move(entry), pending);
                break;
            default: break;
        }
    }
    flushPending(pending);
}

int LogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_entries.size());
}

int LogModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString LogModel::kindText(Kind kind) const {
    switch (kind) {
        case Kind::info: return tr("info");
        case Kind::lightningWarning: return tr("Lightning warning");
        case Kind::stepwiseWarning: return tr("Stepwise notice");
        case Kind::noneBatch: return tr("None batch");
        case Kind::error: return tr("error");
    }
    return {};
}

QVariant LogModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= int(m_entries.size())) return {};
    const Entry& e = m_entries[std::size_t(index.row())];
    if (role == SerialRole) return QVariant::fromValue<qlonglong>(e.serial);
    if (role == KindRole) return int(e.kind);
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
            case KindColumn: return kindText(e.kind);
            case WhereColumn: {
                QString pos;
                if (e.batchIdx >= 0) {
                    pos = tr("epoch %1, batch %2").arg(e.epoch).arg(e.batchIdx);
                    if (e.repeats > 1)
                        pos = tr("epoch %1, batches %2–%3")
                                  .arg(e.epoch)
                                  .arg(e.batchIdx)
                                  .arg(e.lastBatchIdx);
                }
                if (!e.where.isEmpty())
                    pos = pos.isEmpty() ? e.where : pos + QStringLiteral(" · ") + e.where;
                return pos;
            }
            case MessageColumn:
                return e.repeats > 1 ? tr("%1 (×%2)").arg(e.message).arg(e.repeats) : e.message;
        }
    }
    if (role == Qt::ForegroundRole) {
        switch (e.kind) {
            case Kind::error: return QBrush(QColor(0xb9, 0x1c, 0x1c));
            case Kind::lightningWarning: return QBrush(QColor(0x92, 0x40, 0x0e));
            case Kind::noneBatch: return QBrush(QColor(0x9a, 0x34, 0x12));
            case Kind::stepwiseWarning: return QBrush(QColor(0x1e, 0x40, 0xaf));
            case Kind::info: return QBrush(QColor(0x4b, 0x55, 0x63));
        }
    }
    if (role == Qt::FontRole && index.column() == KindColumn && e.kind != Kind::info) {
        QFont f;
        f.setBold(true);
        return f;
    }
    return {};
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case KindColumn: return tr("Kind");
        case WhereColumn: return tr("Where");
        case MessageColumn: return tr("Message");
    }
    return {};
}

}  // namespace stepwise::gui
