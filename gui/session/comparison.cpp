#include "comparison.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>
#include <map>

namespace stepwise::gui {

Comparison::Comparison(SessionController* a, QObject* parent)
    : QObject(parent), m_a(a), m_b(new SessionController(this)) {
    connect(m_a, &SessionController::frameDone, this, &Comparison::scan);
    connect(m_a, &SessionController::rewound, this, &Comparison::scan);
    // Run A started on something else (another lesson, Apply): run B has nothing to keep step with.
    connect(m_a, &SessionController::runStarted, this, [this] {
        if (!m_beginning) end();
    });
}

Comparison::~Comparison() {
    // The window destroys its children in the order it made them: run A's controller may be gone.
    if (m_a) m_a->setFollower(nullptr, {});
}

void Comparison::begin(const RunConfig& a, const RunConfig& b, const QString& nameA, const QString& nameB) {
    if (!m_factory) return;
    m_nameA = nameA;
    m_nameB = nameB;
    m_configB = b;
    m_differences = differences(a, b);
    auto [linkA, linkB] = m_factory(a, b);
    m_b->setDelay(m_a->delay());
    m_b->start(b, std::move(linkB), false);
    m_beginning = true;
    m_a->start(a, std::move(linkA), true);
    m_beginning = false;
    m_a->setFollower(m_b, [this] {
        // Reset: both start over together (run A's config as it is now, breakpoints included).
        const RunConfig now = m_a->config();
        begin(now, m_configB, m_nameA, m_nameB);
    });
    m_divergence.reset();
    m_scanned = 0;
    m_generation = m_a->history().generation();
    const bool was = m_active;
    m_active = true;
    if (!was) Q_EMIT activeChanged(true);
    Q_EMIT divergenceChanged();
}

void Comparison::end() {
    if (!m_active) return;
    m_a->setFollower(nullptr, {});
    m_b->shutdown();
    m_active = false;
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
    if (h.generation() != m_generation || h.batchCount() < m_scanned) {  // started over or went back
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
    return j;
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
    m_b->rewind(RewindTo::batch_index, fromB);
}

namespace {
void flatten(const QJsonValue& value, const QString& path, std::map<QString, QString>& out) {
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            flatten(it.value(), path.isEmpty() ? it.key() : path + QLatin1Char('.') + it.key(), out);
        return;
    }
    if (value.isArray()) {
        out[path] = QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
        return;
    }
    if (value.isString()) {
        out[path] = value.toString();
        return;
    }
    // Numbers, booleans, null: as JSON writes them.
    const QByteArray text = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    out[path] = QString::fromUtf8(text.mid(1, text.size() - 2));
}

std::map<QString, QString> flat(const RunConfig& config) {
    std::map<QString, QString> out;
    RunConfig c = config;
    c.breakpoints.clear();  // run A's own: they hold both runs, whichever holds
    flatten(QJsonDocument::fromJson(QByteArray::fromStdString(to_json(c))).object(), QString(), out);
    return out;
}
}  // namespace

QStringList Comparison::differences(const RunConfig& a, const RunConfig& b) {
    const auto fa = flat(a), fb = flat(b);
    QStringList out;
    const QString none = QStringLiteral("–");
    auto ia = fa.begin();
    auto ib = fb.begin();
    while (ia != fa.end() || ib != fb.end()) {
        if (ib == fb.end() || (ia != fa.end() && ia->first < ib->first)) {
            out << QStringLiteral("%1: %2 → %3").arg(ia->first, ia->second, none);
            ++ia;
        } else if (ia == fa.end() || ib->first < ia->first) {
            out << QStringLiteral("%1: %2 → %3").arg(ib->first, none, ib->second);
            ++ib;
        } else {
            if (ia->second != ib->second)
                out << QStringLiteral("%1: %2 → %3").arg(ia->first, ia->second, ib->second);
            ++ia;
            ++ib;
        }
    }
    return out;
}

}  // namespace stepwise::gui
