import { PresignedUrlNonceError } from './errors.js';

/** An accessUrl as given to redeem or redeemUpload: an absolute http(s) URL, else a PresignedUrlNonceError. */
export const checkAccessUrl = (accessUrl: string): URL => {
  let url: URL;
  try {
    url = new URL(accessUrl);
  } catch {
    // Not echoed: it may be a nonce-bearing URL with a typo.
    throw new PresignedUrlNonceError('The access URL is not a URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new PresignedUrlNonceError('The access URL must be an http(s) URL.');
  }
  return url;
};
