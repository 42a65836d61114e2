#pragma once
// ShadowRun: the parity meter's reference. A headless run of the same config on a thread of its
// own, at full speed, recording a checksum of the parameters after every batch. It shares nothing
// with the run it shadows: its own module, data, optimizer, Lightning warnings (counted apart) and
// no breakpoints. Torch-free header; any thread may ask for checksums.

#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "stepwise/parity.h"
#include "stepwise/session.h"

namespace stepwise {

class ShadowRun : public ParityReference {
  public:
    explicit ShadowRun(RunConfig config);
    ~ShadowRun() override;  ///< stops the run and joins its thread

    std::optional<std::uint64_t> checksum(std::int64_t batch) const override;
    std::int64_t batches() const override;
    bool ended() const override;
    std::string failure() const override;
    /// Waits until the run has ended or the timeout passed; true if it ended.
    bool wait_ended(std::chrono::milliseconds timeout) const {
        return session_->wait_finished(timeout);
    }

  private:
    void on_event(const Event& e);

    mutable std::mutex mutex_;
    std::int64_t batches_per_epoch_ = 1;
    std::vector<std::uint64_t> checksums_;  ///< by global batch index, every batch so far
    bool ended_ = false;
    std::string failure_;
    std::unique_ptr<TrainingSession> session_;  ///< last: it stops before the rest goes
};

/// The window's factory for a local run's parity reference.
std::unique_ptr<ParityReference> make_shadow_run(const RunConfig& config);

}  // namespace stepwise
