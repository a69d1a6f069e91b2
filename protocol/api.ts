/**
 * HTTP paths of the agent ↔ cloud API. Every agent request carries `Authorization: Bearer <apiKey>`;
 * the cloud derives the appliance (and so the site) from the key. Bodies are the schemas named.
 */
export const AGENT_API = {
  /** POST CheckinRequest → CheckinResponse */
  checkin: "/agent/checkin",
  /** GET → SyncResponse */
  sync: "/agent/sync",
  /** POST EvidenceUpload → EvidenceUploadResult (200), or EvidenceRefusal (403/409/422) naming each bundle's fate */
  evidence: "/agent/evidence",
  /** GET → PendingOrdersResponse */
  orders: "/agent/orders",
  /** POST OrderAck */
  orderAck: (id: string) => `/agent/orders/${encodeURIComponent(id)}/ack`,
  /** POST OrderCompletion */
  orderComplete: (id: string) => `/agent/orders/${encodeURIComponent(id)}/complete`,
  /** POST IncidentReport; GET → CloudResolvedIncidents (resolved by a person in the cloud) */
  incidents: "/agent/incidents",
  /** POST PlanRequest → SignedPlan (429 + Retry-After past the per-site limit) */
  plan: "/agent/plan",
  /** POST PlanOutcome (what came of a signed plan; feeds the learning loop) */
  planOutcome: (id: string) => `/agent/plan/${encodeURIComponent(id)}/outcome`,
  /** POST DeviceReport (what discovery found on the clinic's network) */
  devices: "/agent/devices",
  /** POST KeyEscrow */
  escrow: "/agent/escrow",
  /** GET → SignedUpdate (404 when no release is published) */
  update: "/agent/update",
  /** POST EnrollRequest → EnrollResponse (no API key yet: a one-time code delivered out of band authenticates) */
  enroll: "/agent/enroll",
  /** GET ?from=<stored size> → LogView (the site log's newest signed checkpoint and a consistency proof from the appliance's stored size) */
  tlog: "/agent/tlog",
  /** POST RekeyRequest → RekeyResponse (new identity key, signed by the old and the new key) */
  rekey: "/agent/rekey",
  /** GET/POST/DELETE a MAC's registration (admin token; the record holds a secret code) */
  provision: (mac: string) => `/api/provision/${encodeURIComponent(mac)}`,
  /** POST ClaimRequest → 202 ClaimPending while a technician has not approved it, 200 EnrollResponse once approved (no credentials: the request is signed by the key it enrols) */
  claim: (mac: string) => `/api/provision/${encodeURIComponent(mac)}/claim`,
} as const;

/** Header carrying a request id through agent and cloud logs. */
export const REQUEST_ID_HEADER = "x-request-id";
