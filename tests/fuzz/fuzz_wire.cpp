// The remote protocol's decoders, line by line as the server and the client read them: control
// messages (parse_wire), commands (decode_command) and HOST:PORT. Each either decodes or throws
// the error it documents; a decoded command encodes back to a line that decodes to it.

#include <stdexcept>

#include "fuzz_check.h"
#include "stepwise/commands.h"
#include "stepwise/wire.h"

using namespace stepwise;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = fuzz::as_text(data, size);
    std::size_t from = 0;
    while (from <= text.size()) {
        std::size_t end = text.find('\n', from);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(from, end - from);
        from = end + 1;
        if (line.size() > kMaxClientMessage) continue;  // the server drops such a client first
        try {
            (void)parse_wire(line);
        } catch (const std::runtime_error&) {
        }
        try {
            const Command c = decode_command(line);
            const std::string encoded = encode_command(c);
            Command back;
            try {
                back = decode_command(encoded);
            } catch (const std::runtime_error& e) {
                fuzz::require(false, "an encoded command does not decode",
                              encoded + "\n" + e.what());
            }
            fuzz::require(back == c, "a command changes on the way back", encoded);
        } catch (const std::runtime_error&) {
        }
        try {
            const HostPort hp = parse_host_port(line);
            fuzz::require(!hp.host.empty(), "parse_host_port accepted an empty host", line);
        } catch (const std::invalid_argument&) {
        }
    }
    return 0;
}
