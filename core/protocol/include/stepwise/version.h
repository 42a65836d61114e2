#pragma once

namespace stepwise {

/// Version string of Stepwise ("0.2.0").
const char* version();

}  // namespace stepwise
