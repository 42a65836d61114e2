#include "listener.h"

#include <iostream>

#include "stepwise/batch_line.h"
#include "stepwise/text.h"

namespace stepwise::cli {
namespace {

bool is_breakpoint_hit(const Event& e) {
    return e.text.code == TextCode::breakpoint_hit || e.text.code == TextCode::breakpoint_hit_value;
}

/// With --on-break exit: the first hit stops the run (others may come before it stops).
void print_stop_at_break(const Event& e, RunOutcome& outcome) {
    if (outcome.stopped_at_break) return;
    outcome.stopped_at_break = true;
    std::cerr << "stepwise-run: " << format_text(e.text) << " at epoch " << e.epoch << ", batch "
              << e.batch_idx << ", " << stage_name(e.stage) << "; the run stopped there\n";
}

void print_warning(const Event& e, OnBreak on_break, RunOutcome& outcome) {
    const std::lock_guard<std::mutex> lock(stderr_mutex());
    if (is_breakpoint_hit(e) && on_break == OnBreak::exit) {
        print_stop_at_break(e, outcome);
        return;
    }
    if (e.source == "lightning")
        std::cerr << (e.exception_type.empty() ? "UserWarning" : e.exception_type) << ": "
                  << e.message;
    else
        std::cerr << "stepwise: note: " << format_text(e.text);
    std::cerr << "  [epoch " << e.epoch << ", batch " << e.batch_idx << "]\n";
    if (e.frame) {  // a line breakpoint's: where, and the variables there
        std::cerr << "  at " << e.frame->file << ':' << e.frame->line << ", in "
                  << e.frame->function << '\n';
        for (const auto& [name, value] : e.frame->locals)
            std::cerr << "    " << name << " = " << format_value(value) << '\n';
    }
}

void print_error(const Event& e, RunOutcome& outcome) {
    const std::lock_guard<std::mutex> lock(stderr_mutex());
    outcome.config_failure = e.phase == ErrorPhase::config;
    if (e.phase == ErrorPhase::model || e.phase == ErrorPhase::data ||
        e.exception_type == "ConfigError" || e.exception_type == "LoadError")
        std::cerr << "stepwise-run: cannot load the " << where_name(e) << ": " << e.message << '\n';
    else if (e.phase == ErrorPhase::script && !e.traceback.empty())
        return;  // the script's own exception: Python prints its traceback, as python3 would
    else if (e.phase == ErrorPhase::script)
        std::cerr << e.exception_type << ": " << e.message
                  << "\n  (in the script, outside Trainer.fit)\n";
    else
        std::cerr << e.exception_type << ": " << e.message << "\n  (raised at " << where_name(e)
                  << ", epoch " << e.epoch << ", batch " << e.batch_idx << ")\n";
}

/// An attached window sent the run back: the batch lines from here on replace the ones printed
/// after this batch began.
/// After an epoch: what self.log aggregated over it, as the loggers and the progress bar got it.
void print_epoch_metrics(const Event& e) {
    std::string line;
    for (const LoggedMetric& m : e.metrics->values)
        if (m.logger || m.prog_bar) line += "  " + m.name + "=" + format_metric(m.value);
    if (!line.empty()) std::cout << "epoch " << e.epoch << " end" << line << '\n';
}

void print_rewound(const Event& e) {
    const std::lock_guard<std::mutex> lock(stderr_mutex());
    std::cerr << "stepwise: " << format_text(e.text) << '\n';
}

}  // namespace

std::mutex& stderr_mutex() {
    static std::mutex m;
    return m;
}

std::function<void(const Event&)> make_listener(const Options& options, Outputs& outputs,
                                                RunOutcome& outcome) {
    return [quiet = options.quiet, on_break = options.on_break, &outputs, &outcome,
            step_metrics = std::shared_ptr<const MetricsRecord>()](const Event& e) mutable {
        outputs.on_event(e);
        switch (e.type) {
            case EventType::metrics:
                // A step's: on its batch line, as Lightning's progress bar shows it.
                if (!e.metrics->epoch_end)
                    step_metrics = e.metrics;
                else if (!quiet)
                    print_epoch_metrics(e);
                break;
            case EventType::batch_end:
                if (!quiet) std::cout << format_batch_line(e, step_metrics.get()) << '\n';
                step_metrics.reset();
                break;
            case EventType::warning: print_warning(e, on_break, outcome); break;
            case EventType::error: print_error(e, outcome); break;
            case EventType::rewound: print_rewound(e); break;
            case EventType::run_end:
                outcome.status = e.status;
                if (!quiet)
                    std::cout << "run " << run_status_name(e.status) << ": global_step "
                              << e.global_step << '\n';
                break;
            default: break;
        }
    };
}

}  // namespace stepwise::cli
