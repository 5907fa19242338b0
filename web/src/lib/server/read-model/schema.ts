import type { Migration } from "@nachbarstrom/core/database";
import { toPostgres } from "@nachbarstrom/core/database/postgres-sql";

/**
 * The read model's schema, oldest first. Never edit a released migration: add the next one.
 * Numbers (Wh, base units, intervals, blocks) are INTEGER (64-bit signed; the indexer refuses a value
 * outside that range); ids, hashes and addresses are 0x-prefixed hex TEXT, addresses checksummed.
 * Every event row keeps where it came from: block, log index and transaction.
 */
export const MIGRATIONS: readonly Migration[] = [
  withPostgresCase({
    version: 1,
    description: "deployment identity, indexing progress, registry, settlement, corrections, tariffs, credit",
    sql: `
      -- One row: which chain and contracts this file indexes, and how far. A file of another
      -- deployment is emptied and rebuilt (store.ts), never mixed.
      CREATE TABLE progress (
        id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
        chain_id INTEGER NOT NULL,
        -- The deployment's contracts as JSON (name → address), compared as a whole.
        contracts TEXT NOT NULL,
        deployed_at_block INTEGER NOT NULL,
        -- Hash of the deployment block: tells a restarted local chain from the one indexed.
        deployment_block_hash TEXT NOT NULL,
        -- The newest block whose logs are all in; deployed_at_block - 1 before the first range.
        last_block INTEGER NOT NULL,
        last_block_hash TEXT
      );

      CREATE TABLE neighbourhoods (
        neighbourhood TEXT NOT NULL PRIMARY KEY,
        allocation_key INTEGER NOT NULL,
        tariff_notice_intervals INTEGER NOT NULL,
        contract_notice_intervals INTEGER NOT NULL,
        cost_cap INTEGER NOT NULL CHECK (cost_cap IN (0, 1)),
        block_number INTEGER NOT NULL,
        log_index INTEGER NOT NULL,
        transaction_hash TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE participants (
        account TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
        number INTEGER NOT NULL UNIQUE,
        block_number INTEGER NOT NULL,
        log_index INTEGER NOT NULL,
        transaction_hash TEXT NOT NULL
      ) WITHOUT ROWID;

      -- MeterRegistered; retired_block from MeterRetired, replaced_by from MeterReplaced.
      CREATE TABLE meters (
        meter TEXT NOT NULL PRIMARY KEY,
        neighbourhood TEXT NOT NULL,
        owner TEXT NOT NULL COLLATE NOCASE,
        number INTEGER NOT NULL,
        retired_block INTEGER,
        replaced_by TEXT,
        block_number INTEGER NOT NULL,
        log_index INTEGER NOT NULL,
        transaction_hash TEXT NOT NULL,
        UNIQUE (neighbourhood, number)
      ) WITHOUT ROWID;
      CREATE INDEX meters_by_owner ON meters (owner, block_number, log_index);

      -- IntervalSettled: one row per settled neighbourhood-interval.
      CREATE TABLE intervals (
        neighbourhood TEXT NOT NULL,
        interval INTEGER NOT NULL,
        commitment TEXT NOT NULL,
        batch_key TEXT NOT NULL,
        meter_count INTEGER NOT NULL,
        import_wh INTEGER NOT NULL,
        export_wh INTEGER NOT NULL,
        local_wh INTEGER NOT NULL,
        block_number INTEGER NOT NULL,
        log_index INTEGER NOT NULL,
        transaction_hash TEXT NOT NULL,
        PRIMARY KEY (neighbourhood, interval)
      ) WITHOUT ROWID;
      CREATE INDEX intervals_newest ON intervals (interval DESC, block_number DESC, log_index DESC);

      -- ChunkSettled's results, one row per meter and interval, as first settled (a correction is
      -- its own row in corrections and leaves this one as it was).
      CREATE TABLE meter_intervals (
        neighbourhood TEXT NOT NULL,
        interval INTEGER NOT NULL,
        number INTEGER NOT NULL,
        chunk INTEGER NOT NULL,
        position INTEGER NOT NULL,
        import_wh INTEGER NOT NULL,
        export_wh INTEGER NOT NULL,
        contract_bought_wh INTEGER NOT NULL,
        contract_sold_wh INTEGER NOT NULL,
        pool_bought_wh INTEGER NOT NULL,
        pool_sold_wh INTEGER NOT NULL,
        debit INTEGER NOT NULL,
        credit INTEGER NOT NULL,
        block_number INTEGER NOT NULL,
        log_index INTEGER NOT NULL,
        transaction_hash TEXT NOT NULL,
        PRIMARY KEY (neighbourhood, number, interval)
      ) WITHOUT ROWID;

      -- MeterCorrected: every correction of a meter's interval, in chain order.
      CREATE TABLE corrections (
        block_number INTEGER NOT NULL,
        log_index INTEGER NOT NULL,
        neighbourhood TEXT NOT NULL,
        interval INTEGER NOT NULL,
        number INTEGER NOT NULL,
        import_wh INTEGER NOT NULL,
        export_wh INTEGER NOT NULL,
        debit INTEGER NOT NULL,
        credit INTEGER NOT NULL,
        -- Moved from the treasury to the meter's owner (negative: the other way).
        change INTEGER NOT NULL,
        reason TEXT NOT NULL,
        transaction_hash TEXT NOT NULL,
        PRIMARY KEY (block_number, log_index)
      ) WITHOUT ROWID;
      CREATE INDEX corrections_by_meter ON corrections (neighbourhood, number, interval);

      -- TariffAnnounced (and the initial tariff); prices in base units per kWh.
      CREATE TABLE tariffs (
        neighbourhood TEXT NOT NULL,
        effective_from INTEGER NOT NULL,
        grid_energy INTEGER NOT NULL,
        grid_fee INTEGER NOT NULL,
        local_grid_fee INTEGER NOT NULL,
        electricity_tax INTEGER NOT NULL,
        concession_fee INTEGER NOT NULL,
        levies INTEGER NOT NULL,
        feed_in_price INTEGER NOT NULL,
        community_price INTEGER NOT NULL,
        vat_basis_points INTEGER NOT NULL,
        block_number INTEGER NOT NULL,
        log_index INTEGER NOT NULL,
        transaction_hash TEXT NOT NULL,
        PRIMARY KEY (neighbourhood, effective_from)
      ) WITHOUT ROWID;

      -- ToppedUp and PaidOut.
      CREATE TABLE credit_movements (
        block_number INTEGER NOT NULL,
        log_index INTEGER NOT NULL,
        account TEXT NOT NULL COLLATE NOCASE,
        kind TEXT NOT NULL CHECK (kind IN ('top-up', 'pay-out')),
        amount INTEGER NOT NULL,
        -- Of a top-up, the part that repaid an open debt.
        repaid INTEGER NOT NULL,
        transaction_hash TEXT NOT NULL,
        PRIMARY KEY (block_number, log_index)
      ) WITHOUT ROWID;
      CREATE INDEX credit_movements_by_account ON credit_movements (account);

      -- CostCapCredited: what the utility credited a meter for a month, in total so far.
      CREATE TABLE cost_cap_credits (
        block_number INTEGER NOT NULL,
        log_index INTEGER NOT NULL,
        neighbourhood TEXT NOT NULL,
        month INTEGER NOT NULL,
        number INTEGER NOT NULL,
        paid INTEGER NOT NULL,
        grid_only INTEGER NOT NULL,
        credited INTEGER NOT NULL,
        transaction_hash TEXT NOT NULL,
        PRIMARY KEY (block_number, log_index)
      ) WITHOUT ROWID;
    `,
  }),
  {
    version: 2,
    description: "indexes for the console's interval views and the statements' cost-cap lines",
    sql: `
      -- The interval monitor counts and lists an interval's corrections.
      CREATE INDEX corrections_by_interval ON corrections (neighbourhood, interval);
      -- A statement reads one meter's cost-cap credits of a month.
      CREATE INDEX cost_cap_credits_by_meter ON cost_cap_credits (neighbourhood, number, month);
    `,
  },
  {
    version: 3,
    description: "power contracts and what each delivered per interval; read again from the deployment block",
    sql: `
      -- PowerContractOffered, then PowerContractAccepted and PowerContractEnded applied as the contract
      -- applies them: the terms as the chain holds them. status is the chain's: an ended offer is
      -- 'ended'; an active contract given notice stays 'active' with an earlier valid_until.
      CREATE TABLE power_contracts (
        id INTEGER NOT NULL PRIMARY KEY,
        neighbourhood TEXT NOT NULL,
        seller TEXT NOT NULL,
        buyer TEXT NOT NULL,
        seller_number INTEGER NOT NULL,
        buyer_number INTEGER NOT NULL,
        price_per_kwh INTEGER NOT NULL,
        cap_wh INTEGER NOT NULL,
        -- Intervals [valid_from, valid_until); accepting moves valid_from to the next interval at the earliest.
        valid_from INTEGER NOT NULL,
        valid_until INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('offered', 'active', 'ended')),
        accepted_block INTEGER,
        -- The newest PowerContractEnded: an offer withdrawn or declined, or notice given.
        ended_block INTEGER,
        block_number INTEGER NOT NULL,
        log_index INTEGER NOT NULL,
        transaction_hash TEXT NOT NULL
      );
      CREATE INDEX power_contracts_by_seller ON power_contracts (seller);
      CREATE INDEX power_contracts_by_buyer ON power_contracts (buyer);
      -- Settlement asks for a neighbourhood's accepted contracts valid in an interval.
      CREATE INDEX power_contracts_serving ON power_contracts (neighbourhood, status, valid_from);

      -- What a contract delivered in an interval (no event says so: worked out when its ChunkSettled is
      -- indexed, with core's contractDeliveries); only intervals in which it delivered more than 0 Wh.
      -- Where it came from is the ChunkSettled's block, log index and transaction.
      CREATE TABLE contract_deliveries (
        id INTEGER NOT NULL,
        interval INTEGER NOT NULL,
        wh INTEGER NOT NULL,
        block_number INTEGER NOT NULL,
        log_index INTEGER NOT NULL,
        transaction_hash TEXT NOT NULL,
        PRIMARY KEY (id, interval)
      ) WITHOUT ROWID;

      -- The files indexed so far skipped the power contracts' events: forgetting the progress makes the
      -- indexer empty every table and read the chain again from the deployment block (store.ts).
      DELETE FROM progress;
    `,
  },
  {
    version: 4,
    description: "the indexer's lease: one portal process indexes at a time",
    sql: `
      -- Which portal process indexes (holder) and until when (ms since 1970); several processes read one
      -- read model, but two indexing the same blocks would write them twice. Not renewed in time, any
      -- process may take it (indexer-lease.ts).
      CREATE TABLE indexer_lease (
        id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
        holder TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
];

/**
 * Migration 1 compares accounts with COLLATE NOCASE, which PostgreSQL lacks. On PostgreSQL the columns
 * are plain text: the indexer stores addresses checksummed and the queries look them up checksummed
 * (viem's getAddress), so no comparison depends on letter case.
 */
function withPostgresCase(migration: Migration): Migration {
  return { ...migration, postgres: toPostgres(migration.sql.replaceAll(" COLLATE NOCASE", "")) };
}

/** The tables that hold indexed data: emptied together when the file is rebuilt. */
export const DATA_TABLES = [
  "neighbourhoods",
  "participants",
  "meters",
  "intervals",
  "meter_intervals",
  "corrections",
  "tariffs",
  "credit_movements",
  "cost_cap_credits",
  "power_contracts",
  "contract_deliveries",
] as const;
