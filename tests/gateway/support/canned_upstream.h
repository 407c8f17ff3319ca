#pragma once
// Canned upstream replies for the gateway's tests: an upstream::Interceptor where a test
// registers the reply per request type and reads back every call the gateway made (the request
// message and its metadata). No service rule lives here: a reply is whatever the test says.
//
//   CannedUpstream canned;
//   canned.reply<authpb::LoginRequest>(login_response);
//   canned.fail<authpb::LoginRequest>(grpc::StatusCode::UNAUTHENTICATED, "Invalid credentials");
//   canned.on<userpb::GetUserRequest>([](const userpb::GetUserRequest& r, const Metadata&) {
//     return r.id() == 1 ? ok(response) : error(grpc::StatusCode::NOT_FOUND, "gone");
//   });
//   upstream::Upstream upstream{canned};
//   ... run the gateway ...
//   CHECK(canned.last<authpb::LoginRequest>().username() == "alice");
//   CHECK(canned.sent_metadata<authpb::LoginRequest>("x-request-id") == "test-request");
//
// A call of a type without a registered reply answers UNIMPLEMENTED and is listed by
// unanswered(), so a test can assert that none happened.
#include <google/protobuf/message.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "upstream/upstream.h"

namespace fleet::gateway::testing {

namespace userpb = upstream::userpb;
namespace authpb = upstream::authpb;
namespace healthpb = upstream::healthpb;
namespace dspb = upstream::dspb;
using upstream::Metadata;
using upstream::RawReply;

// A successful reply carrying `response` (and trailers, e.g. {"x-idempotency", "replayed"}).
RawReply ok(const google::protobuf::Message& response, Metadata trailers = {});
// A failed reply.
RawReply error(grpc::StatusCode code, std::string message, Metadata trailers = {});

// One call the gateway made.
struct Sent {
  std::string type;  // the request's protobuf name, e.g. "GetUserRequest"
  std::shared_ptr<const google::protobuf::Message> request;
  Metadata metadata;  // as sent, x-request-id included

  // The metadata value of `key`, "" when absent.
  std::string_view metadata_value(std::string_view key) const;
  bool has_metadata(std::string_view key) const;
  template <typename Request>
  const Request& as() const {
    return dynamic_cast<const Request&>(*request);
  }
};

class CannedUpstream final : public upstream::Interceptor {
 public:
  using Answer = std::function<RawReply(const google::protobuf::Message&, const Metadata&)>;

  // Every call of request type `Request` is answered by `handler(request, metadata)`, which
  // returns a RawReply (ok(...), error(...)) or a response message. Replaces any earlier answer.
  template <typename Request, typename Handler>
  void on(Handler handler) {
    set(type_of<Request>(), [handler = std::move(handler)](const google::protobuf::Message& m,
                                                           const Metadata& md) -> RawReply {
      const auto& request = dynamic_cast<const Request&>(m);
      using Result = std::invoke_result_t<Handler&, const Request&, const Metadata&>;
      if constexpr (std::is_same_v<Result, RawReply>) {
        return handler(request, md);
      } else {
        return ok(handler(request, md));
      }
    });
  }
  // Every call of `Request` succeeds with `response`.
  template <typename Request>
  void reply(const google::protobuf::Message& response, Metadata trailers = {}) {
    answer_with<Request>(ok(response, std::move(trailers)));
  }
  // Every call of `Request` fails with `code` and `message`.
  template <typename Request>
  void fail(grpc::StatusCode code, std::string message, Metadata trailers = {}) {
    answer_with<Request>(error(code, std::move(message), std::move(trailers)));
  }
  template <typename Request>
  void answer_with(RawReply reply) {
    set(type_of<Request>(),
        [reply = std::move(reply)](const google::protobuf::Message&, const Metadata&) {
          return reply;
        });
  }
  // Calls of `Request` answer UNIMPLEMENTED again.
  template <typename Request>
  void remove() {
    set(type_of<Request>(), nullptr);
  }

  // Every call, in order.
  std::vector<Sent> calls() const;
  // The request types of every call, in order ("GetUserRequest", ...).
  std::vector<std::string> types() const;
  // The calls of one request type, in order.
  template <typename Request>
  std::vector<Sent> calls_of() const {
    std::vector<Sent> out;
    for (auto& sent : calls()) {
      if (sent.type == type_of<Request>()) out.push_back(std::move(sent));
    }
    return out;
  }
  template <typename Request>
  std::vector<Request> sent() const {
    std::vector<Request> out;
    for (const auto& sent : calls_of<Request>()) out.push_back(sent.template as<Request>());
    return out;
  }
  template <typename Request>
  std::size_t count() const {
    return calls_of<Request>().size();
  }
  // The last call of `Request`; throws if there was none.
  template <typename Request>
  Sent last_call() const {
    auto all = calls_of<Request>();
    if (all.empty()) throw std::logic_error("no " + type_of<Request>() + " was sent");
    return all.back();
  }
  template <typename Request>
  Request last() const {
    return last_call<Request>().template as<Request>();
  }
  // Types of the calls that found no registered answer (and got UNIMPLEMENTED).
  std::vector<std::string> unanswered() const;
  // Forgets the calls made so far (the answers stay).
  void forget();

  RawReply answer(const google::protobuf::Message& request, const Metadata& metadata) override;

  template <typename Request>
  static std::string type_of() {
    return Request::descriptor()->name();
  }

 private:
  void set(const std::string& type, Answer answer);

  mutable std::mutex mutex_;
  std::map<std::string, Answer> answers_;
  std::vector<Sent> calls_;
  std::vector<std::string> unanswered_;
};

}  // namespace fleet::gateway::testing
