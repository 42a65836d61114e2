#include "stepwise/session.h"

#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include "data.h"
#include "errors.h"
#include "fork_point.h"
#include "generator_lease.h"
#include "lockstep.h"
#include "loops.h"
#include "observer.h"
#include "optimization.h"
#include "stepwise/lessons.h"
#include "tensor_inspector.h"
#include "timeline.h"
#include "training_module.h"
#include "training_state.h"

namespace stepwise {

const char* session_state_name(SessionState state) {
    switch (state) {
        case SessionState::created: return "created";
        case SessionState::loading: return "loading";
        case SessionState::running: return "running";
        case SessionState::paused: return "paused";
        case SessionState::finished: return "finished";
        case SessionState::stopped: return "stopped";
        case SessionState::failed: return "failed";
    }
    return "?";
}

namespace {
std::atomic<std::uint64_t> g_next_run_id{1};

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw LoadError(ErrorPhase::model, path + ": cannot open the model source file");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

TrainingModule load_module(const RunConfig& config) {
    switch (config.model.kind) {
        case ModelSpec::Kind::torchscript:
            return TrainingModule::load_torchscript(resolve_path(config, config.model.path));
        case ModelSpec::Kind::source: {
            if (!config.model.inline_source.empty())
                return TrainingModule::compile_source(
                    config.model.inline_source,
                    config.model.path.empty() ? "model.stepwise" : config.model.path, config.seed);
            const std::string path = resolve_path(config, config.model.path);
            return TrainingModule::compile_source(read_text(path), path, config.seed);
        }
        case ModelSpec::Kind::lesson: break;
    }
    const Lesson* lesson = find_lesson(config.model.lesson);
    if (!lesson) {
        std::string names;
        for (const auto& l : lessons()) names += (names.empty() ? "" : ", ") + l.name;
        throw ConfigError("model.lesson: no built-in lesson \"" + config.model.lesson +
                          "\" (lessons: " + names + ")");
    }
    return TrainingModule::compile_source(lesson->source, "lesson:" + lesson->name + ".stepwise",
                                          config.seed);
}

/// The live objects of one run, built from its config as configure_optimizers and fit's setup
/// build them. `where` follows what is being built, for an error's message.
struct Training {
    Training(const RunConfig& config, Observer& observer, ErrorPhase& where) {
        where = ErrorPhase::model;
        module.emplace(load_module(config));
        where = ErrorPhase::data;
        data.emplace(load_dataset(config, module->dtype()), config.batch_size, config.shuffle,
                     config.drop_last);
        where = ErrorPhase::config;
        optimizer = make_optimizer(config.optimizer, module->parameter_tensors());
        // configure_optimizers() builds the scheduler: its initial step is in place from batch 0
        // (spec LR-3).
        if (config.lr_scheduler) scheduler.emplace(*config.lr_scheduler, *optimizer);
        ctx.emplace(LoopContext{config, *module, *data, *optimizer, observer});
        if (scheduler) ctx->scheduler = &*scheduler;
        ctx->multi_eval_optimizer = config.optimizer.name == "lbfgs";
        ctx->clip = resolve_clipping(config.trainer);
        fit.emplace(*ctx);
    }
    TrainingParts parts(ConditionSet& conditions) {
        return TrainingParts{*module, *optimizer,    ctx->scheduler, *data,
                             *ctx,    ctx->observer, conditions};
    }

    std::optional<TrainingModule> module;
    std::optional<DataLoader> data;
    std::unique_ptr<torch::optim::Optimizer> optimizer;
    std::optional<LRScheduler> scheduler;
    std::optional<LoopContext> ctx;
    std::optional<FitLoop> fit;
};

/// A fork's first leg: run A's training, under run A's config, from its snapshot up to the start
/// of the batch run A holds in, unseen (no events, no holds; a stop still ends it). Returns the
/// training state there.
std::shared_ptr<const TrainingState> catch_up(const ForkPoint& fork, StepGate& gate,
                                              GeneratorLease& generator) {
    Observer quiet([](Event&&) {}, gate, nullptr);
    quiet.set_lease(&generator);
    quiet.on_boundary([](Stage) { return true; });
    ErrorPhase where = ErrorPhase::config;
    Training a(*fork.config, quiet, where);
    ConditionSet none;
    const TrainingParts parts = a.parts(none);
    {
        const GeneratorLease::Scope held(&generator);
        fork.state->restore(parts);
    }
    struct Reached {};
    std::shared_ptr<const TrainingState> reached;
    a.ctx->at_batch_start = [&](std::int64_t epoch, std::int64_t batch_idx, std::int64_t batch) {
        if (batch < fork.at.batch) return;
        const GeneratorLease::Scope held(&generator);
        reached = std::make_shared<const TrainingState>(
            TrainingState::capture(parts, epoch, batch_idx, batch));
        throw Reached{};
    };
    try {
        a.fit->run_from(fork.state->epoch(), fork.state->batch_idx());
    } catch (const Reached&) {
    }
    if (!reached) throw std::logic_error("a fork's run A ended before the batch it holds in");
    return reached;
}
}  // namespace

struct TrainingSession::Worker {
    std::thread thread;
};

struct TrainingSession::Rewinder {
    explicit Rewinder(double budget_mb)
        : store(static_cast<std::size_t>(budget_mb * 1024.0 * 1024.0)) {}

    Timeline timeline;
    SnapshotStore store;
    /// After a rewind the loop recomputes from a snapshot: silently up to the target's batch, then
    /// holding back that batch's events until the target boundary, where the rewound event goes
    /// out first and they follow.
    enum class Phase : std::uint8_t { none, silent, publishing } phase = Phase::none;
    BoundaryRef target;
    std::vector<Event> held_back;
    bool flushing = false;  ///< held-back events going out: their hits are in the timeline already
    Text forked;            ///< a fork's replay: what its `rewound` event says instead
    int ordinal = 0;        ///< of the next boundary within the batch
    std::int64_t batches_per_epoch = 1;
    std::optional<TrainingParts> parts;  ///< while the loops run
    // Snapshot cadence at full speed: their cost kept near 2% of the time.
    std::int64_t last_batch_start_ns = 0;
    double batch_ns = 0;
    double snapshot_ns = 0;
    std::int64_t since_snapshot = 0;
};

struct TrainingSession::Inspection {
    TensorInspector tensors;
    /// stage boundaries passed so far (what a report compares across)
    std::uint64_t boundaries = 0;
};

TrainingSession::TrainingSession(RunConfig config, SessionOptions options)
    : config_(std::move(config)),
      options_(std::move(options)),
      run_id_(g_next_run_id.fetch_add(1)),
      lockstep_(options_.lockstep),
      lockstep_side_(options_.lockstep_side),
      gate_(options_.start_paused),
      worker_(std::make_unique<Worker>()),
      rewinder_(std::make_unique<Rewinder>(config_.rewind_budget_mb)),
      inspection_(std::make_unique<Inspection>()) {}

TrainingSession::~TrainingSession() {
    gate_.stop();
    if (worker_->thread.joinable()) worker_->thread.join();
}

void TrainingSession::start() {
    if (state_.load() != SessionState::created) return;
    state_ = SessionState::loading;
    worker_->thread = std::thread([this] { run_worker(); });
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

void TrainingSession::send(const Command& command) {
    if (command.type == CommandType::set_breakpoints) {
        gate_.post([this, specs = command.breakpoints] { change_breakpoints(specs); });
        return;
    }
    if (command.type == CommandType::inspect) {
        gate_.post([this, what = command.inspect] { change_inspection(what); });
        return;
    }
    if (command.type != CommandType::rewind) {
        gate_.apply(command);
        return;
    }
    gate_.pause();
    gate_.post([this, command] { begin_rewind(command); });
}

void TrainingSession::change_breakpoints(const std::vector<BreakpointSpec>& specs) {
    try {
        conditions_.update(specs);
    } catch (const ConditionError&) {
        return;  // a front end checks what it sends; a bad list changes nothing
    }
    observe_what_is_needed();
}

void TrainingSession::observe_what_is_needed() {
    Rewinder& r = *rewinder_;
    if (!r.parts) return;
    LoopContext& ctx = r.parts->ctx;
    const bool ledger = inspection_->tensors.watching().ledger;
    ctx.observe_norms = options_.observe_norms || conditions_.needs_norms() || ledger;
    ctx.observe_update_ratios = conditions_.needs_update_ratios() || ledger;
    ctx.observe_ledger = ledger;
}

void TrainingSession::change_inspection(const Inspect& what) {
    inspection_->tensors.watch(what);
    observe_what_is_needed();
    if (what.tensors && gate_.holding()) publish_tensors();
}

void TrainingSession::publish_tensors() {
    Rewinder& r = *rewinder_;
    if (!r.parts) return;
    Event e = r.parts->observer.make(EventType::tensors);
    e.stage = last_hold_stage_;
    try {
        e.tensors = std::make_shared<const TensorReport>(
            inspection_->tensors.report(*r.parts, inspection_->boundaries));
    } catch (...) {
        return;  // an observation: it must never take the run down
    }
    publish(std::move(e));
}

std::shared_ptr<const ForkPoint> TrainingSession::fork_point() const {
    const std::lock_guard<std::mutex> lock(fork_mutex_);
    return fork_point_;
}

void TrainingSession::join_lockstep(std::shared_ptr<Lockstep> lockstep, int side) {
    gate_.post([this, lockstep = std::move(lockstep), side]() mutable {
        if (lockstep_) lockstep_->leave(lockstep_side_);
        lockstep_ = std::move(lockstep);
        lockstep_side_ = side;
    });
}

void TrainingSession::on_hold(const Position& where, bool held) {
    state_ = held ? SessionState::paused : SessionState::running;
    Rewinder& r = *rewinder_;
    {
        // Where a fork from here starts: kept while the run holds, for any thread to take.
        std::shared_ptr<ForkPoint> point;
        if (held && r.parts && r.phase == Rewinder::Phase::none) {
            const BoundaryRef at = r.timeline.here();
            if (auto state = r.store.shared_at_or_before(at.batch)) {
                point = std::make_shared<ForkPoint>();
                point->state = std::move(state);
                point->at = at;
                point->epoch = where.epoch;
                point->batch_idx = where.batch_idx;
                point->stage = where.stage;
                if (!shared_config_) shared_config_ = std::make_shared<const RunConfig>(config_);
                point->config = shared_config_;
            }
        }
        const std::lock_guard<std::mutex> lock(fork_mutex_);
        fork_point_ = std::move(point);
    }
    TensorInspector& tensors = inspection_->tensors;
    if (!r.parts || !tensors.watching().tensors) return;
    if (held) {
        last_hold_stage_ = where.stage;
        // As a task, so the report follows the paused event the observer sends after this.
        gate_.post([this] {
            if (gate_.holding()) publish_tensors();
        });
    } else {
        try {
            tensors.remember(*r.parts, inspection_->boundaries, where.stage, where.epoch,
                             where.batch_idx);
        } catch (...) {
            tensors.forget();
        }
    }
}

void TrainingSession::begin_rewind(const Command& command) {
    Rewinder& r = *rewinder_;
    if (!r.parts) return;  // not training yet
    auto refuse = [&](Text why) { r.parts->observer.notice(std::move(why)); };
    const BoundaryRef from = r.phase == Rewinder::Phase::none ? r.timeline.here() : r.target;
    auto resolved = r.timeline.resolve(command, from);
    if (const Text* why = std::get_if<Text>(&resolved)) return refuse(*why);
    const BoundaryRef target = std::get<BoundaryRef>(resolved);
    if (!r.store.at_or_before(target.batch)) {
        auto mb = [](double bytes) {
            std::ostringstream s;
            s.precision(3);
            s << bytes / (1024.0 * 1024.0);
            return s.str();
        };
        return refuse({TextCode::rewind_over_budget,
                       {mb(double(r.store.budget())), mb(double(r.store.last_offered_bytes()))}});
    }
    r.target = target;
    throw RewindRequested();
}

void TrainingSession::at_batch_start(std::int64_t epoch, std::int64_t batch_idx,
                                     std::int64_t batch) {
    Rewinder& r = *rewinder_;
    r.ordinal = 0;
    if (r.phase == Rewinder::Phase::silent && batch >= r.target.batch)
        r.phase = Rewinder::Phase::publishing;
    if (r.store.budget() == 0 && r.store.last_offered_bytes() > 0)
        return;  // measured once, for the refusal
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    if (r.last_batch_start_ns) {
        const double took = double(now - r.last_batch_start_ns);
        r.batch_ns = r.batch_ns == 0 ? took : 0.9 * r.batch_ns + 0.1 * took;
    }
    r.last_batch_start_ns = now;
    // Stepping, every batch gets its snapshot (the time is the person's); at full speed and while
    // recomputing, as often as keeps their cost near 2% of the time, but never so rarely that
    // going back one batch would recompute more than kMaxRecomputeNs of training.
    bool due = r.store.size() == 0 || (!gate_.free_running() && r.phase == Rewinder::Phase::none);
    if (!due) {
        constexpr double kMaxRecomputeNs = 150e6;
        const double every = r.batch_ns > 0 ? std::min(r.snapshot_ns / (0.02 * r.batch_ns),
                                                       kMaxRecomputeNs / r.batch_ns)
                                            : 1.0;
        due = double(r.since_snapshot + 1) >= every;
    }
    if (!due || r.store.has(batch)) {
        ++r.since_snapshot;
        return;
    }
    const auto start = std::chrono::steady_clock::now();
    {
        const GeneratorLease::Scope held(r.parts->observer.lease());  // the state includes it
        r.store.add(TrainingState::capture(*r.parts, epoch, batch_idx, batch));
    }
    const double took = double((std::chrono::steady_clock::now() - start).count());
    r.snapshot_ns = r.snapshot_ns == 0 ? took : 0.8 * r.snapshot_ns + 0.2 * took;
    r.since_snapshot = 0;
}

bool TrainingSession::at_boundary(Stage stage) {
    Rewinder& r = *rewinder_;
    const Observer& obs = r.parts->observer;
    const BoundaryRef here{obs.pos.epoch * r.batches_per_epoch + obs.pos.batch_idx, r.ordinal++};
    ++inspection_->boundaries;
    r.timeline.count(here.batch, here.ordinal);
    if (r.phase == Rewinder::Phase::silent) return true;
    r.timeline.here(here);
    if (r.phase == Rewinder::Phase::publishing) {
        if (here < r.target) return true;
        finish_replay(stage);
    }
    return false;
}

void TrainingSession::finish_replay(Stage stage) {
    Rewinder& r = *rewinder_;
    r.phase = Rewinder::Phase::none;
    const Observer& obs = r.parts->observer;
    Event rewound = obs.make(EventType::rewound);
    rewound.stage = stage;
    rewound.text = {
        TextCode::rewound,
        {std::to_string(obs.pos.epoch), std::to_string(obs.pos.batch_idx), stage_name(stage)}};
    if (!r.forked.empty()) {
        rewound.text = std::move(r.forked);
        r.forked = {};
    }
    publish(std::move(rewound));
    std::vector<Event> held = std::move(r.held_back);
    r.held_back.clear();
    r.flushing = true;
    for (Event& e : held) publish(std::move(e));
    r.flushing = false;
}

void TrainingSession::publish(Event&& event) {
    Rewinder& r = *rewinder_;
    if (r.phase != Rewinder::Phase::none && event.type != EventType::error &&
        event.type != EventType::run_end) {
        if (r.phase == Rewinder::Phase::publishing) {
            r.held_back.push_back(std::move(event));
        } else if (!conditions_.empty() && event.type == EventType::stage_exit) {
            (void)conditions_.on_event(event);  // the same measurements as the first time
        }
        return;
    }
    event.run_id = run_id_;
    event.seq = next_seq_++;
    // Breakpoints on measured values: checked on the stage's exit (or the error) before anything
    // coalesces it; the hit's notice follows the event that met it.
    if (!conditions_.empty() &&
        (event.type == EventType::stage_exit || event.type == EventType::error)) {
        std::vector<ConditionHit> hits = conditions_.on_event(event);
        if (!hits.empty()) {
            const Event where = make_position(event);
            publish_checked(std::move(event));
            for (const ConditionHit& hit : hits) report_hit(hit, where, false);
            return;
        }
    }
    publish_checked(std::move(event));
}

Event TrainingSession::make_position(const Event& of) {
    Event e;
    e.position() = of.position();
    return e;
}

void TrainingSession::report_hit(const ConditionHit& hit, const Event& where, bool place) {
    Rewinder& r = *rewinder_;
    if (r.phase == Rewinder::Phase::silent) return;
    if (!r.flushing) {
        if (place)
            r.timeline.hit_here();
        else
            r.timeline.hit_next();
    }
    // The worker asks the gate at its next boundary: a pause (or a stop) made now holds it there.
    // Made before the notice goes out, so that whoever answers the notice (Continue) comes after.
    if (options_.on_break == SessionOptions::OnBreak::hold) {
        gate_.pause();
        broke_ = true;
    } else if (options_.on_break == SessionOptions::OnBreak::stop) {
        gate_.stop();
    }
    Event notice = make_position(where);
    notice.type = EventType::warning;
    notice.source = "stepwise";
    notice.text = breakpoint_hit_text(hit);
    publish(std::move(notice));
}

void TrainingSession::publish_checked(Event&& event) {
    if (options_.listener) {
        try {
            options_.listener(event);
        } catch (...) {
            // A listener (the trace writer, the remote link) must never take the run down: it is
            // dropped, and what went wrong goes on as an error event naming it.
            std::string type, message;
            describe_current_exception(type, message);
            options_.listener = nullptr;
            Event failure;
            failure.position() = event.position();
            failure.type = EventType::error;
            failure.exception_type = type;
            failure.message =
                "the event listener failed and was detached; the run goes on: " + message;
            failure.phase = ErrorPhase::listener;
            deliver(std::move(event));
            publish(std::move(failure));
            return;
        }
    }
    deliver(std::move(event));
}

void TrainingSession::deliver(Event&& event) {
    if (!options_.buffer_events) return;
    // At full speed the consumer (drawing at most once a frame) gets events in bunches, at most
    // kMaxStagingNs apart: one lock per bunch instead of one per event. Stepping or animating,
    // every event goes at once.
    const EventType type = event.type;
    const bool free_running = gate_.free_running();
    const bool stage_event = type == EventType::stage_exit || type == EventType::stage_enter;
    timespec coarse{};
    clock_gettime(CLOCK_MONOTONIC_COARSE, &coarse);
    const std::int64_t now = std::int64_t(coarse.tv_sec) * 1'000'000'000 + coarse.tv_nsec;
    const bool due = now - last_publish_ns_ >= kMaxStagingNs;
    if (options_.coalesce_stages && free_running && (stage_event || type == EventType::batch_end)) {
        // Coalescing: a batch's stage events are kept (the newest of each stage, in slots that stay
        // in cache) and its batch_end is held back, until the next batch begins: then the
        // batch_end goes on alone and the stage events it ends are out of date. When a bunch is
        // due, the current batch goes whole. A batch_end that goes on is published at once: the
        // next batch may sit in a long stage, and the window must still see the finished batch
        // (one publish per batch, not per event).
        const bool end_goes_on = held_end_.has_value();
        stage_held_end();
        if (stage_event)
            newest_[static_cast<std::size_t>(event.stage)] = std::move(event);
        else
            held_end_ = std::move(event);
        if (!due && !end_goes_on) return;
        if (!due) {
            buffer_.publish();
            return;
        }
        stage_newest();
        stage_held_end();
    } else {
        if (options_.coalesce_stages) {
            stage_newest();
            stage_held_end();
        }
        stage(std::move(event));
        const bool bunched = free_running && (stage_event || type == EventType::resumed);
        if (bunched && !due) return;
    }
    buffer_.publish();
    last_publish_ns_ = now;
}

void TrainingSession::stage_held_end() {
    if (!held_end_) return;
    stage(std::move(*held_end_));
    held_end_.reset();
}

void TrainingSession::stage(Event&& event) {
    last_staged_seq_ = event.seq;
    buffer_.stage(std::move(event));
}

void TrainingSession::stage_newest() {
    std::array<Event*, kStageCount> newer{};
    std::size_t n = 0;
    for (auto& slot : newest_)
        if (slot && (!last_staged_seq_ || slot->seq > *last_staged_seq_)) newer[n++] = &*slot;
    // Older ones were overtaken by a batch_end already staged: what they said is out of date.
    std::sort(newer.begin(), newer.begin() + n,
              [](const Event* a, const Event* b) { return a->seq < b->seq; });
    for (std::size_t i = 0; i < n; ++i) stage(std::move(*newer[i]));
    for (auto& slot : newest_) slot.reset();
}

void TrainingSession::run_worker() {
    Observer observer([this](Event&& e) { publish(std::move(e)); }, gate_,
                      [this](const Position& where, bool held) { on_hold(where, held); });
    // This run's share of torch's global generator (another session may run beside it).
    GeneratorLease generator(options_.yield_to_other_runs ? GeneratorLease::Kind::yielding
                                                          : GeneratorLease::Kind::working,
                             [this] { return gate_.stop_requested(); });
    observer.set_lease(&generator);
    RunStatus status = RunStatus::finished;
    SessionState final_state = SessionState::finished;
    std::int64_t global_step = 0;
    std::shared_ptr<const ParameterSnapshot> final_params;
    auto report_error = [&](const std::string& type, const std::string& message, ErrorPhase phase,
                            Stage stage = Stage::on_train_batch_start) {
        Event e;
        e.position() = observer.pos;
        e.type = EventType::error;
        e.stage = stage;
        e.exception_type = type;
        e.message = message;
        e.phase = phase;
        publish(std::move(e));
        status = RunStatus::failed;
        final_state = SessionState::failed;
    };
    ErrorPhase stage_where = ErrorPhase::config;
    std::optional<warning_cache::Private> own_warnings;
    if (options_.private_warnings) own_warnings.emplace();
    try {
        // The breakpoints (the config reader checked them; a config built in code may not be).
        try {
            conditions_ = ConditionSet(config_.breakpoints);
        } catch (const ConditionError& e) {
            throw ConfigError(std::string("breakpoints: ") + e.what());
        }
        // Watched even when there is none yet: the window may add some while the run goes.
        observer.watch(&conditions_, [this](const ConditionHit& hit, const Event& where) {
            report_hit(hit, where, true);
        });
        torch::NoGradGuard no_grad_outside_closures;  // grad mode comes on inside the closure only
        // training_step runs as Python runs it, eagerly, every time: left on, TorchScript's graph
        // executor rewrites the method after its first calls (differentiable graphs, fusion), so
        // later batches compute in another order and their grad_fn is DifferentiableGraphBackward
        // instead of Python's (MseLossBackward0); and a batch recomputed after a rewind would not
        // give what it gave the first time. This thread's setting; the worker runs every call.
        torch::jit::GraphOptimizerEnabledGuard eager_like_python(false);
        Training training(config_, observer, stage_where);
        TrainingModule& module = *training.module;
        LoopContext& ctx = *training.ctx;
        FitLoop& fit = *training.fit;
        // Stage by stage only when training_step draws from the generator: otherwise only the
        // data order and the snapshots touch it, and they take it themselves, so two runs compare
        // side by side on two cores. A yielding run (a shadow) always takes it, which is how it
        // waits while a watched run works.
        observer.set_lease(&generator, options_.yield_to_other_runs || module.draws_random());
        ctx.parameters_each_batch = options_.parameters_each_batch;
        ctx.checksum_parameters = options_.checksum_parameters;

        Event start;
        start.type = EventType::run_start;
        start.config_json = to_json(config_);
        start.parameters = std::make_shared<const ParameterSnapshot>(snapshot(module.parameters()));
        start.total_batches_per_epoch = fit.num_training_batches();
        start.model_code = module.code();
        start.accumulate_grad_batches = static_cast<int>(config_.trainer.accumulate_grad_batches);
        publish(std::move(start));
        if (config_.departures.any()) {
            std::string names;
            for (const std::string& name : departure_names())
                if (departure(config_.departures, name))
                    names += (names.empty() ? "" : ", ") + name;
            observer.notice({TextCode::departures, {names}});
        }
        state_ = SessionState::running;
        stage_where = ErrorPhase::training;
        // seed_everything(seed) right before trainer.fit (spec D-3): torch's global generator,
        // which the DataLoader's iterators and training_step's own draws (torch.rand, dropout) use.
        {
            const GeneratorLease::Scope held(&generator);
            torch::manual_seed(static_cast<std::uint64_t>(config_.seed));
        }
        if (config_.lr_scheduler && config_.lr_scheduler->name == "OneCycleLR" &&
            config_.lr_scheduler->interval == "epoch") {
            // _configure_schedulers_automatic_opt, word for word (a RuntimeWarning).
            observer.warning(
                "A `OneCycleLR` scheduler is using 'interval': 'epoch'. Are you sure you didn't "
                "mean "
                "'interval': 'step'?",
                "RuntimeWarning");
        }
        Rewinder& rw = *rewinder_;
        rw.batches_per_epoch = std::max<std::int64_t>(1, fit.num_training_batches());
        rw.parts.emplace(training.parts(conditions_));
        observe_what_is_needed();
        ctx.at_batch_start = [this](std::int64_t epoch, std::int64_t batch_idx,
                                    std::int64_t batch) {
            at_batch_start(epoch, batch_idx, batch);
        };
        observer.on_boundary([this](Stage stage) { return at_boundary(stage); });
        // A comparison: wait at each batch's end while the other run is behind (lockstep.h). A run
        // recomputing towards a rewind's target is not where the other one is. While it sleeps
        // there it does not count as working: a parity meter's shadow run may catch up meanwhile,
        // as while the run holds. A run alone passes by (a fork may join it later).
        ctx.at_batch_end = [this, parameters = module.parameter_tensors(), lease = &generator](
                               Event& end, std::int64_t samples) {
            if (!lockstep_) return;
            end.samples = samples;
            if (rewinder_->phase == Rewinder::Phase::silent) return;
            end.peer_distance = lockstep_->arrive(
                lockstep_side_, samples, parameters,
                [this] { return gate_.stop_requested() || gate_.has_tasks(); },
                [lease](bool asleep) { asleep ? lease->suspend() : lease->resume(); });
        };
        struct Detach {  // the parts die with this scope; a late task must not find them
            Rewinder& rw;
            ~Detach() { rw.parts.reset(); }
        } detach{rw};
        std::optional<std::pair<std::int64_t, std::int64_t>> resume;
        if (options_.fork_from) {
            // A fork: run A's state at the start of the batch it holds in, then this run's own
            // config from there, recomputed unseen up to where run A holds.
            const ForkPoint& fork = *options_.fork_from;
            std::shared_ptr<const TrainingState> from = fork.state;
            if (from->batch() < fork.at.batch) from = catch_up(fork, gate_, generator);
            {
                const GeneratorLease::Scope held(&generator);  // the state includes it
                from->restore_as(*rw.parts, fork.config->optimizer, config_.optimizer);
            }
            rw.phase = Rewinder::Phase::silent;
            rw.target = fork.at;
            std::string changes;
            for (const std::string& change : config_changes(*fork.config, config_))
                changes += (changes.empty() ? "" : ", ") + change;
            rw.forked = {TextCode::forked,
                         {std::to_string(fork.epoch), std::to_string(fork.batch_idx),
                          stage_name(fork.stage), changes}};
            resume.emplace(from->epoch(), from->batch_idx());
        }
        for (;;) {
            try {
                try {
                    if (resume)
                        fit.run_from(resume->first, resume->second);
                    else
                        fit.run();
                } catch (const StageFailure& f) {
                    broke_ = false;
                    report_error(f.type, f.what(), ErrorPhase::stage, f.stage);
                    // An `exception` breakpoint holds the failed run before it ends (and a
                    // rewind from there takes it back to before the failure).
                    if (broke_) observer.hold_after_failure(f.stage);
                }
                break;
            } catch (const StopRequested&) {
                status = RunStatus::stopped;
                final_state = SessionState::stopped;
                break;
            } catch (const RewindRequested&) {
                // begin_rewind chose the target and made sure a snapshot precedes it.
                if (lockstep_) lockstep_->rewound(lockstep_side_);
                status = RunStatus::finished;
                final_state = SessionState::finished;
                const TrainingState* from = rw.store.at_or_before(rw.target.batch);
                {
                    const GeneratorLease::Scope held(&generator);  // the state includes it
                    from->restore(*rw.parts);
                }
                rw.phase = Rewinder::Phase::silent;
                inspection_->tensors.forget();  // the tensors kept to compare with are undone too
                rw.held_back.clear();
                rw.last_batch_start_ns = 0;
                resume.emplace(from->epoch(), from->batch_idx());
            }
        }
        global_step = ctx.global_step;
        final_params = std::make_shared<const ParameterSnapshot>(snapshot(module.parameters()));
    } catch (const StopRequested&) {
        status = RunStatus::stopped;
        final_state = SessionState::stopped;
    } catch (const LoadError& e) {
        report_error("LoadError", e.what(), e.phase);
    } catch (const ConfigError& e) {
        report_error(e.exception_type, e.what(), ErrorPhase::config);
    } catch (...) {
        std::string type, message;
        describe_current_exception(type, message);
        report_error(type, message, stage_where);
    }
    if (lockstep_) lockstep_->leave(lockstep_side_);  // never waited for again
    {
        const std::lock_guard<std::mutex> lock(fork_mutex_);
        fork_point_.reset();
    }
    Event end;
    end.type = EventType::run_end;
    end.epoch = observer.pos.epoch;
    end.batch_idx = observer.pos.batch_idx;
    end.global_step = global_step;
    end.status = status;
    end.parameters = std::move(final_params);
    publish(std::move(end));
    {
        std::lock_guard<std::mutex> lock(finished_mutex_);
        state_ = final_state;
    }
    finished_cv_.notify_all();
}

}  // namespace stepwise
