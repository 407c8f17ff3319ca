#pragma once
// Device owners, order customers and assigned technicians are accounts of the user service; the
// domain asks whether one exists through this interface (gRPC in production, a fake in tests).
#include <cstdint>

namespace fleet::repair_shop {

class Accounts {
 public:
  virtual ~Accounts() = default;
  // True when the user service has an account with this id. Transport trouble surfaces as
  // DomainError UNAVAILABLE ("Service unavailable").
  virtual bool exists(std::int64_t id) = 0;
};

}  // namespace fleet::repair_shop
