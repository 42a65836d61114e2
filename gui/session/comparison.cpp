#include "comparison.h"

#include <cmath>

namespace stepwise::gui {

Comparison::Comparison(SessionController* a, QObject* parent)
    : QObject(parent), m_a(a), m_b(new SessionController(this)) {
    connect(m_a, &SessionController::frameDone, this, &Comparison::scan);
    connect(m_a, &SessionController::rewound, this, &Comparison::scan);
}

void Comparison::runAStarted() {
    if (!m_beginning) end();
}

Comparison::~Comparison() {
    // The window destroys its children in the order it made them: run A's controller may be gone.
    if (m_a) m_a->setFollower(nullptr, {});
}

QString Comparison::labelled(const QString& name, const RunConfig& config) {
    if (!config.departures.any()) return name;
    const QString label = tr("not what Lightning does");
    return name.contains(label) ? name : tr("%1 — %2").arg(name, label);
}

void Comparison::begin(const RunConfig& a, const RunConfig& b, const QString& nameA,
                       const QString& nameB) {
    if (!m_factory) return;
    m_nameA = nameA;
    m_nameB = labelled(nameB, b);
    m_configB = b;
    m_differences = differences(a, b);
    m_forked = false;
    m_firstOfB = 0;
    auto [linkA, linkB] = m_factory(a, b);
    m_b->setDelay(m_a->delay());
    m_b->start(b, std::move(linkB), false);
    m_beginning = true;
    m_a->start(a, std::move(linkA), true);
    m_beginning = false;
    pair();
}

bool Comparison::fork(const RunConfig& b, const QString& nameA, const QString& nameB) {
    if (!m_forkFactory || !m_a || !m_a->link()) return false;
    std::unique_ptr<SessionLink> linkB = m_forkFactory(*m_a->link(), b);
    if (!linkB) return false;
    if (m_active) {  // a fork of a comparison's run A: the old run B goes
        m_a->setFollower(nullptr, {});
        m_b->shutdown();
    }
    m_nameA = nameA;
    m_nameB = labelled(nameB, b);
    m_configB = b;
    m_differences = differences(m_a->config(), b);
    m_forked = true;
    m_firstOfB = m_a->history().batchCount();  // run A holds in this batch
    m_b->setDelay(m_a->delay());
    m_b->start(b, std::move(linkB), false);
    pair();
    return true;
}

void Comparison::pair() {
    m_a->setFollower(m_b, [this] {
        // Reset: both start over together from the seed (run A's config as it is now, breakpoints
        // included); a fork becomes a comparison from the start.
        const RunConfig now = m_a->config();
        begin(now, m_configB, m_nameA, m_nameB);
    });
    m_divergence.reset();
    m_scanned = 0;
    m_generation = m_a->history().generation();
    const bool was = m_active;
    m_active = true;
    if (!was || m_forked) Q_EMIT activeChanged(true);  // a fork may replace a run B: new names
    Q_EMIT divergenceChanged();
}

void Comparison::end() {
    if (!m_active) return;
    m_a->setFollower(nullptr, {});
    m_b->shutdown();
    m_active = false;
    m_forked = false;
    m_divergence.reset();
    Q_EMIT activeChanged(false);
    Q_EMIT divergenceChanged();
}

void Comparison::setTolerance(double tolerance) {
    m_tolerance = std::max(0.0, tolerance);
    m_scanned = 0;
    m_divergence.reset();
    scan();
    Q_EMIT divergenceChanged();
}

void Comparison::scan() {
    if (!m_active) return;
    const RunHistory& h = m_a->history();
    const std::optional<std::size_t> before = m_divergence;
    if (h.generation() != m_generation ||
        h.batchCount() < m_scanned) {  // started over or went back
        m_generation = h.generation();
        m_scanned = 0;
        m_divergence.reset();
    }
    if (m_divergence && *m_divergence >= h.batchCount()) m_divergence.reset();
    if (!m_divergence) {
        m_divergence = h.firstDivergence(m_tolerance, m_scanned);
        m_scanned = h.batchCount();
    }
    if (m_divergence != before) Q_EMIT divergenceChanged();
}

std::optional<std::size_t> Comparison::divergenceInB() const {
    if (!m_divergence) return std::nullopt;
    const RunHistory& a = m_a->history();
    const RunHistory& b = m_b->history();
    const std::size_t j = b.firstBatchPastSamples(a.samples(*m_divergence) - 1);
    if (j >= b.batchCount()) return std::nullopt;
    return m_firstOfB + j;
}

void Comparison::jumpToDivergence() {
    if (!m_divergence) return;
    const RunHistory& a = m_a->history();
    const RunHistory& b = m_b->history();
    // The last batch of run A where both were still together, before the divergence.
    std::int64_t together = 0;
    for (std::size_t i = *m_divergence; i-- > 0;) {
        if (!std::isnan(a.peerDistance(i))) {
            together = a.samples(i);
            break;
        }
    }
    const std::size_t fromA = a.firstBatchPastSamples(together);
    const std::size_t fromB = b.firstBatchPastSamples(together);
    m_a->rewind(RewindTo::batch_index, fromA);
    m_b->rewind(RewindTo::batch_index, m_firstOfB + fromB);
}

QStringList Comparison::differences(const RunConfig& a, const RunConfig& b) {
    RunConfig ca = a, cb = b;
    ca.breakpoints.clear();  // run A's own: they hold both runs, whichever holds
    cb.breakpoints.clear();
    QStringList out;
    for (const std::string& change : config_changes(ca, cb)) out << QString::fromStdString(change);
    return out;
}

}  // namespace stepwise::gui
