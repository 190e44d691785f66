# SPDX-License-Identifier: MIT
# Driver for the add_subdirectory route: the consumer project itself checks that jot adds no targets, tests
# or install rules of its own; here it is built and run, and its install must contain the consumer alone.
# Then the parent opts in with JOT_INSTALL=ON and jot's install rules must work from a subproject too.
include("${CMAKE_CURRENT_LIST_DIR}/../common.cmake")

set(work "${JOT_WORK_DIR}/add_subdirectory")
jot_fresh_dir("${work}")
set(build "${work}/consumer")
jot_configure("add_subdirectory" "${CMAKE_CURRENT_LIST_DIR}" "${build}" ""
              "-DJOT_SOURCE_DIR=${JOT_SOURCE_DIR}" "-DCMAKE_INSTALL_PREFIX=${work}/install")
jot_build("add_subdirectory" "${build}")
jot_run_consumer("add_subdirectory" "${build}")

jot_run("add_subdirectory: install the consumer" COMMAND "${CMAKE_COMMAND}" --install "${build}" --config Release)
file(GLOB_RECURSE installed LIST_DIRECTORIES false RELATIVE "${work}/install" "${work}/install/*")
if(NOT installed STREQUAL "bin/consumer${CMAKE_EXECUTABLE_SUFFIX}")
    message(FATAL_ERROR "check failed: installing the consumer installed jot files as well: ${installed}")
endif()

jot_run("add_subdirectory: opt in to jot's install rules"
        COMMAND "${CMAKE_COMMAND}" -S "${CMAKE_CURRENT_LIST_DIR}" -B "${build}" -DJOT_INSTALL=ON
                -DJOT_EXPECT_INSTALL=ON "-DCMAKE_INSTALL_PREFIX=${work}/install-with-jot")
jot_run("add_subdirectory: install with jot" COMMAND "${CMAKE_COMMAND}" --install "${build}" --config Release)
jot_check_install_layout("${work}/install-with-jot" "share/cmake/jot")
