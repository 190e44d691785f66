// SPDX-License-Identifier: MIT
// jot's version: the one place it is defined (CMake reads JOT_VERSION from here).
#pragma once

/// jot's version as MAJOR * 10000 + MINOR * 100 + PATCH.
#define JOT_VERSION 100

/// The major, minor and patch parts of JOT_VERSION.
#define JOT_VERSION_MAJOR (JOT_VERSION / 10000)
#define JOT_VERSION_MINOR (JOT_VERSION / 100 % 100)
#define JOT_VERSION_PATCH (JOT_VERSION % 100)
