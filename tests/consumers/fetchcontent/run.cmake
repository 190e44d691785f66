# SPDX-License-Identifier: MIT
# Driver for the FetchContent route. JOT_FETCH_MODE=url: pack the files a release archive needs (top-level
# CMakeLists.txt, LICENSE, cmake/, include/) into a tarball and fetch it by file:// URL with its SHA-256, as a
# user fetches a release. JOT_FETCH_MODE=source_dir: point FetchContent at the source tree with
# FETCHCONTENT_FULLY_DISCONNECTED=ON, so nothing may be downloaded at all.
include("${CMAKE_CURRENT_LIST_DIR}/../common.cmake")

set(work "${JOT_WORK_DIR}/fetchcontent_${JOT_FETCH_MODE}")
jot_fresh_dir("${work}")
set(build "${work}/consumer")

if(JOT_FETCH_MODE STREQUAL "url")
    # Only what jot needs as a dependency goes in: this also proves that tests/, examples/ and benchmarks/
    # are not needed when jot is a subproject.
    set(stage "${work}/stage/jot-${JOT_HEADER_VERSION}")
    file(MAKE_DIRECTORY "${stage}")
    file(COPY "${JOT_SOURCE_DIR}/CMakeLists.txt" "${JOT_SOURCE_DIR}/LICENSE" "${JOT_SOURCE_DIR}/cmake"
              "${JOT_SOURCE_DIR}/include" DESTINATION "${stage}")
    set(archive "${work}/jot-${JOT_HEADER_VERSION}.tar.gz")
    jot_run("fetchcontent: pack a release archive" WORKING_DIRECTORY "${work}/stage"
            COMMAND "${CMAKE_COMMAND}" -E tar czf "${archive}" "jot-${JOT_HEADER_VERSION}")
    file(SHA256 "${archive}" sha256)
    jot_configure("fetchcontent (url)" "${CMAKE_CURRENT_LIST_DIR}" "${build}" ""
                  "-DJOT_FETCH_URL=file://${archive}" "-DJOT_FETCH_SHA256=${sha256}")
    # The hash is checked: one changed digit must stop the configure.
    string(SUBSTRING "${sha256}" 0 1 first)
    string(SUBSTRING "${sha256}" 1 63 rest)
    if(first STREQUAL "0")
        set(wrong "1${rest}")
    else()
        set(wrong "0${rest}")
    endif()
    jot_configure("fetchcontent (url, wrong hash)" "${CMAKE_CURRENT_LIST_DIR}" "${work}/consumer-bad-hash" ""
                  EXPECT_FAILURE OUTPUT_VARIABLE out
                  "-DJOT_FETCH_URL=file://${archive}" "-DJOT_FETCH_SHA256=${wrong}")
    if(NOT out MATCHES "${wrong}")
        message(FATAL_ERROR "check failed: the configure with a wrong hash failed for another reason:\n${out}")
    endif()
elseif(JOT_FETCH_MODE STREQUAL "source_dir")
    jot_configure("fetchcontent (source_dir)" "${CMAKE_CURRENT_LIST_DIR}" "${build}" ""
                  "-DJOT_FETCH_SOURCE_DIR=${JOT_SOURCE_DIR}" -DFETCHCONTENT_FULLY_DISCONNECTED=ON)
else()
    message(FATAL_ERROR "JOT_FETCH_MODE must be url or source_dir")
endif()
jot_build("fetchcontent" "${build}")
jot_run_consumer("fetchcontent" "${build}")
