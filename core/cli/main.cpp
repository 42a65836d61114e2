// stepwise-run: the headless runner. Config in, one line per batch out, JSON Lines trace on
// request.

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "remote_server.h"
#include "stepwise/batch_line.h"
#include "stepwise/batch_table.h"
#include "stepwise/conditions.h"
#include "stepwise/lessons.h"
#include "stepwise/run_config.h"
#include "stepwise/session.h"
#include "stepwise/tensorboard.h"
#include "stepwise/trace.h"
#include "stepwise/version.h"
#include "stepwise/wire.h"

namespace {

std::atomic<bool> g_interrupted{false};
std::mutex g_stderr;  ///< the training thread and the socket thread both write to stderr
void on_signal(int) {
    g_interrupted = true;
}

const char* const kUsage =
    "Usage: stepwise-run [CONFIG.json | --lesson NAME] [--trace OUT.jsonl] [--csv OUT.csv]\n"
    "                    [--tensorboard DIR] [--quiet]\n"
    "                    [--listen [HOST:]PORT [--token TOKEN]]\n"
    "       stepwise-run --list-lessons | --help | --version\n"
    "\n"
    "Runs a training loop exactly as PyTorch Lightning's automatic optimization does and prints\n"
    "one line per batch. Without a config it runs the built-in default lesson.\n"
    "\n"
    "  CONFIG.json        run config (model, data, batch_size, optimizer, trainer, ...)\n"
    "  --lesson NAME      run a built-in lesson (see --list-lessons)\n"
    "  --trace OUT.jsonl  write every stage, batch, warning and error as JSON Lines\n"
    "  --trace-parameters also write every parameter value at each batch end into the trace\n"
    "  --csv OUT.csv      write the per-batch table (epoch, batch_idx, global_step, stepped, "
    "loss,\n"
    "                     loss_raw, grad_norm, update_norm, lr, every scalar extra) when the run "
    "ends\n"
    "  --tensorboard DIR  write TensorBoard event files into DIR/version_N when the run ends: "
    "what\n"
    "                     Lightning's TensorBoardLogger writes for a training_step that "
    "self.log's\n"
    "                     its loss and extras (log_every_n_steps=1), plus stepwise/grad_norm,\n"
    "                     update_norm, lr and backward_loss; `tensorboard --logdir DIR` shows it\n"
    "  --quiet            no per-batch lines (warnings and errors still go to stderr)\n"
    "  --list-lessons     list the built-in lessons\n"
    "  --listen [HOST:]PORT  serve the run to `stepwise --attach` (HOST defaults to 127.0.0.1;\n"
    "                     port 0 picks a free one). The run starts held until a client lets it go\n"
    "                     on. One line on stderr gives the address and the token:\n"
    "                       stepwise-run: listening on HOST:PORT token TOKEN\n"
    "  --token TOKEN      the token clients must give (default: $STEPWISE_TOKEN, else random)\n"
    "  --break-on EXPR    a breakpoint (repeatable), added to the config's: none, nonfinite,\n"
    "                     spike>K, loss<X, grad_norm>X, grad_norm[NAME]<X, clipped, exception,\n"
    "                     update_ratio>X, update_ratio[NAME]<X, unchanged, unchanged[NAME],\n"
    "                     an extra (acc<0.2), global_step=N, epoch=E and batch=B, stage=backward,\n"
    "                     call>=K; join terms with \"and\" (see the README)\n"
    "  --on-break WHAT    at a hit: continue (report it on stderr and go on; the default),\n"
    "                     exit (stop there: one line on stderr, exit status 3), or hold (wait for\n"
    "                     the attached client; with --listen, where it is the default)\n"
    "\n"
    "Exit status: 0 finished, 1 the run failed (the error is on stderr), 2 bad usage or config,\n"
    "3 stopped at a breakpoint (--on-break exit), 130 interrupted.\n";

}  // namespace

int main(int argc, char** argv) {
    std::string config_path, lesson_name, trace_path, csv_path, tensorboard_dir, listen, token,
        on_break;
    std::vector<std::string> break_on;
    if (const char* env = std::getenv("STEPWISE_TOKEN")) token = env;
    bool quiet = false;
    bool trace_parameters = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&](const char* flag) -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "stepwise-run: " << flag << " needs a value\n" << kUsage;
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            std::cout << kUsage;
            return 0;
        } else if (arg == "--version") {
            std::cout << "stepwise-run " << stepwise::version() << '\n';
            return 0;
        } else if (arg == "--list-lessons") {
            for (const auto& l : stepwise::lessons())
                std::cout << l.name << "\t" << l.title << '\n';
            return 0;
        } else if (arg == "--trace") {
            trace_path = value("--trace");
        } else if (arg == "--csv") {
            csv_path = value("--csv");
        } else if (arg == "--tensorboard") {
            tensorboard_dir = value("--tensorboard");
        } else if (arg == "--lesson") {
            lesson_name = value("--lesson");
        } else if (arg == "--trace-parameters") {
            trace_parameters = true;
        } else if (arg == "--listen") {
            listen = value("--listen");
        } else if (arg == "--token") {
            token = value("--token");
        } else if (arg == "--break-on") {
            break_on.push_back(value("--break-on"));
        } else if (arg == "--on-break") {
            on_break = value("--on-break");
            if (on_break != "continue" && on_break != "exit" && on_break != "hold") {
                std::cerr << "stepwise-run: --on-break takes continue, exit or hold, not \""
                          << on_break << "\"\n";
                return 2;
            }
        } else if (arg == "--quiet") {
            quiet = true;
        } else if (!arg.empty() && arg[0] == '-') {
            std::cerr << "stepwise-run: unknown option " << arg << "\n" << kUsage;
            return 2;
        } else if (config_path.empty()) {
            config_path = arg;
        } else {
            std::cerr << "stepwise-run: only one config file, got " << config_path << " and " << arg
                      << "\n";
            return 2;
        }
    }
    std::optional<stepwise::HostPort> listen_at;
    if (!listen.empty()) {
        try {
            listen_at = stepwise::parse_host_port(listen);
        } catch (const std::exception& e) {
            std::cerr << "stepwise-run: --listen " << e.what() << '\n';
            return 2;
        }
        if (token.empty()) token = stepwise::random_token();
    }
    if (on_break.empty()) on_break = listen.empty() ? "continue" : "hold";
    if (on_break == "hold" && listen.empty()) {
        std::cerr << "stepwise-run: --on-break hold needs --listen: nobody else could let the run "
                     "go on\n";
        return 2;
    }
    if (!config_path.empty() && !lesson_name.empty()) {
        std::cerr << "stepwise-run: give a config file or --lesson, not both\n";
        return 2;
    }

    stepwise::RunConfig config;
    try {
        if (!config_path.empty()) {
            config = stepwise::load_run_config(config_path);
        } else {
            const stepwise::Lesson* lesson = lesson_name.empty()
                                                 ? &stepwise::default_lesson()
                                                 : stepwise::find_lesson(lesson_name);
            if (!lesson) {
                std::cerr << "stepwise-run: no built-in lesson \"" << lesson_name
                          << "\" (see --list-lessons)\n";
                return 2;
            }
            if (!quiet) std::cout << "lesson " << lesson->name << ": " << lesson->title << '\n';
            config = stepwise::parse_run_config(lesson->config_json, "", "lesson " + lesson->name);
        }
    } catch (const stepwise::ConfigError& e) {
        if (e.exception_type == "ConfigError")
            std::cerr << "stepwise-run: invalid config: " << e.what() << '\n';
        else
            std::cerr << e.exception_type << ": " << e.what() << '\n';
        return 2;
    }

    for (const std::string& when : break_on) {
        try {
            (void)stepwise::parse_condition(when);
        } catch (const stepwise::ConditionError& e) {
            std::cerr << "stepwise-run: --break-on: " << e.what() << '\n';
            return 2;
        }
        config.breakpoints.push_back({when, true});
    }

    std::ofstream trace_file;
    std::unique_ptr<stepwise::TraceWriter> trace;
    if (!trace_path.empty()) {
        trace_file.open(trace_path, std::ios::binary | std::ios::trunc);
        if (!trace_file) {
            std::cerr << "stepwise-run: cannot write the trace file " << trace_path << '\n';
            return 2;
        }
        trace = std::make_unique<stepwise::TraceWriter>(trace_file);
    }

    // The table is written when the run ends, however it ends; the file is opened now, so that a
    // path that cannot be written is refused before anything runs.
    std::ofstream csv_file;
    stepwise::BatchTable table;
    if (!csv_path.empty()) {
        csv_file.open(csv_path, std::ios::binary | std::ios::trunc);
        if (!csv_file) {
            std::cerr << "stepwise-run: cannot write the CSV file " << csv_path << '\n';
            return 2;
        }
    }

    // The same for TensorBoard: the version directory and the event file are made now.
    std::unique_ptr<stepwise::TensorBoardWriter> tensorboard;
    if (!tensorboard_dir.empty()) {
        try {
            tensorboard = std::make_unique<stepwise::TensorBoardWriter>(tensorboard_dir);
        } catch (const stepwise::TensorBoardError& e) {
            std::cerr << "stepwise-run: " << e.what() << '\n';
            return 2;
        }
    }
    const bool tabulate = csv_file.is_open() || tensorboard;

    stepwise::RunStatus status = stepwise::RunStatus::finished;
    bool config_failure = false;
    bool stopped_at_break = false;
    stepwise::SessionOptions options;
    options.on_break = on_break == "exit"   ? stepwise::SessionOptions::OnBreak::stop
                       : on_break == "hold" ? stepwise::SessionOptions::OnBreak::hold
                                            : stepwise::SessionOptions::OnBreak::report;
    options.buffer_events = false;
    options.parameters_each_batch = trace_parameters && trace;
    options.observe_norms = trace || listen_at || tabulate;  // the batch lines quote no norm
    options.listener = [&](const stepwise::Event& e) {
        if (trace) trace->on_event(e);
        if (tabulate) table.add(e);
        switch (e.type) {
            case stepwise::EventType::batch_end:
                if (!quiet) std::cout << stepwise::format_batch_line(e) << '\n';
                break;
            case stepwise::EventType::warning: {
                const std::lock_guard<std::mutex> lock(g_stderr);
                const bool hit = e.text.code == stepwise::TextCode::breakpoint_hit ||
                                 e.text.code == stepwise::TextCode::breakpoint_hit_value;
                if (hit && on_break == "exit") {
                    if (stopped_at_break)
                        break;  // the first hit stops the run; others may come before
                    stopped_at_break = true;
                    std::cerr << "stepwise-run: " << stepwise::format_text(e.text) << " at epoch "
                              << e.epoch << ", batch " << e.batch_idx << ", "
                              << stepwise::stage_name(e.stage) << "; the run stopped there\n";
                    break;
                }
                if (e.source == "lightning")
                    std::cerr << (e.exception_type.empty() ? "UserWarning" : e.exception_type)
                              << ": " << e.message;
                else
                    std::cerr << "stepwise: note: " << stepwise::format_text(e.text);
                std::cerr << "  [epoch " << e.epoch << ", batch " << e.batch_idx << "]\n";
                break;
            }
            case stepwise::EventType::error: {
                const std::lock_guard<std::mutex> lock(g_stderr);
                config_failure = e.phase == stepwise::ErrorPhase::config;
                if (e.phase == stepwise::ErrorPhase::model ||
                    e.phase == stepwise::ErrorPhase::data || e.exception_type == "ConfigError" ||
                    e.exception_type == "LoadError")
                    std::cerr << "stepwise-run: cannot load the " << stepwise::where_name(e) << ": "
                              << e.message << '\n';
                else
                    std::cerr << e.exception_type << ": " << e.message << "\n  (raised at "
                              << stepwise::where_name(e) << ", epoch " << e.epoch << ", batch "
                              << e.batch_idx << ")\n";
                break;
            }
            case stepwise::EventType::rewound: {
                // An attached window sent the run back: the batch lines from here on replace the
                // ones printed after this batch began.
                const std::lock_guard<std::mutex> lock(g_stderr);
                std::cerr << "stepwise: " << stepwise::format_text(e.text) << '\n';
                break;
            }
            case stepwise::EventType::run_end:
                status = e.status;
                if (!quiet)
                    std::cout << "run " << stepwise::run_status_name(e.status) << ": global_step "
                              << e.global_step << '\n';
                break;
            default: break;
        }
    };

    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGPIPE, SIG_IGN);  // a client that vanishes is the socket's error, not a signal
    if (listen_at) {
        // The window's way: held at the first stage until a client lets it go on; events go
        // through the buffer, stage events coalesced at full speed, drained on the socket thread.
        options.buffer_events = true;
        options.coalesce_stages = true;
        options.start_paused = true;
    }
    stepwise::TrainingSession session(config, options);
    std::unique_ptr<stepwise::RemoteServer> server;
    if (listen_at) {
        auto log = [](const std::string& line) {
            const std::lock_guard<std::mutex> lock(g_stderr);
            std::cerr << ("stepwise-run: remote: " + line + "\n") << std::flush;
        };
        auto on_command = [&session](const stepwise::Command& c) { session.send(c); };
        try {
            server = std::make_unique<stepwise::RemoteServer>(
                stepwise::RemoteServer::Options{listen_at->host, listen_at->port, token},
                session.events(), on_command, log);
        } catch (const std::exception& e) {
            std::cerr << "stepwise-run: " << e.what() << '\n';
            return 2;
        }
        server->start();
        {
            const std::lock_guard<std::mutex> lock(g_stderr);
            // One write, so that a script reading stderr never sees half of it.
            std::cerr << ("stepwise-run: listening on " + server->address() + " token " + token +
                          "\n")
                      << std::flush;
        }
    }
    session.start();
    while (!session.wait_finished(std::chrono::milliseconds(100))) {
        if (g_interrupted) session.gate().stop();
    }
    if (server) server->finish(std::chrono::seconds(5));
    if (csv_file.is_open()) {
        table.write_csv(csv_file);
        csv_file.flush();
        if (!csv_file) {
            std::cerr << "stepwise-run: could not write all of the CSV file " << csv_path << '\n';
            return 2;
        }
    }
    if (tensorboard) {
        try {
            tensorboard->write(table);
        } catch (const stepwise::TensorBoardError& e) {
            std::cerr << "stepwise-run: " << e.what() << '\n';
            return 2;
        }
        if (!quiet) std::cout << "tensorboard: " << tensorboard->directory() << '\n';
    }
    std::cout.flush();
    if (stopped_at_break) return 3;  // stopped there, or held the failure it broke on
    if (status == stepwise::RunStatus::finished) return 0;
    if (status == stepwise::RunStatus::stopped) return 130;
    return config_failure ? 2 : 1;
}
