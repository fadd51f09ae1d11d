import type { UploadLimits } from '../core/ports.js';

/**
 * What the 201 of POST /generate-url and the status of a nonce say about its operation: `"download"`, or
 * `"upload"` with the largest object accepted and the pinned content type (when one is).
 */
export const operationFields = (
  upload: UploadLimits | undefined,
): { operation: 'download' } | { operation: 'upload'; maxBytes: number; contentType?: string } =>
  upload === undefined
    ? { operation: 'download' }
    : {
        operation: 'upload',
        maxBytes: upload.maxBytes,
        ...(upload.contentType === undefined ? {} : { contentType: upload.contentType }),
      };
