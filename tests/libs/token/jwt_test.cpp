#include "fleet/token/jwt.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "base64url.h"

using fleet::ManualClock;
using fleet::token::Claims;
using fleet::token::Signer;
using fleet::token::Verifier;
using fleet::token::VerifyError;
using fleet::token::detail::base64url_decode;
using fleet::token::detail::base64url_encode;
using namespace std::chrono_literals;

namespace {

struct Parts {
  std::string header, payload, signature;  // still encoded
};

Parts split(const std::string& token) {
  const auto a = token.find('.');
  const auto b = token.find('.', a + 1);
  return {token.substr(0, a), token.substr(a + 1, b - a - 1), token.substr(b + 1)};
}

std::string join(const Parts& p) { return p.header + '.' + p.payload + '.' + p.signature; }

// Signs arbitrary header and payload JSON with the key, to reach the checks behind the signature.
std::string sign_raw(const std::string& private_pem, const std::string& header,
                     const std::string& payload) {
  BIO* bio = BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  REQUIRE(key != nullptr);
  const std::string input = base64url_encode(header) + '.' + base64url_encode(payload);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string signature(64, '\0');
  std::size_t length = signature.size();
  REQUIRE(EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key) == 1);
  REQUIRE(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                         reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1);
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return input + '.' + base64url_encode(signature);
}

struct Fixture {
  ManualClock clock;
  std::string private_pem = fleet::token::generate_private_key_pem();
  std::string public_pem = fleet::token::public_key_pem_of(private_pem);
  Signer signer{private_pem, "fleetgate", fleet::token::key_id_of(public_pem), 3600s, clock};
  Verifier verifier{public_pem, "fleetgate", clock};

  boost::json::object good_claims() const {
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
    return {{"sub", "7"},      {"role", "user"},     {"iat", now},  {"nbf", now},
            {"exp", now + 60}, {"iss", "fleetgate"}, {"aud", "fleetgate"}, {"jti", "abc"}};
  }
  std::string raw(const boost::json::object& payload,
                  const std::string& header = R"({"alg":"EdDSA","typ":"JWT"})") const {
    return sign_raw(private_pem, header, boost::json::serialize(payload));
  }
  VerifyError error_of(const std::string& token) const {
    auto result = verifier.verify(token);
    REQUIRE_FALSE(result);
    return result.error;
  }
};

}  // namespace

TEST_CASE("base64url encodes without padding and decodes strictly", "[token]") {
  CHECK(base64url_encode("") == "");
  CHECK(base64url_encode("f") == "Zg");
  CHECK(base64url_encode("fo") == "Zm8");
  CHECK(base64url_encode("foo") == "Zm9v");
  CHECK(base64url_encode("\xfb\xff") == "-_8");
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\x00\xff\x10"}) {
    CHECK(base64url_decode(base64url_encode(s)) == s);
  }
  CHECK_FALSE(base64url_decode("Zg=="));  // padding
  CHECK_FALSE(base64url_decode("Z"));     // impossible length
  CHECK_FALSE(base64url_decode("Zh"));    // non-zero leftover bits
  CHECK_FALSE(base64url_decode("Zm9+"));  // standard alphabet
  CHECK_FALSE(base64url_decode("Zm9/"));
  CHECK_FALSE(base64url_decode("Zm 9v"));
}

TEST_CASE("a signed token verifies and round-trips its claims", "[token]") {
  Fixture f;
  const std::string token = f.signer.sign(42, "operator");
  auto result = f.verifier.verify(token);
  REQUIRE(result);
  const Claims& claims = *result.claims;
  CHECK(claims.user_id == 42);
  CHECK(claims.role == "operator");
  CHECK(claims.issued_at == f.clock.now());
  CHECK(claims.expires_at == f.clock.now() + 3600s);
  CHECK(claims.token_id.size() == 32);
  CHECK(f.signer.ttl() == 3600s);
  CHECK(f.signer.public_key_pem() == f.public_pem);

  auto header = boost::json::parse(*base64url_decode(split(token).header)).as_object();
  CHECK(header.at("alg") == "EdDSA");
  CHECK(header.at("typ") == "JWT");
  CHECK(header.at("kid").as_string() == f.signer.key_id());
  CHECK(f.signer.key_id().size() == 16);

  // Every token gets its own id.
  CHECK(f.verifier.verify(f.signer.sign(42, "operator")).claims->token_id != claims.token_id);
}

TEST_CASE("key ids are stable and differ between keys", "[token]") {
  Fixture f;
  CHECK(fleet::token::key_id_of(f.public_pem) == f.signer.key_id());
  const auto other = fleet::token::public_key_pem_of(fleet::token::generate_private_key_pem());
  CHECK(fleet::token::key_id_of(other) != f.signer.key_id());
  CHECK(f.private_pem.rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
  CHECK(f.public_pem.rfind("-----BEGIN PUBLIC KEY-----", 0) == 0);
}

TEST_CASE("tampering with any part breaks the signature", "[token]") {
  Fixture f;
  const Parts parts = split(f.signer.sign(7, "user"));

  SECTION("payload") {
    auto payload = boost::json::parse(*base64url_decode(parts.payload)).as_object();
    payload["role"] = "admin";
    Parts tampered = parts;
    tampered.payload = base64url_encode(boost::json::serialize(payload));
    CHECK(f.error_of(join(tampered)) == VerifyError::kBadSignature);
  }
  SECTION("header") {
    Parts tampered = parts;
    tampered.header = base64url_encode(R"({"alg":"EdDSA","typ":"JWT","kid":"someone-else"})");
    CHECK(f.error_of(join(tampered)) == VerifyError::kBadSignature);
  }
  SECTION("signature") {
    Parts tampered = parts;
    char& c = tampered.signature[10];
    c = c == 'A' ? 'B' : 'A';
    CHECK(f.error_of(join(tampered)) == VerifyError::kBadSignature);
  }
  SECTION("truncated signature") {
    Parts tampered = parts;
    tampered.signature.resize(40);
    CHECK(f.error_of(join(tampered)) == VerifyError::kBadSignature);
  }
  SECTION("empty signature") {
    Parts tampered = parts;
    tampered.signature.clear();
    CHECK(f.error_of(join(tampered)) == VerifyError::kBadSignature);
  }
}

TEST_CASE("only EdDSA is accepted", "[token]") {
  Fixture f;
  const Parts parts = split(f.signer.sign(7, "admin"));

  SECTION("alg none with an empty signature") {
    Parts forged = parts;
    forged.header = base64url_encode(R"({"alg":"none","typ":"JWT"})");
    forged.signature.clear();
    CHECK(f.error_of(join(forged)) == VerifyError::kWrongAlgorithm);
  }
  SECTION("alg HS256") {
    Parts forged = parts;
    forged.header = base64url_encode(R"({"alg":"HS256","typ":"JWT"})");
    CHECK(f.error_of(join(forged)) == VerifyError::kWrongAlgorithm);
  }
  SECTION("alg in another case, as a non-string, or missing") {
    for (const char* header : {R"({"alg":"eddsa"})", R"({"alg":["EdDSA"]})", R"({"typ":"JWT"})",
                               R"({"alg":"EdDSA "})"}) {
      Parts forged = parts;
      forged.header = base64url_encode(header);
      CHECK(f.error_of(join(forged)) == VerifyError::kWrongAlgorithm);
    }
  }
}

TEST_CASE("a token signed by another key is rejected", "[token]") {
  Fixture f;
  Fixture other;
  CHECK(f.error_of(other.signer.sign(7, "admin")) == VerifyError::kBadSignature);
}

TEST_CASE("expiry and not-before follow the clock", "[token]") {
  Fixture f;
  const std::string token = f.signer.sign(7, "user");
  f.clock.advance(3599s);
  CHECK(f.verifier.verify(token));
  f.clock.advance(1s);  // exp <= now
  CHECK(f.error_of(token) == VerifyError::kExpired);

  // A token issued by a clock 10 s ahead is not valid yet here.
  f.clock.set(ManualClock{}.now());
  ManualClock ahead;
  ahead.advance(10s);
  Signer ahead_signer{f.private_pem, "fleetgate", "k", 3600s, ahead};
  const std::string early = ahead_signer.sign(7, "user");
  CHECK(f.error_of(early) == VerifyError::kNotYetValid);
  f.clock.advance(9s);
  CHECK(f.error_of(early) == VerifyError::kNotYetValid);
  f.clock.advance(1s);  // nbf == now is valid
  CHECK(f.verifier.verify(early));
}

TEST_CASE("a token from another issuer is rejected", "[token]") {
  Fixture f;
  Signer foreign{f.private_pem, "someone-else", "k", 3600s, f.clock};
  CHECK(f.error_of(foreign.sign(7, "user")) == VerifyError::kWrongIssuer);
}

TEST_CASE("a token must name our audience", "[token]") {
  Fixture f;
  auto issued = f.verifier.verify(f.signer.sign(7, "user"));
  REQUIRE(issued);
  Signer other{f.private_pem, "fleetgate", "k", 3600s, f.clock, "another-service"};
  CHECK(f.error_of(other.sign(7, "user")) == VerifyError::kWrongAudience);

  auto claims = f.good_claims();
  claims.erase("aud");
  CHECK(f.error_of(f.raw(claims)) == VerifyError::kWrongAudience);
  for (const boost::json::value& aud :
       {boost::json::value("another-service"), boost::json::value(5),
        boost::json::value(nullptr), boost::json::value(boost::json::array{"a", "b"})}) {
    claims["aud"] = aud;
    INFO("aud = " << boost::json::serialize(aud));
    CHECK(f.error_of(f.raw(claims)) == VerifyError::kWrongAudience);
  }
  claims["aud"] = boost::json::array{"another-service", "fleetgate"};  // RFC 7519: an array
  CHECK(f.verifier.verify(f.raw(claims)));
}

TEST_CASE("a token has one spelling: standard base64 for base64url is refused", "[token]") {
  Fixture f;
  // Find a token whose signature uses '-' or '_', then spell it with '+' and '/'.
  for (int i = 0; i < 1000; ++i) {
    auto parts = split(f.signer.sign(7, "user"));
    if (parts.signature.find_first_of("-_") == std::string::npos) continue;
    REQUIRE(f.verifier.verify(join(parts)));
    for (char& c : parts.signature) c = c == '-' ? '+' : c == '_' ? '/' : c;
    CHECK(f.error_of(join(parts)) == VerifyError::kMalformed);
    parts.signature += "==";  // padding is another spelling
    CHECK(f.error_of(join(parts)) == VerifyError::kMalformed);
    return;
  }
  FAIL("no signature with '-' or '_' in 1000 tokens");
}

TEST_CASE("claims must be present and well typed", "[token]") {
  Fixture f;
  REQUIRE(f.verifier.verify(f.raw(f.good_claims())));

  for (const char* key : {"sub", "role", "iat", "nbf", "exp", "iss", "jti"}) {
    auto claims = f.good_claims();
    claims.erase(key);
    INFO("missing " << key);
    CHECK(f.error_of(f.raw(claims)) == VerifyError::kMalformed);
  }
  const std::vector<std::pair<const char*, boost::json::value>> ill_typed = {
      {"sub", 7},
      {"sub", "07"},
      {"sub", "-7"},
      {"sub", "7x"},
      {"sub", ""},
      {"sub", "99999999999999999999"},
      {"role", 1},
      {"iat", "1"},
      {"nbf", 1.5},
      {"exp", "soon"},
      {"exp", -1},
      {"exp", 1e300},
      {"exp", boost::json::value(18446744073709551615ull)},
      {"iss", nullptr},
      {"jti", boost::json::array{}},
  };
  for (const auto& [key, value] : ill_typed) {
    auto claims = f.good_claims();
    claims[key] = value;
    INFO(key << " = " << boost::json::serialize(value));
    CHECK(f.error_of(f.raw(claims)) == VerifyError::kMalformed);
  }
  // A signed payload that is not an object.
  CHECK(f.error_of(sign_raw(f.private_pem, R"({"alg":"EdDSA"})", "[1,2]")) ==
        VerifyError::kMalformed);
  CHECK(f.error_of(sign_raw(f.private_pem, R"({"alg":"EdDSA"})", "not json")) ==
        VerifyError::kMalformed);
  // Header extras: typ must be JWT, kid a string, no crit.
  CHECK(f.error_of(f.raw(f.good_claims(), R"({"alg":"EdDSA","typ":"JWS"})")) ==
        VerifyError::kMalformed);
  CHECK(f.error_of(f.raw(f.good_claims(), R"({"alg":"EdDSA","kid":5})")) ==
        VerifyError::kMalformed);
  CHECK(f.error_of(f.raw(f.good_claims(), R"({"alg":"EdDSA","crit":["exp"]})")) ==
        VerifyError::kMalformed);
  CHECK(f.verifier.verify(f.raw(f.good_claims(), R"({"alg":"EdDSA"})")));
}

// Found by tests/fuzz (bearer_jwt): a time in seconds past 2262 overflowed system_clock's
// nanoseconds while it was converted, and the wrapped time decided expiry.
TEST_CASE("times past system_clock's range are malformed, the ones within it verify", "[token]") {
  Fixture f;
  const std::int64_t last = 9'223'372'036;  // 2262-04-11, system_clock's last whole second
  for (const char* key : {"iat", "nbf", "exp"}) {
    for (std::int64_t seconds : {last + 1, std::int64_t{16'999'990'000}, std::int64_t{253'402'300'799}}) {
      auto claims = f.good_claims();
      claims[key] = seconds;
      INFO(key << " = " << seconds);
      CHECK(f.error_of(f.raw(claims)) == VerifyError::kMalformed);
    }
  }
  auto claims = f.good_claims();
  claims["exp"] = last;
  CHECK(f.verifier.verify(f.raw(claims)));
}

TEST_CASE("garbage is malformed, never a crash", "[token]") {
  Fixture f;
  const std::string good = f.signer.sign(7, "user");
  const Parts parts = split(good);
  for (const std::string& token :
       {std::string(), std::string("."), std::string(".."), std::string("..."), std::string("abc"),
        std::string("a.b"), std::string("a.b.c.d"), good + ".", "." + good,
        parts.header + "." + parts.payload, std::string("Zg==.Zg==.Zg=="),
        std::string("!!!.???.***"),
        base64url_encode("[]") + "." + parts.payload + "." + parts.signature,
        base64url_encode("{") + "." + parts.payload + "." + parts.signature,
        base64url_encode("\"EdDSA\"") + "." + parts.payload + "." + parts.signature,
        parts.header + "." + parts.payload + "." + parts.signature + "=",
        std::string(1, '\0') + good, std::string(100, '.')}) {
    INFO("token: " << token);
    CHECK(f.error_of(token) == VerifyError::kMalformed);
  }
  // Over 8 KiB is refused before any parsing.
  CHECK(f.error_of(good + std::string(fleet::token::kMaxTokenBytes, 'A')) ==
        VerifyError::kMalformed);
  CHECK(std::string(fleet::token::to_string(VerifyError::kExpired)) == "expired");
}

TEST_CASE("keys that are not Ed25519 PEMs are refused", "[token]") {
  ManualClock clock;
  CHECK_THROWS_AS(Verifier("not a pem", "fleetgate", clock), std::invalid_argument);
  CHECK_THROWS_AS(Signer("not a pem", "fleetgate", "k", 60s, clock), std::invalid_argument);
  const auto private_pem = fleet::token::generate_private_key_pem();
  const auto public_pem = fleet::token::public_key_pem_of(private_pem);
  // A public key is not a signing key and vice versa.
  CHECK_THROWS_AS(Signer(public_pem, "fleetgate", "k", 60s, clock), std::invalid_argument);
  CHECK_THROWS_AS(Verifier(private_pem, "fleetgate", clock), std::invalid_argument);
  CHECK_THROWS_AS(fleet::token::key_id_of(private_pem), std::invalid_argument);

  EVP_PKEY* ec = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  REQUIRE(ec != nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, ec);
  char* data = nullptr;
  const std::string ec_pem(data, static_cast<std::size_t>(BIO_get_mem_data(bio, &data)));
  BIO_free(bio);
  EVP_PKEY_free(ec);
  CHECK_THROWS_AS(Verifier(ec_pem, "fleetgate", clock), std::invalid_argument);
}

TEST_CASE("verify is safe from many threads at once", "[token]") {
  Fixture f;
  const std::string good = f.signer.sign(7, "user");
  // A changed symbol inside the signature. (Replacing its last two with "AA" made no change
  // when the signature already ended so: an Ed25519 signature's last byte is below 0x20, so
  // about one in twenty does, and the test failed as often.)
  std::string bad = good;
  char& symbol = bad[bad.size() - 10];
  symbol = symbol == 'A' ? 'B' : 'A';
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        if (!f.verifier.verify(good) || f.verifier.verify(bad)) ++failures;
        if (!f.verifier.verify(f.signer.sign(i + 1, "user"))) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(failures == 0);
}

TEST_CASE("token_key_id reads the header's kid and nothing else") {
  ManualClock clock;
  const std::string pem = fleet::token::generate_private_key_pem();
  const std::string kid = fleet::token::key_id_of(fleet::token::public_key_pem_of(pem));
  const Signer signer(pem, "fleetgate", kid, 3600s, clock);
  const std::string token = signer.sign(1, "user");
  CHECK(fleet::token::token_key_id(token) == kid);
  const Signer without(pem, "fleetgate", "", 3600s, clock);
  CHECK_FALSE(fleet::token::token_key_id(without.sign(1, "user")));
  CHECK_FALSE(fleet::token::token_key_id("not a token"));
  CHECK_FALSE(fleet::token::token_key_id("@@@.x.y"));
  const std::string numeric = base64url_encode(R"({"alg":"EdDSA","kid":7})") + ".x.y";
  CHECK_FALSE(fleet::token::token_key_id(numeric));
  CHECK(std::string(fleet::token::to_string(VerifyError::kUnknownKey)) == "unknown_key");
  CHECK(std::string(fleet::token::to_string(VerifyError::kKeyRetired)) == "key_retired");
}
