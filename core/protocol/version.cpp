#include "stepwise/version.h"

namespace stepwise {

const char* version() {
    return STEPWISE_VERSION;
}

}  // namespace stepwise
