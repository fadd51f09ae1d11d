/** Bad input for POST /generate-url and GET /access-object, shared by the unit and integration suites. */

const tooLong = 'k'.repeat(1025);
const twoByteKey = 'é'.repeat(513); // 1026 UTF-8 bytes in 513 characters
/** [name, body, status, error code, field the message must name] */
export const BAD_GENERATE_BODIES: Array<[string, unknown, number, string, string?]> = [
  ['invalid JSON', '{"key": "hello.txt"', 400, 'invalid_json'],
  ['an empty body', '', 400, 'invalid_json'],
  ['JSON null', 'null', 400, 'invalid_request'],
  ['a JSON array', '[{"key":"hello.txt"}]', 400, 'invalid_request'],
  ['a JSON string', '"hello.txt"', 400, 'invalid_request'],
  ['a JSON number', '42', 400, 'invalid_request'],
  ['no key', {}, 400, 'invalid_request', 'key'],
  ['key is a number', { key: 42 }, 400, 'invalid_request', 'key'],
  ['key is null', { key: null }, 400, 'invalid_request', 'key'],
  ['key is an object', { key: { a: 1 } }, 400, 'invalid_request', 'key'],
  ['key is empty', { key: '' }, 400, 'invalid_request', 'key'],
  ['key over 1024 bytes', { key: tooLong }, 400, 'invalid_request', 'key'],
  ['key over 1024 UTF-8 bytes in fewer characters', { key: twoByteKey }, 400, 'invalid_request', 'key'],
  ['key with a newline', { key: 'hello\n.txt' }, 400, 'invalid_request', 'key'],
  ['key with a NUL', { key: 'hello\u0000.txt' }, 400, 'invalid_request', 'key'],
  ['key with DEL', { key: 'hello\u007f.txt' }, 400, 'invalid_request', 'key'],
  ['key with a lone surrogate', '{"key":"\\ud800.txt"}', 400, 'invalid_request', 'key'],
  ['unknown field bucket', { key: 'hello.txt', bucket: 'other-bucket' }, 400, 'invalid_request', 'bucket'],
  ['unknown field nonce', { key: 'hello.txt', nonce: 'x' }, 400, 'invalid_request', 'nonce'],
  ['expiresInSeconds 0', { key: 'hello.txt', expiresInSeconds: 0 }, 400, 'invalid_request', 'expiresInSeconds'],
  ['expiresInSeconds -1', { key: 'hello.txt', expiresInSeconds: -1 }, 400, 'invalid_request', 'expiresInSeconds'],
  ['expiresInSeconds 1.5', { key: 'hello.txt', expiresInSeconds: 1.5 }, 400, 'invalid_request', 'expiresInSeconds'],
  [
    'expiresInSeconds too large',
    { key: 'hello.txt', expiresInSeconds: 604_801 },
    400,
    'invalid_request',
    'expiresInSeconds',
  ],
  [
    'expiresInSeconds a string',
    { key: 'hello.txt', expiresInSeconds: '60' },
    400,
    'invalid_request',
    'expiresInSeconds',
  ],
  ['expiresInSeconds null', { key: 'hello.txt', expiresInSeconds: null }, 400, 'invalid_request', 'expiresInSeconds'],
  [
    'expiresInSeconds 1e400 (Infinity)',
    '{"key":"hello.txt","expiresInSeconds":1e400}',
    400,
    'invalid_request',
    'expiresInSeconds',
  ],
  ['maxUses 0', { key: 'hello.txt', maxUses: 0 }, 400, 'invalid_request', 'maxUses'],
  ['maxUses over the limit', { key: 'hello.txt', maxUses: 101 }, 400, 'invalid_request', 'maxUses'],
  ['maxUses null', { key: 'hello.txt', maxUses: null }, 400, 'invalid_request', 'maxUses'],
  ['maxUses a boolean', { key: 'hello.txt', maxUses: true }, 400, 'invalid_request', 'maxUses'],
  [
    'disposition too long',
    { key: 'hello.txt', responseContentDisposition: 'a'.repeat(513) },
    400,
    'invalid_request',
    'responseContentDisposition',
  ],
  [
    'disposition with CRLF',
    { key: 'hello.txt', responseContentDisposition: 'inline\r\nX-Evil: 1' },
    400,
    'invalid_request',
    'responseContentDisposition',
  ],
  ['a body over 8 KiB', { key: 'hello.txt', pad: 'x'.repeat(8200) }, 413, 'payload_too_large'],
  ['a key that does not exist', { key: 'missing.txt' }, 404, 'object_not_found'],
];

/** [name, query pairs, status]: nonces the authorizer must refuse before any lookup, or the gateway before it. */
export const BAD_NONCE_QUERIES: Array<[string, Array<[string, string]>, number]> = [
  ['no nonce at all', [], 401],
  ['an empty nonce', [['nonce', '']], 401],
  ['a nonce under another name', [['token', 'A'.repeat(43)]], 401],
  ['42 characters', [['nonce', 'A'.repeat(42)]], 403],
  ['44 characters', [['nonce', 'A'.repeat(44)]], 403],
  ['a 10 KB nonce', [['nonce', 'A'.repeat(10_240)]], 403],
  ['standard base64 characters', [['nonce', `${'A'.repeat(41)}+/`]], 403],
  ['padding', [['nonce', `${'A'.repeat(42)}=`]], 403],
  ['unicode', [['nonce', `${'A'.repeat(41)}éü`]], 403],
  ['a space inside', [['nonce', `${'A'.repeat(21)} ${'A'.repeat(21)}`]], 403],
  ['SQL-ish text', [['nonce', "' OR 1=1 --"]], 403],
  [
    'the nonce given twice',
    [
      ['nonce', 'A'.repeat(43)],
      ['nonce', 'B'.repeat(43)],
    ],
    403,
  ],
];
