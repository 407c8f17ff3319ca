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

    {"RepairDeviceType", R"({
      "type": "object", "required": ["id", "name", "description", "created_at"],
      "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string", "example": "Laptop"},
        "description": {"type": "string", "nullable": true, "example": "Laptop computers"},
        "created_at": {"type": "string", "format": "date-time",
                       "description": "UTC, without an offset",
                       "example": "2025-01-10T10:00:00"}}})"},
    {"RepairBrand", R"({
      "type": "object", "required": ["id", "name", "description", "created_at"],
      "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string", "example": "Dell"},
        "description": {"type": "string", "nullable": true, "example": "Dell Inc."},
        "created_at": {"type": "string", "format": "date-time",
                       "description": "UTC, without an offset",
                       "example": "2025-01-10T10:00:00"}}})"},
    {"RepairModel", R"({
      "type": "object", "required": ["id", "brand_id", "name", "device_type_id", "created_at"],
      "properties": {
        "id": {"type": "integer"},
        "brand_id": {"type": "integer"},
        "name": {"type": "string", "example": "XPS 13"},
        "device_type_id": {"type": "integer"},
        "created_at": {"type": "string", "format": "date-time",
                       "description": "UTC, without an offset",
                       "example": "2025-01-10T10:00:00"}}})"},
    {"RepairDevice", R"({
      "type": "object",
      "required": ["id", "brand_id", "model_id", "device_type_id", "serial_number", "owner_id",
                   "notes", "created_at"],
      "properties": {
        "id": {"type": "integer"},
        "brand_id": {"type": "integer"},
        "model_id": {"type": "integer"},
        "device_type_id": {"type": "integer"},
        "serial_number": {"type": "string", "example": "SN123456789"},
        "owner_id": {"type": "integer", "description": "the customer's account id"},
        "notes": {"type": "string", "nullable": true, "example": "Screen cracked"},
        "created_at": {"type": "string", "format": "date-time",
                       "description": "UTC, without an offset",
                       "example": "2025-01-10T10:00:00"}}})"},
    {"RepairOrder", R"({
      "type": "object",
      "required": ["id", "device_id", "customer_id", "problem_id", "cost", "discount",
                   "total_cost", "note", "status", "estimated_completion_date", "completed_at",
                   "created_at", "updated_at"],
      "properties": {
        "id": {"type": "integer"},
        "device_id": {"type": "integer"},
        "customer_id": {"type": "integer"},
        "problem_id": {"type": "integer", "nullable": true},
        "cost": {"type": "string", "format": "decimal", "description": "two decimal places",
                 "example": "250.00"},
        "discount": {"type": "string", "format": "decimal", "example": "0.00"},
        "total_cost": {"type": "string", "format": "decimal",
                       "description": "cost - discount, never negative", "example": "250.00"},
        "note": {"type": "string", "nullable": true},
        "status": {"type": "string", "enum": ["Pending", "Repairing", "Completed", "Cancelled"]},
        "estimated_completion_date": {"type": "string", "format": "date-time", "nullable": true,
                                      "description": "UTC, without an offset"},
        "completed_at": {"type": "string", "format": "date-time", "nullable": true,
                         "description": "set when the order becomes Completed, null otherwise"},
        "created_at": {"type": "string", "format": "date-time",
                       "description": "UTC, without an offset",
                       "example": "2025-01-10T10:00:00"},
        "updated_at": {"type": "string", "format": "date-time",
                       "description": "UTC, without an offset; moves on every change",
                       "example": "2025-01-10T10:30:00"}}})"},
    {"RepairAssignment", R"({
      "type": "object", "required": ["id", "order_id", "user_id", "assigned_at"],
      "properties": {
        "id": {"type": "integer"},
        "order_id": {"type": "integer"},
        "user_id": {"type": "integer", "description": "the technician's account id"},
        "assigned_at": {"type": "string", "format": "date-time",
                        "description": "UTC, without an offset",
                        "example": "2025-01-10T10:00:00"}}})"},
    {"RepairPayment", R"({
      "type": "object",
      "required": ["id", "order_id", "due_amount", "amount", "status", "payment_method",
                   "transaction_id", "created_at"],
      "properties": {
        "id": {"type": "integer"},
        "order_id": {"type": "integer"},
        "due_amount": {"type": "string", "format": "decimal", "example": "275.00"},
        "amount": {"type": "string", "format": "decimal", "example": "150.00"},
        "status": {"type": "string", "enum": ["Paid", "Due", "Unpaid", "Partial"]},
        "payment_method": {"type": "string", "nullable": true, "example": "Cash"},
        "transaction_id": {"type": "string", "nullable": true, "example": "TXN001"},
        "created_at": {"type": "string", "format": "date-time",
                       "description": "UTC, without an offset",
                       "example": "2025-01-10T10:00:00"}}})"},

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
    {"StreetlightLight", R"({
      "type": "object",
      "required": ["id", "light_id", "name", "city", "latitude", "longitude", "address", "status",
                   "is_automatic", "brightness", "last_status_change", "error_details"],
      "properties": {
        "id": {"type": "integer", "example": 1},
        "light_id": {"type": "string", "example": "SL001"},
        "name": {"type": "string", "example": "Light 1 - Main Road"},
        "city": {"type": "string", "example": "Delhi"},
        "latitude": {"type": "number", "example": 28.6139},
        "longitude": {"type": "number", "example": 77.209},
        "address": {"type": "string", "example": "Main Road, Delhi"},
        "status": {"type": "string", "enum": ["on", "off", "error"]},
        "is_automatic": {"type": "boolean", "description": "false once controlled by hand"},
        "brightness": {"type": "integer", "minimum": 0, "maximum": 100},
        "last_status_change": {"type": "string", "format": "date-time",
                               "example": "2025-12-16T10:30:00Z"},
        "error_details": {"type": "string", "nullable": true,
                          "description": "set only while status is error"}}})"},
    {"StreetlightControlLog", R"({
      "type": "object",
      "required": ["id", "light_id", "action", "performed_by", "control_type", "previous_status",
                   "new_status", "created_at"],
      "properties": {
        "id": {"type": "integer"},
        "light_id": {"type": "string", "example": "SL001"},
        "action": {"type": "string", "enum": ["on", "off", "error"]},
        "performed_by": {"type": "string", "example": "admin@streetlight.com"},
        "control_type": {"type": "string", "enum": ["manual", "automatic"]},
        "previous_status": {"type": "string", "enum": ["on", "off", "error"]},
        "new_status": {"type": "string", "enum": ["on", "off", "error"]},
        "created_at": {"type": "string", "format": "date-time"}}})"},
    {"StreetlightLightList", R"({
      "type": "object", "required": ["status", "message", "data"],
      "properties": {
        "status": {"type": "integer", "example": 200},
        "message": {"type": "string", "example": "Lights retrieved successfully"},
        "data": {"type": "array", "items": {"$ref": "#/components/schemas/StreetlightLight"}}}})"},
    {"StreetlightLightDetail", R"({
      "type": "object", "required": ["status", "message", "data"],
      "properties": {
        "status": {"type": "integer", "example": 200},
        "message": {"type": "string", "example": "Light details retrieved"},
        "data": {
          "type": "object", "required": ["light", "recentLogs"],
          "properties": {
            "light": {"$ref": "#/components/schemas/StreetlightLight"},
            "recentLogs": {"type": "array", "description": "newest first, at most 10",
                           "items": {"$ref": "#/components/schemas/StreetlightControlLog"}}}}}})"},
    {"StreetlightCitySummary", R"({
      "type": "object", "required": ["status", "message", "data"],
      "properties": {
        "status": {"type": "integer", "example": 200},
        "message": {"type": "string", "example": "City summary retrieved"},
        "data": {
          "type": "object",
          "required": ["id", "city", "total_lights", "lights_on", "lights_off", "lights_in_error",
                       "last_updated"],
          "description": "counted from the lights when asked",
          "properties": {
            "id": {"type": "integer", "description": "the city's id"},
            "city": {"type": "string", "example": "Delhi"},
            "total_lights": {"type": "integer"},
            "lights_on": {"type": "integer"},
            "lights_off": {"type": "integer"},
            "lights_in_error": {"type": "integer"},
            "last_updated": {"type": "string", "format": "date-time",
                             "description": "the latest status change among the lights"}}}}})"},
    {"StreetlightMapLight", R"({
      "type": "object", "required": ["light_id", "name", "location", "status"],
      "properties": {
        "light_id": {"type": "string", "example": "SL001"},
        "name": {"type": "string"},
        "location": {
          "type": "object", "required": ["latitude", "longitude"],
          "properties": {"latitude": {"type": "number"}, "longitude": {"type": "number"}}},
        "status": {"type": "string", "enum": ["on", "off", "error"]}}})"},
    {"StreetlightMap", R"({
      "type": "object", "required": ["status", "message", "data"],
      "properties": {
        "status": {"type": "integer", "example": 200},
        "message": {"type": "string", "example": "Map data retrieved"},
        "data": {"type": "array",
                 "items": {"$ref": "#/components/schemas/StreetlightMapLight"}}}})"},
    {"StreetlightControl", R"({
      "type": "object", "required": ["status", "message", "data"],
      "properties": {
        "status": {"type": "integer", "example": 200},
        "message": {"type": "string", "enum": ["Light turned on", "Light turned off"]},
        "data": {
          "type": "object",
          "required": ["light_id", "status", "is_automatic", "last_status_change"],
          "properties": {
            "light_id": {"type": "string", "example": "SL001"},
            "status": {"type": "string", "enum": ["on", "off"]},
            "is_automatic": {"type": "boolean", "enum": [false]},
            "last_status_change": {"type": "string", "format": "date-time"}}}}})"},
    {"StreetlightStatusUpdate", R"({
      "type": "object", "required": ["status", "message", "data"],
      "properties": {
        "status": {"type": "integer", "example": 200},
        "message": {"type": "string", "example": "Light status updated"},
        "data": {
          "type": "object",
          "required": ["light_id", "status", "error_details", "last_status_change"],
          "properties": {
            "light_id": {"type": "string", "example": "SL001"},
            "status": {"type": "string", "enum": ["on", "off", "error"]},
            "error_details": {"type": "string", "nullable": true},
            "last_status_change": {"type": "string", "format": "date-time"}}}}})"},

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
