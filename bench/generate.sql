-- Mixed tables for bench/run.sh, generated inside the server from the SEQUENCE engine (seq_1_to_N),
-- deterministic (MD5/SHA2 of the row number, no RAND()) so every run dumps the same bytes.
-- @scale = raw dump megabytes wanted; run.sh sets it. Row widths below are measured dump bytes per row.
--   orders     ~95 B/row, 35%: numbers, dates, a few repeated words (compresses well)
--   events    ~190 B/row, 40%: JSON-ish log lines with a hex session id (compresses moderately)
--   documents ~330 B/row, 25%: hex digests and words (compresses poorly)
CREATE DATABASE bench_shop;
USE bench_shop;

CREATE TABLE orders (
  id INT UNSIGNED NOT NULL PRIMARY KEY,
  customer_id INT UNSIGNED NOT NULL,
  created_at DATETIME NOT NULL,
  amount DECIMAL(10,2) NOT NULL,
  status VARCHAR(16) NOT NULL,
  note VARCHAR(80) NOT NULL,
  KEY (customer_id)
) ENGINE=InnoDB;

CREATE TABLE events (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  ts DATETIME NOT NULL,
  kind TINYINT UNSIGNED NOT NULL,
  payload TEXT NOT NULL
) ENGINE=InnoDB;

CREATE TABLE documents (
  id INT UNSIGNED NOT NULL PRIMARY KEY,
  title VARCHAR(120) NOT NULL,
  body TEXT NOT NULL
) ENGINE=InnoDB;

DELIMITER //
CREATE PROCEDURE fill(IN scale_mb INT)
BEGIN
  DECLARE n_orders, n_events, n_docs, chunk, done BIGINT;
  SET n_orders = scale_mb * 1048576 * 35 DIV 100 DIV 95;
  SET n_events = scale_mb * 1048576 * 40 DIV 100 DIV 190;
  SET n_docs = scale_mb * 1048576 * 25 DIV 100 DIV 330;
  SET chunk = 200000;

  SET done = 0;
  WHILE done < n_orders DO
    INSERT INTO orders
      SELECT seq, seq MOD 50021, TIMESTAMP('2024-01-01') + INTERVAL (seq * 7) MOD 31536000 SECOND,
             ((seq * 7919) MOD 100000) / 100,
             ELT(1 + seq MOD 5, 'new', 'paid', 'shipped', 'delivered', 'returned'),
             CONCAT('order ', seq, ' for customer ', seq MOD 50021, ' via ', ELT(1 + seq MOD 3, 'web', 'app', 'phone'))
      FROM seq_1_to_1000000000 WHERE seq > done AND seq <= LEAST(done + chunk, n_orders);
    SET done = done + chunk;
  END WHILE;

  SET done = 0;
  WHILE done < n_events DO
    INSERT INTO events
      SELECT seq, TIMESTAMP('2024-01-01') + INTERVAL seq SECOND, seq MOD 7,
             CONCAT('{"user":', seq MOD 99991, ',"session":"', MD5(seq DIV 20), '","path":"/api/v1/items/', seq MOD 1000,
                    '","status":', ELT(1 + seq MOD 4, 200, 200, 304, 404), ',"ua":"Mozilla/5.0 (X11; Linux x86_64)"}')
      FROM seq_1_to_1000000000 WHERE seq > done AND seq <= LEAST(done + chunk, n_events);
    SET done = done + chunk;
  END WHILE;

  SET done = 0;
  WHILE done < n_docs DO
    INSERT INTO documents
      SELECT seq, CONCAT('Document ', seq, ': ', ELT(1 + seq MOD 4, 'invoice', 'contract', 'report', 'letter')),
             CONCAT(SHA2(seq, 256), ' ', ELT(1 + seq MOD 3, 'lorem ipsum dolor sit amet', 'consectetur adipiscing elit', 'sed do eiusmod tempor'),
                    ' ', SHA2(seq + 1, 512), ' ', MD5(seq))
      FROM seq_1_to_1000000000 WHERE seq > done AND seq <= LEAST(done + chunk, n_docs);
    SET done = done + chunk;
  END WHILE;
END//
DELIMITER ;

CALL fill(@scale);
DROP PROCEDURE fill;
