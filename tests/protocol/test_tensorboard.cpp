// TensorBoard export: which scalars a run becomes (Lightning's logging rules), the record framing
// and CRCs, the directory Lightning would pick, and bad directories. Files are read back through
// tests/protocol/tfevents_reader.h, which shares no code with the writer.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "batch_events.h"
#include "stepwise/tensorboard.h"
#include "tfevents_reader.h"

namespace stepwise {
namespace {
namespace fs = std::filesystem;

using test::batch_end;

ValueDescription scalar(double v) {
    ValueDescription d;
    d.kind = "float";
    d.value = v;
    return d;
}

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() /
               ("stepwise_tb_" + std::to_string(getpid()) + "_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

TEST(TensorBoard, Crc32cIsTheCastagnoliChecksumAndTheMaskIsTensorBoards) {
    const std::string check = "123456789";
    EXPECT_EQ(crc32c(check.data(), check.size()), 0xE3069283u);  // the standard check value
    EXPECT_EQ(crc32c("", 0), 0u);
    const std::uint32_t raw = crc32c(check.data(), check.size());
    EXPECT_EQ(masked_crc32c(check.data(), check.size()), ((raw >> 15) | (raw << 17)) + 0xa282ead8u);
    // The tests' own bit-by-bit CRC agrees on other bytes too.
    std::string bytes;
    for (int i = 0; i < 1000; ++i) bytes.push_back(char(i * 37 + 11));
    EXPECT_EQ(crc32c(bytes.data(), bytes.size()),
              tfevents::crc32c_bitwise(reinterpret_cast<const unsigned char*>(bytes.data()),
                                       bytes.size()));
}

TEST(TensorBoard, ScalarsFollowLightningsLoggingStepByStep) {
    // Windows of 2: epoch 0 steps at batches 1 (None: the window's first batch's values again)
    // and 2 (the epoch's short last window); epoch 1 begins with a stepping None batch, so nothing
    // is logged there but Stepwise's own measurements.
    BatchTable table;
    Event a = batch_end(0, 0, 0, false);
    a.loss = 0.5;
    a.loss_raw = 1.0;
    a.extras = {{"acc", scalar(0.0)}};
    table.add(a);
    Event b = batch_end(0, 1, 1, true);  // None
    b.update_norm = 0.125;
    b.lr = 0.1;
    table.add(b);
    Event c = batch_end(0, 2, 2, true);
    c.loss = 3.0;
    c.loss_raw = 3.0;
    c.grad_norm = 4.0;
    c.update_norm = 0.25;
    c.lr = 0.1;
    table.add(c);
    Event d = batch_end(1, 0, 3, true);  // None, first in its epoch
    d.update_norm = 0.0;
    table.add(d);
    const std::vector<TensorBoardScalar> s = tensorboard_scalars(table);
    std::vector<std::string> got;
    for (const auto& x : s)
        got.push_back(std::to_string(x.step) + " " + x.tag + " " + std::to_string(x.value));
    EXPECT_EQ(got,
              (std::vector<std::string>{
                  "0 loss 1.000000", "0 acc 0.000000", "0 epoch 0.000000",
                  "0 stepwise/update_norm 0.125000", "0 stepwise/lr 0.100000", "1 loss 3.000000",
                  "1 acc 0.000000", "1 epoch 0.000000", "1 stepwise/backward_loss 3.000000",
                  "1 stepwise/grad_norm 4.000000", "1 stepwise/update_norm 0.250000",
                  "1 stepwise/lr 0.100000", "2 stepwise/update_norm 0.000000"}));
}

TEST(TensorBoard, AnExtraCalledEpochIsTheUsersAndLightningAddsNoOther) {
    BatchTable table;
    Event a = batch_end(2, 0, 1, true);
    a.loss_raw = 1.0;
    a.extras = {{"epoch", scalar(7.0)}};
    table.add(a);
    int epochs = 0;
    for (const auto& x : tensorboard_scalars(table))
        if (x.tag == "epoch") {
            ++epochs;
            EXPECT_EQ(x.value, 7.0);
        }
    EXPECT_EQ(epochs, 1);
}

TEST(TensorBoard, AScriptGetsExactlyWhatLightningsLoggersGotThenStepwisesFigures) {
    BatchTable table;
    table.set_logged_by_lightning(true);
    Event first = batch_end(0, 0, 1, true);
    first.loss = 0.5;  // a script that logs nothing at this batch: no "loss" is made up
    first.grad_norm = 2.0;
    Event metrics;
    metrics.type = EventType::metrics;
    auto record = std::make_shared<MetricsRecord>();
    record->logger_calls = {{4, {{"val_acc", 0.75}, {"epoch", 0.0}}}};
    metrics.metrics = record;
    metrics.batch_idx = 1;
    table.add(first);
    table.add(metrics);
    table.add(batch_end(0, 1, 2, true));
    const auto scalars = tensorboard_scalars(table);
    ASSERT_EQ(scalars.size(), 4u);
    EXPECT_EQ(scalars[0].tag, "val_acc");
    EXPECT_EQ(scalars[0].step, 4);
    EXPECT_EQ(scalars[0].value, 0.75);
    EXPECT_EQ(scalars[1].tag, "epoch");
    EXPECT_EQ(scalars[2].tag, "stepwise/backward_loss");
    EXPECT_EQ(scalars[2].step, 0);
    EXPECT_EQ(scalars[3].tag, "stepwise/grad_norm");
}

TEST(TensorBoard, TheFileIsFramedAndCheckedAsTensorBoardReadsIt) {
    TempDir tmp;
    BatchTable table;
    Event a = batch_end(0, 0, 1, true);
    a.loss = 0.0;  // 0.0 must be written: TensorBoard keeps a value only when the field is there
    a.loss_raw = 0.0;
    a.extras = {{"nan_extra", scalar(std::nan(""))}, {"big", scalar(1e300)}};
    table.add(a);
    TensorBoardWriter writer(tmp.path.string());
    writer.write(table);
    EXPECT_EQ(fs::path(writer.directory()), tmp.path / "version_0");
    const std::string name = fs::path(writer.file()).filename().string();
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    EXPECT_EQ(name.rfind("events.out.tfevents.", 0), 0u) << name;
    EXPECT_NE(name.find(std::string(".") + host + "." + std::to_string(getpid()) + ".0"),
              std::string::npos)
        << name;
    const std::vector<tfevents::Event> events = tfevents::read_file(writer.file());
    ASSERT_EQ(events.size(), 1u + tensorboard_scalars(table).size());
    EXPECT_TRUE(events[0].has_file_version);
    EXPECT_EQ(events[0].file_version, "brain.Event:2");
    EXPECT_GT(events[0].wall_time, 1.7e9);
    std::vector<std::string> tags;
    for (std::size_t i = 1; i < events.size(); ++i) {
        ASSERT_TRUE(events[i].has_summary);
        ASSERT_EQ(events[i].values.size(), 1u);  // one scalar an event, as add_scalar writes them
        EXPECT_EQ(events[i].step, 0);
        EXPECT_GE(events[i].wall_time, events[0].wall_time);
        EXPECT_TRUE(events[i].values[0].has_simple_value) << events[i].values[0].tag;
        tags.push_back(events[i].values[0].tag);
    }
    EXPECT_EQ(tags, (std::vector<std::string>{"loss", "nan_extra", "big", "epoch",
                                              "stepwise/backward_loss"}));
    EXPECT_EQ(events[1].values[0].simple_value, 0.0f);
    EXPECT_TRUE(std::isnan(events[2].values[0].simple_value));
    EXPECT_TRUE(std::isinf(events[3].values[0].simple_value));  // beyond float: as float(1e300) is

    // A flipped byte anywhere is caught by the reader's CRCs, which is what the CRCs are for.
    std::string bytes;
    {
        std::ifstream in(writer.file(), std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    bytes[bytes.size() - 6] ^= 0x01;
    const std::string broken = (tmp.path / "broken").string();
    std::ofstream(broken, std::ios::binary) << bytes;
    EXPECT_THROW(tfevents::read_file(broken), std::runtime_error);
}

TEST(TensorBoard, EachExportIsTheNextVersionAsLightningNumbersThem) {
    TempDir tmp;
    EXPECT_EQ(next_tensorboard_version(tmp.path.string()), "version_0");  // no directory yet
    fs::create_directories(tmp.path / "version_2");
    fs::create_directories(tmp.path / "version_10_old");  // Lightning reads the 10
    fs::create_directories(tmp.path / "version_x");
    fs::create_directories(tmp.path / "other");
    std::ofstream(tmp.path / "version_99") << "a file, not a version";
    EXPECT_EQ(next_tensorboard_version(tmp.path.string()), "version_11");
    TensorBoardWriter first(tmp.path.string());
    TensorBoardWriter second(tmp.path.string());
    EXPECT_EQ(fs::path(first.directory()).filename(), "version_11");
    EXPECT_EQ(fs::path(second.directory()).filename(), "version_12");
}

TEST(TensorBoard, ADirectoryThatCannotBeMadeIsRefusedWithItsName) {
    TempDir tmp;
    fs::create_directories(tmp.path);
    const fs::path file = tmp.path / "plain_file";
    std::ofstream(file) << "x";
    try {
        TensorBoardWriter w(file.string());
        FAIL() << "a file is no directory";
    } catch (const TensorBoardError& e) {
        EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    }
    EXPECT_THROW(TensorBoardWriter((file / "below").string()), TensorBoardError);
}

}  // namespace
}  // namespace stepwise
