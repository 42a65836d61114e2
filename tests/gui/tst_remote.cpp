// Remote attach, end to end: a real `stepwise-run --listen 127.0.0.1:0` process and headless
// clients (the window's RemoteLink, raw sockets), then the real window attached to it.

#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <map>

#include "gui_test_utils.h"
#include "loss_plot.h"
#include "remote_link.h"
#include "run_actions.h"
#include "stepwise/trace.h"
#include "stepwise/wire.h"

using namespace stepwise;
using namespace stepwise::gui;

namespace {

/// A stepwise-run --listen process and what it printed at start.
struct Server {
    QProcess process;
    QString host;
    quint16 port = 0;
    QString token;
    QByteArray err;  ///< everything it wrote to stderr so far

    bool start(const QStringList& args) {
        process.setProgram(QStringLiteral(STEPWISE_RUN));
        process.setArguments(QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                         QStringLiteral("--quiet")} +
                             args);
        process.start();
        if (!process.waitForStarted(test::scaledTimeout(10000))) return false;
        static const QRegularExpression line(
            QStringLiteral("stepwise-run: listening on (\\S+):(\\d+) token (\\S+)\\n"));
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < test::scaledTimeout(20000)) {
            process.waitForReadyRead(100);
            err += process.readAllStandardError();
            const auto m = line.match(QString::fromUtf8(err));
            if (m.hasMatch()) {
                host = m.captured(1);
                port = quint16(m.captured(2).toUInt());
                token = m.captured(3);
                return true;
            }
        }
        return false;
    }
    /// Reads stderr until it contains `text` (or the time is up).
    bool saw(const QString& text, int ms = 10000) {
        return test::waitUntil(
            [&] {
                err += process.readAllStandardError();
                return QString::fromUtf8(err).contains(text);
            },
            ms);
    }
    int finish(int ms = 30000) {
        process.waitForFinished(test::scaledTimeout(ms));
        err += process.readAllStandardError();
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }
    ~Server() {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
        }
    }
};

/// A controller on a RemoteLink, with every event it delivered.
struct Client {
    SessionController controller;
    RemoteLink* link = nullptr;
    std::vector<Event> events;
    int paused = 0;
    bool ended = false;

    void attach(const Server& s, const QString& token) {
        auto owned = std::make_unique<RemoteLink>(s.host, s.port, token);
        link = owned.get();
        QObject::connect(&controller, &SessionController::eventsArrived, &controller,
                         [this](const std::vector<Event>& batch) {
                             for (const Event& e : batch) {
                                 events.push_back(e);
                                 paused += e.type == EventType::paused;
                                 ended = ended || e.type == EventType::run_end;
                             }
                         });
        controller.open(std::move(owned));
    }
    bool waitPaused(int previous, int ms = 15000) {
        test::waitUntil([&] { return paused > previous || ended; }, ms);
        return paused > previous;
    }
    bool waitEnded(int ms = 30000) {
        return test::waitUntil([&] { return ended; }, ms);
    }
    int count(EventType type) const {
        int n = 0;
        for (const Event& e : events) n += e.type == type;
        return n;
    }
};

}  // namespace

class TestRemote : public QObject {
    Q_OBJECT
  private Q_SLOTS:
    void initTestCase() { test::isolateSettings(); }

    void attachStepThreeStagesRunToTheEndAndGetWhatTheTraceHolds() {
        QTemporaryDir dir;
        const QString trace = dir.filePath(QStringLiteral("run.jsonl"));
        Server server;
        QVERIFY(server.start({QStringLiteral("--lesson"), QStringLiteral("none_batches"),
                              QStringLiteral("--trace"), trace}));
        QCOMPARE(server.token.size(), 32);  // random, 128 bits
        Client client;
        client.attach(server, server.token);
        QVERIFY2(client.waitPaused(0), server.err.constData());  // held until a client lets it go
        for (int i = 0; i < 3; ++i) {
            const int before = client.paused;
            client.controller.stepStage();
            QVERIFY(client.waitPaused(before));
        }
        const std::uint64_t steppedUpTo = client.events.back().seq;
        client.controller.run();
        QVERIFY(client.waitEnded());
        QCOMPARE(server.finish(), 0);  // the server exits when the run ends, as without --listen
        QCOMPARE(client.controller.runState(), SessionController::RunState::finished);

        const TraceContents recorded = read_trace_file(trace.toStdString());
        QVERIFY2(recorded.error.empty(), recorded.error.c_str());
        std::map<std::uint64_t, std::string> bySeq;
        for (const Event& e : recorded.events) bySeq[e.seq] = encode_event(e);
        // Every event received is the trace's event with that seq, byte for byte...
        std::map<std::uint64_t, bool> received;
        for (const Event& e : client.events) {
            QVERIFY(bySeq.count(e.seq));
            QCOMPARE(encode_event(e), bySeq[e.seq]);
            received[e.seq] = true;
        }
        // ...every event while stepping arrived, and every batch record, warning and the end.
        for (const Event& e : recorded.events) {
            const bool needed = e.seq <= steppedUpTo || e.type == EventType::batch_end ||
                                e.type == EventType::warning || e.type == EventType::run_end ||
                                e.type == EventType::run_start;
            if (needed) QVERIFY2(received.count(e.seq), event_type_name(e.type));
        }
        int recordedBatches = 0;
        for (const Event& e : recorded.events) recordedBatches += e.type == EventType::batch_end;
        QCOMPARE(client.count(EventType::batch_end), recordedBatches);
        QCOMPARE(recordedBatches, 16);  // none_batches: 2 epochs of 8
    }

    void badClientsGetAClearMessageAndTheRunGoesOn() {
        Server server;
        QVERIFY(server.start({QStringLiteral("--lesson"), QStringLiteral("tensor_return")}));
        auto raw = [&](const QByteArray& bytes) {
            QTcpSocket socket;
            socket.connectToHost(server.host, server.port);
            QVERIFY(socket.waitForConnected(5000));
            socket.write(bytes);
            socket.waitForBytesWritten(5000);
            socket.waitForDisconnected(5000);
        };
        raw(QByteArray("\x00\xff\xfe garbage\n", 13));
        QVERIFY(server.saw(
            QStringLiteral("sent a malformed message (not a JSON object); disconnected")));
        raw(QByteArray(70000, 'x'));
        QVERIFY(server.saw(QStringLiteral("sent a message longer than 65536 bytes; disconnected")));
        raw(QByteArray("{\"type\":\"command\",\"command\":\"run\"}\n"));
        QVERIFY(server.saw(QStringLiteral("sent \"command\" before attaching; disconnected")));

        {  // the wrong token: refused, and the client says so
            Client wrong;
            wrong.attach(server, QStringLiteral("not-the-token"));
            QVERIFY(wrong.waitEnded());
            QVERIFY2(wrong.link->failure().contains(QLatin1String("wrong token")),
                     qPrintable(wrong.link->failure()));
            QCOMPARE(wrong.count(EventType::error), 1);
            QCOMPARE(wrong.controller.runState(), SessionController::RunState::failed);
            QVERIFY(server.saw(QStringLiteral("refused: wrong token")));
        }
        {  // a client that attaches, lets the run go on slowly, and vanishes
            Client vanishing;
            vanishing.attach(server, server.token);
            QVERIFY(vanishing.waitPaused(0));
            vanishing.controller.setDelay(5);
            vanishing.controller.stepBatch();
            QVERIFY(vanishing.waitPaused(1));
        }
        QVERIFY(server.saw(QStringLiteral("disconnected")));
        QCOMPARE(server.process.state(), QProcess::Running);

        Client good;  // the run went on unharmed: a good client still drives it to the end
        good.attach(server, server.token);
        QVERIFY(good.waitPaused(0));
        good.controller.setDelay(0);
        good.controller.run();
        QVERIFY(good.waitEnded());
        QCOMPARE(good.controller.runState(), SessionController::RunState::finished);
        QCOMPARE(server.finish(), 0);
    }

    void aLateClientFirstGetsTheHistory() {
        Server server;
        QVERIFY(server.start({QStringLiteral("--lesson"), QStringLiteral("accumulate_3")}));
        Client first;
        first.attach(server, server.token);
        QVERIFY(first.waitPaused(0));
        for (int i = 0; i < 2; ++i) {
            const int before = first.paused;
            first.controller.stepBatch();
            QVERIFY(first.waitPaused(before));
        }
        Client late;
        late.attach(server, server.token);
        test::waitUntil([&] { return late.count(EventType::batch_end) >= 2; });
        QCOMPARE(late.events.front().type, EventType::run_start);
        QCOMPARE(late.count(EventType::batch_end), 2);
        late.controller.run();  // either client drives the run
        QVERIFY(late.waitEnded());
        QVERIFY(first.waitEnded());
        QCOMPARE(first.count(EventType::batch_end), late.count(EventType::batch_end));
        QCOMPARE(server.finish(), 0);
    }

    void theTensorsAndTheLedgerComeOverTheWire() {
        // A window attached to stepwise-run --listen asks for tensors and the ledger: the server
        // reads them on its training thread and sends them; a late client does not get old reports.
        Server server;
        QVERIFY(server.start({QStringLiteral("--lesson"), QStringLiteral("accumulate_3")}));
        Client first;
        first.attach(server, server.token);
        QVERIFY(first.waitPaused(0));
        first.controller.setInspect({true, "weight", true});
        QVERIFY(test::waitUntil([&] { return first.count(EventType::tensors) >= 1; }));
        for (int i = 0; i < 3; ++i) {
            const int before = first.paused;
            first.controller.stepBatch();
            QVERIFY(first.waitPaused(before));
        }
        QVERIFY(test::waitUntil([&] { return first.count(EventType::tensors) >= 4; }));
        const Event* report = nullptr;
        for (const Event& e : first.events)
            if (e.type == EventType::tensors) report = &e;
        QVERIFY(report && report->tensors && report->tensors->detail);
        QCOMPARE(report->tensors->detail->name, std::string("weight"));
        QVERIFY(report->tensors->boundaries > 1);  // since the previous hold, a batch back
        bool ledger = false;
        for (const Event& e : first.events)
            ledger = ledger || (e.type == EventType::stage_exit && e.payload.ledger);
        QVERIFY(ledger);
        Client late;
        late.attach(server, server.token);
        QVERIFY(late.waitPaused(0));
        QCOMPARE(late.count(EventType::tensors), 0);
        late.controller.run();
        QVERIFY(late.waitEnded());
        QCOMPARE(server.finish(), 0);
    }

    void aLateClientAfterARewindGetsTheHistoryCutBack() {
        Server server;
        QVERIFY(server.start({QStringLiteral("--lesson"), QStringLiteral("tensor_return")}));
        Client first;
        first.attach(server, server.token);
        QVERIFY(first.waitPaused(0));
        for (int i = 0; i < 3; ++i) {
            const int before = first.paused;
            first.controller.stepBatch();
            QVERIFY(first.waitPaused(before));
        }
        int before = first.paused;
        first.controller.stepStage();  // into batch 3: its stage events are the server's tail
        QVERIFY(first.waitPaused(before));
        before = first.paused;
        first.controller.rewind(RewindTo::batch);  // back to batch 2's start
        QVERIFY(first.waitPaused(before));
        first.controller.pumpNow();
        QCOMPARE(first.controller.history().batchCount(), std::size_t(2));
        Client late;
        late.attach(server, server.token);
        QVERIFY(late.waitPaused(0));  // the hold at batch 2's start, after the history
        late.controller.pumpNow();
        // Its history is the first client's: three batches ended, then cut back to two; and none
        // of the undone batch 3's stage events came after the cut.
        QCOMPARE(late.controller.history().batchCount(), std::size_t(2));
        for (const Event& e : late.events)
            if (e.type == EventType::stage_enter || e.type == EventType::stage_exit ||
                e.type == EventType::paused)
                QVERIFY2(e.batch_idx <= 2, event_type_name(e.type));
        late.controller.run();
        QVERIFY(late.waitEnded());
        QCOMPARE(server.finish(), 0);
    }

    void killingTheServerMidRunIsReportedAndTheEventsAreKept() {
        Server server;
        QVERIFY(server.start({QStringLiteral("--lesson"), QStringLiteral("mlp_spiral")}));
        Client client;
        client.attach(server, server.token);
        QVERIFY(client.waitPaused(0));
        // Three batches, stepped: the server then holds mid-run however slow this build is.
        for (int i = 0; i < 3; ++i) {
            const int before = client.paused;
            client.controller.stepBatch();
            QVERIFY(client.waitPaused(before));
        }
        QVERIFY(client.count(EventType::batch_end) >= 3);
        server.process.kill();
        QVERIFY(client.waitEnded());
        QVERIFY(client.count(EventType::batch_end) >= 3);  // kept
        const Event& error = client.events[client.events.size() - 2];
        QVERIFY2(
            error.type == EventType::error,
            qPrintable(QStringLiteral("last events: %1, %2, %3")
                           .arg(QString::fromLatin1(
                                    event_type_name(client.events[client.events.size() - 3].type)),
                                QString::fromLatin1(event_type_name(error.type)),
                                QString::fromLatin1(event_type_name(client.events.back().type)))));
        QCOMPARE(error.phase, ErrorPhase::connection);
        QVERIFY2(QString::fromStdString(error.message).contains(QLatin1String("kept")),
                 error.message.c_str());
        QCOMPARE(client.controller.runState(), SessionController::RunState::failed);
    }

    void theWindowAttachesAndDrivesARemoteRun() {
        Server server;
        QVERIFY(server.start({QStringLiteral("--lesson"), QStringLiteral("none_batches")}));
        test::Driver d;
        QVERIFY(d.window->attach(QStringLiteral("%1:%2").arg(server.host).arg(server.port),
                                 server.token));
        QVERIFY(d.waitHeld(0));
        QCOMPARE(d.current(), std::optional<Stage>(Stage::on_train_batch_start));
        QVERIFY(d.press(d.window->runActions()->stepBatch()));
        QCOMPARE(d.window->lossPlot()->pointCount(), 1);
        // Going back works over the wire too: the server recomputes, the window cuts back, and
        // stepwise-run says so on stderr.
        QVERIFY(d.press(d.window->runActions()->stepBatch()));
        QVERIFY(d.press(d.window->runActions()->backBatch()));
        d.window->controller()->pumpNow();
        QCOMPARE(d.window->controller()->history().batchCount(), std::size_t(1));
        QVERIFY(server.saw(QStringLiteral(
            "stepwise: went back to epoch 0, batch 1, before on_train_batch_start")));
        d.window->runActions()->run()->trigger();
        QVERIFY(d.waitEnded());
        QCOMPARE(d.batchEnds, 17);  // batch 1 ended twice: before the rewind, and recomputed
        QCOMPARE(d.window->controller()->history().batchCount(), std::size_t(16));
        QCOMPARE(d.window->lossPlot()->pointCount(), 16);
        QCOMPARE(d.foreignEvents, 0);
        QCOMPARE(server.finish(), 0);
    }
};

QTEST_MAIN(TestRemote)
#include "tst_remote.moc"
