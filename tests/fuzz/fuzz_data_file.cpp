// The data-file loader: any bytes give a data set of matching x and y, or a LoadError("data")
// naming the file; nothing else escapes. A data set that loads can be batched.

#include <c10/util/Exception.h>

#include "data.h"
#include "errors.h"
#include "fuzz_check.h"

using namespace stepwise;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::vector<char> bytes(reinterpret_cast<const char*>(data),
                                  reinterpret_cast<const char*>(data) + size);
    Dataset d;
    try {
        d = read_dataset(bytes, "fuzz.pt");
    } catch (const LoadError& e) {
        fuzz::require(e.phase == ErrorPhase::data,
                      "a data error that does not say it is about the data");
        return 0;
    }
    fuzz::require(d.x.dim() > 0 && d.y.dim() > 0 && d.x.size(0) == d.y.size(0) && d.x.size(0) > 0,
                  "a data set without matching samples loaded");
    DataLoader loader(d, 2, false, false);
    for (std::int64_t i = 0; i < std::min<std::int64_t>(loader.size(), 3); ++i)
        (void)loader.batch(0, i);
    return 0;
}
