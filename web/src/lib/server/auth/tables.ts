/**
 * The accounts database's tables as Kysely sees them (schema.ts). Integers are read as numbers
 * (readBigInts: false): they are unix milliseconds, ids and micro-euro amounts below 2^53.
 */
import type { Generated } from "@nachbarstrom/core/database";

export type AccountsTables = {
  accounts: { address: string; custody: "server" | "external"; encrypted_key: string | null; created_at: number };
  invitations: {
    id: Generated<number>;
    code_hash: string;
    account: string;
    created_at: number;
    expires_at: number;
    used_at: number | null;
    used_by: number | null;
  };
  users: { id: Generated<number>; account: string; webauthn_user_id: string; created_at: number };
  credentials: {
    id: string;
    user_id: number;
    public_key: Uint8Array;
    counter: number;
    transports: string;
    created_at: number;
    last_used_at: number | null;
  };
  sessions: { id_hash: string; user_id: number; created_at: number; expires_at: number };
  challenges: {
    challenge: string;
    purpose: "register" | "authenticate";
    invitation_id: number | null;
    user_handle: string | null;
    expires_at: number;
  };
  siwe_nonces: { nonce: string; attempt_hash: string; expires_at: number };
  actions: {
    id: string;
    seq: number;
    account: string;
    user_id: number | null;
    kind: string;
    details: string;
    via: "passkey" | "wallet" | "none";
    state: "prepared" | "sending" | "sent" | "confirmed" | "failed" | "expired" | "done";
    to_address: string | null;
    calldata: string | null;
    challenge: string | null;
    tx_hash: string | null;
    error: string | null;
    created_at: number;
    expires_at: number | null;
    updated_at: number;
  };
  credit_requests: {
    id: Generated<number>;
    account: string;
    kind: "top-up" | "pay-out";
    amount: number;
    reference: string;
    state: "pending" | "done" | "rejected" | "cancelled";
    created_at: number;
    decided_at: number | null;
    decided_by: string | null;
    reason: string | null;
    action_id: string | null;
  };
  metering_points: {
    metering_point_id: string;
    salt: string;
    meter_id: string;
    owner: string;
    neighbourhood: string;
    neighbourhood_slug: string;
    created_at: number;
    action_id: string | null;
    invite: Generated<number>;
    invited_at: number | null;
    retired_at: number | null;
  };
};
