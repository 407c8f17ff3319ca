#include "openapi/schemas.h"

#include <boost/json/parse.hpp>
#include <stdexcept>
#include <string>

namespace fleet::gateway::openapi {
namespace {

namespace json = boost::json;

struct Named {
  std::string_view name;
  std::string_view schema;  // JSON
};

// Timestamps: rental, users-v1 and streetlight render UTC with a Z (2024-02-11T00:00:00Z);
// repair renders naive UTC (2025-01-10T10:00:00), as its document shows.
constexpr Named kSchemas[] = {
    // --- error bodies
    {"HTTPError", R"({
      "type": "object", "required": ["detail"],
      "properties": {"detail": {"type": "string"}}})"},
    {"ValidationError", R"({
      "type": "object", "required": ["loc", "msg", "type"],
      "properties": {
        "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
        "msg": {"type": "string"},
        "type": {"type": "string"}}})"},
    {"HTTPValidationError", R"({
      "type": "object", "required": ["detail"],
      "properties": {"detail": {"type": "array",
                                "items": {"$ref": "#/components/schemas/ValidationError"}}}})"},
    {"StreetlightError", R"({
      "type": "object", "required": ["status", "message", "data"],
      "properties": {
        "status": {"type": "integer", "description": "the HTTP status again"},
        "message": {"type": "string"},
        "data": {"type": "object", "nullable": true, "enum": [null],
                 "description": "always null in an error"}}})"},
    {"PisyncError", R"({
      "type": "object", "required": ["message"],
      "properties": {"message": {"type": "string"}}})"},

    // --- shared
    {"Message", R"({
      "type": "object", "required": ["message"],
      "properties": {"message": {"type": "string", "example": "User deleted successfully"}}})"},

    // --- rental
    {"RentalToken", R"({
      "type": "object", "required": ["access_token", "token_type", "user_id"],
      "properties": {
        "access_token": {"type": "string"},
        "token_type": {"type": "string", "enum": ["bearer"]},
        "user_id": {"type": "integer"}}})"},
    {"RentalUser", R"({
      "type": "object", "required": ["uid", "name", "cash", "creation_time", "is_admin"],
      "properties": {
        "uid": {"type": "integer"},
        "name": {"type": "string"},
        "cash": {"type": "number", "description": "wallet balance, two decimal places",
                 "example": 12.5},
        "creation_time": {"type": "string", "format": "date-time",
                          "example": "2024-02-11T00:00:00Z"},
        "is_admin": {"type": "boolean"}}})"},
    {"RentalDevice", R"({
      "type": "object",
      "required": ["id", "name", "type", "hourly_cost", "user_id", "end_time", "time_left"],
      "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "type": {"type": "string", "example": "washer"},
        "hourly_cost": {"type": "number", "example": 1.2},
        "user_id": {"type": "integer", "nullable": true, "description": "null when idle"},
        "end_time": {"type": "string", "format": "date-time", "nullable": true,
                     "description": "null when idle"},
        "time_left": {"type": "number", "nullable": true,
                      "description": "seconds; null when idle"}}})"},
    {"RentalStop", R"({
      "type": "object", "required": ["message", "device", "refund_amount"],
      "properties": {
        "message": {"type": "string", "example": "Device stopped successfully"},
        "device": {"$ref": "#/components/schemas/RentalDevice"},
        "refund_amount": {"type": "number"}}})"},

    // --- users-v1
    {"Token", R"({
      "type": "object", "required": ["access_token", "token_type"],
      "properties": {
        "access_token": {"type": "string"},
        "token_type": {"type": "string", "enum": ["bearer"]}}})"},
    {"UsersV1User", R"({
      "type": "object",
      "required": ["id", "email", "username", "full_name", "is_active", "is_superuser",
                   "created_at", "updated_at"],
      "properties": {
        "id": {"type": "integer"},
        "email": {"type": "string", "format": "email", "nullable": true,
                  "description": "null for an account that has none"},
        "username": {"type": "string"},
        "full_name": {"type": "string", "nullable": true},
        "is_active": {"type": "boolean"},
        "is_superuser": {"type": "boolean"},
        "created_at": {"type": "string", "format": "date-time",
                       "example": "2024-02-11T00:00:00Z"},
        "updated_at": {"type": "string", "format": "date-time",
                       "example": "2024-02-11T00:00:00Z"}}})"},

    // --- repair
    {"RepairUser", R"({
      "type": "object",
      "required": ["id", "full_name", "phone", "email", "profile_picture", "is_active", "is_staff",
                   "created_at"],
      "properties": {
        "id": {"type": "integer"},
        "full_name": {"type": "string", "nullable": true},
        "phone": {"type": "string", "nullable": true,
                  "description": "null for an account that has none"},
        "email": {"type": "string", "format": "email", "nullable": true,
                  "description": "null for an account that has none"},
        "profile_picture": {"type": "string", "nullable": true},
        "is_active": {"type": "boolean"},
        "is_staff": {"type": "boolean", "description": "role operator or admin"},
        "created_at": {"type": "string", "format": "date-time",
                       "description": "UTC, without an offset",
                       "example": "2025-01-10T10:00:00"}}})"},
    {"RepairTokens", R"({
      "type": "object", "required": ["access_token", "refresh_token", "token_type"],
      "properties": {
        "access_token": {"type": "string"},
        "refresh_token": {"type": "string"},
        "token_type": {"type": "string", "enum": ["bearer"]}}})"},
    {"RepairLogin", R"({
      "type": "object", "required": ["user", "tokens"],
      "properties": {
        "user": {"$ref": "#/components/schemas/RepairUser"},
        "tokens": {"$ref": "#/components/schemas/RepairTokens"}}})"},
    {"RepairRefresh", R"({
      "type": "object", "required": ["access_token", "token_type"],
      "properties": {
        "access_token": {"type": "string"},
        "token_type": {"type": "string", "enum": ["bearer"]},
        "refresh_token": {"type": "string",
                          "description": "the next refresh token; only with rotation on"}}})"},

    // --- streetlight
    {"StreetlightUser", R"({
      "type": "object", "required": ["id", "name", "email", "role", "city"],
      "properties": {
        "id": {"type": "string", "example": "1"},
        "name": {"type": "string", "nullable": true},
        "email": {"type": "string", "format": "email", "nullable": true},
        "role": {"type": "string", "enum": ["viewer", "operator", "admin"]},
        "city": {"type": "string", "nullable": true}}})"},
    {"StreetlightAuth", R"({
      "type": "object", "required": ["status", "message", "data"],
      "properties": {
        "status": {"type": "integer", "example": 200},
        "message": {"type": "string", "example": "Login successful"},
        "data": {
          "type": "object", "required": ["token", "user"],
          "properties": {
            "token": {"type": "string"},
            "user": {"$ref": "#/components/schemas/StreetlightUser"}}}}})"},

    // --- pisync
    {"PisyncAuth", R"({
      "type": "object", "required": ["message", "token"],
      "properties": {
        "message": {"type": "string", "example": "Login successful."},
        "token": {"type": "string"}}})"},
    {"PisyncDevice", R"({
      "type": "object",
      "required": ["device_id", "name", "type", "last_sync_at", "sync_status_code",
                   "error_message", "last_attempt_at"],
      "properties": {
        "device_id": {"type": "integer", "example": 101},
        "name": {"type": "string", "example": "Raspberry Pi 4B"},
        "type": {"type": "string", "example": "Pi4"},
        "last_sync_at": {"type": "string", "format": "date-time", "nullable": true,
                         "description": "the last successful attempt; null: never synced",
                         "example": "2025-04-23T14:30:25.000Z"},
        "sync_status_code": {"type": "integer", "nullable": true, "enum": [200, 400, 404, 500, null],
                             "description": "of the last attempt; null: never attempted"},
        "error_message": {"type": "string", "nullable": true,
                          "description": "of the last attempt; null after a success",
                          "example": "Connection Timeout"},
        "last_attempt_at": {"type": "string", "format": "date-time", "nullable": true,
                            "description": "null: never attempted",
                            "example": "2025-04-23T14:30:25.000Z"}}})"},
    {"PisyncDeviceList", R"({
      "type": "object", "required": ["count", "devices"],
      "properties": {
        "count": {"type": "integer", "example": 5},
        "devices": {"type": "array", "items": {"$ref": "#/components/schemas/PisyncDevice"}}}})"},
    {"PisyncSync", R"({
      "type": "object", "required": ["message", "device"],
      "description": "A sync attempt. The same shape answers a failed attempt, with the failure's status (400 Connection Timeout or Authentication Failure, 404 Server Not Reachable, 500 Unknown Sync Error) and the message Sync failed: <error>.",
      "properties": {
        "message": {"type": "string", "example": "Device synced successfully"},
        "device": {"$ref": "#/components/schemas/PisyncDevice"}}})"},
};

json::object parse_all() {
  json::object out;
  for (const auto& named : kSchemas) {
    json::value value = json::parse(named.schema);  // throws on a typo: every test catches it
    if (!value.is_object() || out.contains(named.name)) {
      throw std::logic_error("openapi schema " + std::string(named.name) +
                             " is not an object or is defined twice");
    }
    out[named.name] = std::move(value);
  }
  return out;
}

}  // namespace

const json::object& named_schemas() {
  static const json::object schemas = parse_all();
  return schemas;
}

const json::object* find_schema(std::string_view name) {
  const auto& schemas = named_schemas();
  auto it = schemas.find(name);
  return it == schemas.end() ? nullptr : &it->value().as_object();
}

}  // namespace fleet::gateway::openapi
