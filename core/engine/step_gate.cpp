#include "stepwise/step_gate.h"

namespace stepwise {

StepGate::StepGate(bool start_paused) : mode_(start_paused ? Mode::paused : Mode::running) {
    update_free_running();
}

void StepGate::pause() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        mode_ = Mode::paused;
        ++command_;
        update_free_running();
    }
    changed_.notify_all();
}

void StepGate::resume() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        mode_ = Mode::running;
        ++command_;
        update_free_running();
    }
    changed_.notify_all();
}

void StepGate::step(StepKind kind) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        mode_ = Mode::stepping;
        step_kind_ = kind;
        step_origin_ = last_boundary_;
        step_origin_depth_ = last_line_depth_;
        ++command_;
        update_free_running();
    }
    changed_.notify_all();
}

void StepGate::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
        ++command_;
        update_free_running();
    }
    changed_.notify_all();
}

void StepGate::set_delay(std::chrono::milliseconds per_stage) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        delay_ =
            per_stage < std::chrono::milliseconds(0) ? std::chrono::milliseconds(0) : per_stage;
        ++command_;
        update_free_running();
    }
    changed_.notify_all();
}

StepGate::Mode StepGate::mode() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return mode_;
}

bool StepGate::stop_requested() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return stop_;
}

bool StepGate::has_tasks() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return !tasks_.empty();
}

bool StepGate::holding() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return holding_;
}

void StepGate::throw_if_stopped() const {
    if (stop_requested()) throw StopRequested();
}

void StepGate::post(std::function<void()> task) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        tasks_.push_back(std::move(task));
        ++command_;
    }
    changed_.notify_all();
}

void StepGate::run_tasks(std::unique_lock<std::mutex>& lock) {
    while (!tasks_.empty()) {
        std::function<void()> task = std::move(tasks_.front());
        tasks_.pop_front();
        lock.unlock();
        try {
            task();
        } catch (const RewindRequested&) {
            lock.lock();
            throw;
        } catch (const StopRequested&) {
            lock.lock();
            throw;
        } catch (...) {
            // A task must not take the run down; it reports its own failures.
        }
        lock.lock();
    }
}

void StepGate::poll() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (stop_) throw StopRequested();
    run_tasks(lock);
    if (stop_) throw StopRequested();
}

// Called with the lock held. A step command was given while the worker stood at step_origin_;
// every later boundary is a candidate to hold at.
bool StepGate::should_hold(const Position& here) const {
    if (mode_ == Mode::paused) return true;
    if (mode_ == Mode::running) return false;
    switch (step_kind_) {
        case StepKind::stage: return true;
        case StepKind::closure_call:
            return here.stage == Stage::training_step || here.stage == Stage::on_train_batch_end;
        case StepKind::batch: return here.stage == Stage::on_train_batch_start;
        case StepKind::epoch:
            return here.stage == Stage::on_train_batch_start && here.epoch != step_origin_.epoch;
        case StepKind::line:  // past the user's last line: the next stage
        case StepKind::line_over:
        case StepKind::line_out: return true;
    }
    return true;
}

bool StepGate::should_hold_line(int depth) const {
    if (mode_ == Mode::paused) return true;
    if (mode_ == Mode::running) return false;
    // From a stage boundary (origin depth 0) every line kind goes into training_step.
    const int origin = step_origin_depth_;
    switch (step_kind_) {
        case StepKind::line: return true;
        case StepKind::line_over: return origin == 0 || depth <= origin;
        case StepKind::line_out: return origin == 0 || depth < origin;
        default: return false;  // stage, closure call, batch, epoch: lines are not theirs
    }
}

bool StepGate::wants_lines() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return mode_ == Mode::stepping &&
           (step_kind_ == StepKind::line || step_kind_ == StepKind::line_over ||
            step_kind_ == StepKind::line_out);
}

bool StepGate::would_hold_line(int depth) const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return stop_ || !tasks_.empty() || should_hold_line(depth);
}

void StepGate::check(const Position& here, const HoldCallback& on_hold) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (stop_) throw StopRequested();
    last_boundary_ = here;
    last_line_depth_ = 0;
    if (!tasks_.empty()) run_tasks(lock);  // a change of breakpoints, a rewind: at this boundary

    if (mode_ == Mode::running && delay_.count() > 0) {
        // Teaching animation: linger at each boundary, but wake at once for any command.
        const auto seen = command_;
        changed_.wait_for(lock, delay_, [&] { return command_ != seen; });
        if (stop_) throw StopRequested();
    }
    if (!should_hold(here)) return;
    hold(lock, here, on_hold);
}

void StepGate::check_line(const Position& here, int depth, const HoldCallback& on_hold) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (stop_) throw StopRequested();
    last_line_depth_ = depth;
    if (!tasks_.empty()) run_tasks(lock);
    if (!should_hold_line(depth)) return;
    hold(lock, here, on_hold);
}

void StepGate::hold(std::unique_lock<std::mutex>& lock, const Position& here,
                    const HoldCallback& on_hold) {
    mode_ = Mode::paused;
    update_free_running();
    holding_ = true;
    lock.unlock();
    if (on_hold) on_hold(here, true);
    lock.lock();
    bool rewinding = false;
    try {
        for (;;) {
            changed_.wait(lock, [&] { return stop_ || mode_ != Mode::paused || !tasks_.empty(); });
            if (stop_ || mode_ != Mode::paused) break;
            run_tasks(lock);
        }
    } catch (const RewindRequested&) {
        rewinding = true;
    } catch (const StopRequested&) {
        stop_ = true;
    }
    holding_ = false;
    const bool stopping = stop_;
    lock.unlock();
    if (on_hold) on_hold(here, false);
    if (stopping) throw StopRequested();
    if (rewinding) throw RewindRequested();
}

void StepGate::apply(const Command& c) {
    switch (c.type) {
        case CommandType::step: step(c.step_kind); break;
        case CommandType::run: resume(); break;
        case CommandType::pause: pause(); break;
        case CommandType::stop: stop(); break;
        case CommandType::set_delay: set_delay(std::chrono::milliseconds(c.delay_ms)); break;
        case CommandType::seek: break;  // a live run cannot seek
        case CommandType::rewind:       // the session's (TrainingSession::send)
        case CommandType::set_breakpoints:
        case CommandType::inspect: break;
    }
}

}  // namespace stepwise
