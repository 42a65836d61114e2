#pragma once
// The script host (core/python/): CPython embedded in Stepwise's process, on the thread that
// trains. It starts the interpreter as the system's (or a virtualenv's) python3.11 would start,
// checks that the `torch` it imports is the LibTorch Stepwise runs on, and runs the user's script
// with its own argv. No other layer includes Python.

#include <string>
#include <vector>

namespace stepwise::python {

struct HostOptions {
    /// The interpreter whose installation the embedded one is: --python PATH, else
    /// $VIRTUAL_ENV/bin/python3, else /usr/bin/python3.11. It names sys.executable, so
    /// spawn-started DataLoader workers start the same Python.
    std::string python;
};

/// The interpreter to embed for `requested` (--python; may be empty) and `virtual_env`
/// ($VIRTUAL_ENV; may be empty).
std::string choose_interpreter(const std::string& requested, const std::string& virtual_env);

/// What `import torch` in the embedded interpreter found, against the LibTorch in this process.
struct TorchCheck {
    bool ok = false;
    std::string python_version;   ///< torch.__version__ as Python sees it
    std::string linked_version;   ///< TORCH_VERSION Stepwise was built with
    std::string python_library;   ///< the libtorch_cpu Python's torch loaded
    std::string process_library;  ///< the libtorch_cpu this process runs on
    std::string message;          ///< when !ok: what differs and how to build against that torch
};

/// How a script ended.
struct ScriptOutcome {
    int status = 0;  ///< 0, SystemExit's code, 1 after an exception, 130 when interrupted
    /// The exception that ended it (empty when none): class name, message, and Python's
    /// traceback as it printed it on stderr.
    std::string exception_type, message, traceback;
    bool raised_by_fit = false;  ///< it is what a failed Trainer.fit raised (already reported)
};

/// One interpreter per process, initialised on the calling thread and never finalised (the
/// destructor runs what python3 runs at exit). Scripts run on a training thread, which holds the
/// GIL only while Python runs: the window, the remote server and Stop never wait for Python.
class Host {
  public:
    /// Throws std::runtime_error naming the interpreter when it cannot start.
    explicit Host(const HostOptions& options);
    ~Host();
    Host(const Host&) = delete;
    Host& operator=(const Host&) = delete;

    /// Imports torch and compares it with this process's LibTorch (version and library file).
    TorchCheck check_torch();

    /// Runs `script` as `python3 script args...` would (`__main__`, sys.argv, the script's folder
    /// first on sys.path), on the calling thread. Its exit status: 0 when it ends normally,
    /// SystemExit's code, 1 after an exception, whose traceback goes to stderr as Python prints
    /// it.
    ScriptOutcome run_script(const std::string& script, const std::vector<std::string>& args);

    /// From any thread (Stop, Ctrl+C): raises `StepwiseInterrupt`, a BaseException (so a user's
    /// `except Exception` does not swallow it), in the host's thread at its next bytecode; the
    /// script then ends with status 130, without a traceback. Returns false when no Python code is
    /// running to take it. A single long LibTorch op finishes before it fires.
    bool interrupt();

  private:
    struct Held;                   ///< the GIL for one call into Python
    unsigned long thread_id_ = 0;  ///< the Python thread id of the thread running the script
    bool running_ = false;         ///< run_script is running (guarded by the GIL)
};

}  // namespace stepwise::python
