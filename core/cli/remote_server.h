#pragma once
// RemoteServer: serves one run to clients over TCP (stepwise-run --listen). It drains the
// session's EventBuffer on its own socket thread, so the training thread never waits for the
// network, and sends every event to every attached client in the trace's codec. A client that
// attaches late (or reconnects) first gets the history: every event so far except the stage
// events of finished batches (their batch_end records say what a view needs), then the current
// batch's stages. Commands from clients go to the CommandHandler.
//
// Threading contract: construct, start(), finish() and destroy on one thread (main). The command
// handler and the log callback run on the socket thread; the log callback must be thread-safe
// with whatever else writes to the same stream.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "stepwise/commands.h"
#include "stepwise/event_buffer.h"

namespace stepwise {

class RemoteServer {
  public:
    struct Options {
        std::string host = "127.0.0.1";
        unsigned short port = 0;  ///< 0: the system picks a free port
        std::string token;        ///< required from every client
    };
    using CommandHandler = std::function<void(const Command&)>;
    using Log = std::function<void(const std::string&)>;

    /// Binds and listens; throws std::runtime_error naming the address if it cannot.
    RemoteServer(Options options, EventBuffer& events, CommandHandler on_command, Log log);
    ~RemoteServer();
    RemoteServer(const RemoteServer&) = delete;
    RemoteServer& operator=(const RemoteServer&) = delete;

    /// "HOST:PORT" as bound (the real port when 0 was asked for).
    std::string address() const;
    /// Starts the socket thread and hooks the event buffer's wake-up.
    void start();
    /// Sends what is left in the buffer, waits up to `linger` for clients to receive it, then
    /// closes every connection and joins the socket thread.
    void finish(std::chrono::milliseconds linger);
    /// Clients attached right now (any thread).
    int attached() const { return attached_.load(); }

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::atomic<int> attached_{0};
    std::thread thread_;
};

}  // namespace stepwise
