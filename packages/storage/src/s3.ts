/**
 * The `@spotkit/storage/s3` entry: the S3 adapter alone (a plugin then loads only AWS's SDK), and
 * the credentials it would use, for a plugin that calls another AWS service with them.
 */
export {
  type ResolvedS3Credentials,
  resolveS3Credentials,
  type S3CredentialSettings,
} from "./s3-credentials.js";
export { createS3Store, type S3StoreConfig } from "./s3-store.js";
