#pragma once
// Stepwise's own engine texts in the window's language: the reasons for skipped stages, Stepwise's
// notices and the classification of what training_step returned. The engine writes them in
// English (the trace and stepwise-run keep that); the window translates them here, from a closed
// set of templates. Lightning's and torch's messages are never translated: they are quoted
// verbatim, and anything that matches no template passes through unchanged.

#include <QString>

#include "stepwise/events.h"

namespace stepwise::gui {

/// A stage_exit reason (skipped stages); other text (errors) unchanged.
QString translateReason(const QString& english);
/// A Stepwise notice (warning with source "stepwise"); other text unchanged.
QString translateNotice(const QString& english);
/// How Lightning classifies a training_step output, in the window's language. In English it is
/// the engine's own OutputDescription::classification, word for word.
QString classifyOutput(const OutputDescription& output);

}  // namespace stepwise::gui
