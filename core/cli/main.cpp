// stepwise-run: the headless runner. Config in, one line per batch out, JSON Lines trace on
// request. main() reads the command line (options.cpp), loads the run config, opens the outputs
// (outputs.cpp) and runs: the session, the remote server with --listen, the signals, the listener
// that prints (listener.cpp), the exit status.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "listener.h"
#include "options.h"
#include "outputs.h"
#include "remote_server.h"
#include "stepwise/conditions.h"
#include "stepwise/lessons.h"
#include "stepwise/run_config.h"
#include "stepwise/session.h"

#if STEPWISE_WITH_PYTHON
#include "host.h"
#include "script_run.h"
#endif

namespace stepwise::cli {
namespace {

std::atomic<bool> g_interrupted{false};
void on_signal(int) {
    g_interrupted = true;
}

/// --lesson's config, else the default lesson's; named on stdout unless quiet. Nothing after
/// saying on stderr that there is no such lesson.
std::optional<RunConfig> lesson_config(const Options& options) {
    const Lesson* lesson = options.lesson.empty() ? &default_lesson() : find_lesson(options.lesson);
    if (!lesson) {
        std::cerr << "stepwise-run: no built-in lesson \"" << options.lesson
                  << "\" (see --list-lessons)\n";
        return std::nullopt;
    }
    if (!options.quiet) std::cout << "lesson " << lesson->name << ": " << lesson->title << '\n';
    return parse_run_config(lesson->config_json, "", "lesson " + lesson->name);
}

/// Adds --break-on's breakpoints after the config's; false after saying which one is wrong.
bool add_breakpoints(RunConfig& config, const std::vector<std::string>& break_on) {
    for (const std::string& when : break_on) {
        try {
            (void)parse_condition(when);
        } catch (const ConditionError& e) {
            std::cerr << "stepwise-run: --break-on: " << e.what() << '\n';
            return false;
        }
        config.breakpoints.push_back({when, true});
    }
    return true;
}

/// The run config: CONFIG.json's or a lesson's, with --break-on's breakpoints. Nothing after
/// saying why on stderr (exit status 2).
std::optional<RunConfig> load(const Options& options) {
    std::optional<RunConfig> config;
    try {
        if (options.script()) {
            // The user's script: its Trainer's arguments fill the rest when it calls fit.
            config.emplace();
            config->model.kind = ModelSpec::Kind::script;
            config->model.path = std::filesystem::absolute(options.config_path).string();
            config->model.args = options.script_args;
            if (!std::filesystem::is_regular_file(config->model.path)) {
                std::cerr << "stepwise-run: " << options.config_path << ": no such script\n";
                return std::nullopt;
            }
        } else {
            config = options.config_path.empty() ? lesson_config(options)
                                                 : load_run_config(options.config_path);
        }
    } catch (const ConfigError& e) {
        if (e.exception_type == "ConfigError")
            std::cerr << "stepwise-run: invalid config: " << e.what() << '\n';
        else
            std::cerr << e.exception_type << ": " << e.what() << '\n';
        return std::nullopt;
    }
    if (config && !add_breakpoints(*config, options.break_on)) return std::nullopt;
    return config;
}

SessionOptions::OnBreak session_on_break(OnBreak on_break) {
    switch (on_break) {
        case OnBreak::continue_: return SessionOptions::OnBreak::report;
        case OnBreak::exit: return SessionOptions::OnBreak::stop;
        case OnBreak::hold: return SessionOptions::OnBreak::hold;
    }
    return SessionOptions::OnBreak::report;
}

/// The session as stepwise-run drives it: events straight to the listener, or through the buffer
/// to the remote server with --listen. It pays only for what a consumer reads: norms for a trace,
/// the table or a client (the batch lines quote none), stage events for a trace or a client, and
/// snapshots only where a client can send the run back.
SessionOptions session_options(const Options& options, const Outputs& outputs) {
    SessionOptions s;
    s.on_break = session_on_break(options.on_break);
    s.buffer_events = false;
    s.parameters_each_batch = options.trace_parameters && outputs.tracing();
    s.observe_norms = outputs.tracing() || options.listen || outputs.tabulating();
    s.stage_events = outputs.tracing() || options.listen.has_value();
    s.listener_reads_stages = outputs.tracing();
    s.rewindable = options.listen.has_value();
    if (options.listen) {
        // The window's way: held at the first stage until a client lets it go on; events go
        // through the buffer, stage events coalesced at full speed, drained on the socket thread.
        s.buffer_events = true;
        s.coalesce_stages = true;
        s.start_paused = true;
    }
    return s;
}

/// Serves the session at --listen's address and says where on stderr; nothing after saying why
/// it cannot.
std::unique_ptr<RemoteServer> serve(const Options& options, TrainingSession& session) {
    auto log = [](const std::string& line) {
        const std::lock_guard<std::mutex> lock(stderr_mutex());
        std::cerr << ("stepwise-run: remote: " + line + "\n") << std::flush;
    };
    auto on_command = [&session](const Command& c) { session.send(c); };
    std::unique_ptr<RemoteServer> server;
    try {
        server = std::make_unique<RemoteServer>(
            RemoteServer::Options{options.listen->host, options.listen->port, options.token},
            session.events(), on_command, log);
    } catch (const std::exception& e) {
        std::cerr << "stepwise-run: " << e.what() << '\n';
        return nullptr;
    }
    server->start();
    const std::lock_guard<std::mutex> lock(stderr_mutex());
    // One write, so that a script reading stderr never sees half of it.
    std::cerr << ("stepwise-run: listening on " + server->address() + " token " + options.token +
                  "\n")
              << std::flush;
    return server;
}

int exit_status(const RunOutcome& outcome) {
    if (outcome.stopped_at_break) return 3;  // stopped there, or held the failure it broke on
    if (outcome.status == RunStatus::finished) return 0;
    if (outcome.status == RunStatus::stopped) return 130;
    return outcome.config_failure ? 2 : 1;
}

#if STEPWISE_WITH_PYTHON
/// The embedded interpreter for SCRIPT.py, on this thread (the one that trains), with its torch
/// checked against this process's LibTorch; nothing after saying why on stderr.
std::unique_ptr<python::Host> start_python(const Options& options) {
    const char* venv = std::getenv("VIRTUAL_ENV");
    std::unique_ptr<python::Host> host;
    try {
        host = std::make_unique<python::Host>(
            python::HostOptions{python::choose_interpreter(options.python, venv ? venv : "")});
    } catch (const std::exception& e) {
        std::cerr << "stepwise-run: " << e.what() << '\n';
        return nullptr;
    }
    const python::TorchCheck check = host->check_torch();
    if (!check.ok) {
        std::cerr << "stepwise-run: " << check.message << '\n';
        return nullptr;
    }
    return host;
}
#endif

/// Runs the config to its end (or Ctrl+C's stop), then finishes the outputs.
int run(const Options& options, const RunConfig& config, Outputs& outputs) {
    RunOutcome outcome;
    SessionOptions s = session_options(options, outputs);
    s.listener = make_listener(options, outputs, outcome);
#if STEPWISE_WITH_PYTHON
    std::unique_ptr<python::Host> host;
    if (options.script()) {
        if (!(host = start_python(options))) return 2;
        s.script = [&host, &config](const SessionOptions::FitFunction& fit) {
            return python::run_script(*host, config, fit);
        };
    }
#else
    if (options.script()) {
        std::cerr << "stepwise-run: this Stepwise was built without Python (STEPWISE_PYTHON=OFF): "
                     "it runs configs, lessons and .pt files, not scripts\n";
        return 2;
    }
#endif
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGPIPE, SIG_IGN);  // a client that vanishes is the socket's error, not a signal
    TrainingSession session(config, s);
    std::unique_ptr<RemoteServer> server;
    if (options.listen && !(server = serve(options, session))) return 2;
    // The training runs on this thread, as a hand-written loop would (the main thread's allocator
    // arena serves LibTorch's many small tensors fastest); a watcher turns Ctrl+C into a stop.
    // It looks every 50 ms, and is woken at once when the run ends (a sleep would keep the
    // process up to 50 ms longer).
    std::mutex watch_mutex;
    std::condition_variable watch_cv;
    bool done = false;
    std::thread watcher([&] {
        std::unique_lock<std::mutex> lock(watch_mutex);
        bool interrupted = false;
        while (!watch_cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return done; })) {
            if (!g_interrupted || interrupted) continue;
            interrupted = true;
            session.gate().stop();
#if STEPWISE_WITH_PYTHON
            if (host) host->interrupt();  // Python code that runs reaches no gate
#endif
        }
    });
    session.run_blocking();
    {
        const std::lock_guard<std::mutex> lock(watch_mutex);
        done = true;
    }
    watch_cv.notify_one();
    watcher.join();
    if (server) server->finish(std::chrono::seconds(5));
    if (!outputs.finish(options.quiet)) return 2;
    std::cout.flush();
    if (options.script()) return outcome.stopped_at_break ? 3 : session.script_exit_status();
    return exit_status(outcome);
}

}  // namespace
}  // namespace stepwise::cli

int main(int argc, char** argv) {
    using namespace stepwise::cli;
    const CommandLine command_line = parse_command_line(argc, argv);
    if (!command_line.options) return command_line.exit_status;
    const Options& options = *command_line.options;
    const std::optional<stepwise::RunConfig> config = load(options);
    if (!config) return 2;
    Outputs outputs;
    if (!outputs.open(options)) return 2;
    return run(options, *config, outputs);
}
