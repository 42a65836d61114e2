#include "script_link.h"

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "host.h"
#include "script_run.h"
#include "stepwise/local_link.h"
#include "stepwise/session.h"

namespace stepwise::python {

namespace {

std::mutex g_host_mutex;
Host* g_host = nullptr;  ///< the process's interpreter, once a script run started it

/// The process's interpreter, started (and its torch checked) by the first script run, on that
/// run's worker thread; later runs reuse it. Never finalised (see Host). Throws when it cannot
/// start or its torch is another LibTorch.
Host& process_host() {
    const std::lock_guard<std::mutex> lock(g_host_mutex);
    if (g_host) return *g_host;
    const char* venv = std::getenv("VIRTUAL_ENV");
    auto host = std::make_unique<Host>(HostOptions{choose_interpreter("", venv ? venv : "")});
    const TorchCheck check = host->check_torch();
    if (!check.ok) throw std::runtime_error(check.message);
    g_host = host.release();  // lives as long as the process
    return *g_host;
}

void interrupt_python() {
    const std::lock_guard<std::mutex> lock(g_host_mutex);
    if (g_host) g_host->interrupt();
}

class ScriptLink final : public LocalLink {
  public:
    using LocalLink::LocalLink;
    ~ScriptLink() override { interrupt_python(); }  // then the session stops and joins
    void send(const Command& c) override {
        LocalLink::send(c);
        if (c.type == CommandType::stop) interrupt_python();
    }
};

}  // namespace

std::unique_ptr<SessionLink> make_script_link(const RunConfig& config) {
    // The parity meter compares batches recomputed after going back with their first pass.
    SessionOptions options = window_options();
    options.script = [config](const SessionOptions::FitFunction& fit) {
        // A script opened in the window runs from its own folder, as `cd FOLDER && python3
        // SCRIPT.py` would: published scripts read their data relative to it.
        const std::string path = resolve_path(config, config.model.path);
        std::error_code ignored;
        std::filesystem::current_path(std::filesystem::path(path).parent_path(), ignored);
        return run_script(process_host(), config, fit);
    };
    return std::make_unique<ScriptLink>(config, std::move(options));
}

}  // namespace stepwise::python
