#pragma once
// The remote protocol: one JSON object per line over TCP, in the trace's own codec.
//
//   server -> client  {"type":"stepwise_hello","schema":3,"stepwise":"0.2.0"}
//   client -> server  {"type":"attach","schema":3,"token":"<token>"}
//   server -> client  {"type":"welcome"}  then every event so far (the history), then live events,
//                     each encoded as a trace line (encode_event)
//                 or  {"type":"refused","reason":"..."} and the server closes the connection
//   client -> server  commands (encode_command), one per line
//
// A client message longer than kMaxClientMessage bytes, one that is not JSON or not of the
// expected type, or a wrong token ends that client's connection with a message on the server; the
// run goes on.

#include <cstddef>
#include <string>

namespace stepwise {

inline constexpr std::size_t kMaxClientMessage = 64 * 1024;

std::string wire_hello();
std::string wire_attach(const std::string& token);
std::string wire_welcome();
std::string wire_refused(const std::string& reason);

/// One control message (not an event or a command) as read from the wire.
struct WireMessage {
    /// "stepwise_hello", "attach", "welcome", "refused", "command", or an event type
    std::string type;
    int schema = 0;       ///< hello, attach
    std::string token;    ///< attach
    std::string reason;   ///< refused
    std::string version;  ///< hello: the peer's Stepwise version
};
/// Reads the type and control fields of a line; throws std::runtime_error if it is not a JSON
/// object with a string "type".
WireMessage parse_wire(const std::string& line);

/// A random token for --listen: 32 hex digits from std::random_device.
std::string random_token();

/// Splits "HOST:PORT" or "PORT" (host then 127.0.0.1); throws std::invalid_argument naming what
/// is wrong. IPv6 hosts go in brackets: "[::1]:7000".
struct HostPort {
    std::string host;
    unsigned short port = 0;
};
HostPort parse_host_port(const std::string& text);

}  // namespace stepwise
