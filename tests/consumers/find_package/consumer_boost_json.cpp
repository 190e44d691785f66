// SPDX-License-Identifier: MIT
// Consumer of the installed jot::boost_json target: signs and verifies with Boost.JSON as the JSON backend.
#include <chrono>
#include <string>

#include <jot/json/boost.hpp>

int main() {
    auto key = jot::hmac_key::create(jot::algorithm::hs256, std::string(32, 'k'));
    if (!key) return 1;
    auto token = jot::boost_json::builder().subject("consumer").expires_in(std::chrono::minutes(1)).sign(*key);
    if (!token) return 1;
    auto verifier = jot::boost_json::verifier_builder().key(*key).build();
    if (!verifier) return 1;
    auto verified = verifier->verify(*token);
    return verified && verified->claims().subject() && *verified->claims().subject() == "consumer" ? 0 : 1;
}
