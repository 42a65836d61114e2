#pragma once
#include <string>
#include <vector>

namespace stepwise::detail {
struct EmbeddedLesson {
    const char* name;
    const char* meta_json;  ///< {"order", "title", "description", "config"}
    const char* source;     ///< the model in the .stepwise format
};
/// Generated at build time from resources/lessons/.
const std::vector<EmbeddedLesson>& embedded_lessons();
}  // namespace stepwise::detail
