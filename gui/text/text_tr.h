#pragma once
// Stepwise's own sentences (stepwise::Text: a code plus arguments) in the window's language. The
// engine sends codes, never English; stepwise::format_text words the same codes in English for
// stepwise-run and the trace. Lightning's and torch's messages are not Texts and are never
// translated.

#include <QString>

#include "stepwise/events.h"
#include "stepwise/text.h"

namespace stepwise::gui {

/// The sentence in the current language (an empty string for TextCode::none).
QString textTr(const Text& text);
/// How a run ended ("finished", "stopped", "failed") in the current language.
QString runStatusTr(RunStatus status);

}  // namespace stepwise::gui
