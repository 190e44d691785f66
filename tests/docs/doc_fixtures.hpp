// SPDX-License-Identifier: MIT
// Placeholders the documentation snippets call for what a real program gets from elsewhere (a file, a secret
// store, the current HTTP request). Declared only: the snippets are compiled, never linked or run.
#pragma once

#include <string>

/// The bytes of a file, exactly (a key file, a JWK Set saved to disk).
std::string read_file(const std::string& path);

/// A secret from the deployment's secret store (bytes, not text).
std::string secret_from_vault();

/// The value of the current HTTP request's Authorization header ("" when there is none).
std::string authorization_header();

/// A compact JWT the program received.
std::string token_from_request();

/// What the program's own HTTP client returns for a GET (jot has no HTTP client).
struct http_response {
    int status = 0;
    std::string body;
    std::string cache_control;  ///< the Cache-Control header's value
};

/// A GET with the program's HTTP client (libcurl, cpp-httplib, Boost.Beast, ...).
http_response http_get(const std::string& url);
