// The files a stepwise-run run writes: the trace as it goes; the per-batch CSV table and
// TensorBoard's event files when it ends, however it ends.

#pragma once

#include <fstream>
#include <memory>
#include <string>

#include "options.h"
#include "stepwise/batch_table.h"
#include "stepwise/events.h"
#include "stepwise/tensorboard.h"
#include "stepwise/trace.h"

namespace stepwise::cli {

class Outputs {
  public:
    /// Opens every file `options` asks for now, so that a path that cannot be written is refused
    /// before anything runs. False after saying on stderr which one.
    bool open(const Options& options);

    bool tracing() const { return trace_ != nullptr; }
    /// The CSV file or TensorBoard's want the per-batch table.
    bool tabulating() const { return csv_file_.is_open() || tensorboard_; }

    /// An event of the run, for the trace and the table.
    void on_event(const Event& event);

    /// Writes the table's files; false after saying on stderr what could not be written. Names
    /// the TensorBoard directory on stdout unless quiet.
    bool finish(bool quiet);

  private:
    std::ofstream trace_file_;
    std::unique_ptr<TraceWriter> trace_;  ///< writes into trace_file_
    std::string csv_path_;
    std::ofstream csv_file_;
    std::unique_ptr<TensorBoardWriter> tensorboard_;
    BatchTable table_;
};

}  // namespace stepwise::cli
