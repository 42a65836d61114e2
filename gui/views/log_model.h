#pragma once
// LogModel: the log of one run as a table over its RunHistory: warnings, errors and rewound
// notices (the history's log), Stepwise's record of every batch that returned None (the batches
// without a loss in the history's columns), and a line where the run started and ended. It keeps
// no copy of them: a row is where to look in the history (which log events, which batch), and
// its texts are worded when shown. Bounded: at most kMaxEntries rows, the oldest dropped first
// (and those whose events the history dropped); a message repeated on consecutive batches (e.g. a
// NaN loss every batch) is coalesced into one row with a count.
//
// Threading contract: GUI thread only.

#include <QAbstractTableModel>
#include <cstdint>
#include <deque>
#include <vector>

#include "stepwise/events.h"

namespace stepwise::gui {

class RunHistory;

class LogModel : public QAbstractTableModel {
    Q_OBJECT
  public:
    enum class Kind { info, lightningWarning, stepwiseWarning, noneBatch, error };
    enum Column { KindColumn, WhereColumn, MessageColumn, ColumnCount };
    enum Role { SerialRole = Qt::UserRole + 1, KindRole };
    static constexpr int kMaxEntries = 20000;

    /// One row as shown, worded from the history when asked for.
    struct Entry {
        Kind kind = Kind::info;
        std::int64_t serial = -1;  ///< run-wide batch serial, -1 when not about a batch
        std::int64_t epoch = 0;
        std::int64_t batchIdx = -1;
        std::int64_t lastBatchIdx = -1;  ///< coalesced rows: the last batch
        int repeats = 1;
        QString where;
        QString message;
        QString traceback;  ///< an error from the user's Python code: Python's traceback
    };

    /// `history`: the run it shows (not owned; outlives the model).
    explicit LogModel(const RunHistory* history, QObject* parent = nullptr);

    /// Shows nothing, and takes the history in from its start at the next refresh().
    void clear();
    /// Takes in what the history gained since the last refresh (all of it again when the history
    /// started over or was cut back).
    void refresh();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    Entry entry(int row) const;
    Kind kind(int row) const { return m_rows[std::size_t(row)].kind; }
    int count(Kind kind) const { return m_counts[int(kind)]; }
    std::int64_t dropped() const { return m_dropped; }

  private:
    /// Where a row's texts come from.
    enum class From : std::uint8_t { runStart, log, batch, runEnd };
    struct Row {
        From from = From::log;
        Kind kind = Kind::info;
        int repeats = 1;
        std::uint64_t first = 0;  ///< log: the first event's index in the whole log; batch: serial
        std::uint64_t last = 0;   ///< log: the last coalesced event's
        std::int64_t serial = -1;
    };
    void takeIn(Row row, std::vector<Row>& pending);
    void flushPending(std::vector<Row>& pending);
    /// The history's log event `index` counts from the run's first (dropped ones included).
    const Event* logEvent(std::uint64_t index) const;
    /// Rows whose log events the history no longer holds go, with every row before them.
    void dropForgotten();
    /// The row's texts, from the history.
    Entry word(const Row& row) const;
    QString kindText(Kind kind) const;

    const RunHistory* m_history;
    std::deque<Row> m_rows;
    int m_counts[5] = {0, 0, 0, 0, 0};
    std::int64_t m_dropped = 0;
    // How far the history has been taken in.
    std::uint64_t m_generation = 0;
    std::uint64_t m_logTaken = 0;  ///< log events, counted from the run's first
    std::size_t m_batchesTaken = 0;
    bool m_startTaken = false, m_endTaken = false;
    QString m_lastWhere, m_lastMessage;  ///< the newest row's: a repeat of them is coalesced
};

}  // namespace stepwise::gui
