/**
 * A Pulumi dynamic resource for Linode (Akamai) Object Storage access keys.
 *
 * @packageDocumentation
 */
export { ObjectStorageKey, ObjectStorageKeyArgs, ObjectStorageKeyConnection, ObjectStorageKeyState, BucketAccessArgs } from "./resource";
export { getObjectStorageKey, getObjectStorageKeyQuota, getObjectStorageKeys } from "./reads";
export { KeyLimitError, isKeyLimitError } from "./key-quota";
export { LinodeSettingsOverrides } from "./settings";
export { StackKeys, findUntrackedKeys, revokeUntrackedKeys, stackKeysFromExports, untrackedKeys } from "./untracked";
export { ObjectStorageKeyError, ObjectStorageKeyErrorKind, LinodeApiError, ApiErrorReason, isObjectStorageKeyError, isLinodeApiError } from "./errors";
export { AmbiguousCreateError, CreateRecovery, isAmbiguousCreateError } from "./create-recovery";
export type { ApiKey, KeyQuota, ApiBucketAccess, Permissions, RegionDetails, KeyInputs, KeyOutputs } from "./codecs";
