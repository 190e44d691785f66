// SPDX-License-Identifier: MIT
// One include for Catch2 v2 (Debian's single header) and v3 (vcpkg's split headers).
#pragma once

#if __has_include(<catch2/catch_test_macros.hpp>)
#include <catch2/catch_approx.hpp>
#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>
#define JOT_CATCH3 1
#else
#include <catch2/catch.hpp>
#endif
