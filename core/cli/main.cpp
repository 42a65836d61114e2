// stepwise-run: the headless runner. Config in, one line per batch out, JSON Lines trace on
// request.

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "options.h"
#include "remote_server.h"
#include "stepwise/batch_line.h"
#include "stepwise/batch_table.h"
#include "stepwise/conditions.h"
#include "stepwise/lessons.h"
#include "stepwise/run_config.h"
#include "stepwise/session.h"
#include "stepwise/tensorboard.h"
#include "stepwise/trace.h"

namespace {

std::atomic<bool> g_interrupted{false};
std::mutex g_stderr;  ///< the training thread and the socket thread both write to stderr
void on_signal(int) {
    g_interrupted = true;
}

}  // namespace

int main(int argc, char** argv) {
    const stepwise::cli::CommandLine command_line = stepwise::cli::parse_command_line(argc, argv);
    if (!command_line.options) return command_line.exit_status;
    const stepwise::cli::Options& o = *command_line.options;
    using stepwise::cli::OnBreak;
    const std::string& config_path = o.config_path;
    const std::string& lesson_name = o.lesson;
    const std::string& trace_path = o.trace_path;
    const std::string& csv_path = o.csv_path;
    const std::string& tensorboard_dir = o.tensorboard_dir;
    const std::string& token = o.token;
    const std::vector<std::string>& break_on = o.break_on;
    const std::optional<stepwise::HostPort>& listen_at = o.listen;
    const bool quiet = o.quiet;
    const bool trace_parameters = o.trace_parameters;

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
    options.on_break = o.on_break == OnBreak::exit   ? stepwise::SessionOptions::OnBreak::stop
                       : o.on_break == OnBreak::hold ? stepwise::SessionOptions::OnBreak::hold
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
                if (hit && o.on_break == OnBreak::exit) {
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
