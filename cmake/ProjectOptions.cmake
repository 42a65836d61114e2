# Warnings and sanitizers on one INTERFACE target that every Stepwise target links PRIVATE.
add_library(stepwise_options INTERFACE)
target_compile_options(stepwise_options INTERFACE -Wall -Wextra -Wno-unused-parameter)
if(STEPWISE_SANITIZER STREQUAL "address")
    target_compile_options(stepwise_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
    target_link_options(stepwise_options INTERFACE -fsanitize=address,undefined)
elseif(STEPWISE_SANITIZER STREQUAL "thread")
    target_compile_options(stepwise_options INTERFACE -fsanitize=thread)
    target_link_options(stepwise_options INTERFACE -fsanitize=thread)
elseif(STEPWISE_SANITIZER STREQUAL "fuzzer")
    # libFuzzer's coverage plus ASan and UBSan on every Stepwise source; the fuzz targets add
    # -fsanitize=fuzzer (its main) at link time (tests/fuzz/CMakeLists.txt).
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        message(FATAL_ERROR "STEPWISE_SANITIZER=fuzzer needs clang (CXX=clang++)")
    endif()
    target_compile_options(stepwise_options INTERFACE
        -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    target_link_options(stepwise_options INTERFACE -fsanitize=address,undefined)
elseif(NOT STEPWISE_SANITIZER STREQUAL "")
    message(FATAL_ERROR "STEPWISE_SANITIZER must be '', 'address', 'thread' or 'fuzzer'")
endif()
