// The breakpoint condition language: any text either parses or throws ConditionError (nothing
// else escapes); a parsed condition's canonical form parses to the same canonical form; and a set
// of parsed conditions evaluates events of every kind without failing.

#include "fuzz_check.h"
#include "stepwise/conditions.h"

using namespace stepwise;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = fuzz::as_text(data, size);
    Condition condition;
    try {
        condition = parse_condition(text);
    } catch (const ConditionError&) {
        return 0;
    }
    const std::string canonical = format_condition(condition);
    std::string again;
    try {
        again = format_condition(parse_condition(canonical));
    } catch (const ConditionError& e) {
        fuzz::require(false, "a condition's canonical form does not parse",
                      canonical + "\n" + e.what());
    }
    fuzz::require(again == canonical, "a condition's canonical form reads back changed",
                  canonical + "\n" + again);
    ConditionSet set({{text, true}});
    Event e;
    e.type = EventType::stage_exit;
    e.payload.loss = e.payload.loss_raw = double(size) - 3.0;
    e.payload.grad_norms = GradNorms{1.5, {{"w", 2.0}, {"b", std::nullopt}}};
    e.payload.scalar_extras = {{"acc", 0.5}};
    for (int s = 0; s < kStageCount; ++s) {
        e.stage = Stage(s);
        (void)set.on_event(e);
        (void)set.at_boundary(Stage(s), 1, 2, 3, 1);
    }
    e.type = EventType::error;
    e.phase = ErrorPhase::stage;
    e.stage = Stage::backward;
    (void)set.on_event(e);
    return 0;
}
