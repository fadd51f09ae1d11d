import { describe, expect, it } from 'vitest';
import { NonceInvalidError } from '../../lambda/core/errors.js';
import { errorResponse, serviceUnavailable } from '../../lambda/shared/http.js';
import { GATEWAY_RESPONSES } from '../../lib/gateway-responses.js';
import { recordingLog } from '../support/fakes.js';

/**
 * lambda/ may not import lib/, so the handlers and API Gateway's own answers each hold a copy of the
 * refusal and the outage answers. A caller must not tell which of the two refused a nonce, or answered 503.
 */
describe('the handlers answer as API Gateway does', () => {
  it('refuse a nonce with the ACCESS_DENIED body', () => {
    const handler = errorResponse(new NonceInvalidError('lost_race'), recordingLog());
    const gateway = GATEWAY_RESPONSES.ACCESS_DENIED;
    expect(handler.statusCode).toBe(gateway.statusCode);
    expect(JSON.parse(handler.body)).toEqual({ error: gateway.error, message: gateway.message });
  });

  it('answer an outage with the AUTHORIZER_FAILURE body and Retry-After', () => {
    const handler = serviceUnavailable();
    const gateway = GATEWAY_RESPONSES.AUTHORIZER_FAILURE;
    expect(handler.statusCode).toBe(gateway.statusCode);
    expect(JSON.parse(handler.body)).toEqual({ error: gateway.error, message: gateway.message });
    expect(handler.headers?.['Retry-After']).toBe(gateway.headers['Retry-After']);
  });
});
