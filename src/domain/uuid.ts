const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for the textual UUID form PostgreSQL's `uuid` type accepts from clients. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
