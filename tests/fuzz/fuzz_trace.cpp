// The trace reader: any bytes give events, or a TraceError naming the line; nothing else escapes.
// Every event read re-encodes to a line that decodes to the same line again (write -> read ->
// write is stable), so replaying a trace and saving it loses nothing.

#include <sstream>

#include "fuzz_check.h"
#include "stepwise/trace.h"

using namespace stepwise;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream in(fuzz::as_text(data, size));
    try {
        TraceReader reader(in, "fuzz.jsonl");
        for (int events = 0; events < 10000; ++events) {
            std::optional<Event> e = reader.next();
            if (!e) break;
            const std::string line = encode_event(*e);
            std::string again;
            try {
                again = encode_event(decode_event(line));
            } catch (const TraceError& err) {
                fuzz::require(false, "an encoded event does not decode", line + "\n" + err.what());
            }
            fuzz::require(again == line, "an event changes when written twice",
                          line + "\n" + again);
        }
    } catch (const TraceError&) {
    }
    return 0;
}
