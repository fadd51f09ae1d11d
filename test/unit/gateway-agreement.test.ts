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

  it('refuse a nonce byte for byte as ACCESS_DENIED, with a sentence also true of an IAM deny', () => {
    const handler = errorResponse(new NonceInvalidError('unknown'), recordingLog());
    const gateway = GATEWAY_RESPONSES.ACCESS_DENIED;
    expect(handler.body).toBe(JSON.stringify({ error: gateway.error, message: gateway.message }));
    expect(gateway.message).toMatch(/nonce/);
    expect(gateway.message).toMatch(/caller may not call this route/);
  });

  it.each(['AUTHORIZER_CONFIGURATION_ERROR', 'AUTHORIZER_FAILURE'] as const)(
    'answer an outage with the %s body and Retry-After',
    (type) => {
      const handler = serviceUnavailable();
      const gateway = GATEWAY_RESPONSES[type];
      expect(handler.statusCode).toBe(gateway.statusCode);
      expect(handler.body).toBe(JSON.stringify({ error: gateway.error, message: gateway.message }));
      expect(handler.headers?.['Retry-After']).toBe(gateway.headers['Retry-After']);
    },
  );
});
