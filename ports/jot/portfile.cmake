# SPDX-License-Identifier: MIT
# vcpkg port for jot, a header-only library: configure, install, move the package config to share/jot, install
# the usage notes and the copyright.
#
# jot has no tagged release yet, so this port builds the jot checkout it lives in (ports/jot/../..). Use it as
# an overlay port:  vcpkg install jot --overlay-ports=<path to jot>/ports
# vcpkg does not hash the sources of such a port, only its own files, so after changing jot either bump
# "port-version" in vcpkg.json, or `vcpkg remove jot` and install again with --no-binarycaching (docs/install.md). When a release is tagged, replace the SOURCE_PATH lines below with
#   vcpkg_from_github(OUT_SOURCE_PATH SOURCE_PATH REPO <owner>/jot REF "v${VERSION}" SHA512 <sha512> HEAD_REF main)
set(VCPKG_BUILD_TYPE release)  # header-only: one configuration is enough

get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
if(NOT EXISTS "${SOURCE_PATH}/include/jot/jot.hpp")
    message(FATAL_ERROR "This port builds the jot checkout it is part of, but ${SOURCE_PATH} is not one. "
                        "Use it from a jot checkout with --overlay-ports=<jot>/ports.")
endif()

vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS
        -DJOT_BUILD_TESTS=OFF
        -DJOT_BUILD_EXAMPLES=OFF
        -DJOT_BUILD_BENCHMARKS=OFF
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(CONFIG_PATH share/cmake/jot)
vcpkg_fixup_pkgconfig()

file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
