// SPDX-License-Identifier: MIT
// Catch2 v2 main; with Catch2 v3, Catch2::Catch2WithMain supplies it and this file is not compiled.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
