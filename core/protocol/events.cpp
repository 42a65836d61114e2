#include "stepwise/events.h"

namespace stepwise {

namespace {
constexpr EnumNames<Stage, kStageCount> kStages{{STEPWISE_STAGES(STEPWISE_NAME)}};
constexpr EnumNames<Outcome, kOutcomeCount> kOutcomes{{STEPWISE_OUTCOMES(STEPWISE_NAME)}};
constexpr EnumNames<RunStatus, kRunStatusCount> kRunStatuses{
    {STEPWISE_RUN_STATUSES(STEPWISE_NAME)}};
constexpr EnumNames<ErrorPhase, kErrorPhaseCount> kErrorPhases{
    {STEPWISE_ERROR_PHASES(STEPWISE_NAME)}};
constexpr EnumNames<EventType, kEventTypeCount> kEventTypes{{STEPWISE_EVENT_TYPES(STEPWISE_NAME)}};
static_assert(kStages.distinct() && kOutcomes.distinct() && kRunStatuses.distinct() &&
              kErrorPhases.distinct() && kEventTypes.distinct());
}  // namespace

const char* stage_name(Stage stage) {
    return kStages.name(stage);
}
std::optional<Stage> stage_from_name(std::string_view name) {
    return kStages.find(name);
}

const char* outcome_name(Outcome outcome) {
    return kOutcomes.name(outcome);
}
std::optional<Outcome> outcome_from_name(std::string_view name) {
    return kOutcomes.find(name);
}

const char* run_status_name(RunStatus status) {
    return kRunStatuses.name(status);
}
std::optional<RunStatus> run_status_from_name(std::string_view name) {
    return kRunStatuses.find(name);
}

const char* error_phase_name(ErrorPhase phase) {
    return kErrorPhases.name(phase);
}
std::optional<ErrorPhase> error_phase_from_name(std::string_view name) {
    return kErrorPhases.find(name);
}

const char* where_name(const Event& error) {
    return error.phase == ErrorPhase::stage ? stage_name(error.stage)
                                            : error_phase_name(error.phase);
}

const char* event_type_name(EventType type) {
    return kEventTypes.name(type);
}
std::optional<EventType> event_type_from_name(std::string_view name) {
    return kEventTypes.find(name);
}

}  // namespace stepwise
