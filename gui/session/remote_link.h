#pragma once
// RemoteLink: the SessionLink to a `stepwise-run --listen` on this or another host, over one TCP
// connection (QTcpSocket) speaking the trace's codec (stepwise/wire.h). It attaches with the token,
// then receives the history so far and the live events; commands go back one per line. If the
// connection cannot be made, is refused, or is lost, the link reports it as an error event
// (where: "connection") followed by run_end "failed", and keeps every event it received.
//
// Threading contract: GUI thread only (the wake callback runs there too).

#include <QObject>
#include <QString>
#include <QTcpSocket>
#include <functional>
#include <vector>

#include "stepwise/session_link.h"

namespace stepwise::gui {

class RemoteLink : public QObject, public SessionLink {
    Q_OBJECT
  public:
    RemoteLink(QString host, quint16 port, QString token, QObject* parent = nullptr);
    ~RemoteLink() override;

    Kind kind() const override { return Kind::remote; }
    void set_wake(std::function<void()> wake) override { m_wake = std::move(wake); }
    void start() override;
    void send(const Command& command) override;
    void drain_into(std::vector<Event>& frame) override;
    std::uint64_t run_id() const override { return m_runId; }

    /// "HOST:PORT".
    QString address() const;
    bool attached() const { return m_attached; }
    /// Why the connection ended (empty while it lasts, or after the run ended normally).
    QString failure() const { return m_failure; }
    /// Events received from the server so far (the history included).
    std::size_t received() const { return m_received; }

  Q_SIGNALS:
    void attachedChanged(bool attached);

  private:
    void onReadyRead();
    void onDisconnected();
    void onError(QAbstractSocket::SocketError error);
    void handleLine(const QByteArray& line);
    void fail(const QString& why);
    void deliver(Event event);
    void writeLine(const std::string& line);

    QTcpSocket m_socket;
    QString m_host;
    quint16 m_port;
    QString m_token;
    std::function<void()> m_wake;
    std::vector<Event> m_out;        ///< received, not yet drained
    std::vector<Command> m_pending;  ///< sent before the server welcomed us
    std::uint64_t m_runId = 0;
    std::size_t m_received = 0;
    bool m_helloSeen = false;
    bool m_attached = false;
    bool m_sawRunEnd = false;
    bool m_failed = false;
    QString m_failure;
};

}  // namespace stepwise::gui
