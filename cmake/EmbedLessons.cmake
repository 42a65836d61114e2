# Run as a script (cmake -P): writes OUTPUT, a C++ file holding every lesson in LESSON_DIR (a
# <name>.json with title/description/config and a <name>.stepwise model source, which a comparison
# preset training another lesson's model leaves out) as raw strings.
file(GLOB jsons "${LESSON_DIR}/*.json")
list(SORT jsons)
set(body "// Generated from resources/lessons by cmake/EmbedLessons.cmake. Do not edit.\n")
string(APPEND body "#include \"lessons_data.h\"\nnamespace stepwise::detail {\n")
string(APPEND body "const std::vector<EmbeddedLesson>& embedded_lessons() {\n")
string(APPEND body "    static const std::vector<EmbeddedLesson> all = {\n")
foreach(json ${jsons})
    get_filename_component(name "${json}" NAME_WE)
    file(READ "${json}" meta)
    # A comparison preset may train another lesson's model: no .stepwise of its own.
    set(source "")
    if(EXISTS "${LESSON_DIR}/${name}.stepwise")
        file(READ "${LESSON_DIR}/${name}.stepwise" source)
    endif()
    string(APPEND body "        {\"${name}\", R\"stepwise_lesson(${meta})stepwise_lesson\",\n")
    string(APPEND body "         R\"stepwise_lesson(${source})stepwise_lesson\"},\n")
endforeach()
string(APPEND body "    };\n    return all;\n}\n}  // namespace stepwise::detail\n")
file(WRITE "${OUTPUT}.tmp" "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUTPUT}.tmp" "${OUTPUT}")
