/** The data-access layer (server only): import as `@nachbarstrom/core/database`. */
export { openStore, isDatabaseError, isUniqueViolation } from "./open.ts";
export type { Dialect, Migration, OpenStoreParameters, StoreDatabase, StoreKind } from "./open.ts";
export { isPostgresUrl, redacted, toPostgres } from "./postgres-sql.ts";
export { sql, type Generated, type Kysely, type Transaction } from "kysely";
export { DATABASE_URL_ENV, storeLocation } from "./location.ts";
export type { Row, Statement } from "./statement.ts";
