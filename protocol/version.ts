/**
 * Wire protocol version: one integer, bumped whenever a message changes incompatibly.
 *
 * History:
 *   1 (2026-11-25) first version: checkin, sync, orders, evidence bundles v1, incidents, L2 plans.
 *   2 (2026-12-04) check status "unreachable" (a host allowed to be off, e.g. a workstation; never
 *                  scored) and the bundle summary's optional `unreachable` count.
 *   3 (2026-12-05) evidence bundle v2: kinds `state-snapshot` and `state-delta` with a state proof
 *                  (protocol/state.ts); v1 bundles are still accepted and verify as before.
 */
export const PROTOCOL_VERSION = 3;
