#include "remote_server.h"

#include <asio.hpp>
#include <chrono>
#include <deque>
#include <future>
#include <list>
#include <vector>

#include "stepwise/trace.h"
#include "stepwise/wire.h"

namespace stepwise {

using asio::ip::tcp;

namespace {
/// A client that falls this far behind is dropped rather than letting memory grow without bound.
constexpr std::size_t kMaxQueuedBytes = 256u << 20;
/// Drains follow each other at least this far apart. At full speed the session publishes every
/// few tens of microseconds; waking the socket thread for each publish cost the training thread a
/// system call and a context switch per batch (a third of its speed with a client attached). A
/// publish after a quiet spell (a held run's step) is still drained at once.
constexpr auto kDrainPeriod = std::chrono::milliseconds(4);

bool is_stage_line(EventType type) {
    return type == EventType::stage_enter || type == EventType::stage_exit ||
           type == EventType::paused || type == EventType::resumed;
}
}  // namespace

struct RemoteServer::Impl {
    struct Client {
        explicit Client(asio::io_context& io) : socket(io), in(kMaxClientMessage) {}
        tcp::socket socket;
        asio::streambuf in;
        std::deque<std::shared_ptr<const std::string>> out;
        std::size_t queued = 0;
        bool writing = false;
        bool attached = false;
        bool closing = false;  ///< close once the queue is written (refusals)
        std::string peer;
    };
    using ClientPtr = std::shared_ptr<Client>;

    Impl(RemoteServer& owner, Options o, EventBuffer& buffer, CommandHandler handler, Log log)
        : owner(owner),
          options(std::move(o)),
          buffer(buffer),
          on_command(std::move(handler)),
          log(std::move(log)),
          acceptor(io),
          drain_timer(io) {}

    RemoteServer& owner;
    Options options;
    EventBuffer& buffer;
    CommandHandler on_command;
    Log log;
    asio::io_context io;
    tcp::acceptor acceptor;
    std::list<ClientPtr> clients;
    std::vector<std::shared_ptr<const std::string>> history;  ///< all but finished batches' stages
    std::vector<std::shared_ptr<const std::string>> tail;     ///< the current batch's stage lines
    std::vector<Event> frame;
    std::atomic<std::size_t> pending{0};  ///< bytes queued to clients, not yet written
    /// Set by the training thread when it asks for a drain, cleared by the drain: while set, later
    /// publishes ask for nothing (the pending drain takes their events too).
    std::atomic<bool> drain_posted{false};
    asio::steady_timer drain_timer;
    std::chrono::steady_clock::time_point last_drain{};

    /// On the socket thread, asked for by a publish: drains now after a quiet spell, else when
    /// kDrainPeriod has passed since the last drain.
    void schedule_drain() {
        const auto due = last_drain + kDrainPeriod;
        if (std::chrono::steady_clock::now() >= due) {
            drain();
            return;
        }
        drain_timer.expires_at(due);
        drain_timer.async_wait([this](const asio::error_code& ec) {
            if (!ec) drain();
        });
    }

    void bind() {
        tcp::resolver resolver(io);
        asio::error_code ec;
        const auto endpoints = resolver.resolve(options.host, std::to_string(options.port), ec);
        if (ec || endpoints.empty())
            throw std::runtime_error("cannot listen on " + options.host + ":" +
                                     std::to_string(options.port) + ": " +
                                     (ec ? ec.message() : "no such address"));
        const tcp::endpoint endpoint = *endpoints.begin();
        acceptor.open(endpoint.protocol(), ec);
        if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
        if (!ec) acceptor.bind(endpoint, ec);
        if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
        if (ec)
            throw std::runtime_error("cannot listen on " + options.host + ":" +
                                     std::to_string(options.port) + ": " + ec.message());
    }

    std::string address() const {
        const auto endpoint = acceptor.local_endpoint();
        const std::string host = endpoint.address().to_string();
        return (endpoint.address().is_v6() ? "[" + host + "]" : host) + ":" +
               std::to_string(endpoint.port());
    }

    void accept() {
        auto client = std::make_shared<Client>(io);
        acceptor.async_accept(client->socket, [this, client](const asio::error_code& ec) {
            if (ec) return;  // closed: the server is finishing
            asio::error_code peer_ec;
            const auto peer = client->socket.remote_endpoint(peer_ec);
            client->peer =
                peer_ec ? "?" : peer.address().to_string() + ":" + std::to_string(peer.port());
            clients.push_back(client);
            send(client, std::make_shared<const std::string>(wire_hello() + "\n"));
            read(client);
            accept();
        });
    }

    void drop(const ClientPtr& client, const std::string& why) {
        if (!why.empty()) log("client " + client->peer + ": " + why);
        if (client->attached) --owner.attached_;
        client->attached = false;
        pending -= client->queued;
        client->queued = 0;
        client->out.clear();
        asio::error_code ignored;
        client->socket.shutdown(tcp::socket::shutdown_both, ignored);
        client->socket.close(ignored);
        clients.remove(client);
    }

    void read(const ClientPtr& client) {
        asio::async_read_until(
            client->socket, client->in, '\n',
            [this, client](const asio::error_code& ec, std::size_t n) {
                if (!client->socket.is_open()) return;
                if (ec == asio::error::not_found) {
                    drop(client, "sent a message longer than " + std::to_string(kMaxClientMessage) +
                                     " bytes; disconnected");
                    return;
                }
                if (ec) {
                    drop(client,
                         client->attached ? "disconnected (" + ec.message() + ")" : std::string());
                    return;
                }
                std::string line(asio::buffers_begin(client->in.data()),
                                 asio::buffers_begin(client->in.data()) + long(n) - 1);
                client->in.consume(n);
                if (handle(client, line)) read(client);
            });
    }

    /// False when the client was dropped.
    bool handle(const ClientPtr& client, const std::string& line) {
        WireMessage m;
        try {
            m = parse_wire(line);
        } catch (const std::exception& e) {
            drop(client, std::string("sent a malformed message (") + e.what() + "); disconnected");
            return false;
        }
        if (!client->attached) {
            if (m.type != "attach") {
                drop(client, "sent \"" + m.type + "\" before attaching; disconnected");
                return false;
            }
            if (m.schema != kTraceSchema) {
                refuse(client, "schema " + std::to_string(m.schema) +
                                   " is not this server's schema " + std::to_string(kTraceSchema));
                return false;
            }
            if (m.token != options.token) {
                refuse(client, "wrong token");
                return false;
            }
            client->attached = true;
            ++owner.attached_;
            log("client " + client->peer + " attached");
            send(client, std::make_shared<const std::string>(wire_welcome() + "\n"));
            for (const auto& l : history) send(client, l);
            for (const auto& l : tail) send(client, l);
            return true;
        }
        if (m.type != "command") {
            drop(client, "sent \"" + m.type + "\" where a command was expected; disconnected");
            return false;
        }
        try {
            on_command(decode_command(line));
        } catch (const std::exception& e) {
            drop(client, std::string("sent a malformed command (") + e.what() + "); disconnected");
            return false;
        }
        return true;
    }

    void refuse(const ClientPtr& client, const std::string& reason) {
        log("client " + client->peer + " refused: " + reason);
        client->closing = true;
        send(client, std::make_shared<const std::string>(wire_refused(reason) + "\n"));
    }

    void send(const ClientPtr& client, std::shared_ptr<const std::string> line) {
        if (client->queued + line->size() > kMaxQueuedBytes) {
            drop(client, "fell too far behind (over 256 MiB unsent); disconnected");
            return;
        }
        client->queued += line->size();
        pending += line->size();
        client->out.push_back(std::move(line));
        if (!client->writing) write(client);
    }

    /// Writes what is queued for the client in one gathered write (writev) of up to kMaxGather
    /// lines: at full speed a drain queues hundreds of lines, which then take one system call
    /// instead of one each.
    void write(const ClientPtr& client) {
        if (client->out.empty()) {
            client->writing = false;
            if (client->closing) drop(client, std::string());
            return;
        }
        client->writing = true;
        constexpr std::size_t kMaxGather = 512;
        // The handler owns the lines being written, so they outlive a drop() meanwhile.
        auto lines = std::make_shared<std::vector<std::shared_ptr<const std::string>>>();
        std::vector<asio::const_buffer> buffers;
        std::size_t bytes = 0;
        while (!client->out.empty() && lines->size() < kMaxGather) {
            lines->push_back(std::move(client->out.front()));
            client->out.pop_front();
            buffers.emplace_back(asio::buffer(*lines->back()));
            bytes += lines->back()->size();
        }
        asio::async_write(client->socket, buffers,
                          [this, client, lines, bytes](const asio::error_code& ec, std::size_t) {
                              if (!client->socket.is_open()) return;
                              client->queued -= bytes;
                              pending -= bytes;
                              if (ec) {
                                  drop(client, client->attached
                                                   ? "connection lost (" + ec.message() + ")"
                                                   : std::string());
                                  return;
                              }
                              write(client);
                          });
    }

    /// On the socket thread: everything the session published since the last drain.
    void drain() {
        drain_posted = false;
        last_drain = std::chrono::steady_clock::now();
        buffer.drain_into(frame);
        for (const Event& e : frame) {
            auto line = std::make_shared<const std::string>(encode_event(e) + "\n");
            if (e.type == EventType::tensors) {
                // For the window that asked, now: a late joiner gets the next hold's report.
            } else if (is_stage_line(e.type)) {
                tail.push_back(line);
            } else {
                // A finished batch's stages are done with; after a rewind, so are the undone
                // batch's (a late joiner must not get them after the cut).
                if (e.type == EventType::batch_end || e.type == EventType::rewound) tail.clear();
                history.push_back(line);
            }
            for (auto it = clients.begin(); it != clients.end();) {
                const ClientPtr client = *it++;  // send() may drop it from the list
                if (client->attached) send(client, line);
            }
        }
    }

    void close_all() {
        asio::error_code ignored;
        acceptor.close(ignored);
        while (!clients.empty()) drop(clients.front(), std::string());
    }
};

RemoteServer::RemoteServer(Options options, EventBuffer& events, CommandHandler on_command, Log log)
    : impl_(std::make_unique<Impl>(*this, std::move(options), events, std::move(on_command),
                                   std::move(log))) {
    impl_->bind();
}

RemoteServer::~RemoteServer() {
    if (thread_.joinable()) finish(std::chrono::milliseconds(0));
}

std::string RemoteServer::address() const {
    return impl_->address();
}

void RemoteServer::start() {
    Impl* impl = impl_.get();
    impl->buffer.set_wake([impl] {
        // Runs on the training thread: only schedule the drain, never touch a socket.
        if (!impl->drain_posted.exchange(true))
            asio::post(impl->io, [impl] { impl->schedule_drain(); });
    });
    impl->accept();
    thread_ = std::thread([impl] { impl->io.run(); });
}

void RemoteServer::finish(std::chrono::milliseconds linger) {
    Impl* impl = impl_.get();
    impl->buffer.set_wake(nullptr);
    if (!thread_.joinable()) return;
    const auto deadline = std::chrono::steady_clock::now() + linger;
    std::promise<void> drained;
    asio::post(impl->io, [impl, &drained] {
        impl->drain();
        drained.set_value();
    });
    drained.get_future().wait();
    // Give the clients what is queued for them, within the linger time.
    while (impl->pending.load() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    asio::post(impl->io, [impl] {
        impl->drain_timer.cancel();
        impl->close_all();
        impl->io.stop();
    });
    thread_.join();
}

}  // namespace stepwise
