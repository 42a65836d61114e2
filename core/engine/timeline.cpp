#include "timeline.h"

#include <iterator>
#include <string>

namespace stepwise {

void Timeline::count(std::int64_t batch, int ordinal) {
    if (batch < 0 || ordinal >= 65535) return;
    const auto i = static_cast<std::size_t>(batch);
    if (boundaries_.size() <= i) boundaries_.resize(i + 1);
    if (ordinal + 1 > boundaries_[i]) boundaries_[i] = static_cast<std::uint16_t>(ordinal + 1);
}

void Timeline::here(const TimelineMark& at) {
    here_ = at;
    if (hit_pending_) hits_.insert(at);
    hit_pending_ = false;
}

std::variant<TimelineMark, Text> Timeline::resolve(const Command& c,
                                                   const TimelineMark& from) const {
    auto start_of = [](std::int64_t batch) { return TimelineMark{batch, 0}; };
    const Text nothing{TextCode::rewind_nothing_earlier, {}};
    switch (c.rewind_to) {
        case RewindTo::stage:
            if (from.ordinal > 0) return TimelineMark{from.batch, from.ordinal - 1};
            if (from.batch > 0) {
                const auto i = static_cast<std::size_t>(from.batch - 1);
                const int last =
                    i < boundaries_.size() && boundaries_[i] > 0 ? boundaries_[i] - 1 : 0;
                return TimelineMark{from.batch - 1, last};
            }
            return nothing;
        case RewindTo::batch_start:
            if (from.ordinal > 0) return start_of(from.batch);
            if (from.batch > 0) return start_of(from.batch - 1);
            return nothing;
        case RewindTo::batch:
            if (from.batch > 0) return start_of(from.batch - 1);
            if (from.ordinal > 0) return start_of(0);
            return nothing;
        case RewindTo::hit: {
            auto it = hits_.lower_bound(from);
            if (it == hits_.begin()) return Text{TextCode::rewind_no_earlier_hit, {}};
            return *std::prev(it);
        }
        case RewindTo::batch_index: {
            const auto target = static_cast<std::int64_t>(c.position);
            if (c.position <= static_cast<std::uint64_t>(from.batch) &&
                (target < from.batch || from.ordinal > 0))
                return start_of(target);
            return Text{TextCode::rewind_not_earlier,
                        {std::to_string(c.position), std::to_string(from.batch)}};
        }
    }
    return nothing;
}

}  // namespace stepwise
