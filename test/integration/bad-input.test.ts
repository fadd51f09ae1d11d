import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_GENERATE_BODIES, BAD_NONCE_QUERIES } from '../support/bad-inputs.js';
import { gatewayRequest } from '../support/requests.js';
import { startTestStack, type TestStack } from '../support/test-stack.js';

describe('bad input against the emulators: a 4xx in the JSON error shape, and nothing written', () => {
  let stack: TestStack;
  let nonce: string;

  beforeAll(async () => {
    stack = await startTestStack();
    const minted = await stack.mint({ key: 'hello.txt', maxUses: 100 });
    nonce = JSON.parse(minted.body).nonce;
  });

  afterAll(async () => {
    await stack.stop();
  });

  const snapshot = async () => JSON.stringify(await stack.scan());

  it.each(BAD_GENERATE_BODIES)('POST /generate-url with %s → %i %s', async (_name, body, status, code) => {
    const before = await snapshot();
    const response = await stack.mint(body);
    expect(response.statusCode).toBe(status);
    const parsed = JSON.parse(response.body);
    expect(Object.keys(parsed).sort()).toEqual(['error', 'message']);
    expect(parsed.error).toBe(code);
    expect(await snapshot()).toBe(before);
  });

  it('POST /generate-url with text/plain → 415, nothing written', async () => {
    const before = await snapshot();
    const response = await stack.mint({ key: 'hello.txt' }, { 'Content-Type': 'text/plain' });
    expect(response.statusCode).toBe(415);
    expect(await snapshot()).toBe(before);
  });

  it.each(BAD_NONCE_QUERIES)('GET /access-object with %s → %i, nothing consumed', async (_name, query, status) => {
    const before = await snapshot();
    const response = await stack.access(gatewayRequest({ method: 'GET', path: '/access-object', query }));
    expect(response.statusCode).toBe(status);
    const parsed = JSON.parse(response.body);
    expect(parsed.error).toBe(status === 401 ? 'unauthorized' : 'nonce_invalid');
    expect(typeof parsed.message).toBe('string');
    expect(await snapshot()).toBe(before);
  });

  it('a repeated nonce is refused even when both copies are the valid nonce, and consumes nothing', async () => {
    const before = await snapshot();
    const request = gatewayRequest({
      method: 'GET',
      path: '/access-object',
      query: [
        ['nonce', nonce],
        ['nonce', nonce],
      ],
    });
    expect((await stack.access(request)).statusCode).toBe(403);
    expect(await snapshot()).toBe(before);
  });

  it('the valid nonce still redeems after all of that', async () => {
    expect((await stack.redeem(nonce)).statusCode).toBe(302);
  });
});
