# SPDX-License-Identifier: MIT
# Driver for the header warnings check (issue 7 item 4): jot's headers, included with -I (not as system
# headers), must give a consumer no warning under -Wall -Wextra -Wpedantic -Wshadow -Wconversion
# -Wsign-conversion, with GCC and Clang, in C++17 and C++20.
#
# JOT_WARNINGS_SCOPE=consumer: with -Werror, compile consumer.cpp and a translation unit that includes every
#   public header (dangerous.hpp too), for each compiler found and each standard.
# JOT_WARNINGS_SCOPE=suite: the test suite's tests/test_*.cpp instantiate nearly every template in jot, so
#   they are compiled (syntax only, one standard per compiler) with the same flags, and any warning located in
#   include/jot/ fails the check. Warnings in the test files themselves, and test files that do not compile,
#   are the main suite's business and are ignored here.
include("${CMAKE_CURRENT_LIST_DIR}/../common.cmake")

set(flags -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion)
set(work "${JOT_WORK_DIR}/warnings_${JOT_WARNINGS_SCOPE}")
jot_fresh_dir("${work}")

# The compilers: this build's, plus g++ and clang++ when installed (each real compiler once).
set(compilers)
set(seen)
foreach(c IN LISTS JOT_WARNING_COMPILERS)
    if(NOT c OR c MATCHES "-NOTFOUND$")
        continue()
    endif()
    file(REAL_PATH "${c}" real)
    if(NOT real IN_LIST seen)
        list(APPEND seen "${real}")
        list(APPEND compilers "${c}")
    endif()
endforeach()
message(STATUS "compilers: ${compilers}")

if(JOT_WARNINGS_SCOPE STREQUAL "consumer")
    # One include per public header, found now so that headers added later are covered without an edit here.
    file(GLOB public_headers RELATIVE "${JOT_SOURCE_DIR}/include" "${JOT_SOURCE_DIR}/include/jot/*.hpp")
    jot_check("public headers were found" public_headers)
    set(tu "// generated: every public jot header, for the warnings check\n")
    foreach(h IN LISTS public_headers)
        string(APPEND tu "#include <${h}>\n")
    endforeach()
    string(APPEND tu "int main() { return 0; }\n")
    file(WRITE "${work}/all_headers.cpp" "${tu}")

    foreach(compiler IN LISTS compilers)
        foreach(std IN ITEMS c++17 c++20)
            foreach(source IN ITEMS "${JOT_CONSUMERS_DIR}/consumer.cpp" "${work}/all_headers.cpp")
                get_filename_component(name "${source}" NAME)
                jot_run("${compiler} -std=${std}: ${name}" WORKING_DIRECTORY "${work}"
                        COMMAND "${compiler}" -std=${std} ${flags} -Werror "-I${JOT_SOURCE_DIR}/include"
                                ${JOT_DIRECT_FLAGS} -c "${source}" -o "${work}/out.o")
            endforeach()
        endforeach()
    endforeach()
elseif(JOT_WARNINGS_SCOPE STREQUAL "suite")
    file(GLOB tests "${JOT_SOURCE_DIR}/tests/test_*.cpp")
    jot_check("test files were found" tests)
    # JOT_WARNINGS_PART=0 or 1 keeps every other file, so the suite check runs as two tests side by side.
    if(DEFINED JOT_WARNINGS_PART)
        set(all_tests ${tests})
        set(tests)
        set(i 0)
        foreach(t IN LISTS all_tests)
            math(EXPR mine "${i} % 2")
            if(mine EQUAL JOT_WARNINGS_PART)
                list(APPEND tests "${t}")
            endif()
            math(EXPR i "${i} + 1")
        endforeach()
    endif()
    set(stds c++17 c++20)
    set(index 0)
    set(found)
    foreach(compiler IN LISTS compilers)
        # Alternate the standard between compilers to keep the run short: GCC 17, Clang 20, ...
        math(EXPR pick "${index} % 2")
        list(GET stds ${pick} std)
        math(EXPR index "${index} + 1")
        message(STATUS "${compiler} -std=${std}: the test suite's instantiations")
        foreach(test IN LISTS tests)
            execute_process(COMMAND "${compiler}" -std=${std} ${flags} -fsyntax-only
                                    "-I${JOT_SOURCE_DIR}/include" "-I${JOT_SOURCE_DIR}/tests" ${JOT_DIRECT_FLAGS}
                                    "-DJOT_TEST_DATA_DIR=\"${JOT_SOURCE_DIR}/tests/data\"" "${test}"
                            WORKING_DIRECTORY "${JOT_SOURCE_DIR}"
                            RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
            if(NOT rc EQUAL 0)
                get_filename_component(name "${test}" NAME)
                message(STATUS "  ${name} does not compile on its own here; skipped")
            endif()
            # Diagnostics are "<file>:<line>:<column>: warning: ..."; keep those in jot's headers.
            string(REPLACE ";" "," out "${out}")
            string(REPLACE "\n" ";" lines "${out}")
            foreach(line IN LISTS lines)
                if(line MATCHES "include/jot/[^:]*:[0-9]+:[0-9]+: warning: ")
                    list(APPEND found "${compiler} -std=${std}: ${line}")
                endif()
            endforeach()
        endforeach()
    endforeach()
    if(found)
        list(REMOVE_DUPLICATES found)
        list(JOIN found "\n" found)
        message(FATAL_ERROR "check failed: jot's headers warn when the test suite instantiates them:\n${found}")
    endif()
else()
    message(FATAL_ERROR "JOT_WARNINGS_SCOPE must be consumer or suite")
endif()
