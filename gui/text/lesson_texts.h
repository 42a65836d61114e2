#pragma once
// The built-in lessons' titles and descriptions in the window's language (context "Lessons" of
// translations/stepwise_zh_CN.ts); English, as the lesson files have them, when untranslated.

#include <QString>
#include <string>
#include <vector>

#include "stepwise/lessons.h"

namespace stepwise::gui {

QString lessonTitle(const Lesson& lesson);
QString lessonDescription(const Lesson& lesson);
/// A comparison preset's name for one of its runs (Lesson::compare_a or compare_b).
QString lessonRunName(const std::string& name);
/// Every English text the translation table knows (for the test that it matches the lessons).
std::vector<std::string> lessonTextSources();

}  // namespace stepwise::gui
