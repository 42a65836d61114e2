#pragma once
// Built-in lessons, compiled into the program from resources/lessons/.

#include <optional>
#include <string>
#include <vector>

namespace stepwise {

struct Lesson {
    std::string name;         ///< e.g. "tensor_return"
    std::string title;        ///< one line, English
    std::string description;  ///< a paragraph: what to watch for
    std::string config_json;  ///< the run config ("model": {"lesson": name})
    std::string source;       ///< the model, in Stepwise's TorchScript source format
    /// A comparison preset: run B's config (empty for a lesson of one run), and what the two runs
    /// are called (one short line each, English). The lesson's config is run A's.
    std::string compare_config_json;
    std::string compare_a, compare_b;
};

const std::vector<Lesson>& lessons();
const Lesson* find_lesson(const std::string& name);
/// The lesson a new user starts on.
const Lesson& default_lesson();

}  // namespace stepwise
