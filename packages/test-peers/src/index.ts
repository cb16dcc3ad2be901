export { type AzurePeer, type AzuriteOptions, startAzurite } from "./azurite.js";
export { type AzuriteAccount, createAzuriteContainer } from "./azurite-container.js";
export {
  type FaultProxy,
  type FaultProxyOptions,
  type FaultProxyStats,
  startFaultProxy,
} from "./fault-proxy.js";
export type {
  DelayFault,
  DropRequestFault,
  DropResponseFault,
  FaultAction,
  FaultMatch,
  FaultRule,
  FaultRuleHandle,
  FaultRules,
  S3ErrorFault,
  StatusFault,
} from "./fault-rule.js";
export { findExecutable } from "./find-executable.js";
export { findFreePort } from "./free-port.js";
export {
  type GcsFakeOptions,
  type GcsObjectSummary,
  type GcsPeer,
  startGcsFake,
} from "./gcs-fake.js";
export { createGcsFakeBucket } from "./gcs-fake-bucket.js";
export { computeGcsHashes, type GcsHashes } from "./gcs-hashes.js";
export { loopbackOnlyPreloadPath } from "./loopback-only-preload.js";
export { type MotoOptions, startMoto } from "./moto.js";
export { type RadosgwOptions, type RadosgwPeer, startRadosgw } from "./radosgw.js";
export { type S3Peer, startS3Peer } from "./s3-peer.js";
export {
  createS3TestClient,
  type S3TestClient,
  type S3TestRequestOptions,
  type S3TestResponse,
  type S3TestServer,
} from "./s3-test-client.js";
export { type SignalWhenOptions, signalWhen } from "./signal-when.js";
export { TestPeerError } from "./test-peer-error.js";
