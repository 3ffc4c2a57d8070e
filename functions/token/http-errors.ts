import type middy from '@middy/core';
import type { TokenEvent } from './event.js';
import { errorResponse, type HttpResponse } from './responses.js';

/** The one place an error becomes a response. */
export const httpErrors = (): middy.MiddlewareObj<TokenEvent, HttpResponse> => ({
  onError: (request) => {
    if (request.response !== undefined) return;
    request.response = errorResponse(
      request.error,
      request.event.requestContext?.requestId ?? 'unknown',
    );
  },
});
