// SPDX-License-Identifier: MIT
// Umbrella header: every public jot header except dangerous.hpp, which must be included by name.
#pragma once

#include "algorithm.hpp"
#include "base64url.hpp"
#include "bearer.hpp"
#include "builder.hpp"
#include "bytes.hpp"
#include "claims.hpp"
#include "clock.hpp"
#include "error.hpp"
#include "header.hpp"
#include "keys.hpp"
#include "profiles.hpp"
#include "result.hpp"
#include "scope.hpp"
#include "signer.hpp"
#include "token.hpp"
#include "verifier.hpp"
#include "version.hpp"
