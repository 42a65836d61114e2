#include "generator_lease.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <chrono>
#include <condition_variable>

#include "cpu_relax.h"

namespace stepwise {

namespace {
struct Shared {
    std::mutex generator;             ///< held by the run whose stage computes
    GeneratorLease* owner = nullptr;  ///< whose state the generator holds now (under `generator`)
    std::mutex mutex;                 ///< guards `working`
    std::condition_variable idle;
    int working = 0;  ///< working leases not held by their gates
    int waiting = 0;  ///< yielding leases waiting for them
};
Shared& shared() {
    static Shared s;
    return s;
}
}  // namespace

struct GeneratorLease::State {
    torch::Tensor saved;  ///< this run's state, saved when another run took the generator
};

GeneratorLease::GeneratorLease(Kind kind, std::function<bool()> give_up)
    : state_(std::make_unique<State>()), kind_(kind), give_up_(std::move(give_up)) {
    set_working(true);
}

GeneratorLease::~GeneratorLease() {
    set_working(false);
    Shared& s = shared();
    const std::lock_guard<std::mutex> lock(s.generator);
    if (s.owner == this) s.owner = nullptr;
}

void GeneratorLease::set_working(bool working) {
    if (kind_ != Kind::working || working_ == working) return;
    working_ = working;
    Shared& s = shared();
    {
        const std::lock_guard<std::mutex> lock(s.mutex);
        s.working += working ? 1 : -1;
    }
    if (!working) s.idle.notify_all();
}

void GeneratorLease::take() {
    Shared& s = shared();
    if (kind_ == Kind::yielding) {
        std::unique_lock<std::mutex> lock(s.mutex);
        ++s.waiting;
        while (s.working > 0 && !(give_up_ && give_up_()))
            s.idle.wait_for(lock, std::chrono::milliseconds(100));
        --s.waiting;
    }
    // Another run holds it for a draw of a few microseconds at most (a new epoch's order, a
    // snapshot's copy of its state) unless its stages draw: spin briefly before sleeping, since
    // two runs in lockstep reach a new epoch together and waking a sleeper costs more.
    for (int i = 0; !s.generator.try_lock(); ++i) {
        if (i == 2000) {
            s.generator.lock();
            break;
        }
        cpu_relax();
    }
    if (s.owner == this) return;
    auto generator = at::detail::getDefaultCPUGenerator();
    const std::lock_guard<std::mutex> guard(generator.mutex());
    // The run that used it last keeps its state for when it comes back.
    if (s.owner) s.owner->state_->saved = generator.get_state();
    if (state_->saved.defined()) generator.set_state(state_->saved);
    s.owner = this;
}

int GeneratorLease::yielding_waiters() {
    Shared& s = shared();
    const std::lock_guard<std::mutex> lock(s.mutex);
    return s.waiting;
}

void GeneratorLease::acquire() {
    if (depth_++ == 0) take();
}

void GeneratorLease::release() {
    // A wait's suspension always ends (resume) before the stage that waited lets go.
    if (--depth_ == 0) shared().generator.unlock();
}

void GeneratorLease::suspend() {
    if (suspended_) return;
    suspended_ = true;
    // Held or not (a run whose stages draw nothing does not hold it), a run that waits is not
    // working: a yielding run may compute meanwhile.
    if (depth_ > 0) shared().generator.unlock();
    set_working(false);
}

void GeneratorLease::resume() {
    if (!suspended_) return;
    suspended_ = false;
    set_working(true);
    if (depth_ > 0) take();
}

}  // namespace stepwise
