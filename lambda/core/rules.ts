/**
 * Expiry and use rules. Times are epoch seconds unless a name says Ms.
 * A nonce is valid while now < expiresAt; TTL deletion only cleans up and is never relied on.
 */

export const epochSeconds = (nowMs: number): number => Math.floor(nowMs / 1000);

/** Mint time + lifetime, in whole epoch seconds rounded up. */
export const expiresAtFor = (nowMs: number, expiresInSeconds: number): number =>
  Math.ceil(nowMs / 1000) + expiresInSeconds;

/** now < expiresAt, with now in milliseconds; equivalent to floor(now in s) < expiresAt for whole seconds. */
export const isExpired = (expiresAt: number, nowMs: number): boolean => epochSeconds(nowMs) >= expiresAt;

export type DenialReason = 'malformed' | 'unknown' | 'expired' | 'used_up' | 'lost_race';

export interface UsableState {
  readonly expiresAt: number;
  readonly usesLeft: number;
}

/** Why a stored nonce cannot be used now, or undefined when it can. */
export const unusableReason = (state: UsableState, nowMs: number): 'expired' | 'used_up' | undefined => {
  if (isExpired(state.expiresAt, nowMs)) return 'expired';
  if (state.usesLeft < 1) return 'used_up';
  return undefined;
};

/**
 * Which request takes a use. POST always: it is the explicit act (a person pressing the confirmation page's
 * button, or an app that chose POST). GET only for a nonce minted without `confirm`: link previewers and mail
 * scanners fetch every link with GET, so a link meant for a person must survive them. Any other method never.
 */
export const takesUse = (method: string, confirm: boolean): boolean =>
  method === 'POST' || (method === 'GET' && !confirm);

export const toIsoSeconds = (epochSecondsValue: number): string => new Date(epochSecondsValue * 1000).toISOString();
