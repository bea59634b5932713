#!/usr/bin/env bash
# Sets up what is missing, builds quarry, runs the demo pipeline (ingest the bundled fixtures and
# extract them into the table `invoices`, see Pipelines/invoices.yaml) into demo.db, and queries it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product quarry
quarry=.build/release/quarry
rm -f demo.db demo.db-wal demo.db-shm
"$quarry" run Pipelines/invoices.yaml --db demo.db
echo
echo "\$ quarry query \"SELECT invoice_number, invoice_date, due_date, total, (SELECT count(*) FROM invoices__line_items l WHERE l.row_id = invoices.id) AS lines FROM invoices ORDER BY total DESC\" --db demo.db"
"$quarry" query "SELECT invoice_number, invoice_date, due_date, total, (SELECT count(*) FROM invoices__line_items l WHERE l.row_id = invoices.id) AS lines FROM invoices ORDER BY total DESC" --db demo.db
echo
echo "Try: $quarry search \"invoice total\" --db demo.db"
echo "     $quarry query \"SELECT field, quote, page_number FROM invoices__evidence WHERE row_id = 1\" --db demo.db"
