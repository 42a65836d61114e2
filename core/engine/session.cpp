// TrainingSession: the worker's lifecycle (load, train, finish), the commands a front end sends,
// and the consumers' side of every event (breakpoints, rewinds, holds). What it hands off:
// building the run's objects (trainer.h), the loops (loops.h), publishing (event_publisher.h),
// going back (rewinder.h), what-if forks (fork_point.h).

#include "stepwise/session.h"

#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <chrono>

#include "errors.h"
#include "event_publisher.h"
#include "fork_point.h"
#include "generator_lease.h"
#include "lockstep.h"
#include "loops.h"
#include "observer.h"
#include "rewinder.h"
#include "session_live.h"
#include "stepwise/warning_cache.h"
#include "tensor_inspector.h"
#include "trainer.h"

namespace stepwise {

namespace {
std::atomic<std::uint64_t> g_next_run_id{1};
constexpr EnumNames<SessionState, kSessionStateCount> kSessionStates{
    {STEPWISE_SESSION_STATES(STEPWISE_NAME)}};
static_assert(kSessionStates.distinct());
}  // namespace

const char* session_state_name(SessionState state) {
    return kSessionStates.name(state);
}

TrainingSession::TrainingSession(RunConfig config, SessionOptions options)
    : config_(std::move(config)),
      options_(std::move(options)),
      run_id_(g_next_run_id.fetch_add(1)),
      lockstep_(options_.lockstep),
      lockstep_side_(options_.lockstep_side),
      gate_(options_.start_paused),
      publisher_(std::make_unique<EventPublisher>(
          run_id_,
          EventPublisher::Options{options_.buffer_events, options_.coalesce_stages,
                                  std::move(options_.listener)},
          gate_, buffer_)),
      rewinder_(options_.rewindable ? std::make_unique<Rewinder>(config_.rewind_budget_mb)
                                    : nullptr),
      inspection_(std::make_unique<Inspection>()) {}

TrainingSession::~TrainingSession() {
    gate_.stop();
    if (thread_ && thread_->joinable()) thread_->join();
}

void TrainingSession::start() {
    if (state_.load() != SessionState::created) return;
    state_ = SessionState::loading;
    thread_ = std::make_unique<std::thread>([this] { run_worker(); });
}

void TrainingSession::run_blocking() {
    if (state_.load() != SessionState::created) return;
    state_ = SessionState::loading;
    run_worker();
}

bool TrainingSession::ended() const {
    const auto s = state_.load();
    return s == SessionState::finished || s == SessionState::stopped || s == SessionState::failed;
}

bool TrainingSession::wait_finished(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(finished_mutex_);
    return finished_cv_.wait_for(lock, timeout, [this] { return ended(); });
}

void TrainingSession::run_worker() {
    Live live(*this);
    live_ = &live;
    if (options_.script)
        run_script(live);
    else
        run_one(live);
    finish(live);
    live_ = nullptr;
}

void TrainingSession::run_one(Live& live) {
    try {
        load(live);
        train(live);
    } catch (const StopRequested&) {
        live.status = RunStatus::stopped;
    } catch (const LoadError& e) {
        report_error(live, "LoadError", e.what(), e.phase);
    } catch (const ConfigError& e) {
        report_error(live, e.exception_type, e.what(), ErrorPhase::config);
    } catch (...) {
        std::string type, message, traceback;
        describe_current_exception(type, message, &traceback);
        report_error(live, type, message, live.phase, Stage::on_train_batch_start, traceback);
    }
}

void TrainingSession::run_script(Live& live) {
    bool fitted = false;
    live.status = RunStatus::failed;  // until a fit says otherwise
    SessionOptions::ScriptEnd end;
    const torch::AutoGradMode script_grad(true);  // the script's own, as python3 starts it
    try {
        end = options_.script([&](SessionOptions::FitRequest request) {
            if (fitted)
                throw LightningError(
                    "RuntimeError",
                    "Stepwise steps one Trainer.fit per run, and this script calls fit a second "
                    "time: run the fits as separate scripts, or end the script after the first");
            fitted = true;
            live.status = RunStatus::finished;
            config_ = std::move(request.config);
            options_.make_trainer = std::move(request.make_trainer);
            // Grad mode is the script's outside the fit; the loops want it off outside closures.
            const torch::NoGradGuard no_grad;
            run_one(live);
            return SessionOptions::FitEnd{live.status, live.error_type, live.error_message};
        });
    } catch (...) {
        describe_current_exception(end.exception_type, end.message, &end.traceback);
        end.exit_status = 1;
    }
    if (!end.exception_type.empty()) {
        live.phase = ErrorPhase::script;
        report_error(live, end.exception_type, end.message, ErrorPhase::script,
                     Stage::on_train_batch_start, end.traceback);
    } else if (!fitted && end.exit_status == 0) {
        live.phase = ErrorPhase::script;
        report_error(live, "RuntimeError",
                     "the script ended without calling Trainer.fit: Stepwise steps the fit a "
                     "script starts (lightning.pytorch or pytorch_lightning)",
                     ErrorPhase::script);
        end.exit_status = 1;
    }
    if (end.exit_status == 130 && live.status != RunStatus::failed)
        live.status = RunStatus::stopped;
    script_exit_status_ = end.exit_status;
}

void TrainingSession::load(Live& live) {
    // The breakpoints (the config reader checked them; a config built in code may not be).
    try {
        conditions_ = ConditionSet(config_.breakpoints);
    } catch (const ConditionError& e) {
        throw ConfigError(std::string("breakpoints: ") + e.what());
    }
    // Watched even when there is none yet: the window may add some while the run goes.
    live.observer.watch(&conditions_, [this](const ConditionHit& hit, const Event& where) {
        report_hit(hit, where, true);
    });
    live.trainer = options_.make_trainer ? options_.make_trainer(config_, live.phase)
                                         : std::make_unique<Trainer>(config_, live.phase);
    live.trainer->module().set_warning_sink(
        [&observer = live.observer](const std::string& message, const std::string& category) {
            observer.warning(message, category);
        });
    live.trainer->module().set_line_hook(
        {[this] {
             return !(rewinder_ && rewinder_->replaying()) &&
                    (gate_.wants_lines() || conditions_.has_lines());
         },
         [&observer = live.observer](const std::string& file, std::int64_t line, int depth) {
             return observer.line_wanted(file, line, depth);
         },
         [&observer = live.observer](std::shared_ptr<const LineFrame> frame) {
             observer.at_line(frame);
         }});
    live.trainer->module().set_metrics_sink(
        [&observer = live.observer](MetricsRecord record) { observer.metrics(std::move(record)); });
    live.fit.emplace(*live.trainer, live.observer, live.observe);
    // Stage by stage only when training_step draws from the generator: otherwise only the data
    // order and the snapshots touch it, and they take it themselves, so two runs compare side by
    // side on two cores. A yielding run (a shadow) always takes it, which is how it waits while a
    // watched run works.
    live.observer.set_lease(&live.generator,
                            options_.yield_to_other_runs || live.trainer->module().draws_random());
    observe_what_is_needed();

    Event start;
    start.type = EventType::run_start;
    start.config_json = to_json(config_);
    start.parameters =
        std::make_shared<const ParameterSnapshot>(snapshot(live.trainer->module().parameters()));
    start.total_batches_per_epoch = live.fit->num_training_batches();
    start.model_code = live.trainer->module().code();
    start.accumulate_grad_batches = static_cast<int>(config_.trainer.accumulate_grad_batches);
    publish(std::move(start));
    if (config_.departures.any()) {
        std::string names;
        for (const std::string& name : departure_names())
            if (departure(config_.departures, name)) names += (names.empty() ? "" : ", ") + name;
        live.observer.notice({TextCode::departures, {names}});
    }
    state_ = SessionState::running;
}

void TrainingSession::train(Live& live) {
    live.phase = ErrorPhase::training;
    FitLoop& fit = *live.fit;
    // seed_everything(seed) right before trainer.fit (spec D-3): torch's global generator, which
    // the DataLoader's iterators and training_step's own draws (torch.rand, dropout) use.
    // A script seeds itself (or not) before it calls fit: its generators go on from there.
    if (config_.model.kind != ModelSpec::Kind::script) {
        const GeneratorLease::Scope held(&live.generator);
        torch::manual_seed(static_cast<std::uint64_t>(config_.seed));
    }
    if (config_.lr_scheduler && config_.lr_scheduler->name == "OneCycleLR" &&
        config_.lr_scheduler->interval == "epoch") {
        // _configure_schedulers_automatic_opt, word for word (a RuntimeWarning).
        live.observer.warning(
            "A `OneCycleLR` scheduler is using 'interval': 'epoch'. Are you sure you didn't mean "
            "'interval': 'step'?",
            "RuntimeWarning");
    }
    hook(live);
    std::optional<std::pair<std::int64_t, std::int64_t>> resume;
    if (options_.fork_from && rewinder_)
        resume = start_fork(*options_.fork_from, config_, fit, conditions_, *rewinder_, gate_,
                            live.generator);
    for (;;) {
        try {
            try {
                resume ? fit.run_from(resume->first, resume->second) : fit.run();
            } catch (const StopRequested&) {
                live.status = RunStatus::stopped;
            } catch (const StageFailure& f) {
                broke_ = false;
                report_error(live, f.type, f.what(), ErrorPhase::stage, f.stage, f.traceback);
                // An `exception` breakpoint holds the failed run before it ends (and a rewind
                // from there takes it back to before the failure).
                if (broke_) live.observer.hold_after_failure(f.stage);
            }
            break;
        } catch (const RewindRequested&) {
            // begin_rewind chose the target and made sure a snapshot precedes it.
            if (lockstep_) lockstep_->rewound(lockstep_side_);
            live.status = RunStatus::finished;
            const TrainingState& from = rewinder_->start();
            {
                const GeneratorLease::Scope held(&live.generator);  // the state includes it
                from.restore(fit, conditions_);
            }
            // What a script's snapshot could not copy stays as it is: said (after the rewound
            // event), never silently.
            after_rewind_ = Text{};
            if (const auto loose = from.not_kept(); !loose.empty()) {
                std::string names;
                for (const std::string& name : loose) names += (names.empty() ? "" : ", ") + name;
                after_rewind_ = Text{TextCode::rewind_not_restored, {names}};
            }
            rewinder_->recompute();
            inspection_->tensors.forget();  // the tensors kept to compare with are undone too
            resume.emplace(from.epoch(), from.batch_idx());
        }
    }
    live.final_params = std::make_shared<const ParameterSnapshot>(
        snapshot(live.trainer->module().parameters(), /*digests=*/true));
}

void TrainingSession::hook(Live& live) {
    FitLoop& fit = *live.fit;
    const bool pacing = options_.coalesce_stages && options_.buffer_events &&
                        !(options_.listener_reads_stages && publisher_->has_listener());
    fit.hooks().batch_start = [this, &live, pacing](std::int64_t epoch, std::int64_t batch_idx,
                                                    std::int64_t batch) {
        if (rewinder_)
            rewinder_->at_batch_start(*live.fit, conditions_, epoch, batch_idx, batch,
                                      !gate_.free_running());
        if (pacing) pace_stage_events(live);
    };
    if (rewinder_) {
        rewinder_->set_batches_per_epoch(std::max<std::int64_t>(1, fit.num_training_batches()));
        live.observer.on_boundary([this, &observer = live.observer](Stage stage) {
            Position here = observer.pos;
            here.stage = stage;
            if (rewinder_->at_boundary(here)) return true;
            if (rewinder_->target_reached()) finish_replay(here);
            return false;
        });
    }
    // A comparison: wait at each batch's end while the other run is behind (lockstep.h). A run
    // recomputing towards a rewind's target is not where the other one is. While it sleeps there
    // it does not count as working: a parity meter's shadow run may catch up meanwhile, as while
    // the run holds. A run alone passes by (a fork may join it later).
    fit.hooks().batch_end = [this, parameters = live.trainer->module().parameter_tensors(),
                             lease = &live.generator](Event& end, std::int64_t samples) {
        if (!lockstep_) return;
        end.samples = samples;
        if (rewinder_ && rewinder_->silent()) return;
        end.peer_distance = lockstep_->arrive(
            lockstep_side_, samples, parameters,
            [this] { return gate_.stop_requested() || gate_.has_tasks(); },
            [lease](bool asleep) { asleep ? lease->suspend() : lease->resume(); });
    };
}

void TrainingSession::pace_stage_events(Live& live) {
    const std::int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
    if (live.batch_started_ns) {
        const double took = double(now - live.batch_started_ns);
        live.batch_ns = live.batch_ns == 0 ? took : 0.9 * live.batch_ns + 0.1 * took;
    }
    live.batch_started_ns = now;
    if (!gate_.free_running()) return live.observer.set_stage_events(true);
    publisher_->batch_starts();
    // Twice the usual batch, for a batch that takes longer than the ones before it. An epoch's
    // last batch always: the run may end with it, and the final view shows it whole.
    const Position& at = live.observer.pos;
    const FitLoop& fit = *live.fit;
    const std::int64_t max_steps = config_.trainer.max_steps;
    const bool last = at.batch_idx + 1 == fit.num_training_batches() ||
                      (max_steps != -1 && at.global_step + 1 >= max_steps);
    const bool seen =
        live.batch_ns == 0 || last || publisher_->due_within(std::int64_t(2 * live.batch_ns));
    live.observer.set_stage_events(seen || !conditions_.empty());
}

void TrainingSession::report_error(Live& live, const std::string& type, const std::string& message,
                                   ErrorPhase phase, Stage stage, const std::string& traceback) {
    Event e;
    e.type = EventType::error;
    e.epoch = live.observer.pos.epoch;
    e.batch_idx = live.observer.pos.batch_idx;
    e.global_step = live.observer.pos.global_step;
    e.stage = stage;
    e.exception_type = type;
    e.message = message;
    e.traceback = traceback;
    e.phase = phase;
    live.error_type = type;
    live.error_message = message;
    publish(std::move(e));
    live.status = RunStatus::failed;
}

void TrainingSession::finish(Live& live) {
    if (lockstep_) lockstep_->leave(lockstep_side_);  // never waited for again
    {
        const std::lock_guard<std::mutex> lock(fork_mutex_);
        fork_point_.reset();
    }
    Event end;
    end.type = EventType::run_end;
    end.epoch = live.observer.pos.epoch;
    end.batch_idx = live.observer.pos.batch_idx;
    end.global_step = live.final_params && live.fit ? live.fit->optimization().global_step() : 0;
    end.status = live.status;
    end.parameters = std::move(live.final_params);
    publish(std::move(end));
    {
        std::lock_guard<std::mutex> lock(finished_mutex_);
        state_ = live.status == RunStatus::finished  ? SessionState::finished
                 : live.status == RunStatus::stopped ? SessionState::stopped
                                                     : SessionState::failed;
    }
    finished_cv_.notify_all();
}

}  // namespace stepwise
