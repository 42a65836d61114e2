// The protocol library on its own (no torch, no Qt): texts, commands and the event codec.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>

#include "batch_events.h"
#include "config_errors.h"
#include "stepwise/batch_table.h"
#include "stepwise/commands.h"
#include "stepwise/run_config.h"
#include "stepwise/text.h"
#include "stepwise/trace.h"

namespace stepwise {
namespace {

TEST(Text, EveryCodeHasANameAnArityAndEnglishThatUsesEveryArgument) {
    for (int i = 1; i < kTextCodeCount; ++i) {
        const auto code = static_cast<TextCode>(i);
        SCOPED_TRACE(text_code_name(code));
        EXPECT_EQ(text_code_from_name(text_code_name(code)), code);
        Text t{code, {}};
        for (int a = 0; a < text_code_arity(code); ++a)
            t.args.push_back("<arg" + std::to_string(a) + ">");
        const std::string english = format_text(t);
        EXPECT_FALSE(english.empty());
        for (const auto& arg : t.args) EXPECT_NE(english.find(arg), std::string::npos) << english;
        EXPECT_EQ(english.find('%'), std::string::npos) << english;
    }
    EXPECT_FALSE(text_code_from_name("no_such_code"));
}

TEST(Text, TheEnglishIsTheEngineSentenceWordForWord) {
    EXPECT_EQ(format_text({TextCode::skip_zero_grad_not_first, {"4", "2", "3"}}),
              "zero_grad skipped: batch 4 is not the first of its accumulation cycle (batch 2 of 3 "
              "in its accumulation cycle)");
    EXPECT_EQ(format_text({TextCode::output_dict_with_loss, {"1"}}),
              "dict with 'loss' and 1 extra: loss / N is backpropagated");
    EXPECT_EQ(format_text({TextCode::output_dict_with_loss, {"2"}}),
              "dict with 'loss' and 2 extras: loss / N is backpropagated");
}

TEST(Commands, EveryCommandRoundTripsAndBadOnesAreRefusedWithTheReason) {
    const Command all[] = {Command::step(StepKind::stage),
                           Command::step(StepKind::closure_call),
                           Command::step(StepKind::batch),
                           Command::step(StepKind::epoch),
                           Command::of(CommandType::run),
                           Command::of(CommandType::pause),
                           Command::of(CommandType::stop),
                           Command::delay(250),
                           Command::seek(12345),
                           Command::rewind(RewindTo::stage),
                           Command::rewind(RewindTo::batch_start),
                           Command::rewind(RewindTo::batch),
                           Command::rewind(RewindTo::hit),
                           Command::rewind(RewindTo::batch_index, 42),
                           Command::watch({true, "fc.weight:exp_avg", false}),
                           Command::watch({false, "", true}),
                           Command::watch({})};
    for (const Command& c : all)
        EXPECT_EQ(decode_command(encode_command(c)), c) << encode_command(c);
    EXPECT_EQ(
        encode_command(Command::rewind(RewindTo::batch_index, 42)),
        "{\"type\":\"command\",\"command\":\"rewind\",\"to\":\"batch_index\",\"position\":42}");
    for (const char* bad :
         {"", "[]", "{\"command\":\"fly\"}", "{\"command\":\"step\"}",
          "{\"command\":\"set_delay\",\"delay_ms\":-1}", "{\"command\":\"seek\"}",
          "{\"command\":\"rewind\"}", "{\"command\":\"rewind\",\"to\":\"yesterday\"}",
          "{\"command\":\"rewind\",\"to\":\"batch_index\"}",
          "{\"command\":\"rewind\",\"to\":\"batch_index\",\"position\":-3}",
          "{\"command\":\"inspect\",\"tensors\":1}", "{\"command\":\"inspect\",\"tensor\":3}"})
        EXPECT_THROW(decode_command(bad), std::runtime_error) << bad;
    try {
        decode_command("{\"command\":\"rewind\",\"to\":\"yesterday\"}");
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(),
                     "\"to\": unknown rewind target \"yesterday\" (stage, batch_start, batch, "
                     "hit or batch_index)");
    }
    try {
        decode_command("{\"command\":\"inspect\",\"ledger\":\"yes\"}");
        ADD_FAILURE() << "a string for a flag was taken";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "\"ledger\": expected true or false, got \"yes\"");
    }
}

Event every_field_set() {
    Event e;
    e.type = EventType::batch_end;
    e.run_id = 7;
    e.seq = 99;
    e.epoch = 2;
    e.batch_idx = 5;
    e.global_step = 11;
    e.stage = Stage::backward;
    e.instance = 42;
    e.call = 3;
    e.depth = 1;
    e.outcome = Outcome::failed;
    e.duration_ns = 1234;
    auto out = std::make_shared<OutputDescription>();
    out->kind = "dict";
    out->value.kind = "dict";
    out->value.text = "{...}";
    ValueDescription loss{"tensor", {}, "float32", true, "MseLossBackward0", 0.25, ""};
    out->entries = {{"loss", loss}, {"loss", {"int", {}, "", false, "", 3.0, "3"}}};
    out->classification = {TextCode::output_dict_with_loss, {"1"}};
    e.payload.output = out;
    e.payload.loss_raw = 0.5;
    e.payload.loss = -0.0;
    e.payload.scalar_extras = {{"mae", 0.1}, {"mae", std::nan("")}};
    e.payload.grad_norms = GradNorms{1.5, {{"w", 1.0}, {"b", std::nullopt}}};
    e.payload.update_norm = std::numeric_limits<double>::infinity();
    e.payload.lr = 0.1;
    e.payload.closure_calls = 4;
    e.payload.step_return = 0.3;
    e.payload.zero_grad_mode = "zero_fill";
    e.payload.clip_val = 0.5;
    e.payload.clip_algorithm = "norm";
    e.stepped = true;
    e.closure_calls = 4;
    e.output = out;
    e.loss = 1e-300;
    e.loss_raw = 3.0e300;
    e.update_norm = 0.125;
    e.extras = {{"acc", {"tensor", {2, 3}, "float64", false, "", std::nullopt, ""}}};
    e.accumulate_grad_batches = 3;
    e.cycle_position = 2;
    e.text = {TextCode::notice_graph_in_extra, {"acc", "grad_fn=AddBackward0"}};
    e.message = "caf\xc3\xa9";
    e.source = "stepwise";
    e.exception_type = "RuntimeError";
    e.phase = ErrorPhase::stage;
    e.stage = Stage::backward;
    e.status = RunStatus::stopped;
    e.config_json = "{\"batch_size\":8,\"seed\":0}";
    auto params = std::make_shared<ParameterSnapshot>();
    params->has_values = true;
    params->parameters = {{"w", {1, 2}, {0.5, -1.0}}, {"b", {1}, {0.0}}};
    e.parameters = params;
    e.total_batches_per_epoch = 8;
    e.param_checksum = 0xfedcba9876543210ull;
    e.grad_norm = 2.5;
    return e;
}

void expect_same_value(const ValueDescription& a, const ValueDescription& b) {
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.shape, b.shape);
    EXPECT_EQ(a.dtype, b.dtype);
    EXPECT_EQ(a.requires_grad, b.requires_grad);
    EXPECT_EQ(a.grad_fn, b.grad_fn);
    EXPECT_EQ(a.value, b.value);
    EXPECT_EQ(a.text, b.text);
}

void expect_same_output(const OutputDescription& a, const OutputDescription& b) {
    EXPECT_EQ(a.kind, b.kind);
    expect_same_value(a.value, b.value);
    ASSERT_EQ(a.entries.size(), b.entries.size());
    for (std::size_t i = 0; i < a.entries.size(); ++i) {
        EXPECT_EQ(a.entries[i].first, b.entries[i].first);
        expect_same_value(a.entries[i].second, b.entries[i].second);
    }
    EXPECT_EQ(a.classification, b.classification);
}

TEST(EventCodec, EveryFieldSurvivesARoundTrip) {
    const Event e = every_field_set();
    const std::string line = encode_event(e);
    const Event r = decode_event(line);
    EXPECT_EQ(encode_event(r), line);
    EXPECT_EQ(r.type, e.type);
    EXPECT_EQ(r.run_id, e.run_id);
    EXPECT_EQ(r.seq, e.seq);
    EXPECT_EQ(r.epoch, e.epoch);
    EXPECT_EQ(r.batch_idx, e.batch_idx);
    EXPECT_EQ(r.global_step, e.global_step);
    EXPECT_EQ(r.stage, e.stage);
    EXPECT_EQ(r.instance, e.instance);
    EXPECT_EQ(r.call, e.call);
    EXPECT_EQ(r.depth, e.depth);
    EXPECT_EQ(r.outcome, e.outcome);
    EXPECT_EQ(r.duration_ns, e.duration_ns);
    ASSERT_TRUE(r.payload.output);
    expect_same_output(*r.payload.output, *e.payload.output);
    EXPECT_EQ(r.payload.loss_raw, e.payload.loss_raw);
    EXPECT_TRUE(std::signbit(*r.payload.loss));
    ASSERT_EQ(r.payload.scalar_extras.size(), 2u);
    EXPECT_EQ(r.payload.scalar_extras[0], e.payload.scalar_extras[0]);
    EXPECT_TRUE(std::isnan(r.payload.scalar_extras[1].second));
    ASSERT_TRUE(r.payload.grad_norms);
    EXPECT_EQ(r.payload.grad_norms->total, 1.5);
    EXPECT_EQ(r.payload.grad_norms->per_parameter, e.payload.grad_norms->per_parameter);
    EXPECT_EQ(r.payload.update_norm, e.payload.update_norm);
    EXPECT_EQ(r.payload.lr, e.payload.lr);
    EXPECT_EQ(r.payload.closure_calls, e.payload.closure_calls);
    EXPECT_EQ(r.payload.step_return, e.payload.step_return);
    EXPECT_EQ(r.payload.zero_grad_mode, e.payload.zero_grad_mode);
    EXPECT_EQ(r.payload.clip_val, e.payload.clip_val);
    EXPECT_EQ(r.payload.clip_algorithm, e.payload.clip_algorithm);
    EXPECT_EQ(r.stepped, e.stepped);
    EXPECT_EQ(r.closure_calls, e.closure_calls);
    ASSERT_TRUE(r.output);
    expect_same_output(*r.output, *e.output);
    EXPECT_EQ(r.loss, e.loss);
    EXPECT_EQ(r.loss_raw, e.loss_raw);
    EXPECT_EQ(r.update_norm, e.update_norm);
    ASSERT_EQ(r.extras.size(), 1u);
    EXPECT_EQ(r.extras[0].first, "acc");
    expect_same_value(r.extras[0].second, e.extras[0].second);
    EXPECT_EQ(r.accumulate_grad_batches, e.accumulate_grad_batches);
    EXPECT_EQ(r.cycle_position, e.cycle_position);
    EXPECT_EQ(r.text, e.text);
    EXPECT_EQ(r.message, e.message);
    EXPECT_EQ(r.source, e.source);
    EXPECT_EQ(r.exception_type, e.exception_type);
    EXPECT_EQ(r.phase, e.phase);
    EXPECT_EQ(r.stage, e.stage);
    EXPECT_EQ(r.status, e.status);
    EXPECT_EQ(r.config_json, e.config_json);
    ASSERT_TRUE(r.parameters);
    EXPECT_TRUE(r.parameters->has_values);
    ASSERT_EQ(r.parameters->parameters.size(), 2u);
    EXPECT_EQ(r.parameters->parameters[0].values, e.parameters->parameters[0].values);
    EXPECT_EQ(r.parameters->parameters[1].shape, e.parameters->parameters[1].shape);
    EXPECT_EQ(r.total_batches_per_epoch, e.total_batches_per_epoch);
    EXPECT_EQ(r.param_checksum, e.param_checksum);  // all 64 bits, above int64's range too
    EXPECT_EQ(r.grad_norm, e.grad_norm);
}

TEST(EventCodec, MalformedLinesAreRefusedWithTheCause) {
    const std::pair<const char*, const char*> cases[] = {
        {"garbage\x01\xff", "not valid JSON"},
        {"[1,2]", "expected a JSON object"},
        {"{\"type\":\"teleport\"}", "unknown event type \"teleport\""},
        {"{\"type\":\"stage_exit\",\"stage\":\"fly\"}", "unknown stage \"fly\""},
        {"{\"type\":\"batch_end\",\"seq\":-1}", "\"seq\": expected a non-negative integer"},
        {"{\"type\":\"batch_end\",\"loss\":\"lots\"}", "\"loss\": expected a number"},
        {"{\"type\":\"warning\",\"text\":{\"code\":\"x\",\"args\":[]}}", "unknown text code \"x\""},
        {"{\"type\":\"batch_end\",\"call\":99999999999}", "\"call\": out of range"},
        {"{\"type\":\"batch_end\",\"param_checksum\":-5}",
         "\"param_checksum\": expected a non-negative integer"},
        {"{\"type\":\"batch_end\",\"output\":{\"kind\":\"dict\"}}",
         "\"value\": expected an object"},
    };
    for (const auto& [line, cause] : cases) {
        try {
            decode_event(line);
            ADD_FAILURE() << "accepted: " << line;
        } catch (const TraceError& e) {
            EXPECT_NE(std::string(e.what()).find(cause), std::string::npos) << e.what();
        }
    }
}

TEST(EventCodec, InvalidUtf8IsReplacedNotThrown) {
    Event e;
    e.type = EventType::error;
    e.message = "bad \xe9 byte";
    std::string line;
    ASSERT_NO_THROW(line = encode_event(e));
    EXPECT_EQ(decode_event(line).message, "bad \xef\xbf\xbd byte");
}

TEST(TraceHeader, OtherSchemasAndNonTracesAreRefusedWithTheReason) {
    EXPECT_NO_THROW(check_trace_header(trace_header(), "t"));
    const std::pair<std::string, const char*> cases[] = {
        {"{\"type\":\"stepwise_trace\",\"schema\":6}", "it was written by a newer Stepwise"},
        {"{\"type\":\"stepwise_trace\",\"schema\":1}", "reads schemas 2 to 5"},
        {"{\"type\":\"run_start\"}", "a trace of schema 1"},
        {"hello", "not a Stepwise trace"},
        {"{\"type\":\"stepwise_trace\"}", "no schema number"},
    };
    for (const auto& [line, cause] : cases) {
        try {
            check_trace_header(line, "t.jsonl");
            ADD_FAILURE() << "accepted: " << line;
        } catch (const TraceError& e) {
            EXPECT_NE(std::string(e.what()).find(cause), std::string::npos) << e.what();
            EXPECT_EQ(std::string(e.what()).rfind("t.jsonl:1: ", 0), 0u) << e.what();
        }
    }
}

// "rewind": {"budget_mb": N} bounds the snapshots a run keeps to go back; bad values are named.
TEST(RunConfigRewind, TheSnapshotBudgetIsReadKeptAndCheckedWithItsPath) {
    EXPECT_EQ(parse_run_config("{}", "").rewind_budget_mb, 256.0);
    const RunConfig c = parse_run_config(R"({"rewind": {"budget_mb": 32.5}})", "", "cfg");
    EXPECT_EQ(c.rewind_budget_mb, 32.5);
    EXPECT_EQ(parse_run_config(to_json(c), "", "again").rewind_budget_mb, 32.5);
    const auto error = test::config_error;
    EXPECT_EQ(error(R"({"rewind": 5})"), "cfg: rewind: expected an object");
    EXPECT_EQ(error(R"({"rewind": {"budget": 5}})"),
              "cfg: rewind.budget: unknown key (allowed here: budget_mb)");
    EXPECT_EQ(error(R"({"rewind": {"budget_mb": "lots"}})"),
              "cfg: rewind.budget_mb: expected a number of megabytes, got \"lots\"");
    EXPECT_EQ(error(R"({"rewind": {"budget_mb": -1}})"),
              "cfg: rewind.budget_mb: must be from 0 (no rewinding) to 1048576 (1 TB), got -1");
}

// The Tensors dock's report and the ledger travel in the trace and on the wire: every field, NaN
// included, survives, and a malformed one is refused naming the field.
TEST(EventCodec, TensorReportsAndLedgersRoundTripAndMalformedOnesAreRefused) {
    auto report = std::make_shared<TensorReport>();
    report->boundaries = 3;
    report->since = Stage::backward;
    report->since_epoch = 1;
    report->since_batch_idx = 4;
    TensorSummary w{
        "fc.weight", "fc.weight",  TensorRole::parameter, {2, 2},       "float32", true, false,
        1.5,         std::nullopt, TensorChange::moved,   std::nullopt, 0.25};
    TensorSummary g{"fc.weight.grad",
                    "fc.weight",
                    TensorRole::grad,
                    {2, 2},
                    "float32",
                    false,
                    false,
                    std::nullopt,
                    std::nullopt,
                    TensorChange::set_to_none,
                    std::nullopt,
                    std::nullopt};
    TensorSummary c{"fc.weight.grad",
                    "fc.weight",
                    TensorRole::grad,
                    {2, 2},
                    "float32",
                    true,
                    false,
                    0.5,
                    std::nullopt,
                    TensorChange::scaled,
                    0.125,
                    0.1};
    TensorSummary step{
        "fc.weight:step",    "fc.weight",  TensorRole::state, {}, "int64", true, false, 3.0, 3.0,
        TensorChange::moved, std::nullopt, std::nullopt};
    report->tensors = {w, g, c, step};
    TensorDetail d;
    d.name = "fc.weight";
    d.shape = {2, 2};
    d.numel = 4;
    d.values = {0.5, std::nan(""), -1.0, 2.0};
    d.changed = {1, 0, 0, 1};
    d.min = -1.0;
    d.max = 2.0;
    d.histogram = {1, 0, 2};
    d.non_finite = 1;
    d.heat_rows = 2;
    d.heat_cols = 2;
    d.heat = {0.5, std::nan(""), -1.0, 2.0};
    report->detail = d;
    Event e;
    e.type = EventType::tensors;
    e.tensors = report;
    e.payload.grad_contribution = 0.75;
    e.payload.ledger =
        AccumulationLedger{{{3, 0.5, 0.9, 0.4}, {4, 0.7, 0.95, 0.6}}, 1.1, 1.1, 0.5, 0.45};
    const std::string line = encode_event(e);
    const Event r = decode_event(line);
    EXPECT_EQ(encode_event(r), line);
    ASSERT_TRUE(r.tensors);
    EXPECT_EQ(*r.tensors, *report);
    EXPECT_EQ(r.payload.grad_contribution, 0.75);
    ASSERT_TRUE(r.payload.ledger);
    EXPECT_EQ(*r.payload.ledger, *e.payload.ledger);

    auto refused = [&](const std::string& from, const std::string& to, const std::string& reason) {
        std::string bad = line;
        const auto at = bad.find(from);
        ASSERT_NE(at, std::string::npos) << from;
        bad.replace(at, from.size(), to);
        try {
            (void)decode_event(bad);
            ADD_FAILURE() << "accepted: " << bad;
        } catch (const TraceError& err) {
            EXPECT_NE(std::string(err.what()).find(reason), std::string::npos) << err.what();
        }
    };
    refused("\"role\":\"grad\"", "\"role\":\"gradient\"", "unknown tensor role \"gradient\"");
    refused("\"change\":\"scaled\"", "\"change\":\"shrunk\"", "unknown tensor change \"shrunk\"");
    refused("\"changed\":[1,0,0,1]", "\"changed\":[1,0,2,1]", "\"changed\"");
    refused("\"changed\":[1,0,0,1]", "\"changed\":[1,0]", "one flag per value");
    refused("\"heat_rows\":2", "\"heat_rows\":3", "\"heat\"");
    refused("\"batches\":[[3", "\"batches\":[[\"x\"", "[batch_idx, norm, cosine, share]");
    refused("\"since\":\"backward\"", "\"since\":\"forward\"", "unknown stage \"forward\"");
}

TEST(BatchTable, RowsFollowTheRunAndTheCsvSaysWhatEachBatchHad) {
    BatchTable table;
    const auto end = test::batch_end;
    Event a = end(0, 0, 0, false);
    a.loss = 0.25;
    a.loss_raw = 0.75;
    a.grad_norm = 1.5;
    a.lr = 0.1;
    Event b = end(0, 1, 1, true);  // returned None: no loss; an extra first seen here, with a comma
    b.update_norm = std::numeric_limits<double>::infinity();
    b.grad_norm = std::nan("");
    ValueDescription acc;
    acc.kind = "float";
    acc.value = 0.5;
    b.extras = {{"acc, top-1", acc},
                {"text", ValueDescription{"str", {}, "", false, "", std::nullopt, "hi"}}};
    Event c = end(1, 0, 2, true);
    c.loss = 1e-20;
    Event warning;
    warning.type = EventType::warning;  // not a row
    for (const Event& e : {a, b, warning, c}) table.add(e);
    ASSERT_EQ(table.rows().size(), 3u);
    EXPECT_EQ(table.extra_keys(),
              std::vector<std::string>{"acc, top-1"});  // the string is no scalar
    std::ostringstream csv;
    table.write_csv(csv);
    EXPECT_EQ(csv.str(),
              "epoch,batch_idx,global_step,stepped,loss,loss_raw,grad_norm,update_norm,lr,\"acc, "
              "top-1\"\n"
              "0,0,0,False,0.25,0.75,1.5,,0.1,\n"
              "0,1,1,True,,,nan,inf,,0.5\n"
              "1,0,2,True,1e-20,,,,,\n");
    // Going back to epoch 0, batch 1 drops that batch and every later one.
    Event back;
    back.type = EventType::rewound;
    back.epoch = 0;
    back.batch_idx = 1;
    table.add(back);
    ASSERT_EQ(table.rows().size(), 1u);
    EXPECT_EQ(table.rows()[0].batch_idx, 0);
    EXPECT_EQ(csv_field("say \"hi\"\n"), "\"say \"\"hi\"\"\n\"");
}

/// A script's metrics event: a step's values (the dicts each is in) and two logger calls.
Event metrics_event(std::int64_t epoch, std::int64_t batch_idx, bool epoch_end,
                    std::vector<LoggerCall> calls) {
    Event e;
    e.type = EventType::metrics;
    e.epoch = epoch;
    e.batch_idx = batch_idx;
    auto m = std::make_shared<MetricsRecord>();
    m->epoch_end = epoch_end;
    m->values = {{"loss_step", 0.5, true, false, true}, {"acc", -0.0, false, true, true}};
    m->logger_calls = std::move(calls);
    e.metrics = m;
    return e;
}

TEST(EventCodec, AMetricsRecordRoundTripsAndAMalformedOneIsRefused) {
    const Event e = metrics_event(1, 2, true, {{7, {{"loss_step", 0.5}, {"epoch", 1.0}}}});
    const std::string line = encode_event(e);
    const Event r = decode_event(line);
    EXPECT_EQ(encode_event(r), line);
    ASSERT_TRUE(r.metrics);
    EXPECT_TRUE(r.metrics->epoch_end);
    ASSERT_EQ(r.metrics->values.size(), 2u);
    EXPECT_EQ(r.metrics->values[0].name, "loss_step");
    EXPECT_TRUE(r.metrics->values[0].logger && !r.metrics->values[0].prog_bar);
    EXPECT_TRUE(r.metrics->values[1].prog_bar && r.metrics->values[1].callback);
    EXPECT_TRUE(std::signbit(r.metrics->values[1].value));
    ASSERT_EQ(r.metrics->logger_calls.size(), 1u);
    EXPECT_EQ(r.metrics->logger_calls[0].step, 7);
    EXPECT_EQ(r.metrics->logger_calls[0].values, e.metrics->logger_calls[0].values);
    for (
        const char* bad :
        {R"({"type":"metrics","metrics":{"scope":"week","values":[]}})",
         R"({"type":"metrics","metrics":{"scope":"step","values":[{"value":1}]}})",
         R"({"type":"metrics","metrics":{"scope":"step","values":[],"logger_calls":[{"step":1,"values":[["a"]]}]}})"}) {
        EXPECT_THROW(decode_event(bad), TraceError) << bad;
    }
}

TEST(BatchTable, WhatTheLoggersGotFillsItsBatchsRowAndARewindTakesItBack) {
    BatchTable table;
    // A step's call comes before its batch_end; an epoch's after its last batch's.
    table.add(metrics_event(0, 0, false, {{0, {{"loss_step", 0.5}, {"epoch", 0.0}}}}));
    table.add(test::batch_end(0, 0, 1, true));
    table.add(test::batch_end(0, 1, 2, true));
    table.add(metrics_event(0, 1, true, {{1, {{"loss_epoch", 0.25}, {"epoch", 0.0}}}}));
    EXPECT_EQ(table.logged_keys(), (std::vector<std::string>{"loss_step", "loss_epoch"}));
    std::ostringstream csv;
    table.write_csv(csv);
    EXPECT_EQ(csv.str(),
              "epoch,batch_idx,global_step,stepped,loss,loss_raw,grad_norm,update_norm,lr,"
              "loss_step,loss_epoch\n"
              "0,0,1,True,,,,,,0.5,\n"
              "0,1,2,True,,,,,,,0.25\n");
    ASSERT_EQ(table.logger_calls().size(), 2u);
    Event back;
    back.type = EventType::rewound;
    back.epoch = 0;
    back.batch_idx = 1;
    table.add(back);
    EXPECT_EQ(table.rows().size(), 1u);
    ASSERT_EQ(table.logger_calls().size(), 1u);
    EXPECT_EQ(table.logger_calls()[0].second.step, 0);
}

}  // namespace
}  // namespace stepwise
