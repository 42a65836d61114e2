// Python.h first, as CPython asks.
#include "host.h"

#include <Python.h>
#include <torch/version.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace stepwise::python {

namespace {

/// The helpers the host runs in the interpreter. Their frames are named "<stepwise>" so that a
/// traceback can leave them (and runpy's) out and start in the user's script, as python3 would.
constexpr const char* kHelpers = R"PY(
class StepwiseInterrupt(BaseException):
    """Stop or Ctrl+C in Stepwise: raised in the script's thread."""

fit_error = None  # the exception a failed Trainer.fit raised into the script (already reported)

def _stepwise_format(e):
    import traceback
    tb = e.__traceback__
    while tb is not None and (tb.tb_frame.f_code.co_filename == "<stepwise>"
                              or "runpy" in tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(e), e, tb))

def _stepwise_run(script, args):
    """(status, exception type, message, traceback, whether a fit raised it)"""
    import os, runpy, sys
    global fit_error
    fit_error = None
    sys.argv = [script, *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    try:
        runpy.run_path(script, run_name="__main__")
    except StepwiseInterrupt:
        return 130, "", "", "", False
    except SystemExit as e:
        code = e.code
        if code is None:
            return 0, "", "", "", False
        if isinstance(code, int):
            return code, "", "", "", False
        print(code, file=sys.stderr)
        return 1, "", "", "", False
    except BaseException as e:
        text = _stepwise_format(e)
        sys.stderr.write(text)
        return 1, type(e).__name__, str(e), text, e is fit_error
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return 0, "", "", "", False

def _stepwise_exit():
    import atexit, sys
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()

def _stepwise_torch():
    import torch
    return torch.__version__
)PY";

/// The distinct libtorch_cpu files mapped into this process.
std::set<std::string> mapped_libtorch() {
    std::set<std::string> out;
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        const auto slash = line.find('/');
        if (slash == std::string::npos) continue;
        const std::string path = line.substr(slash);
        if (path.find("libtorch_cpu") != std::string::npos) out.insert(path);
    }
    return out;
}

/// "1.13.0" of "1.13.0a0+git..." (the numbers before anything else).
std::string release_of(const std::string& version) {
    std::string out;
    for (char c : version) {
        if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.')) break;
        out += c;
    }
    while (!out.empty() && out.back() == '.') out.pop_back();
    return out;
}

/// The current Python exception as "Type: message", cleared.
std::string fetch_error() {
    PyObject *type = nullptr, *value = nullptr, *trace = nullptr;
    PyErr_Fetch(&type, &value, &trace);
    PyErr_NormalizeException(&type, &value, &trace);
    std::string out = "unknown error";
    if (value) {
        PyObject* text = PyObject_Str(value);
        const char* name = type ? reinterpret_cast<PyTypeObject*>(type)->tp_name : "Exception";
        out = std::string(name) + ": " + (text ? PyUnicode_AsUTF8(text) : "");
        Py_XDECREF(text);
    }
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(trace);
    return out;
}

PyObject* helper(const char* name) {
    PyObject* main = PyImport_AddModule("__stepwise__");  // borrowed
    return main ? PyObject_GetAttrString(main, name) : nullptr;
}

}  // namespace

/// The GIL for one call into Python, from any thread (the thread that started Python, or a
/// session's worker the window started later).
struct Host::Held {
    explicit Held(Host&) : state(PyGILState_Ensure()) {}
    ~Held() { PyGILState_Release(state); }
    PyGILState_STATE state;
};

std::string choose_interpreter(const std::string& requested, const std::string& virtual_env) {
    if (!requested.empty()) return requested;
    if (!virtual_env.empty()) return virtual_env + "/bin/python3";
    return "/usr/bin/python3.11";
}

Host::Host(const HostOptions& options) {
    if (Py_IsInitialized()) throw std::runtime_error("Python is already running in this process");
    if (access(options.python.c_str(), X_OK) != 0)
        throw std::runtime_error("cannot start Python as " + options.python +
                                 ": no such interpreter (--python names a python3 executable, "
                                 "$VIRTUAL_ENV a virtualenv's folder)");
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    // Ctrl+C is Stepwise's to handle; argv is set per script.
    config.install_signal_handlers = 0;
    config.parse_argv = 0;
    PyStatus status =
        PyConfig_SetBytesString(&config, &config.program_name, options.python.c_str());
    if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status))
        throw std::runtime_error("cannot start Python as " + options.python + ": " +
                                 (status.err_msg ? status.err_msg : "unknown error"));
    // The helpers live in a module of their own, out of the user's __main__.
    PyObject* module = PyImport_AddModule("__stepwise__");  // borrowed
    PyObject* globals = module ? PyModule_GetDict(module) : nullptr;
    PyObject* code = globals ? Py_CompileString(kHelpers, "<stepwise>", Py_file_input) : nullptr;
    PyObject* result = code ? PyEval_EvalCode(code, globals, globals) : nullptr;
    Py_XDECREF(code);
    if (!result) {
        const std::string error = fetch_error();
        Py_FinalizeEx();
        throw std::runtime_error("cannot start Python as " + options.python + ": " + error);
    }
    Py_DECREF(result);
    PyEval_SaveThread();  // the GIL is taken per call (Held)
}

Host::~Host() {
    // Python is not finalised: torch, DataLoader workers and Lightning's threads do not survive
    // Py_FinalizeEx reliably. What python3 does at exit that a user sees runs here: atexit's
    // functions (loggers closing their files), then the streams are flushed.
    const Held held(*this);
    if (PyObject* fn = helper("_stepwise_exit")) {
        PyObject* result = PyObject_CallNoArgs(fn);
        if (!result) PyErr_Print();
        Py_XDECREF(result);
        Py_DECREF(fn);
    }
}

TorchCheck Host::check_torch() {
    TorchCheck check;
    check.linked_version = TORCH_VERSION;
    const std::set<std::string> before = mapped_libtorch();
    if (!before.empty()) check.process_library = *before.begin();
    const Held held(*this);
    PyObject* fn = helper("_stepwise_torch");
    PyObject* version = fn ? PyObject_CallNoArgs(fn) : nullptr;
    Py_XDECREF(fn);
    if (!version) {
        check.message = "the embedded Python cannot import torch (" + fetch_error() +
                        "): install Debian's python3-torch, or give --python the interpreter of "
                        "an environment that has torch";
        return check;
    }
    check.python_version = PyUnicode_AsUTF8(version);
    Py_DECREF(version);
    const std::set<std::string> after = mapped_libtorch();
    for (const std::string& path : after)
        if (!before.count(path)) check.python_library = path;
    if (check.python_library.empty()) check.python_library = check.process_library;
    const bool same_library = after.size() <= 1;
    const bool same_version = release_of(check.python_version) == release_of(check.linked_version);
    check.ok = same_library && same_version;
    if (!check.ok) {
        std::ostringstream m;
        m << "the torch that Python imports (" << check.python_version << ", "
          << check.python_library << ") is not the LibTorch Stepwise runs on ("
          << check.linked_version << ", " << check.process_library
          << "): tensors could not cross between them. Build Stepwise against that torch: "
             "cmake -S . -B build -DCMAKE_PREFIX_PATH=\"$(python3 -c 'import torch; "
             "print(torch.utils.cmake_prefix_path)')\"";
        check.message = m.str();
    }
    return check;
}

ScriptOutcome Host::run_script(const std::string& script, const std::vector<std::string>& args) {
    const Held held(*this);
    PyObject* fn = helper("_stepwise_run");
    PyObject* list = PyList_New(0);
    for (const std::string& a : args) {
        PyObject* item = PyUnicode_DecodeFSDefault(a.c_str());
        PyList_Append(list, item);
        Py_DECREF(item);
    }
    PyObject* path = PyUnicode_DecodeFSDefault(script.c_str());
    thread_id_ = PyThread_get_thread_ident();
    running_ = true;
    PyObject* result = fn ? PyObject_CallFunctionObjArgs(fn, path, list, nullptr) : nullptr;
    running_ = false;
    Py_XDECREF(path);
    Py_XDECREF(list);
    Py_XDECREF(fn);
    ScriptOutcome out;
    if (!result) {
        out.status = 1;
        out.exception_type = "RuntimeError";
        out.message = fetch_error();
        std::fprintf(stderr, "stepwise: %s\n", out.message.c_str());
        return out;
    }
    auto text = [&](int i) {
        const char* s = PyUnicode_AsUTF8(PyTuple_GetItem(result, i));
        return std::string(s ? s : "");
    };
    out.status = static_cast<int>(PyLong_AsLong(PyTuple_GetItem(result, 0)));
    out.exception_type = text(1);
    out.message = text(2);
    out.traceback = text(3);
    out.raised_by_fit = PyObject_IsTrue(PyTuple_GetItem(result, 4)) == 1;
    Py_DECREF(result);
    return out;
}

bool Host::interrupt() {
    // The host's thread gives the GIL up every few milliseconds while it runs Python code, so
    // this waits at most that long.
    const PyGILState_STATE gil = PyGILState_Ensure();
    bool sent = false;
    if (running_) {
        PyObject* type = helper("StepwiseInterrupt");
        if (type) sent = PyThreadState_SetAsyncExc(thread_id_, type) == 1;
        Py_XDECREF(type);
        PyErr_Clear();
    }
    PyGILState_Release(gil);
    return sent;
}

}  // namespace stepwise::python
