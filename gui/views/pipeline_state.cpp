#include "pipeline_state.h"

#include <QCoreApplication>
#include <cmath>

#include "run_history.h"
#include "text/formatters.h"

// The translation context of the pipeline's value texts.
struct PipelineText {
    Q_DECLARE_TR_FUNCTIONS(PipelineText)
};

namespace stepwise::gui {

namespace {

bool insideClosure(Stage stage) {
    switch (stage) {
        case Stage::training_step:
        case Stage::on_before_zero_grad:
        case Stage::optimizer_zero_grad:
        case Stage::on_before_backward:
        case Stage::backward:
        case Stage::on_after_backward:
        case Stage::on_before_optimizer_step:
        case Stage::configure_gradient_clipping: return true;
        default: return false;
    }
}

}  // namespace

void PipelineState::reset() {
    *this = PipelineState(m_history);
}

int PipelineState::accumulate() const {
    return m_history ? m_history->accumulateGradBatches() : 1;
}

bool PipelineState::hasScheduler() const {
    return m_ranScheduler || (m_history && m_history->hasLrScheduler());
}

int PipelineState::cyclePosition() const {
    if (m_batchIdx < 0) return 0;
    return int(m_batchIdx % accumulate()) + 1;
}

void PipelineState::startBatch(const Event& event) {
    for (auto& stage : m_stages) {
        stage.state = StageStatus::State::idle;
        stage.stale = stage.durationNs >= 0;
        stage.reason.clear();
        stage.skipReason = {};
    }
    m_batchIdx = event.batch_idx;
    m_epoch = event.epoch;
    m_call = 0;
    m_stepCounted = false;
    m_stepping.reset();
    m_updateSummary.clear();
    ++m_batchesSeen;
    // Lightning's rule: a batch steps when it closes a cycle or is the epoch's last batch.
    const bool last = m_totalBatches > 0 && event.batch_idx + 1 >= m_totalBatches;
    const int n = accumulate();
    if (n <= 1 || (event.batch_idx + 1) % n == 0 || last)
        m_stepping = true;
    else
        m_stepping = false;
}

void PipelineState::follow(const Event& event) {
    // A new batch or a new closure evaluation shows in any stage event, entry or exit (at full
    // speed the engine sends exits only).
    if (event.batch_idx != m_batchIdx || event.epoch != m_epoch) startBatch(event);
    if (event.call > m_call) {
        if (m_call > 0) startEvaluation();
        m_call = event.call;
    }
}

void PipelineState::startEvaluation() {
    // A new closure evaluation (LBFGS): the closure's stages start over; keep their last values.
    for (int i = 0; i < kStageCount; ++i) {
        if (!insideClosure(Stage(i))) continue;
        auto& stage = m_stages[i];
        if (stage.state != StageStatus::State::idle) stage.stale = true;
        stage.state = StageStatus::State::idle;
    }
}

void PipelineState::exitStage(const Event& event) {
    StageStatus& status = at(event.stage);
    status.durationNs = event.duration_ns;
    status.stale = false;
    status.reason = QString::fromStdString(event.message);
    status.skipReason = event.text;
    switch (event.outcome) {
        case Outcome::ran: status.state = StageStatus::State::ran; break;
        case Outcome::skipped: status.state = StageStatus::State::skipped; break;
        case Outcome::failed: status.state = StageStatus::State::failed; break;
    }
    const StagePayload& p = event.payload;
    if (event.stage == Stage::training_step) {
        if (p.loss_raw) {
            status.value = PipelineText::tr("loss %1").arg(formatNumber(*p.loss_raw));
        } else if (p.output && p.output->kind == "none") {
            status.value = PipelineText::tr("returned None");
        } else if (p.output && p.output->value.kind == "tensor") {
            QStringList dims;
            for (std::int64_t d : p.output->value.shape) dims << QString::number(d);
            status.value = PipelineText::tr("loss shape [%1]").arg(dims.join(QStringLiteral(", ")));
        } else if (p.output) {
            status.value =
                PipelineText::tr("returned %1").arg(QString::fromStdString(p.output->kind));
        } else {
            status.value.clear();
        }
    } else if (p.grad_norms) {
        status.value = PipelineText::tr("‖g‖ %1").arg(formatNumber(p.grad_norms->total));
    } else if (event.stage == Stage::optimizer_step) {
        if (p.update_norm) {
            status.value = PipelineText::tr("‖Δθ‖ %1").arg(formatNumber(*p.update_norm));
            m_updateSummary = status.value;
            if (p.lr) m_updateSummary += PipelineText::tr(", lr %1").arg(formatNumber(*p.lr));
        }
        if (event.outcome == Outcome::skipped)
            m_stepping = false;
        else
            m_stepping = true;
        if (event.outcome == Outcome::ran && !m_stepCounted) {
            ++m_optimizerSteps;
            m_stepCounted = true;
        }
    } else if (event.stage == Stage::optimizer_zero_grad && !p.zero_grad_mode.empty()) {
        status.value = p.zero_grad_mode == "set_to_none" ? PipelineText::tr("set to None")
                                                         : PipelineText::tr("zero-filled");
    } else if (event.stage == Stage::lr_scheduler_step && p.lr && p.lr_before) {
        status.value =
            PipelineText::tr("lr %1 → %2").arg(formatNumber(*p.lr_before), formatNumber(*p.lr));
    } else if (event.stage == Stage::configure_gradient_clipping && p.clip_val) {
        status.value = PipelineText::tr("clip %1 (%2)")
                           .arg(formatNumber(*p.clip_val))
                           .arg(QString::fromStdString(p.clip_algorithm));
    }
    if (event.stage == Stage::on_before_optimizer_step && event.outcome == Outcome::skipped)
        m_stepping = m_stepping.value_or(false);
}

bool PipelineState::apply(const Event& event) {
    // Only stage and batch events carry the loop position (paused/resumed/run_* do not).
    if (event.type == EventType::stage_enter || event.type == EventType::stage_exit ||
        event.type == EventType::batch_end) {
        follow(event);
        m_globalStep = event.global_step;
    }
    switch (event.type) {
        case EventType::run_start: {
            m_totalBatches = event.total_batches_per_epoch;
            return true;
        }
        case EventType::stage_enter:
            m_current = event.stage;
            at(event.stage).state = StageStatus::State::active;
            // Until its exit, what the stage shows is from an earlier batch or evaluation.
            at(event.stage).stale = at(event.stage).durationNs >= 0;
            return true;
        case EventType::stage_exit:
            if (event.stage == Stage::lr_scheduler_step) m_ranScheduler = true;
            // At full speed the engine sends no stage_enter: the newest exit is where it is.
            if (at(event.stage).state != StageStatus::State::active) m_current = event.stage;
            exitStage(event);
            return true;
        case EventType::batch_end:
            m_stepping = event.stepped;
            m_lastCyclePosition = event.cycle_position;
            // At full speed the window gets only some batches' stage events: count from here.
            if (event.stepped && !m_stepCounted) {
                ++m_optimizerSteps;
                m_stepCounted = true;
            }
            return false;
        case EventType::error: {
            if (event.phase == ErrorPhase::stage) {
                StageStatus& status = at(event.stage);
                status.state = StageStatus::State::failed;
                status.reason = QString::fromStdString(event.exception_type + ": " + event.message);
                m_current = event.stage;
            }
            return true;
        }
        case EventType::paused:
            m_held = true;
            if (m_current != event.stage || at(event.stage).state != StageStatus::State::active) {
                // Held at a stage whose entry was not sent (a replay of a full-speed trace holds
                // before each recorded exit): the pause says where.
                follow(event);
                m_current = event.stage;
                at(event.stage).state = StageStatus::State::active;
                at(event.stage).stale = at(event.stage).durationNs >= 0;
            }
            return true;
        case EventType::resumed: m_held = false; return true;
        case EventType::run_end:
            m_ended = true;
            m_held = false;
            m_endStatus = event.status;
            return true;
        case EventType::warning:
        case EventType::tensors:  // the Tensors dock's
        case EventType::metrics:  // the Metrics dock's
            return false;
        case EventType::rewound:
            // The batch starts over: its recomputed events follow, up to where the run holds.
            m_ended = false;
            return true;
    }
    return false;
}

}  // namespace stepwise::gui
