#include "stepwise/lessons.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "lessons_data.h"

namespace stepwise {

const std::vector<Lesson>& lessons() {
    static const std::vector<Lesson> all = [] {
        std::vector<std::pair<int, Lesson>> ordered;
        for (const auto& e : detail::embedded_lessons()) {
            const auto meta = nlohmann::json::parse(e.meta_json);
            Lesson l;
            l.name = e.name;
            l.title = meta.at("title").get<std::string>();
            l.description = meta.at("description").get<std::string>();
            l.config_json = meta.at("config").dump(2);
            l.source = e.source;
            ordered.emplace_back(meta.value("order", 1000), std::move(l));
        }
        std::stable_sort(ordered.begin(), ordered.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        std::vector<Lesson> out;
        for (auto& o : ordered) out.push_back(std::move(o.second));
        return out;
    }();
    return all;
}

const Lesson* find_lesson(const std::string& name) {
    for (const auto& l : lessons())
        if (l.name == name) return &l;
    return nullptr;
}

const Lesson& default_lesson() {
    const Lesson* l = find_lesson("tensor_return");
    return l ? *l : lessons().front();
}

}  // namespace stepwise
