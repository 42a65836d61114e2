#include "remote_link.h"

#include <QCoreApplication>

#include "stepwise/trace.h"
#include "stepwise/wire.h"

namespace stepwise::gui {

namespace {
/// Longest line accepted from a server: a run_start or batch_end with every parameter value of a
/// model at the snapshot limit is well under this.
constexpr qint64 kMaxServerLine = 64 << 20;

struct RemoteText {
    Q_DECLARE_TR_FUNCTIONS(RemoteText)
};
}  // namespace

RemoteLink::RemoteLink(QString host, quint16 port, QString token, QObject* parent)
    : QObject(parent), m_host(std::move(host)), m_port(port), m_token(std::move(token)) {
    connect(&m_socket, &QTcpSocket::readyRead, this, &RemoteLink::onReadyRead);
    connect(&m_socket, &QTcpSocket::disconnected, this, &RemoteLink::onDisconnected);
    connect(&m_socket, &QTcpSocket::errorOccurred, this, &RemoteLink::onError);
}

RemoteLink::~RemoteLink() {
    m_socket.disconnect(this);
    m_socket.abort();
}

QString RemoteLink::address() const {
    return (m_host.contains(QLatin1Char(':')) ? QStringLiteral("[%1]").arg(m_host) : m_host) +
           QLatin1Char(':') + QString::number(m_port);
}

void RemoteLink::start() {
    m_socket.connectToHost(m_host, m_port);
}

void RemoteLink::writeLine(const std::string& line) {
    m_socket.write(line.data(), qint64(line.size()));
    m_socket.write("\n", 1);
}

void RemoteLink::send(const Command& command) {
    if (m_failed) return;
    if (!m_attached) {
        m_pending.push_back(command);
        return;
    }
    writeLine(encode_command(command));
}

void RemoteLink::drain_into(std::vector<Event>& frame) {
    frame.clear();
    frame.swap(m_out);
}

void RemoteLink::deliver(Event event) {
    const bool wasEmpty = m_out.empty();
    m_out.push_back(std::move(event));
    if (wasEmpty && m_wake) m_wake();
}

void RemoteLink::onReadyRead() {
    while (!m_failed && m_socket.canReadLine()) {
        QByteArray line = m_socket.readLine(kMaxServerLine);
        if (line.endsWith('\n')) line.chop(1);
        handleLine(line);
    }
    if (!m_failed && m_socket.bytesAvailable() > kMaxServerLine)
        fail(RemoteText::tr("the server sent a message longer than 64 MiB"));
}

void RemoteLink::handleLine(const QByteArray& line) {
    const std::string text = line.toStdString();
    if (!m_helloSeen) {
        WireMessage m;
        try {
            m = parse_wire(text);
        } catch (const std::exception&) {
        }
        if (m.type != "stepwise_hello") {
            fail(RemoteText::tr("%1 is not a stepwise-run --listen server").arg(address()));
            return;
        }
        if (m.schema != kTraceSchema) {
            fail(RemoteText::tr("the server speaks schema %1, this Stepwise schema %2 (server: "
                                "Stepwise %3)")
                     .arg(m.schema)
                     .arg(kTraceSchema)
                     .arg(QString::fromStdString(m.version)));
            return;
        }
        m_helloSeen = true;
        writeLine(wire_attach(m_token.toStdString()));
        return;
    }
    if (!m_attached) {
        WireMessage m;
        try {
            m = parse_wire(text);
        } catch (const std::exception& e) {
            fail(RemoteText::tr("the server's answer is not valid: %1")
                     .arg(QString::fromUtf8(e.what())));
            return;
        }
        if (m.type == "refused") {
            fail(RemoteText::tr("the server refused to attach: %1")
                     .arg(QString::fromStdString(m.reason)));
            return;
        }
        if (m.type != "welcome") {
            fail(RemoteText::tr("unexpected answer from the server: %1")
                     .arg(QString::fromStdString(m.type)));
            return;
        }
        m_attached = true;
        Q_EMIT attachedChanged(true);
        for (const Command& c : m_pending) writeLine(encode_command(c));
        m_pending.clear();
        return;
    }
    try {
        Event event = decode_event(text);
        ++m_received;
        if (m_runId == 0) m_runId = event.run_id;
        if (event.type == EventType::run_end) m_sawRunEnd = true;
        deliver(std::move(event));
    } catch (const TraceError& e) {
        fail(RemoteText::tr("the server sent an event this Stepwise cannot read: %1")
                 .arg(QString::fromUtf8(e.what())));
    }
}

void RemoteLink::fail(const QString& why) {
    if (m_failed) return;
    m_failed = true;
    m_failure = why;
    const bool wasAttached = m_attached;
    m_attached = false;
    m_socket.abort();
    if (wasAttached) Q_EMIT attachedChanged(false);
    if (m_sawRunEnd) return;  // the run was over: nothing was lost
    Event error;
    error.type = EventType::error;
    error.run_id = m_runId;
    error.exception_type = "ConnectionError";
    error.phase = ErrorPhase::connection;
    error.message = RemoteText::tr("%1: %2. The events received so far are kept.")
                        .arg(address(), why)
                        .toStdString();
    deliver(error);
    Event end;
    end.type = EventType::run_end;
    end.run_id = m_runId;
    end.status = RunStatus::failed;
    deliver(end);
}

void RemoteLink::onDisconnected() {
    // Anything still buffered is read first (the server's last events, a refusal).
    onReadyRead();
    if (m_sawRunEnd || m_failed) return;
    fail(m_attached ? RemoteText::tr("the connection was lost")
                    : RemoteText::tr("the server closed the connection"));
}

void RemoteLink::onError(QAbstractSocket::SocketError error) {
    if (error == QAbstractSocket::RemoteHostClosedError) return;  // onDisconnected says it
    if (m_sawRunEnd) return;
    fail(m_socket.errorString());
}

}  // namespace stepwise::gui
