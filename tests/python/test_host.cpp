// The Python host's interpreter: started as the system's python3.11, one LibTorch with the
// engine's, and the user's script run as python3 runs it (argv, exit status, traceback).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "host.h"

namespace stepwise::python {
namespace {

namespace fs = std::filesystem;

/// One interpreter for the whole process, as in Stepwise.
class PythonHost : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        host_ = std::make_unique<Host>(HostOptions{choose_interpreter("", "")});
    }
    static void TearDownTestSuite() { host_.reset(); }

    /// Writes `text` to a script in a fresh folder and returns its path.
    static std::string script(const std::string& name, const std::string& text) {
        const fs::path dir = fs::temp_directory_path() / ("stepwise-host-" + name);
        fs::create_directories(dir);
        const fs::path path = dir / "train.py";
        std::ofstream(path) << text;
        return path.string();
    }
    /// Runs it, returning the exit status and what it wrote to stderr.
    static int run(const std::string& path, const std::vector<std::string>& args,
                   std::string& err) {
        ::testing::internal::CaptureStderr();
        const int status = host_->run_script(path, args).status;
        err = ::testing::internal::GetCapturedStderr();
        return status;
    }

    static std::unique_ptr<Host> host_;
};
std::unique_ptr<Host> PythonHost::host_;

TEST(HostOptions, ThePinnedSystemInterpreterUnlessAVirtualEnvOrPythonIsGiven) {
    EXPECT_EQ(choose_interpreter("", ""), "/usr/bin/python3.11");
    EXPECT_EQ(choose_interpreter("", "/home/u/venv"), "/home/u/venv/bin/python3");
    EXPECT_EQ(choose_interpreter("/opt/py/bin/python3", "/home/u/venv"), "/opt/py/bin/python3");
}

TEST_F(PythonHost, TheTorchPythonImportsIsTheLibTorchOfThisProcess) {
    const TorchCheck check = host_->check_torch();
    EXPECT_TRUE(check.ok) << check.message;
    EXPECT_EQ(check.python_library, check.process_library);
    EXPECT_FALSE(check.process_library.empty());
}

TEST_F(PythonHost, AScriptGetsItsArgvAndItsFolderOnThePathAndEndsWithStatus0) {
    const std::string path = script("argv", R"(
import sys, os
assert sys.argv[1:] == ["--epochs", "3"], sys.argv
assert sys.path[0] == os.path.dirname(os.path.abspath(__file__))
assert __name__ == "__main__"
import sys; print("ran", file=sys.stderr)
)");
    std::string err;
    EXPECT_EQ(run(path, {"--epochs", "3"}, err), 0) << err;
    EXPECT_EQ(err, "ran\n");
}

TEST_F(PythonHost, SystemExitGivesItsCode) {
    std::string err;
    EXPECT_EQ(run(script("exit3", "import sys\nsys.exit(3)\n"), {}, err), 3);
    EXPECT_EQ(run(script("exit0", "raise SystemExit\n"), {}, err), 0);
    EXPECT_EQ(run(script("exitmsg", "raise SystemExit('no data')\n"), {}, err), 1);
    EXPECT_EQ(err, "no data\n");
}

TEST_F(PythonHost, AnExceptionPrintsPythonsTracebackFromTheScriptOnAndGives1) {
    const std::string path =
        script("raises", "def f():\n    raise ValueError('bad batch')\n\nf()\n");
    std::string err;
    EXPECT_EQ(run(path, {}, err), 1);
    EXPECT_EQ(err,
              "Traceback (most recent call last):\n"
              "  File \"" +
                  path +
                  "\", line 4, in <module>\n"
                  "    f()\n"
                  "  File \"" +
                  path +
                  "\", line 2, in f\n"
                  "    raise ValueError('bad batch')\n"
                  "ValueError: bad batch\n");
}

TEST_F(PythonHost, StopReachesAScriptStuckInALoopAsAnExceptionItCannotCatchAndEndsWith130) {
    const std::string path = script("stuck", R"(
while True:
    try:
        while True:
            pass
    except Exception:
        pass  # a user's catch-all must not swallow Stop
)");
    EXPECT_FALSE(host_->interrupt());  // nothing is running
    std::atomic<bool> sent{false};
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        while (!host_->interrupt()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        sent = true;
    });
    const auto start = std::chrono::steady_clock::now();
    std::string err;
    const int status = run(path, {}, err);
    const auto took = std::chrono::steady_clock::now() - start;
    stopper.join();
    EXPECT_TRUE(sent);
    EXPECT_EQ(status, 130);
    EXPECT_EQ(err, "");
    EXPECT_LT(took, std::chrono::seconds(5));  // a bound on waiting, not a measured duration
}

TEST_F(PythonHost, ASyntaxErrorIsReportedWhereItIs) {
    const std::string path = script("syntax", "x = 1\ndef f(:\n    pass\n");
    std::string err;
    EXPECT_EQ(run(path, {}, err), 1);
    EXPECT_NE(err.find("File \"" + path + "\", line 2"), std::string::npos) << err;
    EXPECT_NE(err.find("SyntaxError"), std::string::npos) << err;
    EXPECT_EQ(err.find("runpy"), std::string::npos) << err;
}

}  // namespace
}  // namespace stepwise::python
