# SPDX-License-Identifier: MIT
# Driver for the find_package route: install jot, check the installed tree, build and run the consumer
# against it; then move the prefix elsewhere (the old path no longer exists) and build a fresh consumer against
# the moved tree. Also checks that a newer major version and an unknown component are refused.
include("${CMAKE_CURRENT_LIST_DIR}/../common.cmake")

set(work "${JOT_WORK_DIR}/find_package")
jot_fresh_dir("${work}")
set(prefix "${work}/prefix")
jot_install_jot("find_package" "${work}/jot-build" "${prefix}")
jot_check_install_layout("${prefix}" "share/cmake/jot")
jot_check_no_absolute_paths("${prefix}" "${prefix}" "${work}" "${JOT_SOURCE_DIR}")

set(consumer "${CMAKE_CURRENT_LIST_DIR}")
jot_configure("installed prefix" "${consumer}" "${work}/consumer-installed" "${prefix}"
              "-DJOT_REQUESTED_VERSION=${JOT_HEADER_VERSION}")
jot_build("installed prefix" "${work}/consumer-installed")
jot_run_consumer("installed prefix" "${work}/consumer-installed")

# The moved prefix must work on its own: the original path no longer exists.
set(moved "${work}/elsewhere/moved-prefix")
file(MAKE_DIRECTORY "${work}/elsewhere")
file(RENAME "${prefix}" "${moved}")
jot_check("the original prefix is gone after the move" NOT EXISTS "${prefix}")
jot_configure("moved prefix" "${consumer}" "${work}/consumer-moved" "${moved}"
              "-DJOT_REQUESTED_VERSION=${JOT_HEADER_VERSION}")
file(STRINGS "${work}/consumer-moved/CMakeCache.txt" jot_dir REGEX "^jot_DIR:")
jot_check("the moved consumer found jot in the moved prefix (${jot_dir})"
          jot_dir STREQUAL "jot_DIR:PATH=${moved}/share/cmake/jot")
jot_build("moved prefix" "${work}/consumer-moved")
jot_run_consumer("moved prefix" "${work}/consumer-moved")
# jot::boost_json, when Boost.JSON was found at install time: its consumer signs and verifies through Boost.JSON.
if(EXISTS "${moved}/share/cmake/jot/jotBoostJsonTargets.cmake")
    set(exe "${work}/consumer-moved/bin/consumer_boost_json${CMAKE_EXECUTABLE_SUFFIX}")
    jot_check("moved prefix: the jot::boost_json consumer was built" EXISTS "${exe}")
    jot_run("moved prefix: run the jot::boost_json consumer" COMMAND "${exe}")
endif()

# The version file must refuse a request it cannot satisfy; the config must refuse unknown components.
math(EXPR next_major "${JOT_VERSION_MAJOR} + 1")
jot_configure("a newer major version" "${consumer}" "${work}/consumer-newer" "${moved}" EXPECT_FAILURE
              OUTPUT_VARIABLE out "-DJOT_REQUESTED_VERSION=${next_major}.0")
if(NOT out MATCHES "considered[ \t\r\n]+but[ \t\r\n]+not[ \t\r\n]+accepted")
    message(FATAL_ERROR "check failed: find_package(jot ${next_major}.0) did not fail for the version:\n${out}")
endif()
jot_configure("an unknown component" "${consumer}" "${work}/consumer-component" "${moved}" EXPECT_FAILURE
              OUTPUT_VARIABLE out "-DJOT_REQUESTED_VERSION=${JOT_HEADER_VERSION}"
              "-DJOT_REQUESTED_COMPONENT=no_such_component")
if(NOT out MATCHES "considered[ \t\r\n]+to[ \t\r\n]+be[ \t\r\n]+NOT[ \t\r\n]+FOUND")
    message(FATAL_ERROR "check failed: find_package(jot COMPONENTS no_such_component) did not fail as "
                        "'not found':\n${out}")
endif()
