#include "parity_meter.h"

#include <algorithm>

namespace stepwise::gui {

void ParityMeter::reset(std::unique_ptr<ParityReference> reference) {
    m_reference = std::move(reference);
    m_firstPass = false;
    m_first.clear();
    m_batchesPerEpoch = 1;
    m_pending.clear();
    m_identical.clear();
    m_firstDifference.reset();
    m_state = computeState();
}

void ParityMeter::resetFirstPass() {
    reset(nullptr);
    m_firstPass = true;
    m_state = computeState();
}

std::unique_ptr<ParityReference> ParityMeter::release() {
    std::unique_ptr<ParityReference> reference = std::move(m_reference);
    reset(nullptr);
    return reference;
}

void ParityMeter::apply(const std::vector<Event>& events) {
    if (!m_reference && !m_firstPass) return;
    for (const Event& e : events) {
        switch (e.type) {
            case EventType::run_start:
                m_batchesPerEpoch = std::max<std::int64_t>(1, e.total_batches_per_epoch);
                break;
            case EventType::batch_end:
                if (!e.param_checksum) break;
                // A batch recomputed after a rewind is compared again; against its first pass
                // when there is no shadow (the first pass itself is not compared).
                if (m_firstPass &&
                    m_first.emplace(e.epoch * m_batchesPerEpoch + e.batch_idx, *e.param_checksum)
                        .second)
                    break;
                m_pending[e.epoch * m_batchesPerEpoch + e.batch_idx] = *e.param_checksum;
                break;
            case EventType::rewound: {
                // Everything from the batch it went back to is undone, a difference there too:
                // it will be compared again when the batch ends again.
                const std::int64_t cut = e.epoch * m_batchesPerEpoch + e.batch_idx;
                m_pending.erase(m_pending.lower_bound(cut), m_pending.end());
                m_identical.erase(m_identical.lower_bound(cut), m_identical.end());
                if (m_firstDifference && *m_firstDifference >= cut) m_firstDifference.reset();
                break;
            }
            default: break;
        }
    }
}

bool ParityMeter::poll() {
    const State before = m_state;
    const std::size_t identicalBefore = m_identical.size();
    const std::optional<std::int64_t> differenceBefore = m_firstDifference;
    if (m_reference || m_firstPass) {
        for (auto it = m_pending.begin(); it != m_pending.end();) {
            std::optional<std::uint64_t> expected;
            if (m_reference) {
                expected = m_reference->checksum(it->first);
            } else if (const auto first = m_first.find(it->first); first != m_first.end()) {
                expected = first->second;
            }
            if (!expected) {
                ++it;
                continue;
            }
            if (*expected == it->second) {
                m_identical.insert(it->first);
            } else if (!m_firstDifference || it->first < *m_firstDifference) {
                m_firstDifference = it->first;
            }
            it = m_pending.erase(it);
        }
    }
    m_state = computeState();
    return m_state != before || m_identical.size() != identicalBefore ||
           m_firstDifference != differenceBefore;
}

ParityMeter::State ParityMeter::computeState() const {
    if (!m_reference && !m_firstPass) return State::off;
    if (m_firstDifference) return State::differs;
    if (m_firstPass) return m_identical.empty() ? State::waiting : State::identical;
    if (m_reference->ended() && !m_reference->failure().empty() && !m_pending.empty())
        return State::failed;
    if (m_identical.empty())
        return State::waiting;  // no batch ended yet, or the reference is behind
    return State::identical;
}

}  // namespace stepwise::gui
