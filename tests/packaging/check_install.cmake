# `cmake --install` into a scratch prefix: the standard layout, and the installed programs run from
# there. -DBUILD=<build dir> -DPREFIX=<scratch prefix> -DWITH_GUI=ON|OFF
file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD} --prefix ${PREFIX}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cmake --install: exit ${rc}\n${out}${err}")
endif()
set(expected bin/stepwise-run bin/stepwise-export share/man/man1/stepwise-run.1 share/man/man1/stepwise-export.1)
if(WITH_GUI)
    list(APPEND expected bin/stepwise share/man/man1/stepwise.1
         share/applications/io.github.stepwise.Stepwise.desktop
         share/metainfo/io.github.stepwise.Stepwise.metainfo.xml
         share/icons/hicolor/scalable/apps/io.github.stepwise.Stepwise.svg)
endif()
foreach(f IN LISTS expected)
    if(NOT EXISTS ${PREFIX}/${f})
        message(SEND_ERROR "not installed: ${f}")
    endif()
endforeach()
file(GLOB_RECURSE everything RELATIVE ${PREFIX} ${PREFIX}/*)
list(LENGTH everything n)
list(LENGTH expected m)
if(NOT n EQUAL m)
    message(SEND_ERROR "installed ${n} files, expected ${m}: ${everything}")
endif()
execute_process(COMMAND ${PREFIX}/bin/stepwise-run --lesson tensor_return --quiet RESULT_VARIABLE rc
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(SEND_ERROR "installed stepwise-run: exit ${rc}\n${out}${err}")
endif()
execute_process(COMMAND ${PREFIX}/bin/stepwise-export --help RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "usage: stepwise-export")
    message(SEND_ERROR "installed stepwise-export --help: exit ${rc}\n${out}${err}")
endif()
file(READ ${PREFIX}/share/metainfo/io.github.stepwise.Stepwise.metainfo.xml metainfo)
if(WITH_GUI AND metainfo MATCHES "@PROJECT_VERSION@")
    message(SEND_ERROR "the installed metainfo still holds @PROJECT_VERSION@")
endif()
