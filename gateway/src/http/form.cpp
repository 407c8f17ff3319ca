#include "http/form.h"

#include <algorithm>
#include <cctype>

#include "http/message.h"

namespace fleet::gateway::http {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Parameters of a header value such as `form-data; name="x"` or `text/plain; boundary=y`.
std::optional<std::string> header_param(std::string_view value, std::string_view name) {
  std::size_t pos = value.find(';');
  while (pos != std::string_view::npos) {
    std::size_t next = value.find(';', pos + 1);
    // A quoted value may contain ';': extend to the closing quote.
    auto piece = value.substr(
        pos + 1, next == std::string_view::npos ? std::string_view::npos : next - pos - 1);
    auto eq = piece.find('=');
    if (eq != std::string_view::npos && iequals(trim(piece.substr(0, eq)), name)) {
      auto raw = trim(value.substr(pos + 1 + eq + 1));
      if (!raw.empty() && raw.front() == '"') {
        std::string out;
        for (std::size_t i = 1; i < raw.size(); ++i) {
          if (raw[i] == '\\' && i + 1 < raw.size()) {
            out.push_back(raw[++i]);
          } else if (raw[i] == '"') {
            return out;
          } else {
            out.push_back(raw[i]);
          }
        }
        return std::nullopt;  // unterminated quote
      }
      auto end = raw.find(';');
      return std::string(trim(raw.substr(0, end)));
    }
    pos = next;
  }
  return std::nullopt;
}

std::optional<ParamList> parse_multipart(std::string_view boundary, std::string_view body) {
  if (boundary.empty()) return std::nullopt;
  const std::string delimiter = "--" + std::string(boundary);
  ParamList fields;
  auto pos = body.find(delimiter);
  if (pos == std::string_view::npos) return std::nullopt;
  pos += delimiter.size();
  while (true) {
    if (body.substr(pos, 2) == "--") return fields;  // closing delimiter
    if (body.substr(pos, 2) != "\r\n") return std::nullopt;
    pos += 2;
    auto headers_end = body.find("\r\n\r\n", pos);
    if (headers_end == std::string_view::npos) return std::nullopt;
    auto headers = body.substr(pos, headers_end - pos);
    auto content_start = headers_end + 4;
    auto next = body.find("\r\n" + delimiter, content_start);
    if (next == std::string_view::npos) return std::nullopt;
    auto content = body.substr(content_start, next - content_start);

    std::optional<std::string> name;
    bool is_file = false;
    std::size_t line_start = 0;
    while (line_start <= headers.size()) {
      auto line_end = headers.find("\r\n", line_start);
      auto line =
          headers.substr(line_start, line_end == std::string_view::npos ? std::string_view::npos
                                                                        : line_end - line_start);
      auto colon = line.find(':');
      if (colon != std::string_view::npos &&
          iequals(trim(line.substr(0, colon)), "content-disposition")) {
        auto value = line.substr(colon + 1);
        name = header_param(value, "name");
        is_file = header_param(value, "filename").has_value();
      }
      if (line_end == std::string_view::npos) break;
      line_start = line_end + 2;
    }
    if (!name) return std::nullopt;
    if (!is_file) fields.add(std::move(*name), std::string(content));
    pos = next + 2 + delimiter.size();
  }
}

}  // namespace

std::string media_type(std::string_view content_type) {
  return to_lower(trim(content_type.substr(0, content_type.find(';'))));
}

std::optional<std::string> content_type_param(std::string_view content_type,
                                              std::string_view name) {
  return header_param(content_type, name);
}

bool is_form(std::string_view content_type) {
  auto type = media_type(content_type);
  return type == "application/x-www-form-urlencoded" || type == "multipart/form-data";
}

bool is_json(std::string_view content_type) {
  auto type = media_type(content_type);
  if (type == "application/json") return true;
  return type.rfind("application/", 0) == 0 && type.size() > 5 &&
         type.compare(type.size() - 5, 5, "+json") == 0;
}

std::optional<ParamList> parse_form(std::string_view content_type, std::string_view body) {
  auto type = media_type(content_type);
  if (type == "application/x-www-form-urlencoded") return parse_urlencoded(body);
  if (type == "multipart/form-data") {
    auto boundary = header_param(content_type, "boundary");
    if (!boundary) return std::nullopt;
    return parse_multipart(*boundary, body);
  }
  return std::nullopt;
}

}  // namespace fleet::gateway::http
