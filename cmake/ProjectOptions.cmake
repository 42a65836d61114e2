# Warnings and sanitizers on one INTERFACE target that every Stepwise target links PRIVATE.
add_library(stepwise_options INTERFACE)
target_compile_options(stepwise_options INTERFACE -Wall -Wextra -Wno-unused-parameter)
# Sanitizer builds (scripts/sanitize.sh, scripts/tsan.sh) use clang at -O1, as the sanitizers'
# own documentation advises. On LibTorch-heavy sources clang compiles in a third of gcc's time
# under ASan, and its address build doubles as the libFuzzer build: libFuzzer's coverage goes into
# every source, and tests/fuzz links the fuzzers beside the tests (STEPWISE_LIBFUZZER).
set(STEPWISE_LIBFUZZER OFF)
if(STEPWISE_SANITIZER STREQUAL "address")
    set(sanitize address,undefined)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        set(sanitize fuzzer-no-link,${sanitize})
        set(STEPWISE_LIBFUZZER ON)
    endif()
    target_compile_options(stepwise_options INTERFACE
        -O1 -fsanitize=${sanitize} -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    target_link_options(stepwise_options INTERFACE -fsanitize=address,undefined)
elseif(STEPWISE_SANITIZER STREQUAL "thread")
    target_compile_options(stepwise_options INTERFACE -O1 -fsanitize=thread)
    target_link_options(stepwise_options INTERFACE -fsanitize=thread)
elseif(NOT STEPWISE_SANITIZER STREQUAL "")
    message(FATAL_ERROR "STEPWISE_SANITIZER must be '', 'address' or 'thread'")
endif()
# A sanitizer's report needs function names: without them it is raw addresses, and the leak
# suppressions (tests/sanitizers/lsan.supp) match nothing. The tests get it in their environment.
if(NOT STEPWISE_SANITIZER STREQUAL "")
    find_program(STEPWISE_SYMBOLIZER NAMES llvm-symbolizer-14 llvm-symbolizer)
    if(NOT STEPWISE_SYMBOLIZER)
        message(FATAL_ERROR "A sanitizer build needs llvm-symbolizer: install the Debian package "
                            "llvm-14 (scripts/install-deps.sh does)")
    endif()
    set(STEPWISE_SANITIZER_ENV
        ASAN_SYMBOLIZER_PATH=${STEPWISE_SYMBOLIZER} TSAN_SYMBOLIZER_PATH=${STEPWISE_SYMBOLIZER}
        UBSAN_SYMBOLIZER_PATH=${STEPWISE_SYMBOLIZER} LSAN_SYMBOLIZER_PATH=${STEPWISE_SYMBOLIZER})
endif()
