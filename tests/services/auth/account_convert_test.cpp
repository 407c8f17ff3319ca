// The adapter's account conversions: the user service's messages pass through the protobuf-free
// domain unchanged.
#include "api/account_convert.h"

#include <catch2/catch.hpp>

#include "domain/auth_domain.h"

using namespace fleet::auth;
namespace upb = fleetgate::user::v1;

TEST_CASE("an account survives the trip through the domain byte for byte", "[auth][api]") {
  upb::Account in;
  in.set_id(42);
  in.set_username("alice");
  in.set_email("");  // present but empty stays present
  in.set_full_name("Alice A.");
  in.set_role(upb::ROLE_OPERATOR);
  in.set_profile_picture("p.png");
  in.set_is_active(true);
  in.mutable_created_at()->set_seconds(1'700'000'000);
  in.mutable_created_at()->set_nanos(123'456'000);
  in.mutable_updated_at()->set_seconds(-1);
  in.mutable_updated_at()->set_nanos(999'999'000);

  const Account account = account_of(in);
  CHECK(account.id == 42);
  CHECK(account.username == "alice");
  CHECK(account.email == "");
  CHECK_FALSE(account.phone.has_value());
  CHECK(account.role == Role::kOperator);
  CHECK(role_claim(account) == "operator");

  upb::Account out;
  to_proto(account, &out);
  CHECK(out.SerializeAsString() == in.SerializeAsString());

  upb::Account bare;  // no times, no optional fields
  bare.set_id(7);
  upb::Account bare_out;
  to_proto(account_of(bare), &bare_out);
  CHECK(bare_out.SerializeAsString() == bare.SerializeAsString());
  CHECK_FALSE(bare_out.has_created_at());
}

TEST_CASE("a new account survives the trip through the domain", "[auth][api]") {
  upb::NewAccount in;
  in.set_phone("555");
  in.set_city("Delhi");
  in.set_role(upb::ROLE_ADMIN);
  const NewAccount account = new_account_of(in);
  CHECK(account.phone == "555");
  CHECK_FALSE(account.username.has_value());
  CHECK(account.role == Role::kAdmin);
  upb::NewAccount out;
  to_proto(account, &out);
  CHECK(out.SerializeAsString() == in.SerializeAsString());
}
