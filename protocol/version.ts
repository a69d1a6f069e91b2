/**
 * Wire protocol version: one integer, bumped whenever a message changes incompatibly.
 *
 * History:
 *   1 (2026-11-25) first version: checkin, sync, orders, evidence bundles v1, incidents, L2 plans.
 */
export const PROTOCOL_VERSION = 1;
