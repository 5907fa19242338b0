import { toPostgres, type Migration } from "@nachbarstrom/core/database";

/**
 * The accounts database's schema, oldest first. Never edit a released migration: add the next one.
 * Times are unix milliseconds (INTEGER); addresses are checksummed 0x hex TEXT; secrets that a
 * browser presents (invitation codes, session ids) are stored only as their SHA-256 (hex).
 */
const MIGRATION_1 = `
      -- An on-chain account the portal knows. custody 'server': the utility holds its key for a
      -- household without a wallet (encrypted_key, AES-256-GCM); 'external': the key is elsewhere.
      CREATE TABLE accounts (
        address TEXT NOT NULL PRIMARY KEY,
        custody TEXT NOT NULL CHECK (custody IN ('server', 'external')),
        encrypted_key TEXT,
        created_at INTEGER NOT NULL,
        CHECK ((custody = 'server') = (encrypted_key IS NOT NULL))
      ) WITHOUT ROWID;

      -- A single-use code the utility hands a household; redeeming it binds a passkey to the account.
      CREATE TABLE invitations (
        id INTEGER PRIMARY KEY,
        code_hash TEXT NOT NULL UNIQUE,
        account TEXT NOT NULL REFERENCES accounts (address),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER,
        used_by INTEGER REFERENCES users (id)
      );

      -- A person (or device set) signed in to one account; webauthn_user_id is the passkeys' user handle.
      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL UNIQUE REFERENCES accounts (address),
        webauthn_user_id TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL
      );

      -- A passkey: its credential id (base64url), COSE public key and signature counter.
      CREATE TABLE credentials (
        id TEXT NOT NULL PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id),
        public_key BLOB NOT NULL,
        counter INTEGER NOT NULL CHECK (counter >= 0),
        transports TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX credentials_by_user ON credentials (user_id);

      CREATE TABLE sessions (
        id_hash TEXT NOT NULL PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX sessions_by_expiry ON sessions (expires_at);

      -- A WebAuthn challenge handed out and not yet answered; each is answered at most once.
      CREATE TABLE challenges (
        challenge TEXT NOT NULL PRIMARY KEY,
        purpose TEXT NOT NULL CHECK (purpose IN ('register', 'authenticate')),
        invitation_id INTEGER REFERENCES invitations (id),
        -- For 'register': the user handle the new passkey carries (the account's user's, or a new one).
        user_handle TEXT,
        expires_at INTEGER NOT NULL,
        CHECK ((purpose = 'register') = (invitation_id IS NOT NULL AND user_handle IS NOT NULL))
      ) WITHOUT ROWID;
`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "accounts, invitations, users, passkey credentials, sessions, WebAuthn challenges",
    sql: MIGRATION_1,
    // PostgreSQL wants a referenced table to exist: invitations.used_by gets its key once users exists.
    postgres:
      toPostgres(MIGRATION_1.replace("used_by INTEGER REFERENCES users (id)", "used_by INTEGER")) +
      "\nALTER TABLE invitations ADD FOREIGN KEY (used_by) REFERENCES users (id);",
  },
  {
    version: 2,
    description: "Sign-In with Ethereum nonces, bound to the browser's sign-in attempt",
    sql: `
      -- A nonce handed out for an EIP-4361 message and not yet used; each is used at most once, only
      -- before it expires, and only by the browser holding the attempt cookie whose SHA-256 is stored.
      CREATE TABLE siwe_nonces (
        nonce TEXT NOT NULL PRIMARY KEY,
        attempt_hash TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX siwe_nonces_by_expiry ON siwe_nonces (expires_at);
    `,
  },
  {
    version: 3,
    description: "actions: every chain transaction and console action taken through the portal (audit log)",
    sql: `
      -- What a signed-in user did through the portal, newest last: the audit log. A chain action is
      -- prepared (calldata checked by simulation), then confirmed with a fresh passkey assertion (the
      -- portal signs with the account's held key) or signed by the user's own wallet, then sent and
      -- mined. An off-chain action (an invitation issued, a request decided, a link erased) is
      -- recorded as 'done'. Rows are never deleted.
      CREATE TABLE actions (
        id TEXT NOT NULL PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        account TEXT NOT NULL,
        user_id INTEGER,
        kind TEXT NOT NULL,
        -- What was asked for, as JSON (amounts, ids, reason); never a private key or a code.
        details TEXT NOT NULL,
        via TEXT NOT NULL CHECK (via IN ('passkey', 'wallet', 'none')),
        state TEXT NOT NULL CHECK (state IN ('prepared', 'sending', 'sent', 'confirmed', 'failed', 'expired', 'done')),
        to_address TEXT,
        calldata TEXT,
        -- The WebAuthn challenge the confirmation must answer (passkey only); cleared once answered.
        challenge TEXT UNIQUE,
        tx_hash TEXT,
        error TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        updated_at INTEGER NOT NULL,
        CHECK ((via = 'none') = (to_address IS NULL))
      ) WITHOUT ROWID;
      CREATE INDEX actions_by_account ON actions (account, seq);
      CREATE INDEX actions_by_state ON actions (state, expires_at);
    `,
  },
  {
    version: 4,
    description: "credit_requests: households' top-up and pay-out requests and the treasurer's decisions",
    sql: `
      -- A household asks the utility to top up (it transfers euros with the payment reference) or to
      -- pay out credit; the treasurer carries it out on chain (action_id: the topUp/payOut action) or
      -- rejects it with a reason; the household may cancel it while pending. Amounts in micro-euro.
      -- 'done' is set only once the tied action is confirmed in the actions table (money/requests.ts).
      -- No bank details: the utility's billing system holds them.
      CREATE TABLE credit_requests (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL REFERENCES accounts (address),
        kind TEXT NOT NULL CHECK (kind IN ('top-up', 'pay-out')),
        amount INTEGER NOT NULL CHECK (amount > 0 AND amount <= 10000000000),
        reference TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'rejected', 'cancelled')),
        created_at INTEGER NOT NULL,
        decided_at INTEGER,
        decided_by TEXT,
        reason TEXT,
        action_id TEXT REFERENCES actions (id),
        CHECK ((state = 'pending') = (decided_at IS NULL AND decided_by IS NULL)),
        CHECK ((state = 'rejected') = (reason IS NOT NULL)),
        CHECK (state <> 'done' OR action_id IS NOT NULL)
      );
      CREATE INDEX credit_requests_by_account ON credit_requests (account, id);
      CREATE INDEX credit_requests_by_state ON credit_requests (state, id);
    `,
  },
  {
    version: 5,
    description: "metering_points: the link of each onboarded metering point to its salted meter id and owner",
    sql: `
      -- A metering point the operator onboarded from the console. The metering point id (German
      -- Zaehlpunktbezeichnung) and its salt are personal data and never leave this database and the
      -- bridge's directory file; the chain only sees meter_id = keccak256(salt, metering point id).
      -- The row is written before its registerMeter action (action_id) is confirmed; it is registered
      -- once the actions table records that action as confirmed (meters/metering-points.ts).
      -- invite: a new household's account, whose invitation is issued once the meter is registered
      -- (invited_at); retired_at follows a confirmed retireMeter action. An erasure deletes the rows.
      CREATE TABLE metering_points (
        metering_point_id TEXT NOT NULL PRIMARY KEY,
        salt TEXT NOT NULL,
        meter_id TEXT NOT NULL UNIQUE,
        owner TEXT NOT NULL,
        neighbourhood TEXT NOT NULL,
        neighbourhood_slug TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        action_id TEXT REFERENCES actions (id),
        invite INTEGER NOT NULL DEFAULT 0 CHECK (invite IN (0, 1)),
        invited_at INTEGER,
        retired_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX metering_points_by_owner ON metering_points (owner);
    `,
  },
];
