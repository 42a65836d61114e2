// A script's run driven command by command. Going back (issue "Your Lightning script", item 5):
// a snapshot holds what
// Python holds too — the optimizer's and scheduler's state, Lightning's loops and logged results,
// the user's attributes, Python's, NumPy's and torch's generators, the DataLoader's place — so
// going back and forward again gives the run that never went back, bit for bit; and what a snapshot
// cannot copy is named when the run goes back. Stepping the lines of training_step (issue
// "Validation and a line debugger", item 4): into the user's functions, over them and out, with the
// frame's variables, and nothing computed differently. Needs the Lightning 2.2.5 runtime
// (../shared/lightning-2.2.5 or $STEPWISE_LIGHTNING); skipped without it.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "driven_session.h"
#include "host.h"
#include "script_run.h"
#include "stepwise/conditions.h"
#include "stepwise/session.h"
#include "stepwise/text.h"
#include "stepwise/warning_cache.h"

namespace stepwise::python {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::Driven;
using test::History;

std::string lightning_runtime() {
    const char* given = std::getenv("STEPWISE_LIGHTNING");
    for (const std::string& dir : {std::string(given ? given : ""),
                                   std::string(STEPWISE_SOURCE_DIR "/../shared/lightning-2.2.5"),
                                   std::string("/work/shared/lightning-2.2.5")})
        if (!dir.empty() && fs::exists(fs::path(dir) / "lightning_compat.py")) return dir;
    return {};
}

// A shuffled Dataset that draws from torch's generator in __getitem__, dropout, Python's and
// NumPy's generators and a list the module appends to inside training_step (all in the loss),
// Adam with a step-interval scheduler, accumulation and clipping, self.log on step and epoch.
constexpr const char* kScript = R"(import random
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset
import lightning_compat  # noqa: F401
import lightning.pytorch as pl


class Noisy(Dataset):
    def __init__(self):
        g = torch.Generator().manual_seed(0)
        self.x = torch.randn(40, 6, generator=g)
        self.y = self.x.sum(1, keepdim=True)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i] + 0.01 * torch.randn(6), self.y[i]


class Net(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(6, 16), nn.Dropout(0.2), nn.ReLU(), nn.Linear(16, 1))
        self.seen = []

    def training_step(self, batch, batch_idx):
        x, y = batch
        self.seen.append(batch_idx)
        scale = 1 + 1e-3 * (len(self.seen) + random.random() + float(np.random.rand()))
        loss = nn.functional.mse_loss(self.net(x), y) * scale
        self.log("train_loss", loss, on_step=True, on_epoch=True, prog_bar=True)
        return loss

    def configure_optimizers(self):
        opt = torch.optim.Adam(self.parameters(), lr=0.01)
        step = torch.optim.lr_scheduler.StepLR(opt, 2, gamma=0.7)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": step, "interval": "step"}}


pl.seed_everything(7)
trainer = pl.Trainer(max_epochs=3, accumulate_grad_batches=2, gradient_clip_val=0.5,
                     enable_checkpointing=False, logger=False, enable_progress_bar=False,
                     enable_model_summary=False)
trainer.fit(Net(), DataLoader(Noisy(), batch_size=8, shuffle=True))
)";

// A module that keeps a lock: a snapshot cannot copy it.
constexpr const char* kLocked = R"(import threading
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
import lightning_compat  # noqa: F401
import lightning.pytorch as pl


class Net(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(3, 1)
        self.guard = threading.Lock()

    def training_step(self, batch, batch_idx):
        x, y = batch
        with self.guard:
            return nn.functional.mse_loss(self.layer(x), y)

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)


torch.manual_seed(0)
data = TensorDataset(torch.randn(32, 3), torch.randn(32, 1))
trainer = pl.Trainer(max_epochs=1, enable_checkpointing=False, logger=False,
                     enable_progress_bar=False, enable_model_summary=False)
trainer.fit(Net(), DataLoader(data, batch_size=8))
)";

// Lightning's defaults: checkpointing, the progress bar, the model summary, a logger; a validation
// DataLoader, early stopping on its loss and a learning-rate monitor.
constexpr const char* kDefaults = R"(import os
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
import lightning_compat  # noqa: F401
import lightning.pytorch as pl
from lightning.pytorch.callbacks import EarlyStopping, LearningRateMonitor


class Net(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(4, 1)

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = nn.functional.mse_loss(self.layer(x), y)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        self.log("val_loss", nn.functional.mse_loss(self.layer(x), y))

    def configure_optimizers(self):
        opt = torch.optim.SGD(self.parameters(), lr=0.05, momentum=0.9)
        return [opt], [torch.optim.lr_scheduler.ExponentialLR(opt, 0.9)]


torch.manual_seed(0)
x = torch.randn(48, 4)
data = TensorDataset(x, x.sum(1, keepdim=True))
trainer = pl.Trainer(max_epochs=3, log_every_n_steps=2, default_root_dir=os.path.dirname(__file__),
                     callbacks=[EarlyStopping("val_loss", patience=5), LearningRateMonitor()])
trainer.fit(Net(), DataLoader(data, batch_size=8, shuffle=True), DataLoader(data, batch_size=16))
)";

// The user's own helper in the same file, called from training_step (line numbers matter: the
// test names them).
constexpr const char* kLines = R"(import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
import lightning_compat  # noqa: F401
import lightning.pytorch as pl


def scaled(loss, factor):
    doubled = loss * factor
    return doubled


class Net(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(3, 1)

    def training_step(self, batch, batch_idx):
        x, y = batch
        out = self.layer(x)
        loss = nn.functional.mse_loss(out, y)
        loss = scaled(loss, 1.0)
        return loss

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)


torch.manual_seed(0)
data = TensorDataset(torch.randn(16, 3), torch.randn(16, 1))
trainer = pl.Trainer(max_epochs=1, enable_checkpointing=False, logger=False,
                     enable_progress_bar=False, enable_model_summary=False)
trainer.fit(Net(), DataLoader(data, batch_size=8))
)";

class ScriptSession : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        const std::string runtime = lightning_runtime();
        if (runtime.empty()) return;
        const std::string src = runtime + "/src/";
        const std::string path = src + "lightning-2.2.5/src:" + src +
                                 "lightning-utilities-0.10.1/src:" + src +
                                 "torchmetrics-1.2.1/src:" + runtime;
        ::setenv("PYTHONPATH", path.c_str(), 1);  // read when the interpreter starts
        found_ = true;
    }
    void SetUp() override {
        if (!found_) GTEST_SKIP() << "no Lightning 2.2.5 runtime (../shared/lightning-2.2.5)";
        warning_cache::clear();
    }

    static RunConfig config(const std::string& name, const char* text) {
        const fs::path dir = fs::temp_directory_path() / ("stepwise-rewind-" + name);
        fs::create_directories(dir);
        const fs::path path = dir / "train.py";
        std::ofstream(path) << text;
        RunConfig c;
        c.model.kind = ModelSpec::Kind::script;
        c.model.path = path.string();
        return c;
    }
    /// The run's worker runs the script. The interpreter starts on the first run's worker, as
    /// in Stepwise (script_link.cpp), and later runs' workers reuse it.
    static void run_the_script(SessionOptions& o, const RunConfig& c) {
        o.script = [c](const SessionOptions::FitFunction& fit) {
            static Host host(HostOptions{choose_interpreter("", "")});
            return run_script(host, c, fit);
        };
    }

    static bool found_;
};
bool ScriptSession::found_ = false;

struct Straight {
    History history;
    std::vector<double> final;
    std::map<std::int64_t, std::uint64_t> checksums;  ///< by global batch index
};

/// The run that never goes back.
Straight straight(const RunConfig& c, const std::function<void(SessionOptions&)>& as) {
    Straight out;
    History& history = out.history;
    std::int64_t per_epoch = 1;
    SessionOptions o;
    as(o);
    o.buffer_events = false;
    o.checksum_parameters = true;
    o.listener = [&](const Event& e) {
        history.add(e);
        if (e.type == EventType::run_start) per_epoch = e.total_batches_per_epoch;
        if (e.type == EventType::batch_end && e.param_checksum)
            out.checksums[e.epoch * per_epoch + e.batch_idx] = *e.param_checksum;
        if (e.type == EventType::run_end && e.parameters) out.final = test::flat(*e.parameters);
    };
    TrainingSession session(c, std::move(o));
    session.start();
    EXPECT_TRUE(session.wait_finished(test::scaled(120s)));
    return out;
}

/// The history as a window keeps it, event by event; and nothing said left out.
void expect_same(const History& expected, const History& got) {
    ASSERT_EQ(expected.lines().size(), got.lines().size());
    for (std::size_t i = 0; i < got.lines().size(); ++i)
        ASSERT_EQ(expected.lines()[i], got.lines()[i]) << "event " << i;
}

/// Steps and goes back at random (`rewinds` times), checking every batch computed so far against
/// the straight run's checksums after each command; then runs to the end.
void drive(Driven& run, std::uint32_t seed, int rewinds, std::int64_t batches,
           const std::map<std::int64_t, std::uint64_t>& expected) {
    run.start();
    std::mt19937 random(seed);
    for (int done = 0; done < rewinds;) {
        if (run.held_at() + 2 < batches && random() % 10 < 6) {
            const StepKind kinds[] = {StepKind::stage, StepKind::stage, StepKind::closure_call,
                                      StepKind::batch, StepKind::batch};
            ASSERT_TRUE(run.send(Command::step(kinds[random() % 5])));
        } else {
            const RewindTo kinds[] = {RewindTo::stage, RewindTo::batch_start, RewindTo::batch,
                                      RewindTo::batch_index};
            const auto at = std::uint64_t(run.held_at());
            ASSERT_TRUE(run.send(Command::rewind(kinds[random() % 4], random() % (at + 1))));
            ++done;
        }
        for (const auto& [batch, checksum] : run.checksums())
            ASSERT_EQ(checksum, expected.at(batch)) << "batch " << batch;
    }
    run.finish();
}

TEST_F(ScriptSession, GoingBackAndForwardAgainIsBitIdenticalToTheRunThatNeverWentBack) {
    const RunConfig c = config("exact", kScript);
    const auto as_script = [&](SessionOptions& o) { run_the_script(o, c); };
    const auto [expected, expected_final, expected_checksums] = straight(c, as_script);
    ASSERT_FALSE(expected_final.empty());
    std::int64_t batch_ends = 0;
    for (const std::string& line : expected.lines())
        batch_ends += line.rfind("{\"type\":\"batch_end\"", 0) == 0;
    ASSERT_EQ(batch_ends, 15);  // 3 epochs of 5 batches

    warning_cache::clear();
    Driven run(c, {}, /*checksums=*/true, as_script);
    drive(run, 3, 12, 15, expected_checksums);
    const History got = run.history();
    EXPECT_GE(got.rewinds(), 9);  // a few of the twelve may find nothing earlier
    expect_same(expected, got);
    EXPECT_EQ(run.final_parameters(), expected_final);  // and no notice of anything left out
}

// Every entry of the fidelity corpus (torchmetrics, DataModules with random_split, LSTM and
// transformers, ReduceLROnPlateau, LBFGS, callbacks, validation inside the fit), run under its
// recorder: stepped and taken back at random, then run to its end, it is bit for bit the run that
// never went back — and so still what real Lightning 2.2.5 recorded.
class CorpusRewind : public ScriptSession, public ::testing::WithParamInterface<std::string> {};

TEST_P(CorpusRewind, GoingBackAndForwardAgainStillMatchesLightning) {
    const fs::path corpus = fs::path(STEPWISE_SOURCE_DIR) / "tests/python/corpus";
    const fs::path entry = corpus / GetParam();
    const fs::path out = fs::temp_directory_path() / ("stepwise-rewind-" + GetParam() + ".json");
    RunConfig c;
    c.model.kind = ModelSpec::Kind::script;
    c.model.path = (corpus / "record.py").string();
    c.model.args = {entry.string(), "--out", out.string()};
    const auto as_script = [&](SessionOptions& o) { run_the_script(o, c); };
    const auto [expected, expected_final, expected_checksums] = straight(c, as_script);
    ASSERT_FALSE(expected_checksums.empty());

    warning_cache::clear();
    fs::remove(out);
    Driven run(c, {}, /*checksums=*/true, as_script);
    drive(run, 11, 6, std::int64_t(expected_checksums.size()), expected_checksums);
    const History got = run.history();
    EXPECT_GE(got.rewinds(), 3);
    expect_same(expected, got);
    EXPECT_EQ(run.final_parameters(), expected_final);
    const auto read = [](const fs::path& path) {
        std::ifstream in(path);
        return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    };
    const nlohmann::json reference = read(entry / "reference.json");
    const nlohmann::json record = read(out);
    ASSERT_FALSE(record.is_discarded()) << out;
    EXPECT_EQ(record["fits"], reference["fits"]);
}

std::vector<std::string> corpus_entries() {
    std::vector<std::string> names;
    for (const auto& d :
         fs::directory_iterator(fs::path(STEPWISE_SOURCE_DIR) / "tests/python/corpus"))
        if (fs::exists(d.path() / "reference.json")) names.push_back(d.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

INSTANTIATE_TEST_SUITE_P(Entries, CorpusRewind, ::testing::ValuesIn(corpus_entries()),
                         [](const auto& info) { return info.param; });

TEST_F(ScriptSession, LightningsDefaultCallbacksAndLoggerAreKeptWholeAndTheRunIsExact) {
    const RunConfig c = config("defaults", kDefaults);
    const auto as_script = [&](SessionOptions& o) { run_the_script(o, c); };
    const auto [expected, expected_final, expected_checksums] = straight(c, as_script);
    ASSERT_EQ(expected_checksums.size(), 18u);
    warning_cache::clear();
    Driven run(c, {}, /*checksums=*/true, as_script);
    drive(run, 5, 8, 18, expected_checksums);
    const History got = run.history();
    expect_same(expected, got);
    EXPECT_EQ(run.final_parameters(), expected_final);
}

TEST_F(ScriptSession, ASnapshotThatCannotBeTakenLetsTheRunGoOnAndGoingBackThereSaysWhy) {
    // Lightning internals the glue does not expect (here: made to fail on purpose) do not take
    // the run down; going back to such a batch ends it with the reason, never half put back.
    std::string text = kLocked;
    text.replace(text.find("import threading"), 16,
                 "import threading\nimport stepwise_lightning\n"
                 "kept = stepwise_lightning._Fit._references\n"
                 "stepwise_lightning._Fit._references = lambda self, loops: 1 / 0");
    const std::string fit = "trainer.fit(Net(), DataLoader(data, batch_size=8))\n";
    text.replace(text.find(fit), fit.size(),
                 "try:\n    " + fit + "finally:\n    stepwise_lightning._Fit._references = kept\n");
    const RunConfig c = config("snapshot_fails", text.c_str());
    Driven run(c, {}, false, [&](SessionOptions& o) { run_the_script(o, c); });
    run.start();
    for (int i = 0; i < 2; ++i) ASSERT_TRUE(run.send(Command::step(StepKind::batch)));
    EXPECT_FALSE(run.failed());  // the run goes on without Python's snapshots
    run.send(Command::rewind(RewindTo::batch_index, 0));
    EXPECT_TRUE(run.session().wait_finished(test::scaled(60s)));
    std::string error;
    const History history = run.history();
    for (const std::string& line : history.lines())
        if (line.rfind("{\"type\":\"error\"", 0) == 0) error = line;
    EXPECT_NE(error.find("could not keep what Python holds"), std::string::npos) << error;
    EXPECT_NE(error.find("ZeroDivisionError: division by zero"), std::string::npos) << error;
}

TEST_F(ScriptSession, WhatASnapshotCannotCopyIsNamedWhenTheRunGoesBack) {
    const RunConfig c = config("locked", kLocked);
    Driven run(c, {}, false, [&](SessionOptions& o) { run_the_script(o, c); });
    run.start();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(run.send(Command::step(StepKind::batch)));
    ASSERT_TRUE(run.send(Command::rewind(RewindTo::batch_index, 1)));
    bool named = false;
    const History history = run.history();
    for (const std::string& line : history.lines())
        if (line.find("rewind_not_restored") != std::string::npos) {
            named = true;
            EXPECT_NE(line.find("Net.guard (lock)"), std::string::npos) << line;
        }
    EXPECT_TRUE(named);
    run.finish();
}

}  // namespace
}  // namespace stepwise::python

namespace stepwise::python {
namespace {

/// The frame of the newest hold (nullptr at a stage boundary).
std::shared_ptr<const LineFrame> held_frame(Driven& run) {
    const std::vector<Event> notable = run.notable();
    return notable.empty() ? nullptr : notable.back().frame;
}

const ValueDescription* local(const LineFrame& frame, const std::string& name) {
    for (const auto& [n, value] : frame.locals)
        if (n == name) return &value;
    return nullptr;
}

TEST_F(ScriptSession, StepLineGoesIntoTheUsersFunctionsOverThemAndOutWithTheFramesVariables) {
    const RunConfig c = config("lines", kLines);
    const auto as_script = [&](SessionOptions& o) { run_the_script(o, c); };
    const auto [expected, expected_final, expected_checksums] = straight(c, as_script);
    warning_cache::clear();
    Driven run(c, {}, /*checksums=*/true, as_script);
    run.start();
    ASSERT_TRUE(run.send(Command::step(StepKind::closure_call)));  // before training_step
    ASSERT_EQ(held_frame(run), nullptr);
    const auto step = [&](StepKind kind) {
        EXPECT_TRUE(run.send(Command::step(kind)));
        return held_frame(run);
    };
    auto f = step(StepKind::line);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->line, 19);
    EXPECT_EQ(f->function, "training_step");
    EXPECT_EQ(f->depth, 1);
    EXPECT_TRUE(f->file.size() > 8 && f->file.substr(f->file.size() - 8) == "train.py") << f->file;
    ASSERT_TRUE(local(*f, "batch_idx"));
    EXPECT_EQ(local(*f, "batch_idx")->value, 0.0);
    EXPECT_EQ(step(StepKind::line)->line, 20);
    // Into nn.Linear's forward? Not the user's file: the next line is the user's next one.
    f = step(StepKind::line);
    ASSERT_EQ(f->line, 21);
    const ValueDescription* out = local(*f, "out");
    ASSERT_TRUE(out);
    EXPECT_EQ(out->kind, "tensor");
    EXPECT_EQ(out->shape, (std::vector<std::int64_t>{8, 1}));
    EXPECT_EQ(out->dtype, "float32");
    EXPECT_TRUE(out->requires_grad);
    EXPECT_EQ(out->grad_fn, "AddmmBackward0");
    EXPECT_NE(out->text.find("mean"), std::string::npos);
    EXPECT_EQ(step(StepKind::line)->line, 22);
    f = step(StepKind::line);  // into the user's own helper
    EXPECT_EQ(f->line, 9);
    EXPECT_EQ(f->function, "scaled");
    EXPECT_EQ(f->depth, 2);
    ASSERT_TRUE(local(*f, "factor"));
    EXPECT_EQ(local(*f, "factor")->value, 1.0);
    f = step(StepKind::line_out);  // back in training_step, after the call
    EXPECT_EQ(f->line, 23);
    EXPECT_EQ(f->depth, 1);
    EXPECT_EQ(step(StepKind::line_over), nullptr);  // past the last line: the next stage

    // The next batch: over the helper, then back to the batch's start from a line.
    ASSERT_TRUE(run.send(Command::step(StepKind::batch)));
    ASSERT_TRUE(run.send(Command::step(StepKind::closure_call)));
    for (int line : {19, 20, 21, 22}) EXPECT_EQ(step(StepKind::line)->line, line);
    EXPECT_EQ(step(StepKind::line_over)->line, 23);  // scaled ran unseen
    ASSERT_TRUE(run.send(Command::rewind(RewindTo::batch_start)));
    EXPECT_EQ(held_frame(run), nullptr);
    ASSERT_TRUE(run.send(Command::step(StepKind::closure_call)));
    EXPECT_EQ(step(StepKind::line)->line, 19);
    run.finish();
    // Stepping lines and going back from one changed nothing the run computed.
    expect_same(expected, run.history());
    EXPECT_EQ(run.final_parameters(), expected_final);
}

TEST_F(ScriptSession, ALineBreakpointHoldsAtTheLineWithTheFramesVariables) {
    RunConfig c = config("line_breakpoint", kLines);
    // On a variable of that line: batch 0's loss is 0.318, batch 1's 2.91.
    c.breakpoints = {{"line=train.py:10 and doubled > 1", true}};
    Driven run(c, {}, false, [&](SessionOptions& o) { run_the_script(o, c); });
    run.start();
    ASSERT_TRUE(run.send(Command::of(CommandType::run)));
    const auto f = held_frame(run);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->line, 10);
    EXPECT_EQ(f->function, "scaled");
    EXPECT_EQ(run.notable().back().batch_idx, 1);
    ASSERT_TRUE(local(*f, "doubled"));
    EXPECT_EQ(local(*f, "doubled")->grad_fn, "MulBackward0");
    run.finish();
}

TEST(LineCondition, ALineIsFileColonNumberAndHitsOnlyAtThatLine) {
    const Condition c = parse_condition("line = model/train.py:42 and epoch >= 1");
    EXPECT_TRUE(c.place());
    EXPECT_TRUE(c.at_line());
    EXPECT_EQ(format_condition(c), "line = model/train.py:42 and epoch >= 1");
    ConditionSet set({{"line=train.py:42", true}});
    EXPECT_TRUE(set.has_lines());
    EXPECT_TRUE(set.names_line("/home/u/model/train.py", 42));
    EXPECT_FALSE(set.names_line("/home/u/model/pretrain.py", 42));
    EXPECT_FALSE(set.names_line("/home/u/model/train.py", 43));
    EXPECT_EQ(set.at_line("/x/train.py", 42, {}, Stage::training_step, 0, 0, 0, 1).size(), 1u);
    EXPECT_EQ(set.at_line("/x/train.py", 42, {}, Stage::training_step, 0, 1, 0, 1).size(), 1u);
    EXPECT_TRUE(set.at_boundary(Stage::training_step, 0, 0, 0, 1).empty());  // never at a stage
    for (const char* bad :
         {"line=train.py", "line=train.py:x", "line=:3", "line>train.py:3", "line=train.py:0",
          "line=train.py:3 and grad_norm > 1", "line=train.py:3 and nonfinite"})
        EXPECT_THROW(parse_condition(bad), ConditionError) << bad;
    // The line's variables: `loss` is the local, a name a number or a one-element tensor.
    ConditionSet on_locals({{"line=train.py:9 and loss > 2 and factor = 1", true}});
    EXPECT_TRUE(on_locals.names_line("/x/train.py", 9));  // the first look, before the locals
    ValueDescription loss, factor, other;
    loss.kind = "tensor";
    factor.kind = "float";
    factor.value = 1.0;
    other.kind = "str";
    other.text = "'relu'";
    const auto hits = [&](double l) {
        loss.value = l;
        return on_locals
            .at_line("/x/train.py", 9, {{"loss", loss}, {"factor", factor}, {"act", other}},
                     Stage::training_step, 0, 0, 0, 1)
            .size();
    };
    EXPECT_EQ(hits(2.5), 1u);
    EXPECT_EQ(hits(1.5), 0u);
    EXPECT_EQ(
        on_locals.at_line("/x/train.py", 9, {{"factor", factor}}, Stage::training_step, 0, 0, 0, 1)
            .size(),
        0u);  // no such variable: does not hold
}

}  // namespace
}  // namespace stepwise::python
