// Prints a TensorBoard event file as text, through the tests' own reader (tfevents_reader.h): the
// CLI test checks `stepwise-run --tensorboard` with it. One line per event: "file_version V" or
// "STEP TAG VALUE" (VALUE with 9 significant digits, a float's round trip). Exit 1 on a bad file.
#include <cstdio>
#include <exception>

#include "tfevents_reader.h"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: tfevents_dump EVENTS_FILE\n");
        return 2;
    }
    try {
        for (const tfevents::Event& e : tfevents::read_file(argv[1])) {
            if (e.has_file_version) std::printf("file_version %s\n", e.file_version.c_str());
            for (const tfevents::Value& v : e.values)
                std::printf("%lld %s %.9g\n", (long long)e.step, v.tag.c_str(),
                            double(v.simple_value));
        }
    } catch (const std::exception& ex) {
        std::fprintf(stderr, "tfevents_dump: %s: %s\n", argv[1], ex.what());
        return 1;
    }
    return 0;
}
