#pragma once
// LogModel: warnings, errors and Stepwise's per-batch record of every batch that returned None.
// Bounded: at most kMaxEntries rows, the oldest dropped first; a message repeated on consecutive
// batches (e.g. a NaN loss every batch) is coalesced into one row with a count.

#include <QAbstractTableModel>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "stepwise/events.h"

namespace stepwise::gui {

class LogModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum class Kind { info, lightningWarning, stepwiseWarning, noneBatch, error };
    enum Column { KindColumn, WhereColumn, MessageColumn, ColumnCount };
    enum Role { SerialRole = Qt::UserRole + 1, KindRole };
    static constexpr int kMaxEntries = 20000;

    struct Entry {
        Kind kind = Kind::info;
        std::int64_t serial = -1;  ///< run-wide batch serial, -1 when not about a batch
        std::int64_t epoch = 0;
        std::int64_t batchIdx = -1;
        std::int64_t lastBatchIdx = -1;  ///< coalesced rows: the last batch
        int repeats = 1;
        QString where;
        QString message;
    };

    explicit LogModel(QObject* parent = nullptr);

    void clear();
    void applyEvents(const std::vector<Event>& events);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    const Entry& entry(int row) const { return m_entries[std::size_t(row)]; }
    int count(Kind kind) const { return m_counts[int(kind)]; }
    std::int64_t dropped() const { return m_dropped; }

  private:
    void append(Entry entry, std::vector<Entry>& pending);
    void flushPending(std::vector<Entry>& pending);
    QString kindText(Kind kind) const;

    std::deque<Entry> m_entries;
    int m_counts[5] = {0, 0, 0, 0, 0};
    std::int64_t m_dropped = 0;
    std::int64_t m_serial = 0;  ///< serial of the batch in progress (= batches finished)
};

}  // namespace stepwise::gui
