#pragma once
// The API documentation endpoints (PLATFORM.md "Documentation and operations endpoints"):
//   GET /openapi.json         the OpenAPI document of the tables, built once
//   GET /docs                 Swagger UI
//   GET /redoc                ReDoc
//   GET /docs/assets/{file}   their scripts and styles, from a whitelist
// The assets are the npm packages swagger-ui-dist and redoc, installed into DOCS_ASSETS_DIR by
// deploy/dev/web-assets.sh, and read into memory when the routes are added (no request touches
// the file system); the pages load nothing from anywhere but the gateway. Without the assets
// /docs and /redoc answer 503 and everything else is served as usual.
#include <filesystem>
#include <vector>

#include "app/context.h"
#include "endpoint/endpoint.h"

namespace fleet::gateway::surfaces {

// DOCS_ASSETS_DIR, or else this repository's deploy/web/node_modules.
std::filesystem::path docs_assets_dir();

// Builds the document of `tables` (throws std::logic_error on a table mistake, see
// openapi/document.h), reads the assets and adds the four routes. Document and assets are shared by
// every table these routes are added to: call it before serving, not while requests run.
void add_docs_routes(app::Routes& routes, std::vector<endpoint::Table> tables,
                     std::filesystem::path assets_dir = docs_assets_dir());

}  // namespace fleet::gateway::surfaces
