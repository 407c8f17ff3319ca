#pragma once
// Domain values <-> repair_shop.v1 messages. Responses are built only from these, so a replayed
// create renders exactly like the first. Decoding refuses what the domain cannot name: an
// unknown enum value or an unknown field in `cleared` (DomainError INVALID_ARGUMENT).
#include <optional>

#include "domain/model.h"
#include "repair_shop/v1/repair_shop.pb.h"

namespace fleet::repair_shop {

namespace v1 = fleetgate::repair_shop::v1;

void to_proto(const CatalogEntry& entry, v1::DeviceType* out);
void to_proto(const CatalogEntry& entry, v1::Brand* out);
void to_proto(const Model& model, v1::Model* out);
void to_proto(const Device& device, v1::Device* out);
void to_proto(const Order& order, v1::Order* out);
void to_proto(const StatusChange& change, v1::OrderStatusChange* out);
void to_proto(const Assignment& assignment, v1::Assignment* out);
void to_proto(const Payment& payment, v1::Payment* out);

v1::OrderStatus to_proto(OrderStatus status);
v1::PaymentStatus to_proto(PaymentStatus status);
// UNSPECIFIED -> nullopt.
std::optional<OrderStatus> order_status_of(v1::OrderStatus status);
std::optional<PaymentStatus> payment_status_of(v1::PaymentStatus status);

// The request's page, or `absent` when it has none.
std::optional<Page> page_of(bool has_page, const v1::Page& page, std::optional<Page> absent);

NewCatalogEntry new_entry_of(const v1::CreateDeviceTypeRequest& request);
NewCatalogEntry new_entry_of(const v1::CreateBrandRequest& request);
NewModel new_model_of(const v1::CreateModelRequest& request);
NewDevice new_device_of(const v1::CreateDeviceRequest& request);
DeviceChanges changes_of(const v1::UpdateDeviceRequest& request);
NewOrder new_order_of(const v1::CreateOrderRequest& request);
OrderChanges changes_of(const v1::UpdateOrderRequest& request);
OrderFilter filter_of(const v1::ListOrdersRequest& request);
NewPayment new_payment_of(const v1::CreatePaymentRequest& request);
PaymentChanges changes_of(const v1::UpdatePaymentRequest& request);
PaymentFilter filter_of(const v1::ListPaymentsRequest& request);
AssignmentFilter filter_of(const v1::ListAssignmentsRequest& request);

}  // namespace fleet::repair_shop
