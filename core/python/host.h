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

/// One interpreter per process, initialised on the calling thread (the training thread) and
/// finalised by the destructor. Every call but interrupt() comes from that thread, which holds
/// the GIL only while Python runs: the window, the remote server and Stop never wait for Python.
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
    /// first on sys.path). Returns its exit status: 0 when it ends normally, SystemExit's code,
    /// 1 after an exception, whose traceback goes to stderr as Python prints it.
    int run_script(const std::string& script, const std::vector<std::string>& args);

    /// From any thread (Stop, Ctrl+C): raises `StepwiseInterrupt`, a BaseException (so a user's
    /// `except Exception` does not swallow it), in the host's thread at its next bytecode; the
    /// script then ends with status 130, without a traceback. Returns false when no Python code is
    /// running to take it. A single long LibTorch op finishes before it fires.
    bool interrupt();

  private:
    struct Held;             ///< takes the GIL back for one call into Python, gives it up after
    void* state_ = nullptr;  ///< the host thread's PyThreadState while it holds no GIL
    unsigned long thread_id_ = 0;  ///< the host thread's Python thread id
    bool running_ = false;         ///< run_script is running (guarded by the GIL)
};

}  // namespace stepwise::python
