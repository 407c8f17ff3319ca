#include <catch2/catch.hpp>

#include "http/form.h"
#include "http/json.h"
#include "http/message.h"
#include "http/url.h"

using namespace fleet::gateway::http;

TEST_CASE("percent-decoding") {
  CHECK(percent_decode("a%20b", false) == "a b");
  CHECK(percent_decode("a+b", false) == "a+b");
  CHECK(percent_decode("a+b", true) == "a b");
  CHECK(percent_decode("%41%62%e2%82%ac", false) == "Ab\xe2\x82\xac");
  CHECK(percent_decode("100%", false) == "100%");  // kept literally
  CHECK(percent_decode("%zz%4", false) == "%zz%4");
  CHECK(percent_decode("%2", true) == "%2");
}

TEST_CASE("split_target and split_path") {
  std::string path, query;
  split_target("/api/v1/users/?skip=1&limit=2", path, query);
  CHECK(path == "/api/v1/users/");
  CHECK(query == "skip=1&limit=2");
  split_target("/healthz", path, query);
  CHECK(path == "/healthz");
  CHECK(query.empty());
  split_target("/x?a=1#frag", path, query);
  CHECK(query == "a=1");

  CHECK(split_path("/") == std::vector<std::string>{});
  CHECK(split_path("/user/all") == std::vector<std::string>{"user", "all"});
  CHECK(split_path("/api/v1/users/") == std::vector<std::string>{"api", "v1", "users", ""});
}

TEST_CASE("query strings: blank values kept, last value wins") {
  auto q = parse_urlencoded("skip=1&limit=&flag&skip=3&name=J%C3%B6rg+M&&");
  CHECK(q.get("skip") == "3");
  CHECK(q.get("limit") == "");
  CHECK(q.get("flag") == "");
  CHECK(q.get("name") == "J\xc3\xb6rg M");
  CHECK_FALSE(q.get("missing").has_value());
  CHECK(q.items().size() == 5);
}

TEST_CASE("content types") {
  CHECK(media_type("Application/JSON; charset=utf-8") == "application/json");
  CHECK(is_json("application/json"));
  CHECK(is_json("application/vnd.api+json"));
  CHECK_FALSE(is_json("text/plain"));
  CHECK(is_form("application/x-www-form-urlencoded"));
  CHECK(is_form("multipart/form-data; boundary=x"));
  CHECK(content_type_param("multipart/form-data; boundary=\"a;b\"", "boundary") == "a;b");
  CHECK(content_type_param("multipart/form-data; BOUNDARY=xyz ", "boundary") == "xyz");
  CHECK_FALSE(content_type_param("text/plain", "boundary").has_value());
}

TEST_CASE("urlencoded form") {
  auto form =
      parse_form("application/x-www-form-urlencoded", "username=alice&password=p%26ss+word");
  REQUIRE(form);
  CHECK(form->get("username") == "alice");
  CHECK(form->get("password") == "p&ss word");
  CHECK_FALSE(parse_form("application/json", "{}").has_value());
}

TEST_CASE("multipart form with text fields") {
  std::string body =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"username\"\r\n\r\n"
      "alice\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
      "Content-Type: text/plain\r\n\r\n"
      "ignored\r\n"
      "--XyZ\r\n"
      "content-disposition: form-data; name=\"password\"\r\n\r\n"
      "line1\r\nline2\r\n"
      "--XyZ--\r\n";
  auto form = parse_form("multipart/form-data; boundary=XyZ", body);
  REQUIRE(form);
  CHECK(form->get("username") == "alice");
  CHECK(form->get("password") == "line1\r\nline2");
  CHECK_FALSE(form->get("file").has_value());

  CHECK_FALSE(parse_form("multipart/form-data", body).has_value());  // no boundary
  CHECK_FALSE(parse_form("multipart/form-data; boundary=XyZ", "--XyZ\r\nbroken").has_value());
  CHECK_FALSE(parse_form("multipart/form-data; boundary=other", body).has_value());
}

TEST_CASE("JSON parsing reports the offset of the first bad byte") {
  auto ok = parse_json(" {\"a\": 1} \n");
  REQUIRE(ok.value);
  CHECK(ok.value->at("a").as_int64() == 1);

  auto bad = parse_json("{\"a\": }");
  CHECK_FALSE(bad.value);
  CHECK(bad.error_offset == 6);

  auto truncated = parse_json("{\"a\": 1");
  CHECK_FALSE(truncated.value);
  CHECK(truncated.error_offset == 7);

  auto extra = parse_json("{} x");
  CHECK_FALSE(extra.value);
  CHECK(extra.error_offset == 3);

  CHECK_FALSE(parse_json("").value);
}

TEST_CASE("headers are case-insensitive") {
  Request r;
  r.headers = {{"Content-Type", "application/json"}, {"x-request-id", "abc"}};
  CHECK(r.header("content-type") == "application/json");
  CHECK(r.header("X-Request-ID") == "abc");
  CHECK(r.header("Authorization").empty());
  CHECK_FALSE(r.has_header("authorization"));

  Response resp;
  resp.set_header("X-A", "1");
  resp.set_header("x-a", "2");
  CHECK(resp.headers.size() == 1);
  CHECK(resp.header("X-A") == "2");
}
