// stepwise-run's command line with CLI11: the options bound to an Options, CLI11's errors turned
// into stepwise-run's own one-line messages, then the checks that involve more than one option.

#include "options.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <stdexcept>

#include "stepwise/lessons.h"
#include "stepwise/version.h"

namespace stepwise::cli {
namespace {

// Every option is in the usage lines as well as below them; docs/man/stepwise-run.1.scd has them
// all (the packaging.man_stepwise_run test compares).
const char* const kUsage =
    "Usage: stepwise-run [--lesson NAME] [--trace OUT.jsonl] [--trace-parameters] [--csv OUT.csv]\n"
    "                    [--tensorboard DIR] [--quiet] [--break-on EXPR]... [--on-break WHAT]\n"
    "                    [--listen [HOST:]PORT [--token TOKEN]] [CONFIG.json]\n"
    "       stepwise-run [OPTIONS] [--python PATH] SCRIPT.py [SCRIPT ARGS...]\n"
    "       stepwise-run --list-lessons | --help | --version\n"
    "\n"
    "Runs a training loop exactly as PyTorch Lightning's automatic optimization does and prints\n"
    "one line per batch. Without a config it runs the built-in default lesson. Options go before\n"
    "or after CONFIG.json, their values as --trace OUT.jsonl or --trace=OUT.jsonl.\n"
    "\n"
    "  CONFIG.json        run config (model, data, batch_size, optimizer, trainer, ...)\n"
    "  SCRIPT.py          your own Lightning training script, run unchanged in Python inside\n"
    "                     Stepwise: its Trainer.fit runs in Stepwise's loop. Options go before\n"
    "                     it; everything after it is the script's sys.argv[1:]\n"
    "  --python PATH      the Python whose installation the script runs in (default:\n"
    "                     $VIRTUAL_ENV/bin/python3, else /usr/bin/python3.11)\n"
    "  --lesson NAME      run a built-in lesson (see --list-lessons) instead of a config\n"
    "  --trace OUT.jsonl  write every stage, batch, warning and error as JSON Lines\n"
    "  --trace-parameters also write every parameter value at each batch end into the trace\n"
    "  --csv OUT.csv      write the per-batch table (epoch, batch_idx, global_step, stepped, "
    "loss,\n"
    "                     loss_raw, grad_norm, update_norm, lr, every scalar extra; a script's:\n"
    "                     every name its loggers got from self.log) when the run ends\n"
    "  --tensorboard DIR  write TensorBoard event files into DIR/version_N when the run ends: "
    "what\n"
    "                     Lightning's TensorBoardLogger writes for a training_step that "
    "self.log's\n"
    "                     its loss and extras (log_every_n_steps=1; a script's: what its\n"
    "                     loggers got), plus stepwise/grad_norm,\n"
    "                     update_norm, lr and backward_loss; `tensorboard --logdir DIR` shows it\n"
    "  --quiet            no per-batch lines (warnings and errors still go to stderr)\n"
    "  --list-lessons     list the built-in lessons\n"
    "  --listen [HOST:]PORT  serve the run to `stepwise --attach` (HOST defaults to 127.0.0.1;\n"
    "                     port 0 picks a free one). The run starts held until a client lets it go\n"
    "                     on. One line on stderr gives the address and the token:\n"
    "                       stepwise-run: listening on HOST:PORT token TOKEN\n"
    "  --token TOKEN      the token clients must give (default: $STEPWISE_TOKEN, else random);\n"
    "                     only with --listen\n"
    "  --break-on EXPR    a breakpoint (repeatable), added to the config's: none, nonfinite,\n"
    "                     spike>K, loss<X, grad_norm>X, grad_norm[NAME]<X, clipped, exception,\n"
    "                     update_ratio>X, update_ratio[NAME]<X, unchanged, unchanged[NAME],\n"
    "                     an extra (acc<0.2), global_step=N, epoch=E and batch=B, stage=backward,\n"
    "                     call>=K, and for a script line=train.py:42 (the line's variables are\n"
    "                     printed at each hit); join terms with \"and\" (see\n"
    "                     docs/reference/breakpoints.md)\n"
    "  --on-break WHAT    at a hit: continue (report it on stderr and go on; the default),\n"
    "                     exit (stop there: one line on stderr, exit status 3), or hold (wait for\n"
    "                     the attached client; only with --listen, where it is the default)\n"
    "  -h, --help         print this help\n"
    "  --version          print the version\n"
    "\n"
    "Exit status: 0 finished, 1 the run failed (the error is on stderr), 2 bad usage or config,\n"
    "3 stopped at a breakpoint (--on-break exit), 130 interrupted.\n";

const std::map<std::string, OnBreak> kOnBreakNames{
    {"continue", OnBreak::continue_}, {"exit", OnBreak::exit}, {"hold", OnBreak::hold}};

/// What the command line gave that Options holds only once checked.
struct Given {
    std::string listen;
    std::optional<OnBreak> on_break;
    bool list_lessons = false;
};

/// Usage errors: one line naming the cause, a hint, exit status 2.
int usage_error(const std::string& message) {
    std::cerr << "stepwise-run: " << message << "\nTry 'stepwise-run --help' for the usage.\n";
    return 2;
}

/// "a, b or c"
template <class Enum>
std::string listed(const std::map<std::string, Enum>& names) {
    std::string text;
    std::size_t left = names.size();
    for (const auto& name : names) {
        text += name.first;
        --left;
        if (left > 1) text += ", ";
        if (left == 1) text += " or ";
    }
    return text;
}

/// A transform from the names of `names` to their enum's values. Unlike CLI11's
/// CheckedTransformer it refuses the enum's numbers, and its message lists the names.
template <class Enum>
CLI::Validator one_of(std::map<std::string, Enum> names) {
    return CLI::Validator(
        [names](std::string& value) -> std::string {
            const auto it = names.find(value);
            if (it == names.end()) return "takes " + listed(names) + ", not \"" + value + "\"";
            value = std::to_string(static_cast<int>(it->second));
            return {};
        },
        listed(names), "one_of");
}

void add_options(CLI::App& app, Options& o, Given& given) {
    app.set_version_flag("--version", std::string("stepwise-run ") + version());
    app.add_option("CONFIG.json", o.config_path);
    app.add_option("--lesson", o.lesson);
    app.add_option("--trace", o.trace_path);
    app.add_flag("--trace-parameters", o.trace_parameters);
    app.add_option("--csv", o.csv_path);
    app.add_option("--tensorboard", o.tensorboard_dir);
    app.add_flag("--quiet", o.quiet);
    app.add_flag("--list-lessons", given.list_lessons);
    app.add_option("--listen", given.listen);
    app.add_option("--token", o.token);
    // One EXPR each time, repeatable: a vector option would also take the arguments after it.
    app.add_option("--break-on", o.break_on)->allow_extra_args(false);
    app.add_option("--on-break", given.on_break)->transform(one_of(kOnBreakNames));
    app.add_option("--python", o.python);
}

/// Where SCRIPT.py stands in argv (0: none): the first argument that is not an option or an
/// option's value and ends in ".py". What follows it is the script's.
int script_position(int argc, char** argv) {
    static const std::set<std::string> with_value{"--lesson",      "--trace",    "--csv",
                                                  "--tensorboard", "--listen",   "--token",
                                                  "--break-on",    "--on-break", "--python"};
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a.rfind("--", 0) == 0) {
            if (a.find('=') == std::string::npos && with_value.count(a)) ++i;
            continue;
        }
        if (a.size() > 3 && a.compare(a.size() - 3, 3, ".py") == 0) return i;
    }
    return 0;
}

/// The option a CLI11 error is about: CLI11 names it in the message as get_name() spells it
/// (CLI/Error.hpp); the longest name found wins (--trace-parameters over --trace).
const CLI::Option* option_named_in(const CLI::App& app, const std::string& message) {
    const CLI::Option* found = nullptr;
    for (const CLI::Option* option : app.get_options()) {
        const std::string name = option->get_name();
        if (!name.empty() && message.find(name) != std::string::npos &&
            (!found || name.size() > found->get_name().size()))
            found = option;
    }
    return found;
}

/// Arguments CLI11 did not take, in order: an unknown option or a second config file.
int refuse_extras(const std::vector<std::string>& extras, const std::string& config_path) {
    const std::string& first = extras.front();
    if (first.size() > 1 && first[0] == '-')
        return usage_error("unknown option " + first.substr(0, first.find('=')));
    if (config_path.empty()) return usage_error("unexpected argument " + first);
    return usage_error("only one config file, got " + config_path + " and " + first);
}

/// CLI11's errors, by type, in stepwise-run's words. --help and --version end here too.
int report_parse_error(const CLI::App& app, const CLI::ParseError& e, const Options& o) {
    const std::string what = e.what();
    const CLI::Option* option = option_named_in(app, what);
    const std::string name = option ? option->get_name() : "";
    try {
        throw;
    } catch (const CLI::CallForHelp&) {
        std::cout << kUsage;
        return 0;
    } catch (const CLI::CallForVersion&) {
        std::cout << what << '\n';
        return 0;
    } catch (const CLI::ExtrasError&) {
        return refuse_extras(app.remaining(), o.config_path);
    } catch (const CLI::ArgumentMismatch&) {  // a value missing, or one too many
        if (!option) return usage_error(what);
        if (option->count() > 1) return usage_error(name + " given more than once");
        return usage_error(name + " needs a value");
    } catch (const CLI::ValidationError&) {  // one_of's message, after "NAME: "
        if (!option || what.rfind(name + ": ", 0) != 0) return usage_error(what);
        return usage_error(name + " " + what.substr(name.size() + 2));
    } catch (const CLI::ConversionError&) {  // a flag given a value other than true or false
        if (!option || option->results().empty()) return usage_error(what);
        return usage_error(name + " takes no value, not \"" + option->results().back() + "\"");
    } catch (const CLI::ParseError&) {
        return usage_error(what);
    }
}

/// The checks that involve more than one option, then the defaults that depend on others.
int check_together(const CLI::App& app, Options& o, const Given& given) {
    const bool listening = app.count("--listen") > 0;
    if (!o.config_path.empty() && !o.lesson.empty())
        return usage_error(o.script() ? "give a script or --lesson, not both"
                                      : "give a config file or --lesson, not both");
    if (!o.python.empty() && !o.script())
        return usage_error(
            "--python goes with SCRIPT.py: a config or a lesson runs without Python");
    if (app.count("--token") && !listening)
        return usage_error("--token needs --listen: only clients of --listen give a token");
    if (given.on_break == OnBreak::hold && !listening)
        return usage_error("--on-break hold needs --listen: nobody else could let the run go on");
    if (listening) {
        try {
            o.listen = parse_host_port(given.listen);
        } catch (const std::exception& e) {
            return usage_error(std::string("--listen ") + e.what());
        }
        if (!app.count("--token"))
            if (const char* env = std::getenv("STEPWISE_TOKEN")) o.token = env;
        if (o.token.empty()) o.token = random_token();
    }
    o.on_break = given.on_break.value_or(o.listen ? OnBreak::hold : OnBreak::continue_);
    return 0;
}

}  // namespace

CommandLine parse_command_line(int argc, char** argv) {
    Options options;
    Given given;
    CLI::App app{"", "stepwise-run"};
    add_options(app, options, given);
    // A script's own arguments are not Stepwise's: CLI11 parses up to the script.
    const int script_at = script_position(argc, argv);
    if (script_at) {
        for (int i = script_at + 1; i < argc; ++i) options.script_args.emplace_back(argv[i]);
        argc = script_at + 1;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return {std::nullopt, report_parse_error(app, e, options)};
    }
    if (given.list_lessons) {
        for (const auto& l : lessons()) std::cout << l.name << "\t" << l.title << '\n';
        return {std::nullopt, 0};
    }
    if (const int status = check_together(app, options, given)) return {std::nullopt, status};
    return {std::move(options), 0};
}

}  // namespace stepwise::cli
