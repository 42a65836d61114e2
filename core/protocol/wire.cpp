#include "stepwise/wire.h"

#include <cstdio>
#include <random>
#include <stdexcept>

#include "json_reader.h"
#include "stepwise/trace.h"
#include "stepwise/version.h"

namespace stepwise {

using json::dump;
using Json = json::Json;

std::string wire_hello() {
    return dump({{"type", "stepwise_hello"}, {"schema", kTraceSchema}, {"stepwise", version()}});
}

std::string wire_attach(const std::string& token) {
    return dump({{"type", "attach"}, {"schema", kTraceSchema}, {"token", token}});
}

std::string wire_welcome() {
    return dump({{"type", "welcome"}});
}

std::string wire_refused(const std::string& reason) {
    return dump({{"type", "refused"}, {"reason", reason}});
}

WireMessage parse_wire(const std::string& line) {
    static const json::Style style{"", true, false, false, [](const std::string& message) {
                                       throw std::runtime_error(message);
                                   }};
    const json::Json j = json::Json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw std::runtime_error("not a JSON object");
    const json::Field message(j, style);
    WireMessage m;
    m.type = message.need("type", &json::Json::is_string, "a message type").string();
    m.schema = message.integer_at<int>("schema", m.schema);
    m.token = message.string_at("token");
    m.reason = message.string_at("reason");
    m.version = message.string_at("stepwise");
    return m;
}

std::string random_token() {
    std::random_device device;
    std::string token;
    for (int i = 0; i < 4; ++i) {
        char part[9];
        std::snprintf(part, sizeof part, "%08x", static_cast<unsigned>(device()));
        token += part;
    }
    return token;
}

HostPort parse_host_port(const std::string& text) {
    HostPort out{"127.0.0.1", 0};
    std::string port = text;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
            throw std::invalid_argument("\"" + text + "\": expected [IPV6]:PORT");
        out.host = text.substr(1, close - 1);
        port = text.substr(close + 2);
        if (out.host.empty()) throw std::invalid_argument("\"" + text + "\": the host is empty");
    } else if (const auto colon = text.rfind(':'); colon != std::string::npos) {
        out.host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (out.host.empty()) throw std::invalid_argument("\"" + text + "\": the host is empty");
    }
    if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos ||
        port.size() > 5 || std::stoul(port) > 65535)
        throw std::invalid_argument("\"" + text + "\": the port must be a number from 0 to 65535");
    out.port = static_cast<unsigned short>(std::stoul(port));
    return out;
}

}  // namespace stepwise
