import type { APIGatewayProxyEvent } from 'aws-lambda';
import { headerOf } from '../shared/http.js';

/**
 * The API's public base URL as the caller reached it: scheme and host, then whatever path prefix
 * precedes the route (the stage on the default execute-api domain, a base path on a custom domain,
 * nothing in local mode). PUBLIC_BASE_URL, when set, wins.
 */
export const baseUrlOf = (
  event: Pick<APIGatewayProxyEvent, 'headers' | 'path' | 'requestContext'>,
  publicBaseUrl?: string,
): string => {
  if (publicBaseUrl !== undefined) return publicBaseUrl;
  const proto = headerOf(event, 'x-forwarded-proto') ?? 'https';
  const host = event.requestContext.domainName ?? headerOf(event, 'host') ?? 'localhost';
  const fullPath = event.requestContext.path ?? event.path;
  const prefix = fullPath.endsWith(event.path) ? fullPath.slice(0, fullPath.length - event.path.length) : '';
  return `${proto}://${host}${prefix}`;
};

export const accessUrlFor = (baseUrl: string, nonce: string): string =>
  `${baseUrl}/access-object?nonce=${encodeURIComponent(nonce)}`;
