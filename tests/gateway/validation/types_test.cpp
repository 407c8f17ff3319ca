// The field types the coming products need: decimal money, enums, datetimes, nullable fields,
// ids with bounds and list pages, in body (JSON), query and form, with pydantic v2's exact issues.
#include <catch2/catch.hpp>
#include <chrono>

#include "http/json.h"
#include "http/url.h"
#include "render/errors.h"
#include "surfaces/schemas.h"
#include "validation/schema.h"

using namespace fleet::gateway;
using validation::Field;
using validation::Issues;
using validation::Type;
using validation::validate_json_body;

namespace {

http::Request json_request(std::string body) {
  http::Request r;
  r.method = "POST";
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

// The 422 body exactly as a client sees it.
std::string detail(const Issues& issues) { return render::validation_response(issues).body; }

std::string one(std::string_view type, std::string_view root, std::string_view name,
                std::string_view msg) {
  return R"({"detail":[{"type":")" + std::string(type) + R"(","loc":[")" + std::string(root) +
         R"(",")" + std::string(name) + R"("],"msg":")" + std::string(msg) + R"("}]})";
}

validation::Outcome query(std::string_view text, validation::Schema schema,
                          std::string_view root = "query") {
  return validation::validate_params(http::parse_urlencoded(text), schema, root);
}

validation::Outcome form(std::string_view text, validation::Schema schema) {
  return validation::validate_form(http::parse_urlencoded(text), schema);
}

inline constexpr Field kMoney[] = {
    {.name = "cost", .type = Type::kDecimal, .required = true, .ge = 0.0},
    {.name = "amount", .type = Type::kDecimal, .le = 100.5}};

inline constexpr std::string_view kStatuses[] = {"Pending", "Repairing", "Completed", "Cancelled"};
inline constexpr Field kStatus[] = {
    {.name = "status", .type = Type::kEnum, .required = true, .choices = kStatuses}};

inline constexpr Field kWhen[] = {{.name = "at", .type = Type::kDateTime, .required = true}};
inline constexpr Field kWhenOrDate[] = {
    {.name = "at", .type = Type::kDateTime, .required = true, .date_as_midnight = true}};

}  // namespace

TEST_CASE("decimals: canonical text with exactly decimal_places decimals") {
  auto value = [](std::string cost) {
    auto out = validate_json_body(json_request(R"({"cost":)" + cost + "}"), kMoney);
    INFO(cost << " -> " << detail(out.issues));
    REQUIRE(out.ok());
    return *out.values.decimal("cost");
  };
  CHECK(value(R"("150")") == "150.00");
  CHECK(value(R"("150.00")") == "150.00");
  CHECK(value(R"("250.5")") == "250.50");
  CHECK(value(R"(" 7 ")") == "7.00");
  CHECK(value(R"("1e2")") == "100.00");
  CHECK(value(R"("+3.10")") == "3.10");
  CHECK(value(R"(".5")") == "0.50");
  CHECK(value(R"("1_000.25")") == "1000.25");
  // Too many places or digits as written, but not once normalized: pydantic accepts these.
  CHECK(value(R"("1.500")") == "1.50");
  CHECK(value(R"("150.0000000000000")") == "150.00");
  // Boundaries: zero (also negative zero) and the largest value of DECIMAL(12,2).
  CHECK(value(R"("0")") == "0.00");
  CHECK(value(R"("-0.00")") == "0.00");
  CHECK(value(R"("9999999999.99")") == "9999999999.99");
  // JSON numbers, as rental sends them: read as their shortest decimal text, never via binary
  // arithmetic.
  CHECK(value("250") == "250.00");
  CHECK(value("1.5") == "1.50");
  CHECK(value("0.1") == "0.10");
  CHECK(value("19.99") == "19.99");
  CHECK(value("150.0") == "150.00");
  CHECK(value("1e3") == "1000.00");
}

TEST_CASE("422: decimal issues") {
  auto run = [](std::string cost) {
    return detail(validate_json_body(json_request(R"({"cost":)" + cost + "}"), kMoney).issues);
  };
  const auto parsing = one("decimal_parsing", "body", "cost", "Input should be a valid decimal");
  CHECK(run(R"("abc")") == parsing);
  CHECK(run(R"("")") == parsing);
  CHECK(run(R"("1.2.3")") == parsing);
  CHECK(run(R"("1,50")") == parsing);
  CHECK(run(R"("$5")") == parsing);
  CHECK(run(R"("1e")") == parsing);
  CHECK(run(R"("_1")") == parsing);

  const auto type = one("decimal_type", "body", "cost",
                        "Decimal input should be an integer, float, string or Decimal object");
  CHECK(run("true") == type);
  CHECK(run("{}") == type);
  CHECK(run("[1]") == type);
  CHECK(run("null") == type);  // required, so not nullable

  const auto finite = one("finite_number", "body", "cost", "Input should be a finite number");
  CHECK(run(R"("NaN")") == finite);
  CHECK(run(R"("Infinity")") == finite);
  CHECK(run(R"("-inf")") == finite);
  CHECK(run(R"("sNaN")") == finite);

  CHECK(run(R"("0.001")") == one("decimal_max_places", "body", "cost",
                                 "Decimal input should have no more than 2 decimal places"));
  CHECK(run("1.005") == one("decimal_max_places", "body", "cost",
                            "Decimal input should have no more than 2 decimal places"));
  CHECK(run(R"("1234567890123")") ==
        one("decimal_max_digits", "body", "cost",
            "Decimal input should have no more than 12 digits in total"));
  CHECK(run(R"("1e20")") == one("decimal_max_digits", "body", "cost",
                                "Decimal input should have no more than 12 digits in total"));
  CHECK(run(R"("10000000000.00")") ==
        one("decimal_whole_digits", "body", "cost",
            "Decimal input should have no more than 10 digits before the decimal point"));
  CHECK(run(R"("-0.01")") ==
        one("greater_than_equal", "body", "cost", "Input should be greater than or equal to 0"));
  CHECK(run("-1") ==
        one("greater_than_equal", "body", "cost", "Input should be greater than or equal to 0"));

  // A fractional bound, compared exactly and rendered as pydantic renders a Decimal.
  auto amount = [](std::string value) {
    return validate_json_body(json_request(R"({"cost":"1","amount":)" + value + "}"), kMoney);
  };
  CHECK(amount(R"("100.50")").values.decimal("amount") == "100.50");
  CHECK(amount("100.5").values.decimal("amount") == "100.50");
  CHECK(detail(amount(R"("100.51")").issues) ==
        one("less_than_equal", "body", "amount", "Input should be less than or equal to 100.5"));

  // Issues in field order; an invalid value leaves nothing behind.
  auto both = validate_json_body(json_request(R"({"cost":"x","amount":"0.123"})"), kMoney);
  CHECK(
      detail(both.issues) ==
      R"({"detail":[{"type":"decimal_parsing","loc":["body","cost"],"msg":"Input should be a valid decimal"},)"
      R"({"type":"decimal_max_places","loc":["body","amount"],"msg":"Decimal input should have no more than 2 decimal places"}]})");
  CHECK_FALSE(both.values.present("cost"));
  CHECK_FALSE(both.values.present("amount"));
  CHECK_FALSE(both.values.decimal("cost").has_value());

  CHECK(detail(validate_json_body(json_request("{}"), kMoney).issues) ==
        one("missing", "body", "cost", "Field required"));
  // An optional decimal sent as null is present but null, like every optional field.
  auto null_amount = validate_json_body(json_request(R"({"cost":"1","amount":null})"), kMoney);
  REQUIRE(null_amount.ok());
  CHECK(null_amount.values.is_null("amount"));
  CHECK_FALSE(null_amount.values.decimal("amount").has_value());
}

TEST_CASE("decimals: places and digits options, singular wording") {
  static constexpr Field whole[] = {
      {.name = "n", .type = Type::kDecimal, .decimal_places = 0, .max_digits = 3}};
  static constexpr Field tenths[] = {
      {.name = "n", .type = Type::kDecimal, .decimal_places = 1, .max_digits = 1}};
  auto run = [](std::string body, validation::Schema schema) {
    return validate_json_body(json_request(body), schema);
  };
  CHECK(run(R"({"n":"12.0"})", whole).values.decimal("n") == "12");
  CHECK(run(R"({"n":"-5"})", whole).values.decimal("n") == "-5");
  CHECK(detail(run(R"({"n":"1.5"})", whole).issues) ==
        one("decimal_max_places", "body", "n",
            "Decimal input should have no more than 0 decimal places"));
  CHECK(detail(run(R"({"n":"1000"})", whole).issues) ==
        one("decimal_max_digits", "body", "n",
            "Decimal input should have no more than 3 digits in total"));
  CHECK(run(R"({"n":"0.5"})", tenths).values.decimal("n") == "0.5");
  CHECK(detail(run(R"({"n":"0.25"})", tenths).issues) ==
        one("decimal_max_digits", "body", "n",
            "Decimal input should have no more than 1 digit in total"));
  CHECK(detail(run(R"({"n":"5"})", tenths).issues) ==
        one("decimal_whole_digits", "body", "n",
            "Decimal input should have no more than 0 digits before the decimal point"));
}

TEST_CASE("decimals in query and form text") {
  auto ok = query("cost=150&amount=2.5", kMoney);
  REQUIRE(ok.ok());
  CHECK(ok.values.decimal("cost") == "150.00");
  CHECK(ok.values.decimal("amount") == "2.50");
  CHECK(detail(query("cost=abc", kMoney).issues) ==
        one("decimal_parsing", "query", "cost", "Input should be a valid decimal"));
  CHECK(detail(query("cost=", kMoney).issues) ==
        one("decimal_parsing", "query", "cost", "Input should be a valid decimal"));
  CHECK(detail(query("cost=nan", kMoney).issues) ==
        one("finite_number", "query", "cost", "Input should be a finite number"));
  CHECK(detail(query("amount=1", kMoney).issues) ==
        one("missing", "query", "cost", "Field required"));

  auto posted = form("cost=12.5", kMoney);
  REQUIRE(posted.ok());
  CHECK(posted.values.decimal("cost") == "12.50");
  CHECK(detail(form("cost=", kMoney).issues) == one("missing", "body", "cost", "Field required"));
  CHECK(detail(form("cost=1.999", kMoney).issues) ==
        one("decimal_max_places", "body", "cost",
            "Decimal input should have no more than 2 decimal places"));
}

TEST_CASE("enums: body, query and form") {
  const auto issue = one("enum", "body", "status",
                         "Input should be 'Pending', 'Repairing', 'Completed' or 'Cancelled'");
  auto run = [](std::string status) {
    return validate_json_body(json_request(R"({"status":)" + status + "}"), kStatus);
  };
  auto ok = run(R"("Repairing")");
  REQUIRE(ok.ok());
  CHECK(ok.values.string("status") == "Repairing");
  CHECK(run(R"("Cancelled")").values.string("status") == "Cancelled");
  for (auto bad : {R"("pending")", R"(" Pending")", R"("")", "5", "true", "null", "[]"}) {
    auto out = run(bad);
    INFO(bad);
    CHECK(detail(out.issues) == issue);
    CHECK_FALSE(out.values.present("status"));
  }

  CHECK(query("status=Completed", kStatus).values.string("status") == "Completed");
  CHECK(detail(query("status=Done", kStatus).issues) ==
        one("enum", "query", "status",
            "Input should be 'Pending', 'Repairing', 'Completed' or 'Cancelled'"));
  CHECK(form("status=Pending", kStatus).values.string("status") == "Pending");
  CHECK(detail(form("status=pending", kStatus).issues) == issue);
  CHECK(detail(form("", kStatus).issues) == one("missing", "body", "status", "Field required"));

  // pydantic's wording for one and two choices, and Python's quoting.
  static constexpr std::string_view single[] = {"Paid"};
  static constexpr std::string_view pair[] = {"Cash", "O'Card"};
  static constexpr Field single_field[] = {{.name = "s", .type = Type::kEnum, .choices = single}};
  static constexpr Field pair_field[] = {{.name = "s", .type = Type::kEnum, .choices = pair}};
  CHECK(detail(query("s=x", single_field).issues) ==
        one("enum", "query", "s", "Input should be 'Paid'"));
  CHECK(
      detail(query("s=x", pair_field).issues) ==
      R"({"detail":[{"type":"enum","loc":["query","s"],"msg":"Input should be 'Cash' or \"O'Card\""}]})");
}

TEST_CASE("datetimes: ISO 8601 stored as UTC text") {
  using namespace std::chrono;
  auto run = [](std::string at) {
    return validate_json_body(json_request(R"({"at":)" + at + "}"), kWhen);
  };
  auto text = [&](std::string at) {
    auto out = run(at);
    INFO(at << " -> " << detail(out.issues));
    REQUIRE(out.ok());
    return *out.values.string("at");
  };
  auto ok = run(R"("2024-01-15T10:30:00")");
  REQUIRE(ok.ok());
  CHECK(ok.values.string("at") == "2024-01-15T10:30:00");
  CHECK(ok.values.datetime("at") == sys_days{2024y / 1 / 15} + 10h + 30min);

  CHECK(text(R"("2024-01-15T10:30:00Z")") == "2024-01-15T10:30:00");
  CHECK(text(R"("2024-01-15T12:30:00+02:00")") == "2024-01-15T10:30:00");
  CHECK(text(R"("2024-01-15T12:30:00+0200")") == "2024-01-15T10:30:00");
  CHECK(text(R"("2024-01-01T00:30:00+01:00")") == "2023-12-31T23:30:00");
  CHECK(text(R"("2024-01-15T00:30:00-01:30")") == "2024-01-15T02:00:00");
  CHECK(text(R"("2024-01-15 10:30")") == "2024-01-15T10:30:00");
  CHECK(text(R"("2024-01-15t10:30:00z")") == "2024-01-15T10:30:00");
  CHECK(text(R"("2024-02-29T23:59:59")") == "2024-02-29T23:59:59");
  CHECK(text(R"("2024-01-15T10:30:00.5")") == "2024-01-15T10:30:00.500000");
  CHECK(text(R"("2024-01-15T10:30:00.1234567Z")") == "2024-01-15T10:30:00.123456");
  auto fraction = run(R"("2024-01-15T10:30:00.25+00:00")");
  CHECK(fraction.values.datetime("at") == sys_days{2024y / 1 / 15} + 10h + 30min + 250ms);
  // Unix timestamps, as pydantic reads numbers: seconds, or milliseconds past 2e10.
  CHECK(text("1700000000") == "2023-11-14T22:13:20");
  CHECK(text("1700000000000") == "2023-11-14T22:13:20");
  CHECK(text("1700000000.5") == "2023-11-14T22:13:20.500000");
  CHECK(text(R"("1700000000")") == "2023-11-14T22:13:20");
}

TEST_CASE("422: datetime issues") {
  auto run = [](std::string at, validation::Schema schema = kWhen) {
    auto out = validate_json_body(json_request(R"({"at":)" + at + "}"), schema);
    CHECK_FALSE(out.values.present("at"));
    return detail(out.issues);
  };
  auto parsing = [](std::string_view why) {
    return one("datetime_parsing", "body", "at",
               "Input should be a valid datetime, " + std::string(why));
  };
  // A date alone is not a datetime here.
  CHECK(run(R"("2024-01-15")") ==
        parsing("invalid datetime separator, expected `T`, `t`, `_` or space"));
  CHECK(run(R"("nope")") == parsing("input is too short"));
  CHECK(run(R"("")") == parsing("input is too short"));
  CHECK(run(R"("2024-01-15T")") == parsing("input is too short"));
  CHECK(run(R"("2024/01/15T10:30:00")") == parsing("invalid date separator, expected `-`"));
  CHECK(run(R"("20x4-01-15T10:30:00")") == parsing("invalid character in year"));
  CHECK(run(R"("2024-13-01T00:00:00")") ==
        parsing("month value is outside expected range of 1-12"));
  CHECK(run(R"("2023-02-29T00:00:00")") == parsing("day value is outside expected range"));
  CHECK(run(R"("2024-01-15T24:00:00")") == parsing("hour value is outside expected range of 0-23"));
  CHECK(run(R"("2024-01-15T10:60:00")") ==
        parsing("minute value is outside expected range of 0-59"));
  CHECK(run(R"("2024-01-15T10:30:60")") ==
        parsing("second value is outside expected range of 0-59"));
  CHECK(run(R"("2024-01-15T10-30")") == parsing("invalid time separator, expected `:`"));
  CHECK(run(R"("2024-01-15T10:30:00.")") == parsing("second fraction digits missing after `.`"));
  CHECK(run(R"("2024-01-15T10:30:00+25:00")") ==
        parsing("timezone offset must be less than 24 hours"));
  CHECK(run(R"("2024-01-15T10:30:00+01:60")") ==
        parsing("timezone minute value is outside expected range of 0-59"));
  CHECK(run(R"("2024-01-15T10:30:00 UTC")") == parsing("invalid timezone sign"));
  CHECK(run(R"("2024-01-15T10:30:00Zjunk")") ==
        parsing("unexpected extra characters at the end of the input"));
  CHECK(run("300000000000000") == parsing("dates after 9999 are not supported as unix timestamps"));

  const auto type = one("datetime_type", "body", "at", "Input should be a valid datetime");
  CHECK(run("true") == type);
  CHECK(run("{}") == type);
  CHECK(run("null") == type);  // required, so not nullable

  // pydantic's lax fallback, when asked for: a date is its midnight, and unparsable text is
  // reported with the date's error.
  auto lax = validate_json_body(json_request(R"({"at":"2024-01-15"})"), kWhenOrDate);
  REQUIRE(lax.ok());
  CHECK(lax.values.string("at") == "2024-01-15T00:00:00");
  auto from_date = [](std::string_view why) {
    return one("datetime_from_date_parsing", "body", "at",
               "Input should be a valid datetime or date, " + std::string(why));
  };
  CHECK(run(R"("2024-13-01")", kWhenOrDate) ==
        from_date("month value is outside expected range of 1-12"));
  CHECK(run(R"("2024-01-15T25:00:00")", kWhenOrDate) ==
        from_date("unexpected extra characters at the end of the input"));
  CHECK(run(R"("nope")", kWhenOrDate) == from_date("input is too short"));
  CHECK(run("true", kWhenOrDate) == type);
}

TEST_CASE("datetimes in query and form text") {
  auto ok = query("at=2024-01-15T10:30:00%2B01:00", kWhen);
  REQUIRE(ok.ok());
  CHECK(ok.values.string("at") == "2024-01-15T09:30:00");
  CHECK(detail(query("at=2024-01-15", kWhen).issues) ==
        one("datetime_parsing", "query", "at",
            "Input should be a valid datetime, invalid datetime separator, expected `T`, `t`, "
            "`_` or space"));
  CHECK(query("at=2024-01-15", kWhenOrDate).values.string("at") == "2024-01-15T00:00:00");
  CHECK(form("at=2024-01-15T10:30:00Z", kWhen).values.string("at") == "2024-01-15T10:30:00");
  CHECK(detail(form("at=soon", kWhen).issues) ==
        one("datetime_parsing", "body", "at",
            "Input should be a valid datetime, input is too short"));
}

TEST_CASE("nullable: null accepted where the field says so") {
  static constexpr Field fields[] = {
      {.name = "problem_id", .type = Type::kInt, .required = true, .nullable = true},
      {.name = "note", .nullable = false},
      {.name = "due", .type = Type::kDateTime, .nullable = true},
      {.name = "status", .type = Type::kEnum, .nullable = false, .choices = kStatuses}};
  static_assert(fields[0].accepts_null() && !fields[1].accepts_null());
  // Unset: as before the flag, optional fields accept null and required ones do not.
  static_assert(Field{.name = "a"}.accepts_null());
  static_assert(!Field{.name = "a", .required = true}.accepts_null());

  auto ok = validate_json_body(json_request(R"({"problem_id":null,"due":null})"), fields);
  REQUIRE(ok.ok());
  CHECK(ok.values.present("problem_id"));
  CHECK(ok.values.is_null("problem_id"));
  CHECK_FALSE(ok.values.integer("problem_id").has_value());
  CHECK(ok.values.is_null("due"));
  CHECK_FALSE(ok.values.datetime("due").has_value());
  CHECK_FALSE(ok.values.present("note"));

  CHECK(validate_json_body(json_request(R"({"problem_id":7})"), fields)
            .values.integer("problem_id") == 7);
  CHECK(detail(validate_json_body(json_request("{}"), fields).issues) ==
        one("missing", "body", "problem_id", "Field required"));
  auto refused =
      validate_json_body(json_request(R"({"problem_id":null,"note":null,"status":null})"), fields);
  CHECK(
      detail(refused.issues) ==
      R"({"detail":[{"type":"string_type","loc":["body","note"],"msg":"Input should be a valid string"},)"
      R"({"type":"enum","loc":["body","status"],"msg":"Input should be 'Pending', 'Repairing', 'Completed' or 'Cancelled'"}]})");
  CHECK_FALSE(refused.values.present("note"));

  // The existing schemas keep their behaviour: rental's optional name may be null.
  auto patch = validate_json_body(json_request(R"({"name":null})"), surfaces::kRentalPatchUser);
  REQUIRE(patch.ok());
  CHECK(patch.values.is_null("name"));
}

TEST_CASE("ids with bounds") {
  static constexpr Field path[] = {validation::id_field("order_id")};
  static_assert(path[0].required && path[0].type == Type::kInt && *path[0].ge == 1.0);
  CHECK(query("order_id=1", path, "path").values.integer("order_id") == 1);
  CHECK(query("order_id=9223372036854775807", path, "path").values.integer("order_id") ==
        9223372036854775807);
  for (auto bad : {"order_id=0", "order_id=-3"}) {
    auto out = query(bad, path, "path");
    CHECK(detail(out.issues) == one("greater_than_equal", "path", "order_id",
                                    "Input should be greater than or equal to 1"));
    CHECK_FALSE(out.values.present("order_id"));
  }
  CHECK(detail(query("order_id=9223372036854775808", path, "path").issues) ==
        one("int_parsing", "path", "order_id",
            "Input should be a valid integer, unable to parse string as an integer"));
  CHECK(detail(query("order_id=abc", path, "path").issues) ==
        one("int_parsing", "path", "order_id",
            "Input should be a valid integer, unable to parse string as an integer"));

  // In a body, with another lower bound.
  static constexpr Field body[] = {validation::id_field("user_id", 0)};
  CHECK(validate_json_body(json_request(R"({"user_id":0})"), body).values.integer("user_id") == 0);
  CHECK(detail(validate_json_body(json_request(R"({"user_id":-1})"), body).issues) ==
        one("greater_than_equal", "body", "user_id", "Input should be greater than or equal to 0"));
}

TEST_CASE("list pages: limit/offset with filters, validated together") {
  static constexpr auto page = validation::page_fields(10, 100);
  // The helper gives what kRepairListQuery declares by hand.
  for (auto text : {"", "limit=0", "limit=1", "limit=100", "limit=101", "offset=-1", "offset=0",
                    "limit=x&offset=y", "limit=5&offset=20"}) {
    INFO(text);
    auto helper = query(text, page);
    auto by_hand = query(text, surfaces::kRepairListQuery);
    CHECK(detail(helper.issues) == detail(by_hand.issues));
    CHECK(helper.values.integer("limit") == by_hand.values.integer("limit"));
    CHECK(helper.values.integer("offset") == by_hand.values.integer("offset"));
  }

  static constexpr Field filters[] = {{.name = "status", .type = Type::kEnum, .choices = kStatuses},
                                      {.name = "customer_id", .type = Type::kInt}};
  static constexpr auto orders = validation::with_page(filters, 10, 100);
  static constexpr Field orders_by_hand[] = {
      {.name = "status", .type = Type::kEnum, .choices = kStatuses},
      {.name = "customer_id", .type = Type::kInt},
      validation::limit_field(10, 100),
      validation::offset_field()};
  static_assert(orders.size() == 4 && orders[2].name == "limit" && orders[3].name == "offset");
  static_assert(orders[2].description == "Number of results per page");

  for (validation::Schema schema :
       {validation::Schema(orders), validation::Schema(orders_by_hand)}) {
    auto defaults = query("", schema);
    REQUIRE(defaults.ok());
    CHECK_FALSE(defaults.values.present("status"));
    CHECK(defaults.values.integer("limit") == 10);
    CHECK(defaults.values.integer("offset") == 0);

    auto filtered = query("status=Pending&customer_id=3&limit=100&offset=20", schema);
    REQUIRE(filtered.ok());
    CHECK(filtered.values.string("status") == "Pending");
    CHECK(filtered.values.integer("customer_id") == 3);
    CHECK(filtered.values.integer("limit") == 100);
    CHECK(filtered.values.integer("offset") == 20);

    CHECK(
        detail(query("status=Done&customer_id=x&limit=101&offset=-1", schema).issues) ==
        R"({"detail":[{"type":"enum","loc":["query","status"],"msg":"Input should be 'Pending', 'Repairing', 'Completed' or 'Cancelled'"},)"
        R"({"type":"int_parsing","loc":["query","customer_id"],"msg":"Input should be a valid integer, unable to parse string as an integer"},)"
        R"({"type":"less_than_equal","loc":["query","limit"],"msg":"Input should be less than or equal to 100"},)"
        R"({"type":"greater_than_equal","loc":["query","offset"],"msg":"Input should be greater than or equal to 0"}]})");
  }
}

TEST_CASE("descriptions for the docs") {
  static constexpr Field fields[] = {
      {.name = "cost", .type = Type::kDecimal, .description = "Repair cost"}, {.name = "note"}};
  static_assert(fields[0].description == "Repair cost");
  static_assert(fields[1].description.empty());
  CHECK(validate_json_body(json_request(R"({"cost":"5"})"), fields).values.decimal("cost") ==
        "5.00");
}
