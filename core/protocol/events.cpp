#include "stepwise/events.h"

#include <array>

namespace stepwise {

namespace {
constexpr std::array<const char*, kStageCount> kStageNames = {
    "on_train_batch_start",
    "optimizer_step",
    "training_step",
    "on_before_zero_grad",
    "optimizer_zero_grad",
    "on_before_backward",
    "backward",
    "on_after_backward",
    "on_before_optimizer_step",
    "configure_gradient_clipping",
    "lr_scheduler_step",
    "on_train_batch_end",
};
}  // namespace

const char* stage_name(Stage stage) {
    return kStageNames[static_cast<std::size_t>(stage)];
}

std::optional<Stage> stage_from_name(const std::string& name) {
    for (std::size_t i = 0; i < kStageNames.size(); ++i) {
        if (name == kStageNames[i]) return static_cast<Stage>(i);
    }
    return std::nullopt;
}

const char* outcome_name(Outcome outcome) {
    switch (outcome) {
        case Outcome::ran: return "ran";
        case Outcome::skipped: return "skipped";
        case Outcome::failed: return "failed";
    }
    return "?";
}

std::optional<Outcome> outcome_from_name(const std::string& name) {
    for (Outcome o : {Outcome::ran, Outcome::skipped, Outcome::failed})
        if (name == outcome_name(o)) return o;
    return std::nullopt;
}

const char* run_status_name(RunStatus status) {
    switch (status) {
        case RunStatus::finished: return "finished";
        case RunStatus::stopped: return "stopped";
        case RunStatus::failed: return "failed";
    }
    return "?";
}

std::optional<RunStatus> run_status_from_name(const std::string& name) {
    for (RunStatus s : {RunStatus::finished, RunStatus::stopped, RunStatus::failed})
        if (name == run_status_name(s)) return s;
    return std::nullopt;
}

const char* event_type_name(EventType type) {
    switch (type) {
        case EventType::run_start: return "run_start";
        case EventType::stage_enter: return "stage_enter";
        case EventType::stage_exit: return "stage_exit";
        case EventType::batch_end: return "batch_end";
        case EventType::warning: return "warning";
        case EventType::error: return "error";
        case EventType::paused: return "paused";
        case EventType::resumed: return "resumed";
        case EventType::run_end: return "run_end";
        case EventType::rewound: return "rewound";
        case EventType::tensors: return "tensors";
    }
    return "?";
}

std::optional<EventType> event_type_from_name(const std::string& name) {
    for (int i = 0; i <= static_cast<int>(EventType::tensors); ++i) {
        const auto type = static_cast<EventType>(i);
        if (name == event_type_name(type)) return type;
    }
    return std::nullopt;
}

}  // namespace stepwise
