import type middy from '@middy/core';
import type { TokenEvent } from './event.js';
import { errorResponse, type HttpResponse } from './responses.js';

/** The one place an error becomes a response: typed errors keep status and code, others are 500. */
export const errorResponseMiddleware = (): middy.MiddlewareObj<TokenEvent, HttpResponse> => ({
  onError: (request) => {
    request.response = errorResponse(
      request.error,
      request.event.requestContext?.requestId ?? 'unknown',
    );
  },
});
