# SPDX-License-Identifier: MIT
# Driver for the pkg-config route: install jot, move the prefix, then compile the consumer with nothing but
#   c++ -std=c++17 consumer.cpp $(pkg-config --cflags --libs jot)
# using the moved prefix's share/pkgconfig (jot.pc finds its prefix from its own location).
include("${CMAKE_CURRENT_LIST_DIR}/../common.cmake")

if(NOT JOT_PKG_CONFIG_EXECUTABLE)
    message(FATAL_ERROR "pkg-config was not found when the build was configured")
endif()
set(work "${JOT_WORK_DIR}/pkg_config")
jot_fresh_dir("${work}")
jot_install_jot("pkg_config" "${work}/jot-build" "${work}/prefix")
jot_check_pc_file("${work}/prefix/share/pkgconfig/jot.pc")
set(moved "${work}/elsewhere/moved-prefix")
file(MAKE_DIRECTORY "${work}/elsewhere")
file(RENAME "${work}/prefix" "${moved}")

# Only the moved prefix's .pc files, and the system's for libcrypto and nlohmann_json.
set(ENV{PKG_CONFIG_PATH} "${moved}/share/pkgconfig")
function(pkg_config out)
    jot_run("pkg-config ${ARGN}" OUTPUT_VARIABLE text COMMAND "${JOT_PKG_CONFIG_EXECUTABLE}" --print-errors ${ARGN})
    string(STRIP "${text}" text)
    set(${out} "${text}" PARENT_SCOPE)
endfunction()

pkg_config(version --modversion jot)
jot_check("pkg-config --modversion jot is the headers' version (got ${version})"
          version STREQUAL JOT_HEADER_VERSION)
pkg_config(cflags --cflags jot)
pkg_config(libs --libs jot)
# vcpkg and static builds ask for --static; it must resolve too.
pkg_config(static_libs --static --libs jot)
message(STATUS "cflags: ${cflags}\n   libs: ${libs}")
string(FIND "${cflags}" "-I${moved}/share/pkgconfig/../../include" at)
jot_check("the include flag points into the moved prefix (got ${cflags})" NOT at EQUAL -1)
separate_arguments(libs_list UNIX_COMMAND "${libs}")
jot_check("--libs brings libcrypto through Requires (got ${libs})" "-lcrypto" IN_LIST libs_list)
jot_check("--libs names no jot library (header-only) (got ${libs})" NOT "-ljot" IN_LIST libs_list)

separate_arguments(cflags_list UNIX_COMMAND "${cflags}")
set(exe "${work}/consumer${CMAKE_EXECUTABLE_SUFFIX}")
jot_run("pkg_config: compile and link" WORKING_DIRECTORY "${work}"
        COMMAND "${JOT_CXX_COMPILER}" -std=c++17 "${JOT_CONSUMERS_DIR}/consumer.cpp" ${cflags_list}
                "-DJOT_CONSUMER_EXPECTED_VERSION=\"${version}\"" ${libs_list} -o "${exe}")
jot_run("pkg_config: run" OUTPUT_VARIABLE out COMMAND "${exe}")
if(NOT out MATCHES "signed and verified an HS256 token and refused a forgery")
    message(FATAL_ERROR "check failed: the pkg-config consumer did not report success: ${out}")
endif()
