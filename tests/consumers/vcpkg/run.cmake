# SPDX-License-Identifier: MIT
# Driver for the vcpkg route. No vcpkg here, so this reproduces what `vcpkg install jot --overlay-ports=ports`
# does with ports/jot: read the port's own options from portfile.cmake, configure jot with the options
# vcpkg_cmake_configure always adds, install into a package folder, apply vcpkg_cmake_config_fixup and
# vcpkg_fixup_pkgconfig as they behave, install usage and copyright, then run the checks of vcpkg's
# post-build validation and build a consumer against the result. The manifests are checked too.
include("${CMAKE_CURRENT_LIST_DIR}/../common.cmake")

set(port_dir "${JOT_SOURCE_DIR}/ports/jot")
set(work "${JOT_WORK_DIR}/vcpkg")
jot_fresh_dir("${work}")

# --- the manifests ------------------------------------------------------------------------------------------
function(manifest_dependencies file out)
    file(READ "${file}" json)
    string(JSON n LENGTH "${json}" dependencies)
    set(deps)
    math(EXPR last "${n} - 1")
    foreach(i RANGE ${last})
        string(JSON type TYPE "${json}" dependencies ${i})
        if(type STREQUAL "OBJECT")
            string(JSON name GET "${json}" dependencies ${i} name)
            string(JSON host ERROR_VARIABLE no_host GET "${json}" dependencies ${i} host)
            if(host)
                set(name "${name}:host")
            endif()
        else()
            string(JSON name GET "${json}" dependencies ${i})
        endif()
        list(APPEND deps "${name}")
    endforeach()
    set(${out} "${deps}" PARENT_SCOPE)
endfunction()

foreach(manifest IN ITEMS "${port_dir}/vcpkg.json" "${JOT_SOURCE_DIR}/vcpkg.json")
    file(READ "${manifest}" json)
    string(JSON name GET "${json}" name)
    string(JSON version GET "${json}" version)
    jot_check("${manifest} names the package jot (got ${name})" name STREQUAL "jot")
    jot_check("${manifest} has the headers' version ${JOT_HEADER_VERSION} (got ${version})"
              version STREQUAL JOT_HEADER_VERSION)
endforeach()

manifest_dependencies("${port_dir}/vcpkg.json" port_deps)
set(wanted "nlohmann-json;openssl;vcpkg-cmake:host;vcpkg-cmake-config:host")
list(SORT wanted)
list(SORT port_deps)
if(NOT port_deps STREQUAL wanted)
    message(FATAL_ERROR "check failed: ports/jot/vcpkg.json must depend on exactly ${wanted}, not ${port_deps}")
endif()

# The root manifest must provide every package jot's own build looks for, whichever CMakeLists.txt asks.
manifest_dependencies("${JOT_SOURCE_DIR}/vcpkg.json" root_deps)
set(port_of_OpenSSL openssl)
set(port_of_nlohmann_json nlohmann-json)
set(port_of_Catch2 catch2)
set(port_of_benchmark benchmark)
set(port_of_CLI11 cli11)
set(port_of_boost_json boost-json)
set(port_of_Threads "")  # the system's threads library, not a vcpkg port
set(port_of_PkgConfig "")  # a host tool (pkgconf); the examples that use it look for cpp-httplib and hiredis
# (The consumer projects under tests/consumers look for jot itself and are left out.)
file(GLOB lists "${JOT_SOURCE_DIR}/CMakeLists.txt" "${JOT_SOURCE_DIR}/cmake/*.cmake"
     "${JOT_SOURCE_DIR}/tests/CMakeLists.txt")
file(GLOB_RECURSE more "${JOT_SOURCE_DIR}/examples/CMakeLists.txt" "${JOT_SOURCE_DIR}/benchmarks/CMakeLists.txt"
     "${JOT_SOURCE_DIR}/tests/fuzz/CMakeLists.txt")
list(APPEND lists ${more})
foreach(f IN LISTS lists)
    file(STRINGS "${f}" calls REGEX "find_package\\(")
    foreach(call IN LISTS calls)
        if(NOT call MATCHES "find_package\\(([A-Za-z0-9_]+)")
            continue()
        endif()
        set(pkg "${CMAKE_MATCH_1}")
        if(NOT DEFINED port_of_${pkg})
            message(FATAL_ERROR "check failed: ${f} looks for the package ${pkg}; add its vcpkg port to the "
                                "root vcpkg.json and its name to this driver's port_of_ table")
        endif()
        if(port_of_${pkg} AND NOT port_of_${pkg} IN_LIST root_deps)
            message(FATAL_ERROR "check failed: ${f} looks for ${pkg}, but the root vcpkg.json lacks "
                                "'${port_of_${pkg}}' (it has: ${root_deps})")
        endif()
    endforeach()
endforeach()

# --- the portfile --------------------------------------------------------------------------------------------
file(READ "${port_dir}/portfile.cmake" portfile)
string(REGEX REPLACE "#[^\n]*" "" portfile_code "${portfile}")
if(NOT portfile_code MATCHES "vcpkg_cmake_configure\\(([^)]*)\\)")
    message(FATAL_ERROR "check failed: portfile.cmake does not call vcpkg_cmake_configure")
endif()
string(REGEX MATCHALL "-D[A-Za-z0-9_]+(:[A-Z]+)?=[^ \t\r\n)]+" port_options "${CMAKE_MATCH_1}")
# Issue 7: the project's CMake needs nothing from the port beyond switching tests, examples and benchmarks off.
list(SORT port_options)
if(NOT port_options STREQUAL "-DJOT_BUILD_BENCHMARKS=OFF;-DJOT_BUILD_EXAMPLES=OFF;-DJOT_BUILD_TESTS=OFF")
    message(FATAL_ERROR "check failed: the port passes options beyond switching tests, examples and benchmarks "
                        "off: ${port_options}")
endif()
if(NOT portfile_code MATCHES "set\\(VCPKG_BUILD_TYPE release\\)")
    message(FATAL_ERROR "check failed: a header-only port builds the release configuration only")
endif()
if(NOT portfile_code MATCHES "vcpkg_cmake_config_fixup\\(CONFIG_PATH ([^ )]+)\\)")
    message(FATAL_ERROR "check failed: portfile.cmake does not call vcpkg_cmake_config_fixup(CONFIG_PATH ...)")
endif()
set(config_path "${CMAKE_MATCH_1}")
foreach(call IN ITEMS "vcpkg_cmake_install()" "vcpkg_fixup_pkgconfig()" "vcpkg_install_copyright(")
    string(FIND "${portfile_code}" "${call}" at)
    jot_check("portfile.cmake calls ${call}" NOT at EQUAL -1)
endforeach()

# --- vcpkg_cmake_configure + vcpkg_cmake_install --------------------------------------------------------------
# The folders vcpkg would use, under names that are easy to find in the installed files if they leak.
set(packages "${work}/packages/jot_x64-linux")
set(buildtree "${work}/buildtrees/jot/x64-linux-rel")
set(installed "${work}/installed/x64-linux")
jot_write_init_cache("${buildtree}.init.cmake" "" "")
jot_run("vcpkg: configure (vcpkg_cmake_configure)"
        COMMAND "${CMAKE_COMMAND}" -G "${JOT_GENERATOR}" -C "${buildtree}.init.cmake"
                -S "${JOT_SOURCE_DIR}" -B "${buildtree}"
                -DCMAKE_BUILD_TYPE=Release "-DCMAKE_INSTALL_PREFIX=${packages}"
                -DCMAKE_INSTALL_LIBDIR:STRING=lib -DCMAKE_INSTALL_BINDIR:STRING=bin
                -DFETCHCONTENT_FULLY_DISCONNECTED=ON -DCMAKE_ERROR_ON_ABSOLUTE_INSTALL_DESTINATION=ON
                -DCMAKE_EXPORT_NO_PACKAGE_REGISTRY=ON -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON
                -DCMAKE_FIND_PACKAGE_NO_SYSTEM_PACKAGE_REGISTRY=ON -DCMAKE_INSTALL_SYSTEM_RUNTIME_LIBS_SKIP=TRUE
                -DCMAKE_VERBOSE_MAKEFILE=ON -DVCPKG_APPLOCAL_DEPS=OFF
                ${port_options})
jot_run("vcpkg: build the install target (vcpkg_cmake_install)"
        COMMAND "${CMAKE_COMMAND}" --build "${buildtree}" --config Release --target install)

# --- vcpkg_cmake_config_fixup(CONFIG_PATH <config_path>) --------------------------------------------------------
# Moves the config files to share/jot, deletes the old folder (and its parent when that is named "cmake"),
# rewrites the generated prefix computation for a config two levels below the prefix, and replaces any
# remaining absolute package path by ${_IMPORT_PREFIX}.
jot_check("the port's CONFIG_PATH ${config_path} was installed" IS_DIRECTORY "${packages}/${config_path}")
if(NOT config_path STREQUAL "share/jot")
    file(GLOB config_files "${packages}/${config_path}/*")
    file(COPY ${config_files} DESTINATION "${packages}/share/jot")
    file(REMOVE_RECURSE "${packages}/${config_path}")
    get_filename_component(parent "${packages}/${config_path}" DIRECTORY)
    get_filename_component(parent_name "${parent}" NAME)
    if(parent_name STREQUAL "cmake")
        file(REMOVE_RECURSE "${parent}")
    endif()
endif()
# The generated targets file climbs from its own path to the prefix one get_filename_component(... PATH) at a
# time; vcpkg rewrites any such chain to exactly three steps (file, share/jot, share).
set(climb_from_file "get_filename_component\\(_IMPORT_PREFIX \"\\\${CMAKE_CURRENT_LIST_FILE}\" PATH\\)")
set(climb_one_more "get_filename_component\\(_IMPORT_PREFIX \"\\\${_IMPORT_PREFIX}\" PATH\\)")
set(three_steps "get_filename_component(_IMPORT_PREFIX \"\${CMAKE_CURRENT_LIST_FILE}\" PATH)")
foreach(i RANGE 1 2)
    string(APPEND three_steps "\nget_filename_component(_IMPORT_PREFIX \"\${_IMPORT_PREFIX}\" PATH)")
endforeach()
file(GLOB_RECURSE config_cmakes "${packages}/share/jot/*.cmake")
foreach(f IN LISTS config_cmakes)
    file(READ "${f}" text)
    string(REGEX REPLACE "${climb_from_file}(\n${climb_one_more})*" "${three_steps}" text "${text}")
    string(REGEX REPLACE
        "get_filename_component\\(PACKAGE_PREFIX_DIR \"\\\${CMAKE_CURRENT_LIST_DIR}/\\.\\./(\\.\\./)*\" ABSOLUTE\\)"
        "get_filename_component(PACKAGE_PREFIX_DIR \"\${CMAKE_CURRENT_LIST_DIR}/../../\" ABSOLUTE)"
        text "${text}")
    string(REPLACE "${packages}" "\${_IMPORT_PREFIX}" text "${text}")
    file(WRITE "${f}" "${text}")
endforeach()

# --- vcpkg_fixup_pkgconfig() ---------------------------------------------------------------------------------
# Replaces absolute package paths by ${prefix}, then checks that pkg-config resolves each module, --static
# included (here libcrypto and nlohmann_json come from the system rather than from vcpkg's own ports).
file(GLOB_RECURSE pc_files "${packages}/*.pc")
jot_check("the port installs a pkg-config file" pc_files)
foreach(f IN LISTS pc_files)
    file(READ "${f}" text)
    string(REPLACE "${packages}" "\${prefix}" text "${text}")
    file(WRITE "${f}" "${text}")
endforeach()
if(JOT_PKG_CONFIG_EXECUTABLE)
    set(ENV{PKG_CONFIG_PATH} "${packages}/share/pkgconfig")
    jot_run("vcpkg: pkg-config --exists jot" COMMAND "${JOT_PKG_CONFIG_EXECUTABLE}" --print-errors --exists jot)
    jot_run("vcpkg: pkg-config --static --libs jot"
            COMMAND "${JOT_PKG_CONFIG_EXECUTABLE}" --print-errors --static --libs jot)
endif()

# --- usage and vcpkg_install_copyright(FILE_LIST LICENSE) ----------------------------------------------------
file(INSTALL "${port_dir}/usage" DESTINATION "${packages}/share/jot")
file(READ "${JOT_SOURCE_DIR}/LICENSE" license)
file(WRITE "${packages}/share/jot/copyright" "${license}")

# --- vcpkg's post-build validation -----------------------------------------------------------------------------
file(GLOB headers "${packages}/include/*")
jot_check("include/ is present and not empty" headers)
jot_check("include/jot/jot.hpp is installed" EXISTS "${packages}/include/jot/jot.hpp")
jot_check("share/jot/copyright is installed" EXISTS "${packages}/share/jot/copyright")
jot_check("share/jot/usage is installed" EXISTS "${packages}/share/jot/usage")
foreach(dir IN ITEMS debug/include debug/share lib/cmake debug/lib/cmake cmake debug/cmake share/cmake)
    file(GLOB_RECURSE misplaced "${packages}/${dir}/*")
    jot_check("nothing is installed under ${dir}/ (found ${misplaced})" NOT EXISTS "${packages}/${dir}")
endforeach()
file(GLOB root_entries LIST_DIRECTORIES true RELATIVE "${packages}" "${packages}/*")
foreach(entry IN LISTS root_entries)
    jot_check("only folders at the package root (found the file ${entry})" IS_DIRECTORY "${packages}/${entry}")
endforeach()
file(GLOB_RECURSE all_dirs LIST_DIRECTORIES true "${packages}/*")
foreach(d IN LISTS all_dirs)
    if(IS_DIRECTORY "${d}")
        file(GLOB entries "${d}/*")
        jot_check("no empty folder (${d})" entries)
    endif()
endforeach()
# A .pc file under share/pkgconfig must be architecture-independent: nothing to link.
file(GLOB share_pcs "${packages}/share/pkgconfig/*.pc")
foreach(f IN LISTS share_pcs)
    file(STRINGS "${f}" libs REGEX "^Libs(\\.private)?:[ \t]*[^ \t]")
    jot_check("${f} under share/pkgconfig has no Libs (got ${libs})" NOT libs)
endforeach()
jot_check_no_absolute_paths("${packages}" "${packages}" "${work}" "${JOT_SOURCE_DIR}")

# --- vcpkg install copies the package into the installed tree; a consumer then uses it -------------------------
file(MAKE_DIRECTORY "${work}/installed")
file(RENAME "${packages}" "${installed}")
set(consumer "${JOT_CONSUMERS_DIR}/find_package")
jot_configure("vcpkg consumer" "${consumer}" "${work}/consumer" "${installed}"
              "-DJOT_REQUESTED_VERSION=${JOT_HEADER_VERSION}")
file(STRINGS "${work}/consumer/CMakeCache.txt" jot_dir REGEX "^jot_DIR:")
jot_check("the consumer found jot in share/jot of the installed tree (${jot_dir})"
          jot_dir STREQUAL "jot_DIR:PATH=${installed}/share/jot")
jot_build("vcpkg consumer" "${work}/consumer")
jot_run_consumer("vcpkg consumer" "${work}/consumer")
