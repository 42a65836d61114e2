// The run-config parser: any text either parses or throws ConfigError (nothing else escapes), and
// a parsed config, written back as the window saves it, reads back as the same config.

#include "fuzz_check.h"
#include "stepwise/run_config.h"

using namespace stepwise;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    RunConfig config;
    try {
        config = parse_run_config(fuzz::as_text(data, size), "/fuzz", "fuzz.json");
    } catch (const ConfigError&) {
        return 0;
    }
    const std::string saved = to_json(config);
    std::string again;
    try {
        again = to_json(parse_run_config(saved, "/fuzz", "saved.json"));
    } catch (const ConfigError& e) {
        fuzz::require(false, "a saved config does not read back", saved + "\n" + e.what());
    }
    fuzz::require(again == saved, "a saved config reads back changed", saved + "\n" + again);
    return 0;
}
