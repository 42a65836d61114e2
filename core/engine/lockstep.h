#pragma once
// Lockstep: two runs in one process (a comparison) kept at the same place in their data. Each run
// arrives at the end of every batch with the samples it has seen so far (epochs × samples per
// epoch + this epoch's); a run waits there while the other one is behind it and still going, so
// neither is ever more than one batch ahead. Accumulating 4 batches of 8 and taking batches of 32
// align at every 32 samples; SGD and LBFGS on the same batches align at every batch, however many
// closure calls LBFGS makes. The run that is behind never waits, so they cannot deadlock.
//
// Where both runs have seen the same samples, the second to arrive measures ‖θ_A − θ_B‖ while the
// first waits (so neither's parameters move meanwhile), and both batch_end events carry it.
//
// Threading contract: arrive(), rewound() and leave() are called by the worker thread of the
// run on `side` (0 or 1); everything is behind one mutex.

#include <torch/torch.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

namespace stepwise {

class Lockstep {
  public:
    /// At the end of a batch, after `samples` samples in all: waits while the other run is behind
    /// and neither ended nor `interrupted()` (polled: a stop, a rewind or another task for this
    /// run's gate). Returns ‖θ_this − θ_other‖ (float64 over every parameter element) when the
    /// other run is at the same place; nullopt elsewhere, or when the models differ in shape.
    /// `waiting` (optional) is told true when the run starts to sleep here and false when it
    /// wakes (the session lets its generator lease count it as not working meanwhile).
    std::optional<double> arrive(int side, std::int64_t samples,
                                 const std::vector<torch::Tensor>& parameters,
                                 const std::function<bool()>& interrupted,
                                 const std::function<void(bool)>& waiting = {});
    /// The run on `side` went back: until it arrives again, it counts as behind everything.
    void rewound(int side);
    /// The run on `side` ended: the other one no longer waits for it.
    void leave(int side);

    /// The run on `side` waits for the other one now (what a test can wait for).
    bool waiting(int side);

    /// The distance between two parameter lists (nullopt: they differ in count or shape).
    static std::optional<double> distance(const std::vector<torch::Tensor>& a,
                                          const std::vector<torch::Tensor>& b);

  private:
    struct Side {
        /// Where it last arrived (-1: not yet, or went back). Written under the mutex, after the
        /// distance of a pairing is set; read without it by the other run while it spins.
        std::atomic<std::int64_t> samples{-1};
        /// While it waits at `samples` for the other run to pair with it.
        std::atomic<const std::vector<torch::Tensor>*> parameters{nullptr};
        /// Measured by the other run for this arrival, before it stores its own samples.
        std::optional<double> distance;
        std::atomic<bool> ended{false};
        bool waiting = false;
    };
    /// Spins (no lock, no system call) until the other run reaches `samples` or ends, for at most
    /// about a batch: at full speed the other run is a fraction of a batch behind, and sleeping
    /// costs more than the wait itself. True if it got there.
    static bool spin_until_reached(const Side& other, std::int64_t samples);
    std::mutex mutex_;
    std::condition_variable changed_;
    Side sides_[2];
};

}  // namespace stepwise
