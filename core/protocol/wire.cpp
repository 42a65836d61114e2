#include "stepwise/wire.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>

#include "stepwise/trace.h"
#include "stepwise/version.h"

namespace stepwise {

using nlohmann::ordered_json;

namespace {
std::string dump(const ordered_json& j) {
    return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}
}  // namespace

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
    const ordered_json j = ordered_json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw std::runtime_error("not a JSON object");
    const auto type = j.find("type");
    if (type == j.end() || !type->is_string()) throw std::runtime_error("no \"type\"");
    WireMessage m;
    m.type = type->get<std::string>();
    auto text = [&](const char* key) {
        const auto it = j.find(key);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    const auto schema = j.find("schema");
    if (schema != j.end() && schema->is_number_integer()) m.schema = schema->get<int>();
    m.token = text("token");
    m.reason = text("reason");
    m.version = text("stepwise");
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
