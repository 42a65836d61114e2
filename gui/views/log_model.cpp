#include "log_model.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <algorithm>

#include "run_history.h"
#include "text/none_explainer.h"
#include "text/text_tr.h"

namespace stepwise::gui {

LogModel::LogModel(const RunHistory* history, QObject* parent)
    : QAbstractTableModel(parent), m_history(history) {}

void LogModel::clear() {
    beginResetModel();
    m_rows.clear();
    for (int& c : m_counts) c = 0;
    m_dropped = 0;
    m_generation = m_history ? m_history->generation() : 0;
    m_logTaken = 0;
    m_batchesTaken = 0;
    m_startTaken = m_endTaken = false;
    m_lastWhere.clear();
    m_lastMessage.clear();
    endResetModel();
}

const Event* LogModel::logEvent(std::uint64_t index) const {
    const std::uint64_t dropped = m_history->droppedLogEvents();
    if (index < dropped || index - dropped >= m_history->logEvents().size()) return nullptr;
    return &m_history->logEvents()[std::size_t(index - dropped)];
}

void LogModel::refresh() {
    if (!m_history) return;
    const RunHistory& h = *m_history;
    if (h.generation() != m_generation) clear();  // started over, or cut back: all of it again
    std::vector<Row> pending;
    if (!m_startTaken && h.runStart()) {
        m_startTaken = true;
        takeIn({From::runStart, Kind::info, 1, 0, 0, -1}, pending);
    }
    // The log and the None batches in the order they came: a log event after k batches had
    // ended goes after the row of batch k - 1, and one of a later frame after every batch
    // taken in already.
    const std::uint64_t dropped = h.droppedLogEvents();
    const std::uint64_t logEnd = dropped + h.logEvents().size();
    const std::size_t batches = h.batchCount();
    const std::size_t takenBefore = m_batchesTaken;
    std::size_t serial = m_batchesTaken;
    auto takeBatchesUpTo = [&](std::size_t end) {
        for (; serial < end; ++serial)
            if (!h.hasLoss(serial))
                takeIn({From::batch, Kind::noneBatch, 1, serial, serial, std::int64_t(serial)},
                       pending);
    };
    for (std::uint64_t i = std::max(m_logTaken, dropped); i < logEnd; ++i) {
        const Event& e = h.logEvents()[std::size_t(i - dropped)];
        takeBatchesUpTo(std::max(takenBefore, std::min(batches, h.batchesBefore(e.seq))));
        Row row{From::log, Kind::info, 1, i, i, std::int64_t(serial)};
        if (e.type == EventType::warning) {
            row.kind = e.source == "lightning" ? Kind::lightningWarning : Kind::stepwiseWarning;
            if (e.batch_idx < 0) row.serial = -1;
        } else if (e.type == EventType::error) {
            row.kind = Kind::error;
            if (e.phase != ErrorPhase::stage) row.serial = -1;
        }  // else rewound: where the run went back to (everything after it was undone)
        takeIn(row, pending);
    }
    takeBatchesUpTo(batches);
    m_logTaken = logEnd;
    m_batchesTaken = batches;
    if (!m_endTaken && h.runEnd()) {
        m_endTaken = true;
        takeIn({From::runEnd, Kind::info, 1, 0, 0, -1}, pending);
    }
    flushPending(pending);
    dropForgotten();
}

void LogModel::takeIn(Row row, std::vector<Row>& pending) {
    ++m_counts[int(row.kind)];
    // Coalesce a repeat of the previous row (same kind and text), unless it is a None record:
    // every None batch keeps its own row.
    Row* last = !pending.empty() ? &pending.back() : (!m_rows.empty() ? &m_rows.back() : nullptr);
    if (row.kind == Kind::noneBatch) {
        pending.push_back(row);
        return;
    }
    const Entry e = word(row);
    if (last && last->kind == row.kind && m_lastMessage == e.message && m_lastWhere == e.where) {
        ++last->repeats;
        last->last = row.last;
        if (last == &m_rows.back() && pending.empty()) {
            const int index = int(m_rows.size()) - 1;
            Q_EMIT dataChanged(this->index(index, 0), this->index(index, ColumnCount - 1));
        }
        return;
    }
    m_lastWhere = e.where;
    m_lastMessage = e.message;
    pending.push_back(row);
}

void LogModel::flushPending(std::vector<Row>& pending) {
    if (pending.empty()) return;
    const std::size_t overflow = m_rows.size() + pending.size() > std::size_t(kMaxEntries)
                                     ? m_rows.size() + pending.size() - std::size_t(kMaxEntries)
                                     : 0;
    if (overflow > 0) {
        // Drop in one block (at least a tenth), so a long run does not remove rows every frame.
        const std::size_t drop =
            std::min(m_rows.size(), std::max(overflow, std::size_t(kMaxEntries / 10)));
        if (drop > 0) {
            beginRemoveRows({}, 0, int(drop) - 1);
            m_rows.erase(m_rows.begin(), m_rows.begin() + std::ptrdiff_t(drop));
            m_dropped += std::int64_t(drop);
            endRemoveRows();
        }
        if (pending.size() > std::size_t(kMaxEntries)) {
            m_dropped += std::int64_t(pending.size() - kMaxEntries);
            pending.erase(pending.begin(), pending.end() - kMaxEntries);
        }
    }
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(pending.size()) - 1);
    m_rows.insert(m_rows.end(), pending.begin(), pending.end());
    endInsertRows();
    pending.clear();
}

void LogModel::dropForgotten() {
    const std::uint64_t dropped = m_history->droppedLogEvents();
    std::size_t forgotten = 0;  // rows up to the last one whose events are all gone
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        const Row& r = m_rows[i];
        if (r.from == From::log && r.last >= dropped) break;
        if (r.from == From::log) forgotten = i + 1;
    }
    if (forgotten == 0) return;
    beginRemoveRows({}, 0, int(forgotten) - 1);
    m_rows.erase(m_rows.begin(), m_rows.begin() + std::ptrdiff_t(forgotten));
    m_dropped += std::int64_t(forgotten);
    endRemoveRows();
}

LogModel::Entry LogModel::entry(int row) const {
    return word(m_rows.at(std::size_t(row)));
}

LogModel::Entry LogModel::word(const Row& r) const {
    Entry entry;
    entry.kind = r.kind;
    entry.repeats = r.repeats;
    entry.serial = r.serial;
    if (!m_history) return entry;
    switch (r.from) {
        case From::runStart:
            if (const Event* start = m_history->runStart())
                entry.message = tr("Run started: %n batch(es) per epoch", nullptr,
                                   int(start->total_batches_per_epoch));
            break;
        case From::runEnd:
            if (const Event* end = m_history->runEnd())
                entry.message = tr("Run ended: %1").arg(runStatusTr(end->status));
            break;
        case From::batch: {
            if (r.first >= m_history->batchCount()) break;  // cut back since
            const Event batch = m_history->batchRecord(std::size_t(r.first));
            entry.epoch = batch.epoch;
            entry.batchIdx = entry.lastBatchIdx = batch.batch_idx;
            entry.where = QStringLiteral("training_step");
            entry.message = tr("training_step returned None: %1").arg(explainNoneBatch(batch));
            break;
        }
        case From::log: {
            const Event* last = logEvent(r.last);
            const Event* first = logEvent(r.first);
            if (!first) first = last;  // the older ones of a coalesced row were dropped
            if (!first) break;
            const Event& e = *first;
            entry.epoch = e.epoch;
            entry.batchIdx = e.batch_idx;
            entry.lastBatchIdx = last->batch_idx;
            if (e.type == EventType::warning) {
                entry.where = QString::fromStdString(e.source);
                entry.message = e.source == "lightning"
                                    ? QString::fromStdString(e.message)  // Lightning's, verbatim
                                    : textTr(e.text);
            } else if (e.type == EventType::error) {
                entry.where = QString::fromUtf8(where_name(e));
                entry.message = QString::fromStdString(
                    e.exception_type.empty() ? e.message : e.exception_type + ": " + e.message);
                entry.traceback = QString::fromStdString(e.traceback);
            } else {
                entry.where = QStringLiteral("stepwise");
                entry.message = textTr(e.text);
            }
            break;
        }
    }
    if (r.from == From::runStart || r.from == From::runEnd) entry.batchIdx = -1;
    return entry;
}

int LogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
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
    if (!index.isValid() || index.row() >= int(m_rows.size())) return {};
    const Row& row = m_rows[std::size_t(index.row())];
    if (role == SerialRole) return QVariant::fromValue<qlonglong>(row.serial);
    if (role == KindRole) return int(row.kind);
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        if (index.column() == KindColumn) return kindText(row.kind);
        const Entry e = entry(index.row());
        switch (index.column()) {
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
                if (role == Qt::ToolTipRole && !e.traceback.isEmpty()) return e.traceback;
                return e.repeats > 1 ? tr("%1 (×%2)").arg(e.message).arg(e.repeats) : e.message;
        }
    }
    if (role == Qt::ForegroundRole) {
        switch (row.kind) {
            case Kind::error: return QBrush(QColor(0xb9, 0x1c, 0x1c));
            case Kind::lightningWarning: return QBrush(QColor(0x92, 0x40, 0x0e));
            case Kind::noneBatch: return QBrush(QColor(0x9a, 0x34, 0x12));
            case Kind::stepwiseWarning: return QBrush(QColor(0x1e, 0x40, 0xaf));
            case Kind::info: return QBrush(QColor(0x4b, 0x55, 0x63));
        }
    }
    if (role == Qt::FontRole && index.column() == KindColumn && row.kind != Kind::info) {
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
