# ARCHITECTURE.md's layering, checked on what each target includes *and* what it links:
#  - gui/ includes no LibTorch header; core/ includes no Qt; the protocol library includes neither,
#    nor do the engine's public headers (the window's executable sees them).
#  - gui/views and gui/widgets include nothing of gui/app (the window builds and wires them; the
#    texts and formatters they share are in gui/text): neither "app/x.h" nor an app header's name.
#  - stepwise_gui and stepwise_protocol link neither stepwise_engine nor torch; stepwise_protocol
#    links no Qt. Their archives reference no LibTorch symbol (and the protocol's no Qt symbol).
# Inputs: ROOT, LINKS_FILE (written by file(GENERATE) in tests/CMakeLists.txt), GUI_ARCHIVE,
# PROTOCOL_ARCHIVE, NM. FAKE_GUI_LINKS / FAKE_GUI_SYMBOLS replace what is read, and FAKE_VIEW_FILES
# are checked as if they were in gui/views, to show that a broken rule fails this check (the tests
# architecture_layers_detects_*).
set(bad "")
function(forbid pattern)  # forbid(<regex> <files>...)
    foreach(f ${ARGN})
        file(STRINGS ${f} hits REGEX "#include[ \t]*[<\"]${pattern}")
        if(hits)
            set(bad "${bad}\n${f}: includes ${hits}" PARENT_SCOPE)
        endif()
    endforeach()
endfunction()
file(GLOB_RECURSE gui_files ${ROOT}/gui/*.h ${ROOT}/gui/*.cpp)
file(GLOB_RECURSE core_files ${ROOT}/core/*.h ${ROOT}/core/*.cpp)
file(GLOB_RECURSE protocol_files ${ROOT}/core/protocol/*.h ${ROOT}/core/protocol/*.cpp)
file(GLOB engine_public ${ROOT}/core/engine/include/stepwise/*.h)
forbid("(torch|ATen|c10)/" ${gui_files})
forbid("Q[A-Za-z]" ${core_files})
forbid("(torch|ATen|c10)/" ${protocol_files} ${engine_public})
# The one arrow that must not run back up: a view or a widget including the window's own headers.
file(GLOB_RECURSE view_files ${ROOT}/gui/views/*.h ${ROOT}/gui/views/*.cpp ${ROOT}/gui/widgets/*.h
     ${ROOT}/gui/widgets/*.cpp)
file(GLOB app_headers RELATIVE ${ROOT}/gui/app ${ROOT}/gui/app/*.h)
list(TRANSFORM app_headers REPLACE "\\." "\\\\.")
list(JOIN app_headers "|" app_names)
forbid("(\\.\\./)*(app/[^\"]*|${app_names})[\">]" ${view_files} ${FAKE_VIEW_FILES})

# What the targets link, as CMake resolved it.
include(${LINKS_FILE})
if(DEFINED FAKE_GUI_LINKS)
    set(gui_links "${FAKE_GUI_LINKS}")
endif()
foreach(lib IN LISTS gui_links protocol_links)
    if(lib MATCHES "stepwise_engine|torch|c10")
        set(bad "${bad}\nlinks ${lib}: the window's library and the protocol must not link the engine")
    endif()
endforeach()
foreach(lib IN LISTS protocol_links)
    if(lib MATCHES "Qt")
        set(bad "${bad}\nstepwise_protocol links ${lib}")
    endif()
endforeach()

# What the archives reference: an undefined LibTorch symbol means torch code was compiled in.
function(undefined_symbols archive out)
    execute_process(COMMAND ${NM} -C -u ${archive} OUTPUT_VARIABLE symbols ERROR_QUIET)
    set(${out} "${symbols}" PARENT_SCOPE)
endfunction()
undefined_symbols(${GUI_ARCHIVE} gui_symbols)
undefined_symbols(${PROTOCOL_ARCHIVE} protocol_symbols)
if(DEFINED FAKE_GUI_SYMBOLS)
    set(gui_symbols "${FAKE_GUI_SYMBOLS}")
endif()
if(gui_symbols STREQUAL "" OR protocol_symbols STREQUAL "")
    set(bad "${bad}\ncannot read the archives' symbols with ${NM}")
endif()
foreach(which gui protocol)
    string(REGEX MATCHALL "[^\n]*(c10::|at::Tensor|torch::)[^\n]*" hits "${${which}_symbols}")
    if(hits)
        list(GET hits 0 first)
        set(bad "${bad}\nstepwise_${which} references LibTorch:${first}")
    endif()
endforeach()
string(REGEX MATCHALL "[^\n]* U Q[A-Z][A-Za-z]+::[^\n]*" qt_hits "${protocol_symbols}")
if(qt_hits)
    list(GET qt_hits 0 first)
    set(bad "${bad}\nstepwise_protocol references Qt:${first}")
endif()

if(bad)
    message(FATAL_ERROR "layering broken:${bad}")
endif()
list(LENGTH gui_files n_gui)
list(LENGTH core_files n_core)
message(STATUS "layers OK: ${n_gui} gui files without LibTorch, ${n_core} core files without Qt; "
               "stepwise_gui links ${gui_links}")
