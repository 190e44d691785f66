# SPDX-License-Identifier: MIT
# Runs PROGRAM with ARG. EXPECT=abort: it must end abnormally with "jot: invariant broken" on stderr.
# EXPECT=success: it must exit 0.
execute_process(COMMAND "${PROGRAM}" "${ARG}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "exit: ${rc}\nstdout: ${out}\nstderr: ${err}")
if(EXPECT STREQUAL "success")
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "expected exit 0")
    endif()
elseif(rc EQUAL 0 OR NOT err MATCHES "jot: invariant broken")
    message(FATAL_ERROR "expected an abort with jot's invariant message")
endif()
