#pragma once
// BatchTable: the per-batch table of a run — one row per batch_end, in order — and its CSV form:
// epoch, batch_idx, global_step, stepped, loss (÷ N, as Lightning reports it), loss_raw (what
// training_step returned), grad_norm, update_norm, lr, then every scalar extra in the order the
// run first reported it, then (a script's) every name Lightning's loggers got from self.log, on
// the row of the batch that logged it. `stepwise-run --csv` and the window's Export write it. A
// rewind cuts the rows the run undid, so the table is always the run as it stands.

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "stepwise/events.h"

namespace stepwise {

class BatchTable {
  public:
    /// A batch: its batch_end's position (epoch, batch_idx, global_step), then its figures.
    struct Row : Position {
        bool stepped = false;
        std::optional<double> loss, loss_raw, grad_norm, update_norm, lr;
        std::vector<std::optional<double>> extras;  ///< by column, as extra_keys() orders them
        std::int64_t samples = 0;  ///< a compared run's: samples seen so far (Event::samples)
        /// a compared run's: ‖θ − θ_other‖ (Event::peer_distance)
        std::optional<double> peer_distance;
        /// what Lightning's loggers got at this batch, by column as logged_keys() orders them
        std::vector<std::optional<double>> logged;
    };

    /// A batch_end adds a row; a metrics event's logger calls fill the logged columns of its
    /// batch's row (a step's come before its batch_end, an epoch's after its last one); a rewound
    /// event drops the rows of its batch and every later one. Other events are ignored.
    void add(const Event& event);
    /// Drops rows from the `epoch`/`batch_idx` batch on.
    void cut_from(std::int64_t epoch, std::int64_t batch_idx);

    const std::vector<Row>& rows() const { return rows_; }
    const std::vector<std::string>& extra_keys() const { return extra_keys_; }
    /// The names Lightning's loggers got (a script's self.log), in the order first logged
    /// (without Lightning's own `epoch`, which is a column already).
    const std::vector<std::string>& logged_keys() const { return logged_keys_; }
    /// A script run: Lightning's own logger connector says what is logged (the metrics events),
    /// so TensorBoard gets exactly that instead of what a config run's training_step would log.
    void set_logged_by_lightning(bool yes) { logged_by_lightning_ = yes; }
    bool logged_by_lightning() const { return logged_by_lightning_; }
    /// Every logger call, as (epoch, batch_idx) of the batch it came in, and the call.
    const std::vector<std::pair<Position, LoggerCall>>& logger_calls() const {
        return logger_calls_;
    }

    /// The table as CSV (RFC 4180; a header line, then one line per row; "\n" line ends). Empty
    /// cells for what a batch did not have (None's loss, no step's update norm); numbers in their
    /// shortest round-trip form, nan and inf as Python writes them; stepped as True or False.
    void write_csv(std::ostream& out) const;

    /// Two compared runs as one CSV: a first column `run` (each run's name), the columns above,
    /// then `samples` and `peer_distance`, then the scalar extras of either run (empty where a run
    /// has no such key). Run A's rows, then run B's.
    static void write_comparison_csv(std::ostream& out, const std::string& name_a,
                                     const BatchTable& a, const std::string& name_b,
                                     const BatchTable& b);

  private:
    /// The cells of a row up to lr, without a line end.
    static void write_cells(std::ostream& out, const Row& r);
    void log_into(Row& row, const LoggerCall& call);

    std::vector<Row> rows_;
    std::vector<std::string> extra_keys_;
    std::vector<std::string> logged_keys_;
    std::vector<LoggerCall> pending_;  ///< a step's calls, until its batch_end makes the row
    std::vector<std::pair<Position, LoggerCall>> logger_calls_;
    bool logged_by_lightning_ = false;
};

/// One CSV field: quoted when it holds a comma, a quote or a line break (quotes doubled).
std::string csv_field(const std::string& text);

}  // namespace stepwise
