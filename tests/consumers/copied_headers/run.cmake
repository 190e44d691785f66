# SPDX-License-Identifier: MIT
# Driver for the copied-headers route: copy include/jot alone into a scratch project next to a copy of the
# consumer, and build it with nothing but -I, -std=c++17 and -lcrypto (plus dependency include paths only
# when the compiler would not find them by itself). Nothing points back at jot's source tree.
include("${CMAKE_CURRENT_LIST_DIR}/../common.cmake")

set(work "${JOT_WORK_DIR}/copied_headers")
jot_fresh_dir("${work}")
set(project "${work}/my_project")
file(MAKE_DIRECTORY "${project}/third_party")
file(COPY "${JOT_SOURCE_DIR}/include/jot" DESTINATION "${project}/third_party")
file(COPY "${JOT_CONSUMERS_DIR}/consumer.cpp" DESTINATION "${project}")

set(exe "${project}/consumer${CMAKE_EXECUTABLE_SUFFIX}")
jot_run("copied_headers: compile and link" WORKING_DIRECTORY "${project}"
        COMMAND "${JOT_CXX_COMPILER}" -std=c++17 -Ithird_party ${JOT_DIRECT_FLAGS} consumer.cpp
                ${JOT_CRYPTO_LINK} -o "${exe}")
jot_run("copied_headers: run" OUTPUT_VARIABLE out COMMAND "${exe}")
if(NOT out MATCHES "signed and verified an HS256 token and refused a forgery")
    message(FATAL_ERROR "check failed: the copied-headers consumer did not report success: ${out}")
endif()
