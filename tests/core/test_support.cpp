#include "test_support.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "stepwise/lessons.h"

namespace stepwise::test {

std::string fixture(const std::string& relative) {
    return std::string(STEPWISE_FIXTURES) + "/" + relative;
}

std::vector<Event> RunLog::of(EventType type) const {
    std::vector<Event> out;
    for (const auto& e : events)
        if (e.type == type) out.push_back(e);
    return out;
}

std::vector<Event> RunLog::exits(const Outcome* outcome) const {
    std::vector<Event> out;
    for (const auto& e : events)
        if (e.type == EventType::stage_exit && (!outcome || e.outcome == *outcome))
            out.push_back(e);
    return out;
}

namespace {
// stage_exit events of one batch, ordered by their entry (instance = the enter's seq).
std::vector<Event> batch_stages(const std::vector<Event>& events, std::int64_t epoch,
                                std::int64_t batch) {
    std::map<std::uint64_t, Event> by_entry;
    for (const auto& e : events)
        if (e.type == EventType::stage_exit && e.epoch == epoch && e.batch_idx == batch)
            by_entry[e.instance] = e;
    std::vector<Event> out;
    for (auto& kv : by_entry) out.push_back(kv.second);
    return out;
}
}  // namespace

std::vector<std::string> RunLog::ran(std::int64_t epoch, std::int64_t batch) const {
    std::vector<std::string> out;
    for (const auto& e : batch_stages(events, epoch, batch))
        if (e.outcome == Outcome::ran) out.push_back(stage_name(e.stage));
    return out;
}

std::vector<std::string> RunLog::entered(std::int64_t epoch, std::int64_t batch) const {
    std::vector<std::string> out;
    for (const auto& e : batch_stages(events, epoch, batch))
        out.push_back(std::string(stage_name(e.stage)) +
                      (e.outcome == Outcome::skipped ? "(skipped)" : ""));
    return out;
}

int RunLog::count_ran(Stage stage) const {
    int n = 0;
    for (const auto& e : events)
        n += e.type == EventType::stage_exit && e.stage == stage && e.outcome == Outcome::ran;
    return n;
}

std::vector<Event> RunLog::warnings(const std::string& source) const {
    std::vector<Event> out;
    for (const auto& e : of(EventType::warning))
        if (e.source == source) out.push_back(e);
    return out;
}

const Event& RunLog::run_end() const {
    for (const auto& e : events)
        if (e.type == EventType::run_end) return e;
    ADD_FAILURE() << "no run_end event";
    static Event none;
    return none;
}

const Event* RunLog::error() const {
    for (const auto& e : events)
        if (e.type == EventType::error) return &e;
    return nullptr;
}

RunLog run(const RunConfig& config, bool parameters_each_batch) {
    RunLog r;
    SessionOptions options;
    options.buffer_events = false;
    options.parameters_each_batch = parameters_each_batch;
    options.listener = [&r](const Event& e) { r.events.push_back(e); };
    TrainingSession session(config, options);
    session.run_blocking();
    return r;
}

std::string linear_source(const std::string& body, const std::string& returns) {
    return "dtype float64\n"
           "param weight: [1, 3] = [[0.1, -0.2, 0.3]]\n"
           "param bias: [1] = [0.05]\n"
           "\n"
           "def forward(self, x: Tensor) -> Tensor:\n"
           "    return x @ self.weight.t() + self.bias\n"
           "\n"
           "def training_step(self, batch: Tuple[Tensor, Tensor], batch_idx: int)" +
           (returns.empty() ? std::string() : " -> " + returns) +
           ":\n"
           "    x, y = batch\n"
           "    pred = self.forward(x)\n"
           "    loss = torch.mse_loss(pred, y)\n" +
           body + "\n";
}

RunConfig linear_source_config(const std::string& body, const std::string& returns) {
    RunConfig c;
    c.model.kind = ModelSpec::Kind::source;
    c.model.path = "test.stepwise";
    c.model.inline_source = linear_source(body, returns);
    c.data.kind = DataSpec::Kind::synthetic;
    c.data.synthetic = "linear";
    c.data.samples = 40;
    c.data.features = 3;
    c.batch_size = 8;
    c.optimizer.name = "sgd";
    c.optimizer.options["lr"] = 0.1;
    c.trainer.max_epochs =
        1;  // a test's config says how long it trains (not set: 1000 epochs, E-1)
    return c;
}

RunConfig torchscript_config(const std::string& model, const std::string& data) {
    RunConfig c;
    c.model.kind = ModelSpec::Kind::torchscript;
    c.model.path = fixture(model);
    c.data.kind = DataSpec::Kind::file;
    c.data.path = fixture(data);
    c.optimizer.options["lr"] = 0.1;
    c.trainer.max_epochs = 1;
    return c;
}

std::vector<double> flat(const ParameterSnapshot& snapshot) {
    std::vector<double> out;
    for (const auto& p : snapshot.parameters)
        out.insert(out.end(), p.values.begin(), p.values.end());
    return out;
}

RunConfig lesson_config(const std::string& name) {
    const Lesson* lesson = find_lesson(name);
    if (!lesson) {
        ADD_FAILURE() << "no lesson " << name;
        return {};
    }
    return parse_run_config(lesson->config_json, ".", lesson->name);
}

std::chrono::milliseconds scaled(std::chrono::milliseconds bound) {
    const char* scale = std::getenv("STEPWISE_TEST_TIMEOUT_SCALE");
    const int factor = scale ? std::atoi(scale) : 1;
    return factor > 1 ? bound * factor : bound;
}

}  // namespace stepwise::test
