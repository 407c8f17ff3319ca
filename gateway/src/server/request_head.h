#pragma once
// One request as the server reads it: Beast's parser under the server's limits, how a read that
// failed is answered, and the message turned into the application's http::Request. Apart from
// server.cpp so that tests/fuzz/http_head_fuzz.cpp runs this very code without a socket.
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <string>
#include <string_view>

#include "http/message.h"

namespace fleet::gateway::server {

using RequestMessage = boost::beast::http::request<boost::beast::http::string_body>;
using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

void apply_limits(RequestParser& parser, std::size_t header_bytes, std::size_t body_bytes);

// The server's answer to a request it cannot take; status 0: none is due (close quietly, or,
// from transfer_encoding_refusal, the request is fine).
struct Refusal {
  int status = 0;
  std::string_view text;
};

// A read that failed with `ec`: 413, 431, 400, or 0 when the peer is gone or silent.
Refusal read_refusal(const boost::beast::error_code& ec);

// RFC 9112 §6.1: a coding other than chunked cannot be read (501 when chunked is last, else the
// body's length is unknown: 400).
Refusal transfer_encoding_refusal(const RequestMessage& message);

// RFC 9112 §3.2.2: the origin form ("/path?q") of an absolute-form target ("http://host/path?q");
// any other target unchanged.
std::string origin_form(std::string_view target);

// The application's request (HEAD read as GET, RFC 9110 §9.3.2); moves the body out.
http::Request to_request(RequestMessage& message, std::string remote_address);

}  // namespace fleet::gateway::server
