#pragma once
// TensorBoard export: a run's per-batch table as the event file Lightning's TensorBoardLogger would
// write for it, so that a Stepwise run sits beside the user's Python runs in TensorBoard.
//
// What is written is what Lightning 2.2.5 hands its loggers for a training_step that calls
// self.log(name, value) for the loss and every scalar extra it returns, with
// Trainer(log_every_n_steps=1) (tests/fixtures/record_lightning_tensorboard.py records it):
//   - one set of scalars per optimizer step, none for a batch that only accumulated;
//   - at step = global_step before that optimizer step (Lightning logs before it counts the step);
//   - every name logged so far in the epoch, with its latest value: a window's last batch that
//     returned None repeats the values an earlier batch of the epoch logged, as Lightning does;
//     nothing at all when nothing was logged yet in the epoch;
//   - then "epoch" (Lightning adds it to every set).
// Stepwise adds what it measured itself under "stepwise/": backward_loss (the loss ÷ N that
// backward saw), grad_norm, update_norm and lr, the stepping batch's own values.
//
// The file is TensorBoard's: records of [length u64][masked CRC-32C of the length u32][event bytes]
// [masked CRC-32C of the event u32], little-endian, the first event carrying file_version
// "brain.Event:2"; scalars as Summary.Value.simple_value (float), one event each, as
// torch.utils.tensorboard's add_scalar writes them. The directory is Lightning's: ROOT/version_N,
// N one more than the largest version_* already in ROOT (so `--tensorboard lightning_logs` puts
// the run beside the user's versions), the file events.out.tfevents.<seconds>.<host>.<pid>.0.

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "stepwise/batch_table.h"

namespace stepwise {

struct TensorBoardScalar {
    std::int64_t step = 0;
    std::string tag;
    double value = 0;  ///< written as a float, as TensorBoard keeps it
};

/// The scalars a run's table becomes, in the order they are written.
std::vector<TensorBoardScalar> tensorboard_scalars(const BatchTable& table);

/// CRC-32C (Castagnoli) of `size` bytes, and the masked form TensorBoard's record framing stores.
std::uint32_t crc32c(const void* data, std::size_t size);
std::uint32_t masked_crc32c(const void* data, std::size_t size);

/// One event file in a new version directory. Construction creates ROOT (and its parents) and
/// ROOT/version_N, and writes the file_version record; it throws TensorBoardError, naming the
/// path, when any of that fails, so a front end can refuse a bad directory before a run starts.
class TensorBoardWriter {
  public:
    explicit TensorBoardWriter(const std::string& root);

    const std::string& directory() const { return directory_; }
    const std::string& file() const { return file_; }

    /// Appends the table's scalars and flushes; throws TensorBoardError when the write fails.
    void write(const BatchTable& table);
    void write(const std::vector<TensorBoardScalar>& scalars);

  private:
    void record(const std::string& event_bytes);

    std::string directory_, file_;
    std::ofstream out_;
};

class TensorBoardError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// The next version directory Lightning would pick in `root`: "version_N" (N = 1 + the largest
/// number of a version_N directory there, 0 when there is none or root does not exist).
std::string next_tensorboard_version(const std::string& root);

}  // namespace stepwise
