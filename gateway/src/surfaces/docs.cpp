#include "surfaces/docs.h"

#include <array>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include "openapi/document.h"

namespace fleet::gateway::surfaces {
namespace {

using app::Context;
using Awaitable = boost::asio::awaitable<http::Response>;

struct Asset {
  std::string_view name;  // the URL's {file}
  std::string_view file;  // under the assets directory
  std::string_view content_type;
};

// Only these are served: no path from the URL ever reaches the file system.
constexpr Asset kAssets[] = {
    {"swagger-ui.css", "swagger-ui-dist/swagger-ui.css", "text/css; charset=utf-8"},
    {"swagger-ui-bundle.js", "swagger-ui-dist/swagger-ui-bundle.js",
     "text/javascript; charset=utf-8"},
    {"favicon-32x32.png", "swagger-ui-dist/favicon-32x32.png", "image/png"},
    {"redoc.standalone.js", "redoc/bundles/redoc.standalone.js", "text/javascript; charset=utf-8"},
};

// Read once at start, so that no request touches the file system on an io thread; assets
// installed later are served after a restart.
struct State {
  std::string document;
  std::array<std::optional<std::string>, std::size(kAssets)> assets;  // by kAssets index
};

std::mutex state_mutex;
std::shared_ptr<const State> state;

std::shared_ptr<const State> current() {
  std::lock_guard lock(state_mutex);
  return state;
}

// The index of the asset named `name` in kAssets.
std::optional<std::size_t> find_asset(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kAssets); ++i) {
    if (kAssets[i].name == name) return i;
  }
  return std::nullopt;
}

std::optional<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(out).str();
}

http::Response detail(int status, std::string_view text) {
  http::Response response;
  response.status = status;
  response.set_header("Content-Type", "application/json");
  response.body = "{\"detail\":\"" + std::string(text) + "\"}";
  return response;
}

http::Response page(std::string body) {
  http::Response response;
  response.set_header("Content-Type", "text/html; charset=utf-8");
  response.set_header("Cache-Control", "no-cache");
  response.body = std::move(body);
  return response;
}

// A page's assets were all there at start.
bool installed(const State& s, std::initializer_list<std::string_view> names) {
  for (auto name : names) {
    if (!s.assets[*find_asset(name)]) return false;
  }
  return true;
}

constexpr std::string_view kNotInstalled =
    "docs assets not installed (run deploy/dev/web-assets.sh or set DOCS_ASSETS_DIR)";

// validatorUrl null: Swagger UI would otherwise send the document to an online validator.
constexpr std::string_view kSwaggerPage = R"html(<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Fleetgate API - Swagger UI</title>
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: "/openapi.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      validatorUrl: null,
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout"
    });
  </script>
</body>
</html>
)html";

constexpr std::string_view kRedocPage = R"html(<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Fleetgate API - ReDoc</title>
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
  <style>body { margin: 0; padding: 0; }</style>
</head>
<body>
  <redoc spec-url="/openapi.json"></redoc>
  <script src="/docs/assets/redoc.standalone.js"></script>
</body>
</html>
)html";

Awaitable openapi(Context&) {
  http::Response response;
  response.set_header("Content-Type", "application/json");
  response.set_header("Cache-Control", "no-cache");
  response.body = current()->document;
  co_return response;
}

Awaitable swagger_ui(Context&) {
  if (!installed(*current(), {"swagger-ui.css", "swagger-ui-bundle.js"})) {
    co_return detail(503, kNotInstalled);
  }
  co_return page(std::string(kSwaggerPage));
}

Awaitable redoc(Context&) {
  if (!installed(*current(), {"redoc.standalone.js"})) co_return detail(503, kNotInstalled);
  co_return page(std::string(kRedocPage));
}

Awaitable asset(Context& ctx) {
  const auto found = find_asset(ctx.params.get("file").value_or(""));
  if (!found) co_return detail(404, "Not Found");
  const auto state = current();
  const auto& body = state->assets[*found];
  if (!body) co_return detail(503, kNotInstalled);
  http::Response response;
  response.set_header("Content-Type", std::string(kAssets[*found].content_type));
  response.set_header("Cache-Control", "public, max-age=86400");
  response.set_header("X-Content-Type-Options", "nosniff");
  response.body = *body;
  co_return response;
}

}  // namespace

std::filesystem::path docs_assets_dir() {
  if (const char* dir = std::getenv("DOCS_ASSETS_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  return FLEETGATE_DEFAULT_DOCS_ASSETS_DIR;
}

void add_docs_routes(app::Routes& routes, std::vector<endpoint::Table> tables,
                     std::filesystem::path assets_dir) {
  State loaded{openapi::openapi_json(tables), {}};
  for (std::size_t i = 0; i < std::size(kAssets); ++i) {
    loaded.assets[i] = read_file(assets_dir / kAssets[i].file);
  }
  auto built = std::make_shared<const State>(std::move(loaded));
  {
    std::lock_guard lock(state_mutex);
    state = std::move(built);
  }
  routes.add("GET", "/openapi.json", openapi);
  routes.add("GET", "/docs", swagger_ui);
  routes.add("GET", "/redoc", redoc);
  routes.add("GET", "/docs/assets/{file}", asset);
}

}  // namespace fleet::gateway::surfaces
