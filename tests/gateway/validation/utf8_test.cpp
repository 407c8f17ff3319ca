// Strings that go into a proto must be UTF-8: form and query text arrive as raw bytes (issue 11,
// item 1: `username=%ff` reached protobuf and answered 501).
#include <catch2/catch.hpp>

#include "http/url.h"
#include "validation/schema.h"

using namespace fleet::gateway;

TEST_CASE("is_utf8 accepts UTF-8 and refuses every malformed sequence") {
  CHECK(validation::is_utf8(""));
  CHECK(validation::is_utf8("plain ascii"));
  CHECK(validation::is_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\xb2"));  // é € 🚲
  CHECK(validation::is_utf8("\xf4\x8f\xbf\xbf"));                            // U+10FFFF
  CHECK_FALSE(validation::is_utf8("\xff"));
  CHECK_FALSE(validation::is_utf8("\x80"));                  // a continuation byte first
  CHECK_FALSE(validation::is_utf8("\xc3"));                  // truncated
  CHECK_FALSE(validation::is_utf8("\xe2\x82"));              // truncated
  CHECK_FALSE(validation::is_utf8("\xc0\xaf"));              // overlong '/'
  CHECK_FALSE(validation::is_utf8("\xe0\x80\xaf"));          // overlong '/'
  CHECK_FALSE(validation::is_utf8("\xf0\x80\x80\xaf"));      // overlong '/'
  CHECK_FALSE(validation::is_utf8("\xed\xa0\x80"));          // a UTF-16 surrogate
  CHECK_FALSE(validation::is_utf8("\xf4\x90\x80\x80"));      // past U+10FFFF
  CHECK_FALSE(validation::is_utf8("ok\xc3(after"));          // a bad continuation
}

TEST_CASE("a form or query string that is not UTF-8 is a 422 issue, not an upstream failure") {
  constexpr validation::Field fields[] = {{.name = "username", .required = true}};
  auto form = http::parse_urlencoded("username=%ff");
  auto out = validation::validate_form(form, fields);
  REQUIRE(out.issues.size() == 1);
  CHECK(out.issues[0].type == "string_unicode");
  CHECK(out.issues[0].msg ==
        "Input should be a valid string, unable to parse raw data as a unicode string");
  CHECK_FALSE(out.values.present("username"));

  auto query = validation::validate_params(http::parse_urlencoded("username=caf%C3%A9"), fields,
                                           "query");
  CHECK(query.ok());
  CHECK(query.values.string("username") == "caf\xc3\xa9");
}
