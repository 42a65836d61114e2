#include "stepwise/lessons.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "lessons_data.h"

namespace stepwise {

const std::vector<Lesson>& lessons() {
    static const std::vector<Lesson> all = [] {
        std::vector<std::pair<int, Lesson>> ordered;
        /// (index, lesson whose model it trains)
        std::vector<std::pair<std::size_t, std::string>> model_of;
        for (const auto& e : detail::embedded_lessons()) {
            const auto meta = nlohmann::json::parse(e.meta_json);
            Lesson l;
            l.name = e.name;
            l.title = meta.at("title").get<std::string>();
            l.description = meta.at("description").get<std::string>();
            l.config_json = meta.at("config").dump(2);
            l.source = e.source;
            if (meta.contains("compare")) {
                const auto& compare = meta.at("compare");
                l.compare_a = compare.at("a").get<std::string>();
                l.compare_b = compare.at("b").get<std::string>();
                l.compare_config_json = compare.at("config").dump(2);
            }
            // A preset without a model of its own trains another lesson's.
            if (l.source.empty())
                model_of.emplace_back(ordered.size(),
                                      meta.at("config").at("model").value("lesson", ""));
            ordered.emplace_back(meta.value("order", 1000), std::move(l));
        }
        for (const auto& [index, name] : model_of)
            for (const auto& other : ordered)
                if (other.second.name == name) ordered[index].second.source = other.second.source;
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
