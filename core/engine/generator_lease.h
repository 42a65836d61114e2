#pragma once
// GeneratorLease: one run's share of torch's global CPU generator. TorchScript's random ops
// (dropout, torch.rand) and the DataLoader's draws use the process's default generator, so two
// runs in one process (a parity meter's shadow, a comparison) would take draws from one stream.
// Each run holds a lease while it computes: a process-wide lock, and the generator's state as this
// run left it (swapped in only when another run used the generator since). A yielding lease (a
// shadow run's) also waits while any other run is working, so that it takes none of its time.
// Worker thread only; torch-free header.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

namespace stepwise {

class GeneratorLease {
  public:
    enum class Kind : std::uint8_t {
        working,   ///< a run a person watches: counts as working from construction to destruction,
                   ///< except while suspended (its gate holds it)
        yielding,  ///< takes the generator only while no working run works
    };
    /// `give_up`: for a yielding lease, when to stop waiting (the run was told to stop); it is
    /// polled a few times a second while it waits.
    explicit GeneratorLease(Kind kind = Kind::working, std::function<bool()> give_up = {});
    ~GeneratorLease();
    GeneratorLease(const GeneratorLease&) = delete;
    GeneratorLease& operator=(const GeneratorLease&) = delete;

    /// Takes the generator (nested calls count); the first puts this run's state in place.
    void acquire();
    /// Gives it back when the outermost acquire is matched.
    void release();
    /// Lets go for a wait (the gate's hold), if held, and takes it back after; either way the run
    /// does not count as working meanwhile.
    void suspend();
    void resume();
    /// Yielding leases waiting for the working runs now (what a test can wait for).
    static int yielding_waiters();

    /// RAII: acquire … release.
    struct Scope {
        explicit Scope(GeneratorLease* lease) : lease_(lease) {
            if (lease_) lease_->acquire();
        }
        ~Scope() {
            if (lease_) lease_->release();
        }
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;
        GeneratorLease* lease_;
    };

  private:
    /// (yielding: wait for no run working, then) lock, and make the generator this run's
    void take();
    void set_working(bool working);
    struct State;
    std::unique_ptr<State> state_;  ///< this run's generator state while another run has it
    Kind kind_;
    std::function<bool()> give_up_;
    int depth_ = 0;
    bool suspended_ = false;
    bool working_ = false;
};

}  // namespace stepwise
