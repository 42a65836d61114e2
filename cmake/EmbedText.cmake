# Run as a script (cmake -P): writes OUTPUT, a C++ file defining `const char* const NAME` in
# namespace NAMESPACE that holds INPUT's text as a raw string (the Python host's glue module).
file(READ "${INPUT}" text)
set(body "// Generated from ${INPUT} by cmake/EmbedText.cmake. Do not edit.\n")
string(APPEND body "namespace ${NAMESPACE} {\nextern const char* const ${NAME};\n")
string(APPEND body "const char* const ${NAME} = R\"stepwise_text(${text})stepwise_text\";\n}\n")
file(WRITE "${OUTPUT}.tmp" "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUTPUT}.tmp" "${OUTPUT}")
