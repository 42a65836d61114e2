// Data (synthetic, files, batching) and every kind of bad input with the message it gets.

#include <gtest/gtest.h>

#include "data.h"
#include "test_support.h"

namespace stepwise::test {
namespace {

std::string load_failure(const RunConfig& c, const std::string& where) {
    const RunLog r = run(c);
    EXPECT_EQ(r.status(), "failed");
    if (!r.error()) return "";
    EXPECT_EQ(std::string(where_name(*r.error())), where);
    EXPECT_TRUE(r.of(EventType::run_start).empty());
    return r.error()->message;
}

TEST(Data, SyntheticSetsAreDeterministicPerSeed) {
    DataSpec spec;
    for (const char* kind : {"linear", "spiral", "moons"}) {
        spec.synthetic = kind;
        const auto a = synthetic_dataset(spec, 5, torch::kFloat32);
        const auto b = synthetic_dataset(spec, 5, torch::kFloat32);
        const auto c = synthetic_dataset(spec, 6, torch::kFloat32);
        EXPECT_TRUE(a.x.equal(b.x) && a.y.equal(b.y)) << kind;
        EXPECT_FALSE(a.x.equal(c.x)) << kind;
    }
}

TEST(Data, BatchingFollowsBatchSizeAndDropLast) {
    DataSpec spec;
    spec.samples = 20;
    const auto d = synthetic_dataset(spec, 0, torch::kFloat64);
    EXPECT_EQ(DataLoader(d, 8, false, false).size(), 3);
    EXPECT_EQ(DataLoader(d, 8, false, true).size(), 2);
    DataLoader seq(d, 8, false, false);
    EXPECT_EQ(seq.batch(0, 2).first.size(0), 4);
    // The shuffled order is torch's own: test_fidelity.cpp, S1_S2_S3_S4_...
}

TEST(Data, AFileWrittenByTorchSaveTrains) {
    const RunLog r = run(torchscript_config("golden/a_sgd_plain_tensor/model.pt",
                                            "golden/a_sgd_plain_tensor/data.pt"));
    EXPECT_EQ(r.status(), "finished");
    EXPECT_EQ(r.batch_ends().size(), 8u);
}

TEST(BadInput, MissingCorruptAndMalformedDataFilesAreNamed) {
    const std::string model = "golden/a_sgd_plain_tensor/model.pt";
    EXPECT_NE(load_failure(torchscript_config(model, "bad/absent.pt"), "data")
                  .find("absent.pt: cannot open the data file"),
              std::string::npos);
    EXPECT_NE(load_failure(torchscript_config(model, "bad/corrupt.pt"), "data")
                  .find("corrupt.pt: cannot read it as a torch.save file"),
              std::string::npos);
    EXPECT_NE(load_failure(torchscript_config(model, "bad/no_x.pt"), "data").find("no \"x\" entry"),
              std::string::npos);
    EXPECT_NE(load_failure(torchscript_config(model, "bad/mismatched.pt"), "data")
                  .find("x has 16 samples but y has 15"),
              std::string::npos);
    EXPECT_NE(
        load_failure(torchscript_config(model, "bad/list.pt"), "data").find("expected a dict"),
        std::string::npos);
}

// Found by tests/fuzz/fuzz_data_file: a 3 KB file whose pickle declares a 1.3 GB string made
// LibTorch's unpickler allocate and zero that much before failing; a zip header pointing past
// the end made its in-memory reader read past the buffer.
TEST(BadInput, CorruptDataFilesFailWithoutReadingOrAllocatingBeyondThem) {
    const std::string model = "golden/a_sgd_plain_tensor/model.pt";
    const std::string big = load_failure(
        torchscript_config(model, "../fuzz/regressions/data_file/pickle_declares_a_1gb_string.pt"),
        "data");
    EXPECT_NE(big.find("cannot read it as a torch.save file"), std::string::npos) << big;
    EXPECT_NE(big.find("its pickle declares 1342504736 bytes where 177 are left"),
              std::string::npos)
        << big;
    const std::string past =
        load_failure(torchscript_config(
                         model, "../fuzz/regressions/data_file/zip_header_points_past_the_end.pt"),
                     "data");
    EXPECT_NE(past.find("cannot read it as a torch.save file"), std::string::npos) << past;
    // A pickle naming QUInt8Storage for x: a quantized tensor without a quantizer, which LibTorch
    // cannot even slice. It is refused when loaded, not when the first batch is cut.
    const std::string quantized = load_failure(
        torchscript_config(
            model, "../fuzz/regressions/data_file/storage_class_makes_a_quantized_tensor.pt"),
        "data");
    EXPECT_NE(
        quantized.find("\"x\" must be a dense tensor of real numbers, got QUInt8 (quantized)"),
        std::string::npos)
        << quantized;
    // A flipped bit in a size: the tensor would reach past its storage once sliced.
    const std::string past_storage = load_failure(
        torchscript_config(model, "../fuzz/regressions/data_file/sizes_reach_past_the_storage.pt"),
        "data");
    EXPECT_NE(past_storage.find("that reach past its storage of"), std::string::npos)
        << past_storage;
    // A memo index of 140 million in a 1 KB file: LibTorch would size its memo to it first.
    const std::string memo = load_failure(
        torchscript_config(model, "../fuzz/regressions/data_file/memo_index_of_two_gigabytes.pt"),
        "data");
    EXPECT_NE(memo.find("its pickle puts memo entry 139995136 in a pickle of 240 bytes"),
              std::string::npos)
        << memo;
    // A 719-byte file whose zip directory gives its `version` record 4 GB.
    const std::string zip = load_failure(
        torchscript_config(model,
                           "../fuzz/regressions/data_file/zip_entry_declares_four_gigabytes.pt"),
        "data");
    EXPECT_NE(zip.find("a zip entry declares 16711929 bytes that its 249 packed bytes cannot hold"),
              std::string::npos)
        << zip;
    // A TUPLE3 over one value: LibTorch's unpickler pops its stack unchecked and freed memory it
    // never allocated (AddressSanitizer in fuzz_data_file).
    const std::string tuple = load_failure(
        torchscript_config(model, "../fuzz/regressions/data_file/tuple3_over_one_value.pt"),
        "data");
    EXPECT_NE(tuple.find("its pickle's opcode 0x87 at byte 14 takes 3 values where the stack holds "
                         "1 above its mark"),
              std::string::npos)
        << tuple;
}

TEST(BadInput, MissingCorruptAndIncompleteModelFilesAreNamed) {
    EXPECT_NE(load_failure(torchscript_config("bad/absent.pt", "bad/data3.pt"), "model")
                  .find("no such TorchScript file"),
              std::string::npos);
    EXPECT_NE(load_failure(torchscript_config("bad/corrupt.pt", "bad/data3.pt"), "model")
                  .find("not a TorchScript module file"),
              std::string::npos);
    EXPECT_NE(load_failure(torchscript_config("bad/data3.pt", "bad/data3.pt"), "model")
                  .find("not a TorchScript module file"),
              std::string::npos);
    EXPECT_NE(load_failure(torchscript_config("bad/no_training_step.pt", "bad/data3.pt"), "model")
                  .find("@torch.jit.export"),
              std::string::npos);
}

TEST(BadInput, AnExceptionInsideTrainingStepNamesTheStageAndKeepsWhatWasRecorded) {
    const RunLog r = run(torchscript_config("bad/raises.pt", "bad/data3.pt"));
    ASSERT_NE(r.error(), nullptr);
    EXPECT_EQ(std::string(where_name(*r.error())), "training_step");
    EXPECT_EQ(r.error()->batch_idx, 1);
    EXPECT_NE(r.error()->message.find("boom at batch 1"), std::string::npos);
    EXPECT_EQ(r.batch_ends().size(), 1u);  // batch 0 completed and was recorded
    EXPECT_EQ(r.status(), "failed");
    EXPECT_EQ(r.run_end().global_step, 1);
}

TEST(BadInput, ShapeMismatchBetweenModelAndDataIsAStageError) {
    RunConfig c = linear_source_config("    return loss", "Tensor");
    c.data.features = 5;
    const RunLog r = run(c);
    ASSERT_NE(r.error(), nullptr);
    EXPECT_EQ(std::string(where_name(*r.error())), "training_step");
}

TEST(BadInput, NanLossIsFlaggedAndTrainingGoesOnAsInLightning) {
    const RunLog r = run(linear_source_config(
        "    if batch_idx == 1:\n        return loss / 0.0 * 0.0\n    return loss", "Tensor"));
    EXPECT_EQ(r.status(), "finished");
    const auto notes = r.warnings("stepwise");
    ASSERT_FALSE(notes.empty());
    EXPECT_EQ(notes[0].batch_idx, 1);
    EXPECT_EQ(notes[0].text.code, TextCode::notice_non_finite_loss);
    EXPECT_NE(format_text(notes[0].text).find("non-finite loss (nan)"), std::string::npos);
}

TEST(BadInput, AnExtraThatHoldsTheGraphIsNotedOnce) {
    const RunLog r = run(
        linear_source_config("    return {\"loss\": loss, \"pred\": pred}", "Dict[str, Tensor]"));
    const auto notes = r.warnings("stepwise");
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0].text.code, TextCode::notice_graph_in_extra);
    EXPECT_NE(format_text(notes[0].text).find("'pred'"), std::string::npos);
    EXPECT_TRUE(r.batch_ends()[0].extras[0].second.holds_graph());
}

}  // namespace
}  // namespace stepwise::test
