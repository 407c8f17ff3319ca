#include <catch2/catch.hpp>

#include "http/json.h"
#include "http/url.h"
#include "render/errors.h"
#include "surfaces/schemas.h"
#include "validation/schema.h"

using namespace fleet::gateway;
using validation::Issues;
using validation::validate_json_body;

namespace {

http::Request json_request(std::string body, std::string content_type = "application/json") {
  http::Request r;
  r.method = "POST";
  if (!content_type.empty()) r.headers.emplace_back("Content-Type", content_type);
  r.body = std::move(body);
  return r;
}

// The 422 body exactly as a client sees it.
std::string detail(const Issues& issues) { return render::validation_response(issues).body; }

}  // namespace

TEST_CASE("422: missing fields in declaration order") {
  auto out = validate_json_body(json_request(R"({"full_name":"A"})"), surfaces::kRepairRegister);
  CHECK(detail(out.issues) ==
        R"({"detail":[{"type":"missing","loc":["body","phone"],"msg":"Field required"},)"
        R"({"type":"missing","loc":["body","email"],"msg":"Field required"},)"
        R"({"type":"missing","loc":["body","password"],"msg":"Field required"}]})");
  CHECK(render::validation_response(out.issues).status == 422);
}

TEST_CASE("422: wrong types, empty and long strings, bad email") {
  auto out = validate_json_body(
      json_request(R"({"full_name":"  ","phone":123,"email":"nope","password":")" +
                   std::string(1025, 'x') + R"("})"),
      surfaces::kRepairRegister);
  CHECK(
      detail(out.issues) ==
      R"({"detail":[{"type":"string_too_short","loc":["body","full_name"],"msg":"String should have at least 1 character"},)"
      R"({"type":"string_type","loc":["body","phone"],"msg":"Input should be a valid string"},)"
      R"({"type":"value_error","loc":["body","email"],"msg":"value is not a valid email address: An email address must have an @-sign."},)"
      R"({"type":"string_too_long","loc":["body","password"],"msg":"String should have at most 1024 characters"}]})");

  auto nulls =
      validate_json_body(json_request(R"({"phone":null,"password":"x"})"), surfaces::kRepairLogin);
  CHECK(
      detail(nulls.issues) ==
      R"({"detail":[{"type":"string_type","loc":["body","phone"],"msg":"Input should be a valid string"}]})");
}

TEST_CASE("422: the body itself") {
  CHECK(detail(validate_json_body(json_request(""), surfaces::kRepairLogin).issues) ==
        R"({"detail":[{"type":"missing","loc":["body"],"msg":"Field required"}]})");
  CHECK(
      detail(validate_json_body(json_request("[1,2]"), surfaces::kRepairLogin).issues) ==
      R"({"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from"}]})");
  CHECK(detail(validate_json_body(json_request(R"({"phone":)"), surfaces::kRepairLogin).issues) ==
        R"({"detail":[{"type":"json_invalid","loc":["body",9],"msg":"JSON decode error"}]})");
  CHECK(
      detail(validate_json_body(json_request("phone=1", "text/plain"), surfaces::kRepairLogin)
                 .issues) ==
      R"({"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from"}]})");
  // No Content-Type: read as JSON, as FastAPI does.
  CHECK(validate_json_body(json_request(R"({"phone":"1","password":"p"})", ""),
                           surfaces::kRepairLogin)
            .ok());
}

TEST_CASE("values: trimmed strings, untrimmed passwords, normalized email domain") {
  auto out = validate_json_body(
      json_request(
          R"({"full_name":" Ann ","phone":"123","email":"Ann@Example.COM","password":" pw "})"),
      surfaces::kRepairRegister);
  REQUIRE(out.ok());
  CHECK(out.values.string("full_name") == "Ann");
  CHECK(out.values.string("password") == " pw ");
  CHECK(out.values.string("email") == "Ann@example.com");
  CHECK_FALSE(out.values.present("is_staff"));
}

TEST_CASE("422: bools and numbers") {
  auto out = validate_json_body(json_request(R"({"name":"a","password":"b","is_admin":"yes"})"),
                                surfaces::kRentalCreateUser);
  CHECK(
      detail(out.issues) ==
      R"({"detail":[{"type":"bool_type","loc":["body","is_admin"],"msg":"Input should be a valid boolean"}]})");

  auto cash = validate_json_body(json_request(R"({"cash":-0.5})"), surfaces::kRentalPatchUser);
  CHECK(
      detail(cash.issues) ==
      R"({"detail":[{"type":"greater_than_equal","loc":["body","cash"],"msg":"Input should be greater than or equal to 0"}]})");
  auto cash_type = validate_json_body(json_request(R"({"cash":"10"})"), surfaces::kRentalPatchUser);
  CHECK(
      detail(cash_type.issues) ==
      R"({"detail":[{"type":"float_type","loc":["body","cash"],"msg":"Input should be a valid number"}]})");
  auto ok =
      validate_json_body(json_request(R"({"cash":12,"name":null})"), surfaces::kRentalPatchUser);
  REQUIRE(ok.ok());
  CHECK(ok.values.number("cash") == 12.0);
  CHECK(ok.values.is_null("name"));
  CHECK_FALSE(ok.values.string("name").has_value());
}

TEST_CASE("422: body integers") {
  static constexpr validation::Field schema[] = {
      {.name = "n", .type = validation::Type::kInt, .required = true, .ge = 1.0, .le = 1440.0}};
  auto run = [](std::string body) {
    return detail(validate_json_body(json_request(body), schema).issues);
  };
  CHECK(
      run(R"({"n":"5"})") ==
      R"({"detail":[{"type":"int_type","loc":["body","n"],"msg":"Input should be a valid integer"}]})");
  CHECK(
      run(R"({"n":1.5})") ==
      R"({"detail":[{"type":"int_from_float","loc":["body","n"],"msg":"Input should be a valid integer, got a number with a fractional part"}]})");
  CHECK(
      run(R"({"n":0})") ==
      R"({"detail":[{"type":"greater_than_equal","loc":["body","n"],"msg":"Input should be greater than or equal to 1"}]})");
  CHECK(
      run(R"({"n":1441})") ==
      R"({"detail":[{"type":"less_than_equal","loc":["body","n"],"msg":"Input should be less than or equal to 1440"}]})");
  auto ok = validate_json_body(json_request(R"({"n":30.0})"), schema);
  REQUIRE(ok.ok());
  CHECK(ok.values.integer("n") == 30);
}

TEST_CASE("422: query parameters with defaults and bounds") {
  auto run = [](std::string query, validation::Schema schema) {
    return validation::validate_params(http::parse_urlencoded(query), schema, "query");
  };
  auto defaults = run("", surfaces::kUsersV1ListQuery);
  REQUIRE(defaults.ok());
  CHECK(defaults.values.integer("skip") == 0);
  CHECK(defaults.values.integer("limit") == 100);

  CHECK(
      detail(run("skip=abc&limit=1001", surfaces::kUsersV1ListQuery).issues) ==
      R"({"detail":[{"type":"int_parsing","loc":["query","skip"],"msg":"Input should be a valid integer, unable to parse string as an integer"},)"
      R"({"type":"less_than_equal","loc":["query","limit"],"msg":"Input should be less than or equal to 1000"}]})");
  CHECK(
      detail(run("skip=-1", surfaces::kUsersV1ListQuery).issues) ==
      R"({"detail":[{"type":"greater_than_equal","loc":["query","skip"],"msg":"Input should be greater than or equal to 0"}]})");

  auto repair = run("limit=0&offset=2", surfaces::kRepairListQuery);
  CHECK(
      detail(repair.issues) ==
      R"({"detail":[{"type":"greater_than_equal","loc":["query","limit"],"msg":"Input should be greater than or equal to 1"}]})");
  auto repair_ok = run("limit=100&offset=2", surfaces::kRepairListQuery);
  REQUIRE(repair_ok.ok());
  CHECK(repair_ok.values.integer("limit") == 100);
  CHECK(repair_ok.values.integer("offset") == 2);
  CHECK(
      detail(run("limit=", surfaces::kRepairListQuery).issues) ==
      R"({"detail":[{"type":"int_parsing","loc":["query","limit"],"msg":"Input should be a valid integer, unable to parse string as an integer"}]})");
}

TEST_CASE("path ids") {
  CHECK(validation::parse_int("42") == 42);
  CHECK(validation::parse_int("-3") == -3);
  CHECK(validation::parse_int("+7") == 7);
  CHECK_FALSE(validation::parse_int("abc").has_value());
  CHECK_FALSE(validation::parse_int("1.5").has_value());
  CHECK_FALSE(validation::parse_int("").has_value());
  CHECK_FALSE(validation::parse_int("99999999999999999999").has_value());
  CHECK(
      detail({validation::int_parsing(boost::json::array{"path", "uid"})}) ==
      R"({"detail":[{"type":"int_parsing","loc":["path","uid"],"msg":"Input should be a valid integer, unable to parse string as an integer"}]})");
}

TEST_CASE("forms: empty values are missing") {
  auto out = validation::validate_form(http::parse_urlencoded("username=&grant_type=password"),
                                       surfaces::kRentalTokenForm);
  CHECK(detail(out.issues) ==
        R"({"detail":[{"type":"missing","loc":["body","username"],"msg":"Field required"},)"
        R"({"type":"missing","loc":["body","password"],"msg":"Field required"}]})");
  auto ok = validation::validate_form(http::parse_urlencoded("username=bob&password=+x+"),
                                      surfaces::kRentalTokenForm);
  REQUIRE(ok.ok());
  CHECK(ok.values.string("password") == " x ");
}

TEST_CASE("email addresses") {
  using validation::email_problem;
  CHECK_FALSE(email_problem("a@b.co"));
  CHECK_FALSE(email_problem("first.last+tag@sub.example.org"));
  CHECK(email_problem("ab.co") == "An email address must have an @-sign.");
  CHECK(email_problem("@b.co") == "There must be something before the @-sign.");
  CHECK(email_problem("a@") == "There must be something after the @-sign.");
  CHECK(email_problem("a@localhost") ==
        "The part after the @-sign is not valid. It should have a period.");
  CHECK(email_problem("a b@c.de") ==
        "The email address contains invalid characters before the @-sign: ' '.");
  CHECK(email_problem(".a@c.de") == "An email address cannot start with a period.");
  CHECK(email_problem("a..b@c.de") == "An email address cannot have two periods in a row.");
  CHECK(email_problem("a@c..de").has_value());
  CHECK(email_problem("a@c.de.").has_value());
  CHECK(email_problem("a@c_d.de").has_value());
  CHECK(email_problem("a@c.123").has_value());
}

TEST_CASE("streetlight and pisync: one 400 text per schema failure") {
  auto register_text = [](std::string body) {
    auto out = validate_json_body(json_request(body), surfaces::kStreetlightRegister);
    return out.ok() ? std::string("ok") : surfaces::streetlight_register_problem(out.issues);
  };
  CHECK(register_text(R"({"name":"N","email":"n@x.io","password":"p","city":"Delhi"})") == "ok");
  CHECK(register_text(R"({"name":"N","email":"n@x.io","password":"p"})") ==
        "Missing required fields");
  CHECK(register_text(R"({"name":"","email":"n@x.io","password":"p","city":"D"})") ==
        "Missing required fields");
  CHECK(register_text(R"({"name":5,"email":"bad","password":"p","city":"D"})") ==
        "Missing required fields");
  CHECK(register_text(R"({"name":"N","email":"bad","password":"p","city":"D"})") ==
        "Invalid email");
  CHECK(register_text(R"({"name":"N","email":"n@x.io","password":"p","city":"D","role":7})") ==
        "Invalid role");
  CHECK(register_text("") == "Missing required fields");
  CHECK(register_text("{") == "Invalid JSON body");

  auto login_text = [](std::string body) {
    auto out = validate_json_body(json_request(body), surfaces::kStreetlightLogin);
    return out.ok() ? std::string("ok") : surfaces::streetlight_login_problem(out.issues);
  };
  CHECK(login_text(R"({"email":"n@x.io","password":"p"})") == "ok");
  CHECK(login_text(R"({"email":"n@x.io"})") == "Missing credentials");

  auto pisync_text = [](std::string body) {
    auto out = validate_json_body(json_request(body), surfaces::kPisyncCredentials);
    return out.ok() ? std::string("ok") : surfaces::pisync_credentials_problem(out.issues);
  };
  CHECK(pisync_text(R"({"username":"u","password":"p"})") == "ok");
  CHECK(pisync_text(R"({"username":"u"})") == "Username and password are required");
  CHECK(pisync_text(R"({"username":"","password":"p"})") == "Username and password are required");
  CHECK(pisync_text(R"({"username":1,"password":"p"})") == "Username and password are required");
  CHECK(pisync_text("[]") == "Username and password are required");
}
