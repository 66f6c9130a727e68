/**
 * A Pulumi dynamic resource for Linode (Akamai) Object Storage access keys.
 *
 * @packageDocumentation
 */
export { ObjectStorageKey, ObjectStorageKeyArgs, ObjectStorageKeyState, BucketAccessArgs } from "./resource";
export { getObjectStorageKey, getObjectStorageKeys } from "./reads";
export { LinodeSettingsOverrides } from "./settings";
export { StackKeys, findUntrackedKeys, revokeUntrackedKeys, stackKeysFromExports, untrackedKeys } from "./untracked";
export { ObjectStorageKeyError, ObjectStorageKeyErrorKind, LinodeApiError, ApiErrorReason, isObjectStorageKeyError, isLinodeApiError } from "./errors";
export { AmbiguousCreateError, CreateRecovery, isAmbiguousCreateError } from "./create-recovery";
export type { ApiKey, ApiBucketAccess, Permissions, RegionDetails, KeyInputs, KeyOutputs } from "./codecs";
