# SPDX-License-Identifier: MIT
# Install rules: the headers, the exported target jot::jot with its package config, and a pkg-config file.
# The default destinations are relative to the install prefix, so an installed tree can be moved (and
# vcpkg's CMAKE_ERROR_ON_ABSOLUTE_INSTALL_DESTINATION=ON passes).
include(CMakePackageConfigHelpers)

set(JOT_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/cmake/jot" CACHE STRING
    "Where jotConfig.cmake is installed (relative to the prefix; an absolute path is not relocatable)")
set(JOT_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_DATADIR}/pkgconfig" CACHE STRING
    "Where jot.pc is installed (relative to the prefix; an absolute path is not relocatable)")

# The whole folder, so a header added later is installed without touching this file. Trailing slash
# omitted on purpose: the folder itself lands as <includedir>/jot.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/jot" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

install(TARGETS jot EXPORT jotTargets)
install(EXPORT jotTargets NAMESPACE jot:: DESTINATION "${JOT_INSTALL_CMAKEDIR}")
# jot::redis in an export set of its own: jotConfig.cmake loads it only when it finds hiredis again.
if(TARGET jot_redis)
    install(TARGETS jot_redis EXPORT jotRedisTargets)
    install(EXPORT jotRedisTargets NAMESPACE jot:: DESTINATION "${JOT_INSTALL_CMAKEDIR}")
endif()

# --- jot::http: its own export set, which jotConfig.cmake loads only when the component http is asked for.
if(TARGET jot_http)
    install(TARGETS jot_http EXPORT jotHttpTargets)
    install(EXPORT jotHttpTargets NAMESPACE jot:: DESTINATION "${JOT_INSTALL_CMAKEDIR}")
endif()
# --- end jot::http

# --- jot::boost_json: its own export set, which jotConfig.cmake loads only when the component boost_json is asked for.
if(TARGET jot_boost_json)
    install(TARGETS jot_boost_json EXPORT jotBoostJsonTargets)
    install(EXPORT jotBoostJsonTargets NAMESPACE jot:: DESTINATION "${JOT_INSTALL_CMAKEDIR}")
endif()

configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/jotConfig.cmake.in"
    "${PROJECT_BINARY_DIR}/jotConfig.cmake" INSTALL_DESTINATION "${JOT_INSTALL_CMAKEDIR}")
# 0.x releases may break the API at each minor version; from 1.0 on, a major version is the promise.
if(PROJECT_VERSION_MAJOR EQUAL 0)
    set(_jot_compatibility SameMinorVersion)
else()
    set(_jot_compatibility SameMajorVersion)
endif()
# ARCH_INDEPENDENT: header-only, so a 32-bit consumer may use a package installed by a 64-bit build.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/jotConfigVersion.cmake"
    VERSION "${PROJECT_VERSION}" COMPATIBILITY ${_jot_compatibility} ARCH_INDEPENDENT)
install(FILES "${PROJECT_BINARY_DIR}/jotConfig.cmake" "${PROJECT_BINARY_DIR}/jotConfigVersion.cmake"
        DESTINATION "${JOT_INSTALL_CMAKEDIR}")

# pkg-config: the prefix is found from the .pc file's own folder (${pcfiledir}), so no path is baked in and
# a moved prefix keeps working. A packager who asks for absolute destinations gets absolute paths instead.
if(IS_ABSOLUTE "${JOT_INSTALL_PKGCONFIGDIR}")
    set(JOT_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
    file(RELATIVE_PATH _jot_up "/${JOT_INSTALL_PKGCONFIGDIR}" "/")
    string(REGEX REPLACE "/$" "" _jot_up "${_jot_up}")
    set(JOT_PC_PREFIX "\${pcfiledir}/${_jot_up}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
    set(JOT_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
    set(JOT_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file("${CMAKE_CURRENT_LIST_DIR}/jot.pc.in" "${PROJECT_BINARY_DIR}/jot.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/jot.pc" DESTINATION "${JOT_INSTALL_PKGCONFIGDIR}")
