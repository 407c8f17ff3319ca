#pragma once
// Lights, cities and the control log in MariaDB, prepared statements only.
#include <memory>

#include "domain/repository.h"
#include "fleet/db/db.h"

namespace fleet::streetlight {

// A Transaction on a connection whose transaction someone else opened and will commit: the
// repository's own transact(), or the idempotency store, which commits the effect together with
// its stored response.
class MariadbTransaction final : public Transaction {
 public:
  explicit MariadbTransaction(db::Connection& conn) : conn_(conn) {}

  std::optional<Light> lock_light(const std::string& light_id) override;
  void set_status(std::int64_t id, const StatusChange& change) override;
  std::int64_t add_log(std::int64_t light_row_id, const ControlLog& log) override;

 private:
  db::Connection& conn_;
};

class MariadbStreetlightRepository final : public Repository {
 public:
  explicit MariadbStreetlightRepository(db::Pool& pool) : pool_(pool) {}

  // The factory that main() gives the adapter for exactly-once calls
  // (idempotency::TransactionFactory).
  static std::unique_ptr<Transaction> transaction_on(db::Connection& conn);

  void transact(const std::function<void(Transaction&)>& work) override;
  std::vector<Light> list_lights(const std::string& city) override;
  std::optional<Light> get_light(const std::string& light_id) override;
  std::vector<ControlLog> recent_logs(std::int64_t light_row_id, int limit) override;
  std::optional<CitySummary> city_summary(const std::string& city) override;
  void ensure_lights(const std::vector<NewLight>& lights, TimePoint now) override;

 private:
  db::Pool& pool_;
};

}  // namespace fleet::streetlight
