#pragma once
// Comparison: a second run beside the window's run, in lockstep (issue "Teach by comparison",
// item 1). Run A is the window's SessionController; run B gets a controller of its own, which the
// comparison owns. The engine keeps the two at the same samples (SessionOptions::lockstep); here
// every command from the controls reaches both (SessionController::setFollower), Reset starts both
// over, and the first batch where they differ beyond a tolerance is found in run A's history,
// which holds ‖θ_A − θ_B‖ wherever both had seen the same samples.
//
// Threading contract: GUI thread only.

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "session_controller.h"
#include "stepwise/run_config.h"
#include "stepwise/session_link.h"

namespace stepwise::gui {

class Comparison : public QObject {
    Q_OBJECT
  public:
    /// Makes the two local links, run A's first (the window's executable provides it: it links the
    /// engine).
    using PairFactory =
        std::function<std::pair<std::unique_ptr<SessionLink>, std::unique_ptr<SessionLink>>(
            const RunConfig& a, const RunConfig& b)>;

    explicit Comparison(SessionController* a, QObject* parent = nullptr);
    ~Comparison() override;

    /// Makes run B's link for a fork of run A's (local) link where it holds, or nullptr when run
    /// A cannot be forked there (make_local_fork_link).
    using ForkFactory =
        std::function<std::unique_ptr<SessionLink>(SessionLink& a, const RunConfig& b)>;

    void setPairFactory(PairFactory factory) { m_factory = std::move(factory); }
    void setForkFactory(ForkFactory factory) { m_forkFactory = std::move(factory); }
    bool canCompare() const { return bool(m_factory); }

    /// Starts run A on `a` and run B on `b` from the same seed, both held at their first stage.
    /// `nameA`, `nameB`: what the pipelines, the legend and the exports call them.
    void begin(const RunConfig& a, const RunConfig& b, const QString& nameA, const QString& nameB);
    /// A what-if fork (item 3): run B starts where run A holds, from run A's state, on `b`; run A
    /// goes on as it is, and the two keep step from there. False, and nothing changes, when run A
    /// cannot be forked there: it is not a run of this window, it does not hold, or it keeps no
    /// snapshot. Reset then starts both over from the seed, as a comparison.
    bool fork(const RunConfig& b, const QString& nameA, const QString& nameB);
    /// Run B stops and goes; run A goes on alone.
    void end();
    /// Run A started a run: one on something else (another lesson, Apply) ends the comparison, as
    /// run B has nothing to keep step with. Connected by the window after the views that clear
    /// themselves for the new run (ending redraws them).
    void runAStarted();
    bool active() const { return m_active; }
    /// Run B began as a fork of run A (not from the seed).
    bool forked() const { return m_forked; }
    /// Run B departs from Lightning on purpose (RunConfig::departures).
    bool departs() const { return m_active && m_configB.departures.any(); }
    /// What a run B with departures is called: its name, labelled "not what Lightning does".
    static QString labelled(const QString& name, const RunConfig& config);

    SessionController* runA() const { return m_a; }
    SessionController* runB() const { return m_b; }
    QString nameA() const { return m_nameA; }
    QString nameB() const { return m_nameB; }

    /// What differs between the two configs, one "path: A → B" line each (paths as in the JSON).
    QStringList differences() const { return m_differences; }
    static QStringList differences(const RunConfig& a, const RunConfig& b);

    /// ‖θ_A − θ_B‖ above this counts as a difference (0: bit-identical only).
    void setTolerance(double tolerance);
    double tolerance() const { return m_tolerance; }
    /// The first batch of run A (its serial) after which the runs differ beyond the tolerance.
    std::optional<std::size_t> firstDivergence() const { return m_divergence; }
    /// The batch of run B that ends where that batch of run A ends (same samples), counted from
    /// the start of training (a fork's first batch is the one run A held in).
    std::optional<std::size_t> divergenceInB() const;
    /// Where run B's history begins, counted as run A counts its batches: 0, or for a fork the
    /// batch run A held in.
    std::size_t firstBatchOfB() const { return m_firstOfB; }
    /// Sends both runs back to the start of the stretch of data where they first differ: the batch
    /// after the last one where they were still within the tolerance.
    void jumpToDivergence();

  Q_SIGNALS:
    /// A comparison began or ended.
    void activeChanged(bool active);
    /// The first difference was found, or lost (a rewind before it, a new tolerance).
    void divergenceChanged();

  private:
    /// After each frame of run A: look for the first difference among the new batches.
    void scan();

    QPointer<SessionController> m_a;  ///< the window's: it may go before this object does
    SessionController* m_b;
    /// Run A's follower, the Reset that starts both over, and the state of a new comparison.
    void pair();

    PairFactory m_factory;
    ForkFactory m_forkFactory;
    bool m_forked = false;
    std::size_t m_firstOfB = 0;
    RunConfig m_configB;
    /// of the configs begin() was given (the strip reads it every frame)
    QStringList m_differences;
    QString m_nameA, m_nameB;
    bool m_active = false;
    bool m_beginning = false;  ///< run A starts as part of begin()
    double m_tolerance = 0.0;
    std::optional<std::size_t> m_divergence;
    std::size_t m_scanned = 0;       ///< batches of run A looked at
    std::uint64_t m_generation = 0;  ///< of run A's history when scanned
};

}  // namespace stepwise::gui
