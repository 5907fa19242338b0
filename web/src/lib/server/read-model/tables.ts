/**
 * The read model's tables as Kysely sees them (schema.ts creates them). Every INTEGER column is a
 * 64-bit integer, read as bigint on SQLite and PostgreSQL alike; 0x-hex ids and addresses are text.
 */
type Int = bigint;
type Where = { block_number: Int; log_index: Int; transaction_hash: string };

export type ReadModelTables = {
  progress: {
    id: Int;
    chain_id: Int;
    contracts: string;
    deployed_at_block: Int;
    deployment_block_hash: string;
    last_block: Int;
    last_block_hash: string | null;
  };
  indexer_lease: { id: Int; holder: string; expires_at: Int };
  neighbourhoods: Where & {
    neighbourhood: string;
    allocation_key: Int;
    tariff_notice_intervals: Int;
    contract_notice_intervals: Int;
    cost_cap: Int;
  };
  participants: Where & { account: string; number: Int };
  meters: Where & {
    meter: string;
    neighbourhood: string;
    owner: string;
    number: Int;
    retired_block: Int | null;
    replaced_by: string | null;
  };
  intervals: Where & {
    neighbourhood: string;
    interval: Int;
    commitment: string;
    batch_key: string;
    meter_count: Int;
    import_wh: Int;
    export_wh: Int;
    local_wh: Int;
  };
  meter_intervals: Where & {
    neighbourhood: string;
    interval: Int;
    number: Int;
    chunk: Int;
    position: Int;
    import_wh: Int;
    export_wh: Int;
    contract_bought_wh: Int;
    contract_sold_wh: Int;
    pool_bought_wh: Int;
    pool_sold_wh: Int;
    debit: Int;
    credit: Int;
  };
  corrections: Where & {
    neighbourhood: string;
    interval: Int;
    number: Int;
    import_wh: Int;
    export_wh: Int;
    debit: Int;
    credit: Int;
    change: Int;
    reason: string;
  };
  tariffs: Where & {
    neighbourhood: string;
    effective_from: Int;
    grid_energy: Int;
    grid_fee: Int;
    local_grid_fee: Int;
    electricity_tax: Int;
    concession_fee: Int;
    levies: Int;
    feed_in_price: Int;
    community_price: Int;
    vat_basis_points: Int;
  };
  credit_movements: Where & { account: string; kind: "top-up" | "pay-out"; amount: Int; repaid: Int };
  cost_cap_credits: Where & {
    neighbourhood: string;
    month: Int;
    number: Int;
    paid: Int;
    grid_only: Int;
    credited: Int;
  };
  power_contracts: Where & {
    id: Int;
    neighbourhood: string;
    seller: string;
    buyer: string;
    seller_number: Int;
    buyer_number: Int;
    price_per_kwh: Int;
    cap_wh: Int;
    valid_from: Int;
    valid_until: Int;
    status: "offered" | "active" | "ended";
    accepted_block: Int | null;
    ended_block: Int | null;
  };
  contract_deliveries: Where & { id: Int; interval: Int; wh: Int };
};
