#pragma once
// The repair shop's objects as repair-shop.md shows them: naive UTC datetimes
// ("2025-01-10T10:00:00"), money as strings with two decimals ("250.00"), absent optional fields
// as null, statuses by their document names ("Pending", "Partial").
#include <boost/json/object.hpp>
#include <optional>
#include <string_view>

#include "repair_shop/v1/repair_shop.pb.h"

namespace fleet::gateway::render {

namespace repairpb = ::fleetgate::repair_shop::v1;

// {"id","name","description","created_at"} (device types and brands alike)
boost::json::object repair_device_type(const repairpb::DeviceType& type);
boost::json::object repair_brand(const repairpb::Brand& brand);
// {"id","brand_id","name","device_type_id","created_at"}
boost::json::object repair_model(const repairpb::Model& model);
// {"id","brand_id","model_id","device_type_id","serial_number","owner_id","notes","created_at"}
boost::json::object repair_device(const repairpb::Device& device);
// {"id","device_id","customer_id","problem_id","cost","discount","total_cost","note","status",
//  "estimated_completion_date","completed_at","created_at","updated_at"}
boost::json::object repair_order(const repairpb::Order& order);
// {"id","order_id","user_id","assigned_at"} (customer_id is for the gateway's check only)
boost::json::object repair_assignment(const repairpb::Assignment& assignment);
// {"id","order_id","due_amount","amount","status","payment_method","transaction_id","created_at"}
boost::json::object repair_payment(const repairpb::Payment& payment);

// The document's status names, and back (nullopt for a name that is not one).
std::string_view order_status_name(repairpb::OrderStatus status);
std::optional<repairpb::OrderStatus> order_status_of(std::string_view name);
std::string_view payment_status_name(repairpb::PaymentStatus status);
std::optional<repairpb::PaymentStatus> payment_status_of(std::string_view name);

// Money text with exactly two decimals ("250" -> "250.00", "7.5" -> "7.50"); other text as is.
std::string money_text(std::string_view text);

}  // namespace fleet::gateway::render
