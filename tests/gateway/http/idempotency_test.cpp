// The X-Idempotency-Key shape and the request fingerprint sent with it.
#include <catch2/catch.hpp>

#include "http/idempotency.h"

using namespace fleet::gateway;

TEST_CASE("idempotency key shape and request fingerprint") {
  CHECK(http::is_valid_idempotency_key("a"));
  CHECK(http::is_valid_idempotency_key(std::string(255, '~')));
  CHECK_FALSE(http::is_valid_idempotency_key(""));
  CHECK_FALSE(http::is_valid_idempotency_key(std::string(256, 'a')));
  CHECK_FALSE(http::is_valid_idempotency_key("a b"));
  CHECK_FALSE(http::is_valid_idempotency_key("caf\xc3\xa9"));

  auto fp = http::request_fingerprint("POST", "/device/start/1", R"({"user_id":1})");
  CHECK(fp.size() == 64);
  CHECK(fp.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(fp == http::request_fingerprint("POST", "/device/start/1", R"({"user_id":1})"));
  CHECK(fp != http::request_fingerprint("POST", "/device/start/2", R"({"user_id":1})"));
  CHECK(fp != http::request_fingerprint("POST", "/device/start/1", R"({"user_id":2})"));
  // Length prefixes: moving bytes between parts changes the fingerprint.
  CHECK(http::request_fingerprint("POST", "/a", "b") !=
        http::request_fingerprint("POST", "/ab", ""));
}
