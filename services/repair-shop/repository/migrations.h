#pragma once
// The repair shop schema, applied in order by fleet::db::migrate at start. Money columns are
// DECIMAL(12,2); times are UTC DATETIME(6). Names compare case-insensitively (utf8mb4_unicode_ci),
// so "Dell" and "dell" are one brand. Foreign keys keep references whole; the domain checks them
// first so that a client sees a reason ("Device has orders"), never a foreign-key error.
#include "fleet/db/db.h"
#include "fleet/idempotency/store.h"

namespace fleet::repair_shop {

inline constexpr db::Migration kMigrations[] = {
    {1, "create_device_types",
     "CREATE TABLE IF NOT EXISTS device_types ("
     " id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
     " name VARCHAR(255) NOT NULL,"
     " description TEXT NULL,"
     " created_at DATETIME(6) NOT NULL,"
     " UNIQUE KEY uq_device_types_name (name)"
     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"},
    {2, "create_brands",
     "CREATE TABLE IF NOT EXISTS brands ("
     " id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
     " name VARCHAR(255) NOT NULL,"
     " description TEXT NULL,"
     " created_at DATETIME(6) NOT NULL,"
     " UNIQUE KEY uq_brands_name (name)"
     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"},
    {3, "create_models",
     "CREATE TABLE IF NOT EXISTS models ("
     " id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
     " brand_id BIGINT NOT NULL,"
     " name VARCHAR(255) NOT NULL,"
     " device_type_id BIGINT NOT NULL,"
     " created_at DATETIME(6) NOT NULL,"
     " UNIQUE KEY uq_models_brand_name (brand_id, name),"
     " CONSTRAINT fk_models_brand FOREIGN KEY (brand_id) REFERENCES brands (id),"
     " CONSTRAINT fk_models_device_type FOREIGN KEY (device_type_id) REFERENCES device_types (id)"
     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"},
    {4, "create_devices",
     "CREATE TABLE IF NOT EXISTS devices ("
     " id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
     " brand_id BIGINT NOT NULL,"
     " model_id BIGINT NOT NULL,"
     " device_type_id BIGINT NOT NULL,"
     " serial_number VARCHAR(255) NOT NULL,"
     " owner_id BIGINT NOT NULL,"  // an account of the user service
     " notes TEXT NULL,"
     " created_at DATETIME(6) NOT NULL,"
     " UNIQUE KEY uq_devices_serial_number (serial_number),"
     " KEY ix_devices_owner (owner_id, id),"
     " CONSTRAINT fk_devices_brand FOREIGN KEY (brand_id) REFERENCES brands (id),"
     " CONSTRAINT fk_devices_model FOREIGN KEY (model_id) REFERENCES models (id),"
     " CONSTRAINT fk_devices_device_type FOREIGN KEY (device_type_id) REFERENCES device_types (id)"
     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"},
    {5, "create_orders",
     "CREATE TABLE IF NOT EXISTS orders ("
     " id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
     " device_id BIGINT NOT NULL,"
     " customer_id BIGINT NOT NULL,"  // an account of the user service
     " problem_id BIGINT NULL,"
     " cost DECIMAL(12,2) NOT NULL,"
     " discount DECIMAL(12,2) NOT NULL,"
     " note TEXT NULL,"
     " status ENUM('Pending', 'Repairing', 'Completed', 'Cancelled') NOT NULL,"
     " estimated_completion_date DATETIME(6) NULL,"
     " completed_at DATETIME(6) NULL,"
     " created_at DATETIME(6) NOT NULL,"
     " updated_at DATETIME(6) NOT NULL,"
     " KEY ix_orders_device (device_id, id),"
     " KEY ix_orders_customer (customer_id, id),"
     " KEY ix_orders_status (status, id),"
     " CONSTRAINT fk_orders_device FOREIGN KEY (device_id) REFERENCES devices (id),"
     " CONSTRAINT ck_orders_money CHECK (cost >= 0 AND discount >= 0 AND discount <= cost)"
     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"},
    {6, "create_order_status_history",
     "CREATE TABLE IF NOT EXISTS order_status_history ("
     " id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
     " order_id BIGINT NOT NULL,"
     " from_status ENUM('Pending', 'Repairing', 'Completed', 'Cancelled') NULL,"  // NULL: created
     " to_status ENUM('Pending', 'Repairing', 'Completed', 'Cancelled') NOT NULL,"
     " changed_at DATETIME(6) NOT NULL,"
     " KEY ix_order_status_history_order (order_id, id),"
     " CONSTRAINT fk_order_status_history_order FOREIGN KEY (order_id) REFERENCES orders (id)"
     "  ON DELETE CASCADE"
     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"},
    {7, "create_assignments",
     "CREATE TABLE IF NOT EXISTS assignments ("
     " id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
     " order_id BIGINT NOT NULL,"
     " user_id BIGINT NOT NULL,"  // the technician, an account of the user service
     " assigned_at DATETIME(6) NOT NULL,"
     " UNIQUE KEY uq_assignments_order_user (order_id, user_id),"
     " KEY ix_assignments_user (user_id, id),"
     " CONSTRAINT fk_assignments_order FOREIGN KEY (order_id) REFERENCES orders (id)"
     "  ON DELETE CASCADE"
     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"},
    {8, "create_payments",
     "CREATE TABLE IF NOT EXISTS payments ("
     " id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
     " order_id BIGINT NOT NULL,"
     " due_amount DECIMAL(12,2) NOT NULL,"
     " amount DECIMAL(12,2) NOT NULL,"
     " status ENUM('Paid', 'Due', 'Unpaid', 'Partial') NOT NULL,"
     " payment_method VARCHAR(255) NULL,"
     " transaction_id VARCHAR(255) NULL,"
     " created_at DATETIME(6) NOT NULL,"
     " KEY ix_payments_order (order_id, id),"
     " KEY ix_payments_status (status, id),"
     " CONSTRAINT fk_payments_order FOREIGN KEY (order_id) REFERENCES orders (id),"
     " CONSTRAINT ck_payments_money CHECK (due_amount >= 0 AND amount >= 0)"
     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"},
    idempotency::migration(9),
    // A client error is stored with its key and replayed (issue 11 item 6).
    idempotency::error_migration(10),
};

}  // namespace fleet::repair_shop
